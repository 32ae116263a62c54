// libFuzzer target for the OTLP/JSON decoder. The first input byte picks the signal (logs,
// metrics, traces), the rest is the request. Any input must decode or fail with InvalidInput,
// never crash; columns stay aligned, and decoding the same bytes twice gives the same rows.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/input_padding.h"
#include "protocols/fuzz_invariants.h"
#include "protocols/otlp/otlp.h"
#include "protocols/otlp/test_util.h"

namespace {

using namespace ingot::protocols;

ingot::model::BuilderOptions Options() {
  ingot::model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  o.min_timestamp_us = 1'600'000'000'000'000;
  o.max_columns = 64;
  o.max_fields = 200;
  return o;
}

// The rows as text, or nothing when the request failed.
std::vector<std::string> Run(otlp::Signal signal, std::string_view body) {
  Decoded decoded(Options());
  otlp::ExportResult result;
  const ingot::Status st = otlp::DecodeJson(signal, body, decoded.Stream("s"), result);
  if (!st.ok()) {
    if (st.code() != ingot::StatusCode::kInvalidInput) std::abort();
    return {};
  }
  decoded.Finish();
  CheckDecodedInvariants(decoded);
  const auto& batch = decoded.streams()[0]->builder.batch();
  std::vector<std::string> rows = otlp::testing::RowsText(batch);
  rows.push_back(std::to_string(result.rejected));
  return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto signal = static_cast<otlp::Signal>(data[0] % 3);
  std::string padded(reinterpret_cast<const char*>(data) + 1, size - 1);
  padded.append(ingot::kInputPadding, '\0');
  const std::string_view body(padded.data(), size - 1);
  if (Run(signal, body) != Run(signal, body)) std::abort();
  return 0;
}
