// The OTLP answers, read back with libprotobuf (the generated classes of our .proto files).
#include "protocols/otlp/otlp.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "protocols/otlp/wire.h"

namespace ingot::protocols::otlp {
namespace {

namespace logs_pb = opentelemetry::proto::collector::logs::v1;
namespace metrics_pb = opentelemetry::proto::collector::metrics::v1;
namespace trace_pb = opentelemetry::proto::collector::trace::v1;

TEST(ExportResult, RecordsFailedAfterDecodingArePartialSuccess) {
  Decoded decoded(model::BuilderOptions{});
  EXPECT_EQ(ExportResultOf({}, decoded).rejected, 0);
  EXPECT_EQ(ExportResultOf({1, "no body"}, decoded).rejected, 1);
  EXPECT_EQ(ExportResultOf({1, "no body"}, decoded).error_message, "no body");
  StreamRecords& s = decoded.Stream("app");
  s.RecordFailure("_timestamp out of range");
  s.RecordFailure("_timestamp out of range");
  EXPECT_EQ(ExportResultOf({}, decoded).rejected, 2);
  EXPECT_EQ(ExportResultOf({}, decoded).error_message, "_timestamp out of range");
  EXPECT_EQ(ExportResultOf({1, "no body"}, decoded).error_message, "no body");
}

TEST(Signal, Names) {
  EXPECT_EQ(SignalName(Signal::kLogs), "logs");
  EXPECT_EQ(SignalName(Signal::kMetrics), "metrics");
  EXPECT_EQ(SignalName(Signal::kTraces), "traces");
}

TEST(ExportResponse, EmptyWithoutRejections) {
  EXPECT_EQ(EncodeExportResponseProtobuf(Signal::kLogs, {}), "");
  EXPECT_EQ(EncodeExportResponseJson(Signal::kTraces, {}), "{}");
  logs_pb::ExportLogsServiceResponse r;
  ASSERT_TRUE(r.ParseFromString(EncodeExportResponseProtobuf(Signal::kLogs, {})));
  EXPECT_FALSE(r.has_partial_success());
}

TEST(ExportResponse, PartialSuccessProtobufPerSignal) {
  const ExportResult result{2, "bad record"};
  logs_pb::ExportLogsServiceResponse l;
  ASSERT_TRUE(l.ParseFromString(EncodeExportResponseProtobuf(Signal::kLogs, result)));
  EXPECT_EQ(l.partial_success().rejected_log_records(), 2);
  EXPECT_EQ(l.partial_success().error_message(), "bad record");
  metrics_pb::ExportMetricsServiceResponse m;
  ASSERT_TRUE(m.ParseFromString(EncodeExportResponseProtobuf(Signal::kMetrics, result)));
  EXPECT_EQ(m.partial_success().rejected_data_points(), 2);
  trace_pb::ExportTraceServiceResponse t;
  ASSERT_TRUE(t.ParseFromString(EncodeExportResponseProtobuf(Signal::kTraces, result)));
  EXPECT_EQ(t.partial_success().rejected_spans(), 2);
  EXPECT_EQ(t.partial_success().error_message(), "bad record");
  // A warning alone (rejected 0) is still a partial_success.
  trace_pb::ExportTraceServiceResponse w;
  ASSERT_TRUE(w.ParseFromString(EncodeExportResponseProtobuf(Signal::kTraces, {0, "note"})));
  EXPECT_TRUE(w.has_partial_success());
  EXPECT_EQ(w.partial_success().rejected_spans(), 0);
  EXPECT_EQ(w.partial_success().error_message(), "note");
}

TEST(ExportResponse, PartialSuccessJsonReadsBackWithTheJsonMapping) {
  const ExportResult result{3, "resource_logs[0]: \"x\" out of window"};
  const std::string json = EncodeExportResponseJson(Signal::kMetrics, result);
  EXPECT_EQ(
      json,
      R"({"partialSuccess":{"rejectedDataPoints":"3","errorMessage":"resource_logs[0]: \"x\" out of window"}})");
  metrics_pb::ExportMetricsServiceResponse m;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &m).ok());
  EXPECT_EQ(m.partial_success().rejected_data_points(), 3);
  EXPECT_EQ(m.partial_success().error_message(), result.error_message);
  logs_pb::ExportLogsServiceResponse l;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  EncodeExportResponseJson(Signal::kLogs, {7, ""}), &l)
                  .ok());
  EXPECT_EQ(l.partial_success().rejected_log_records(), 7);
  EXPECT_EQ(EncodeExportResponseJson(Signal::kTraces, {1, ""}),
            R"({"partialSuccess":{"rejectedSpans":"1"}})");
}

// google.rpc.Status {code = 1, message = 2}, read field by field.
void ReadStatus(const std::string& bytes, std::int64_t& code, std::string& message) {
  wire::Reader r(bytes);
  code = 0;
  message.clear();
  while (!r.done()) {
    std::uint32_t tag;
    ASSERT_TRUE(r.ReadTag(tag));
    if (tag == wire::Tag(1, wire::kVarint)) {
      std::uint64_t v;
      ASSERT_TRUE(r.ReadVarint(v));
      code = static_cast<std::int32_t>(v);
    } else {
      ASSERT_EQ(tag, wire::Tag(2, wire::kLen));
      std::string_view s;
      ASSERT_TRUE(r.ReadString(s));
      message = s;
    }
  }
}

TEST(Status, ProtobufAndJson) {
  std::int64_t code;
  std::string message;
  ReadStatus(EncodeStatusProtobuf(14, "busy, retry"), code, message);
  EXPECT_EQ(code, 14);
  EXPECT_EQ(message, "busy, retry");
  ReadStatus(EncodeStatusProtobuf(3, std::string(300, 'x')), code, message);
  EXPECT_EQ(code, 3);
  EXPECT_EQ(message.size(), 300u);
  EXPECT_EQ(EncodeStatusProtobuf(0, ""), "");
  EXPECT_EQ(EncodeStatusJson(3, "malformed \"body\""),
            R"({"code":3,"message":"malformed \"body\""})");
}

TEST(Status, MessagesAreMadeValidUtf8) {
  std::int64_t code;
  std::string message;
  ReadStatus(EncodeStatusProtobuf(3, "bad \xff key \xc3\xa9"), code, message);
  EXPECT_EQ(message, "bad ? key ??");
  ReadStatus(EncodeStatusProtobuf(3, "caf\xc3\xa9"), code, message);
  EXPECT_EQ(message, "caf\xc3\xa9");  // valid UTF-8 is kept
  EXPECT_EQ(EncodeStatusJson(3, "\xff"), R"({"code":3,"message":"?"})");
}

// wire::ValidUtf8's ASCII shortcuts (8-byte words, the overlapping last word, short strings)
// agree with simdjson's full validation wherever the non-ASCII bytes are.
TEST(Wire, ValidUtf8AtEveryLengthAndPosition) {
  const std::string_view inserts[] = {"\xff",         "\xc3\xa9",         "\xc3",
                                      "\xed\xa0\x80", "\xf0\x9f\x98\x80", "\xe2\x82"};
  int invalid = 0;
  for (std::size_t len = 0; len <= 40; ++len) {
    for (std::size_t pos = 0; pos <= len; ++pos) {
      for (const std::string_view insert : inserts) {
        std::string s(len, 'a');
        s.insert(pos, insert);
        const bool want = simdjson::validate_utf8(s.data(), s.size());
        invalid += !want;
        EXPECT_EQ(wire::ValidUtf8(s), want) << len << " " << pos << " " << insert.size();
      }
    }
    EXPECT_TRUE(wire::ValidUtf8(std::string(len, 'a')));
  }
  EXPECT_GT(invalid, 0);
}

}  // namespace
}  // namespace ingot::protocols::otlp
