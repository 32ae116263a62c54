// Differential libFuzzer target for the protobuf OTLP decoder. The first input byte picks the
// signal (logs, metrics, traces), the rest is the Export*ServiceRequest. Our decoder must fail
// exactly when libprotobuf's parse fails (always with InvalidInput), and otherwise produce the very
// same rows as libprotobuf + the same mapping (reference.h), with aligned columns. The OTLP/JSON of
// every request libprotobuf parses (its JSON mapping, ids in hex) must decode to the same rows too.
#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/input_padding.h"
#include "protocols/fuzz_invariants.h"
#include "protocols/otlp/otlp.h"
#include "protocols/otlp/reference.h"
#include "protocols/otlp/test_util.h"

namespace {

using namespace ingot::protocols;

ingot::model::BuilderOptions Options() {
  ingot::model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  o.min_timestamp_us = 1'600'000'000'000'000;  // some records fail one by one
  o.max_columns = 64;  // small, so the `_extra` overflow path is exercised too
  o.max_fields = 200;
  return o;
}

void CheckAligned(const ingot::model::RecordBatch& batch) {
  for (std::size_t c = 0; c < batch.num_columns(); ++c) {
    if (batch.column(c).rows() != batch.num_rows()) std::abort();
  }
}

}  // namespace

// libprotobuf logs every string that is not UTF-8 as an error: silence it, it is what we test.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto signal = static_cast<otlp::Signal>(data[0] % 3);
  std::string padded(reinterpret_cast<const char*>(data) + 1, size - 1);
  padded.append(ingot::kInputPadding, '\0');
  const std::string_view body(padded.data(), size - 1);

  Decoded ours(Options());
  otlp::ExportResult ours_result;
  const ingot::Status st = otlp::DecodeProtobuf(signal, body, ours.Stream("s"), ours_result);
  if (!st.ok() && st.code() != ingot::StatusCode::kInvalidInput) std::abort();

  Decoded ref(Options());
  otlp::ExportResult ref_result;
  google::protobuf::Arena arena;
  const ingot::Status ref_st =
      otlp::DecodeReference(signal, body, &arena, ref.Stream("s"), ref_result);
  if (st.ok() != ref_st.ok()) {
    std::fprintf(stderr, "ours: %s\nlibprotobuf: %s\n", st.ToString().c_str(),
                 ref_st.ToString().c_str());
    std::abort();
  }
  if (!st.ok()) return 0;
  ours.Finish();
  ref.Finish();
  CheckDecodedInvariants(ours);
  const auto& a = ours.streams()[0]->builder.batch();
  const auto& b = ref.streams()[0]->builder.batch();
  CheckAligned(a);
  if (otlp::testing::RowsText(a) != otlp::testing::RowsText(b)) {
    std::fprintf(stderr, "rows differ from libprotobuf's\n");
    std::abort();
  }
  if (ours_result.rejected != ref_result.rejected) std::abort();

  // The same message as OTLP/JSON.
  std::unique_ptr<google::protobuf::Message> message;
  switch (signal) {
    case otlp::Signal::kLogs:
      message = std::make_unique<otlp::pb::collector_logs::ExportLogsServiceRequest>();
      break;
    case otlp::Signal::kMetrics:
      message = std::make_unique<otlp::pb::collector_metrics::ExportMetricsServiceRequest>();
      break;
    case otlp::Signal::kTraces:
      message = std::make_unique<otlp::pb::collector_trace::ExportTraceServiceRequest>();
      break;
  }
  if (!message->ParseFromArray(body.data(), static_cast<int>(body.size()))) std::abort();
  std::string json_body = otlp::testing::ToOtlpJson(*message);
  const std::size_t json_size = json_body.size();
  json_body.append(ingot::kInputPadding, '\0');
  Decoded from_json(Options());
  otlp::ExportResult json_result;
  const ingot::Status json_st = otlp::DecodeJson(
      signal, std::string_view(json_body.data(), json_size), from_json.Stream("s"), json_result);
  if (!json_st.ok()) {
    std::fprintf(stderr, "OTLP/JSON of a valid request fails: %s\n%s\n", json_st.ToString().c_str(),
                 json_body.c_str());
    std::abort();
  }
  from_json.Finish();
  if (otlp::testing::RowsText(from_json.streams()[0]->builder.batch()) !=
      otlp::testing::RowsText(a)) {
    std::fprintf(stderr, "OTLP/JSON rows differ:\n%s\n", json_body.c_str());
    std::abort();
  }
  return 0;
}
