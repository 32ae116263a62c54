// libFuzzer target for the Loki JSON decoder: any input must either decode or fail with
// InvalidInput, never crash; decoding the same bytes twice gives the same answer (WAL replay
// relies on it); the batches keep protocols/fuzz_invariants.h; messages are valid UTF-8 (they go
// into JSON answers).
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/input_padding.h"
#include "protocols/fuzz_invariants.h"
#include "protocols/loki/loki.h"

namespace {

struct Outcome {
  bool ok = false;
  std::size_t stored = 0, failed = 0;
  std::string message;
  bool operator==(const Outcome&) const = default;
};

Outcome Run(std::string_view body) {
  ingot::model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  o.min_timestamp_us = 1'600'000'000'000'000;
  o.max_columns = 16;  // small, so the `_extra` overflow path is exercised too
  o.max_fields = 12;
  ingot::protocols::Decoded decoded(o);
  const ingot::Status st = ingot::protocols::loki::DecodeJson(body, decoded.Stream("s"));
  if (!st.ok() && st.code() != ingot::StatusCode::kInvalidInput) std::abort();
  if (!simdjson::validate_utf8(st.message().data(), st.message().size())) std::abort();
  decoded.Finish();
  ingot::protocols::CheckDecodedInvariants(decoded);
  return {st.ok(), decoded.successful(), decoded.failed(), std::string(st.message())};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string padded(reinterpret_cast<const char*>(data), size);
  padded.append(ingot::kInputPadding, '\0');
  const std::string_view body(padded.data(), size);
  if (!(Run(body) == Run(body))) std::abort();
  return 0;
}
