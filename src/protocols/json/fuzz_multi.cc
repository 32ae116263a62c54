// libFuzzer target for the `_multi` (NDJSON) and `_json` decoders: any input must either decode
// or fail with InvalidInput, never crash, and decoding the same bytes twice gives the same answer;
// the batch keeps protocols/fuzz_invariants.h. The `_json` run flattens without a depth limit
// (--flatten-depth 0), the NDJSON run with the default 3.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/input_padding.h"
#include "protocols/fuzz_invariants.h"
#include "protocols/json/multi.h"

namespace {

ingot::model::BuilderOptions Options(bool array) {
  ingot::model::BuilderOptions o;
  o.max_depth = array ? 0 : 3;
  o.now_us = 1'700'000'000'000'000;
  o.min_timestamp_us = 0;
  o.max_columns = 64;  // small, so the `_extra` overflow path is exercised too
  return o;
}

std::size_t Run(const std::string& padded, std::size_t size, bool array) {
  ingot::protocols::Decoded decoded(Options(array));
  auto& stream = decoded.Stream("s");
  std::string_view body(padded.data(), size);
  ingot::Status st = array ? ingot::protocols::json::DecodeJsonArray(body, stream)
                           : ingot::protocols::json::DecodeNdjson(body, stream);
  if (!st.ok() && st.code() != ingot::StatusCode::kInvalidInput) std::abort();
  decoded.Finish();
  ingot::protocols::CheckDecodedInvariants(decoded);
  return st.ok() ? stream.builder.batch().num_rows() + 1 : 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string padded(reinterpret_cast<const char*>(data), size);
  padded.append(ingot::kInputPadding, '\0');
  for (bool array : {false, true}) {
    if (Run(padded, size, array) != Run(padded, size, array)) std::abort();
  }
  return 0;
}
