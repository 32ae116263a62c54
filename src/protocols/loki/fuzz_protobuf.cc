// Differential libFuzzer target for the Loki protobuf decoder. The input is an uncompressed
// PushRequest: ours must fail exactly when libprotobuf's parse (+ the same Emitter: reference.h)
// does, always with InvalidInput, and otherwise give the very same rows, keeping
// protocols/fuzz_invariants.h. The input snappy-compressed must decode the same way through
// DecodeProtobuf, and the raw input taken as a snappy body must never crash.
#include <google/protobuf/stubs/logging.h>
#include <snappy.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/input_padding.h"
#include "protocols/fuzz_invariants.h"
#include "protocols/loki/loki.h"
#include "protocols/loki/reference.h"
#include "protocols/otlp/test_util.h"

namespace {

using namespace ingot::protocols;

ingot::model::BuilderOptions Options() {
  ingot::model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  o.min_timestamp_us = 1'600'000'000'000'000;  // some entries fail one by one
  o.max_columns = 16;  // small, so the `_extra` overflow path is exercised too
  return o;
}

struct Result {
  ingot::Status status;
  std::vector<std::string> rows;
  std::size_t failed = 0;
};

template <typename Decode>
Result Run(Decode decode, std::string_view bytes) {
  std::string padded(bytes);
  padded.append(ingot::kInputPadding, '\0');
  Decoded decoded(Options());
  Result r;
  r.status = decode(std::string_view(padded.data(), bytes.size()), decoded.Stream("s"));
  if (!r.status.ok() && r.status.code() != ingot::StatusCode::kInvalidInput) std::abort();
  if (!r.status.ok()) return r;
  decoded.Finish();
  CheckDecodedInvariants(decoded);
  r.rows = otlp::testing::RowsText(decoded.streams()[0]->builder.batch());
  r.failed = decoded.failed();
  return r;
}

}  // namespace

// libprotobuf logs every string that is not UTF-8 as an error: silence it, it is what we test.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  const Result ours = Run(loki::DecodePushRequest, message);
  const Result ref = Run(loki::DecodeReference, message);
  if (ours.status.ok() != ref.status.ok()) {
    std::fprintf(stderr, "ours: %s\nlibprotobuf: %s\n", ours.status.ToString().c_str(),
                 ref.status.ToString().c_str());
    std::abort();
  }
  if (ours.rows != ref.rows || ours.failed != ref.failed) {
    std::fprintf(stderr, "rows differ from libprotobuf's\n");
    std::abort();
  }
  std::string compressed;
  snappy::Compress(message.data(), message.size(), &compressed);
  const Result snappy_body = Run(loki::DecodeProtobuf, compressed);
  if (snappy_body.status.ok() != ours.status.ok() || snappy_body.rows != ours.rows) std::abort();
  (void)Run(loki::DecodeProtobuf, message);
  return 0;
}
