// `_multi` (NDJSON) and `_json` (array of objects, or one object) request bodies.
#pragma once

#include <string_view>

#include "common/status.h"
#include "protocols/decoded.h"

namespace ingot::protocols::json {

// Decodes NDJSON: one JSON object per line, blank lines skipped. A malformed line fails the whole
// request with InvalidInput naming the line; a record rejected by normalization (bad `_timestamp`)
// is counted in `stream.failed` and the rest goes on.
// REQUIRES: kInputPadding readable bytes after `body`.
Status DecodeNdjson(std::string_view body, StreamRecords& stream);

// Decodes a JSON array of objects, or a single object. Same error rules as DecodeNdjson, with the
// array element's index in messages.
// REQUIRES: kInputPadding readable bytes after `body`.
Status DecodeJsonArray(std::string_view body, StreamRecords& stream);

}  // namespace ingot::protocols::json
