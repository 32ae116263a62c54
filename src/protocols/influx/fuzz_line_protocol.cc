// libFuzzer target for the line protocol decoder: any input must either decode or fail with
// InvalidInput (every line bad), never crash; decoding the same bytes twice gives the same answer
// (WAL replay relies on it); the batches keep protocols/fuzz_invariants.h; a failed body stores
// nothing; the first bad line's message is valid UTF-8. The first input byte picks the precision.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/input_padding.h"
#include "protocols/fuzz_invariants.h"
#include "protocols/influx/line_protocol.h"

namespace {

struct Outcome {
  bool ok = false;
  std::size_t stored = 0, bad = 0;
  std::string first;
  bool operator==(const Outcome&) const = default;
};

Outcome Run(std::string_view body, ingot::protocols::influx::Precision precision) {
  ingot::model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  o.min_timestamp_us = 0;
  o.max_columns = 16;  // small, so the `_extra` overflow path is exercised too
  o.max_fields = 12;
  o.max_record_bytes = 512;
  ingot::protocols::Decoded decoded(o);
  ingot::protocols::influx::LineErrors errors;
  const ingot::Status st =
      ingot::protocols::influx::DecodeLineProtocol(body, precision, decoded, errors);
  if (!st.ok() && (st.code() != ingot::StatusCode::kInvalidInput || errors.ok())) std::abort();
  decoded.Finish();
  ingot::protocols::CheckDecodedInvariants(decoded);
  if (!st.ok() && decoded.successful() != 0) std::abort();  // a failed request stores nothing
  // The message goes into a JSON answer: valid UTF-8 whatever the body.
  if (!simdjson::validate_utf8(errors.first.data(), errors.first.size())) std::abort();
  return {st.ok(), decoded.successful(), errors.bad, errors.first};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto precision = static_cast<ingot::protocols::influx::Precision>(
      data[0] % (ingot::protocols::influx::kMaxPrecision + 1));
  std::string padded(reinterpret_cast<const char*>(data) + 1, size - 1);
  padded.append(ingot::kInputPadding, '\0');
  const std::string_view body(padded.data(), size - 1);
  if (!(Run(body, precision) == Run(body, precision))) std::abort();
  return 0;
}
