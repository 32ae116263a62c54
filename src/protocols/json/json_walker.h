// Walks simdjson on-demand values straight into a BatchBuilder: objects are flattened into
// columns (up to the builder's depth limit), arrays and deeper objects are stored as JSON text,
// nulls are absent values. Shared by every JSON-based protocol (_json, _multi, _bulk, HEC).
#pragma once

#include <simdjson.h>

#include <cstring>
#include <string>
#include <string_view>

#include "common/ascii.h"
#include "model/batch_builder.h"

namespace ingot::protocols::json {

// Deepest nesting of objects and arrays a record may have, counting the record's own object as
// level 1 (simdjson's DOM default, so OTLP/JSON has the same limit); a deeper record fails its
// request with simdjson::DEPTH_ERROR, whose ErrorText names this limit, whatever the flattening
// depth. The walk recurses once per flattened level, a few hundred bytes of stack each; flattening
// stops at 256-byte column names anyway (BatchBuilder::Flattens), so it never nears this depth,
// and deeper parts, stored as JSON text, are measured without recursion.
inline constexpr std::size_t kMaxNestingDepth = 1024;

// One on-demand parser per thread, reused across requests so its buffers are allocated once.
simdjson::ondemand::parser& ThreadParser();
// Frees the thread's parser buffers if a large document grew them (they take about five bytes per
// byte of the largest document parsed): one big request must not pin that memory on the thread
// for good. Called after decoders that parse a whole body as one document.
void TrimThreadParser();

// Whether the key whose text starts at `raw` (just after its opening quote) is exactly `plain`, a
// key without characters JSON escapes. Reads no byte past the key's closing quote: `plain` has no
// quote, so a shorter key differs at its quote and the loop stops there. (simdjson's
// unsafe_is_equal reads raw[plain.size()] first, which for a key predicted from an earlier request
// can lie past the end of the input.)
bool RawKeyEquals(const char* raw, std::string_view plain);

// Adds every field of `object` under `parent` to the record being built. DEPTH_ERROR when the
// record nests deeper than kMaxNestingDepth (`parent` is kRoot for the record itself).
simdjson::error_code WalkObject(simdjson::ondemand::object object, model::BatchBuilder& builder,
                                model::BatchBuilder::FieldId parent);
// Adds `value` as the value of `field`.
simdjson::error_code WalkValue(simdjson::ondemand::value value, model::BatchBuilder& builder,
                               model::BatchBuilder::FieldId field);

// True when `doc` has been read to its end (nothing follows the value just walked).
inline bool AtEnd(simdjson::ondemand::document& doc) {
  const char* location;
  return doc.current_location().get(location) == simdjson::OUT_OF_BOUNDS;
}

// "string", "number", ... for messages.
std::string_view JsonTypeName(simdjson::ondemand::json_type type);
// Whether JSON text `raw` (an array or object simdjson has read), placed `level` levels deep,
// reaches deeper than kMaxNestingDepth. O(1) for texts too short to (the common case).
bool TooDeep(std::string_view raw, std::size_t level);
// simdjson's message for `error`, without its trailing period (DEPTH_ERROR: ours, with the limit).
std::string ErrorText(simdjson::error_code error);

}  // namespace ingot::protocols::json

// Returns the error of a simdjson_result/error_code expression from the enclosing function.
#define INGOT_JSON_TRY(expr)                  \
  do {                                        \
    ::simdjson::error_code _e = (expr);       \
    if (_e != ::simdjson::SUCCESS) return _e; \
  } while (0)
