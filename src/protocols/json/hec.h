// Splunk HTTP Event Collector request bodies: one or more JSON event objects, concatenated or one
// per line, each like
//   {"time": 1700000000.123, "host": "h", "source": "s", "sourcetype": "t", "index": "web",
//    "event": "text" | {...}, "fields": {...}}
// Mapping (docs/protocols.md): an object `event` contributes its fields at the top level, a string
// `event` becomes column `log` (as OpenObserve does); `fields` are added at the top level; `host`,
// `source` and `sourcetype` become columns of the same name; `time` (epoch seconds, fractions
// allowed; ms/µs/ns detected by magnitude) sets `_timestamp`; `index` picks the stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocols/decoded.h"

namespace ingot::protocols::json {

// Splunk's error codes (docs.splunk.com, "HTTP Event Collector REST API" status codes).
enum class HecCode : int {
  kSuccess = 0,
  kNoData = 5,
  kInvalidDataFormat = 6,
  kIncorrectIndex = 7,
  kEventFieldRequired = 12,
  kEventFieldBlank = 13,
};

struct HecResult {
  HecCode code = HecCode::kSuccess;
  std::string text = "Success";
  std::size_t invalid_event_number = 0;  // 0-based index of the event that failed the request
  bool ok() const { return code == HecCode::kSuccess; }
  // {"text":"Success","code":0} or {"text":...,"code":6,"invalid-event-number":N}.
  std::string ResponseBody() const;
};

// Decodes `body` into `out`; a malformed event fails the whole request (nothing of it is kept),
// and so does an event the normalization rejects (code 6: Splunk's answer cannot tell a partly
// stored request from a stored one).
// `default_stream` (sanitized, non-empty) is used for events without `index`.
// REQUIRES: kInputPadding readable bytes after `body`.
HecResult DecodeHec(std::string_view body, std::string_view default_stream, Decoded& out);

}  // namespace ingot::protocols::json
