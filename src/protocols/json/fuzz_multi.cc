// libFuzzer target for the `_multi` (NDJSON) and `_json` decoders: any input must either decode
// or fail with InvalidInput, never crash, and decoding the same bytes twice gives the same answer.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocols/json/json_walker.h"
#include "protocols/json/multi.h"

namespace {

ingot::model::BuilderOptions Options() {
  ingot::model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  o.min_timestamp_us = 0;
  o.max_columns = 64;  // small, so the `_extra` overflow path is exercised too
  return o;
}

std::size_t Run(const std::string& padded, std::size_t size, bool array) {
  ingot::protocols::Decoded decoded(Options());
  auto& stream = decoded.Stream("s");
  std::string_view body(padded.data(), size);
  ingot::Status st = array ? ingot::protocols::json::DecodeJsonArray(body, stream)
                           : ingot::protocols::json::DecodeNdjson(body, stream);
  if (!st.ok() && st.code() != ingot::StatusCode::kInvalidInput) std::abort();
  decoded.Finish();
  const auto& batch = stream.builder.batch();
  for (std::size_t c = 0; c < batch.num_columns(); ++c) {
    if (batch.column(c).rows() != batch.num_rows()) std::abort();  // columns stay aligned
  }
  return st.ok() ? batch.num_rows() + 1 : 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string padded(reinterpret_cast<const char*>(data), size);
  padded.append(ingot::protocols::json::kPadding, '\0');
  for (bool array : {false, true}) {
    if (Run(padded, size, array) != Run(padded, size, array)) std::abort();
  }
  return 0;
}
