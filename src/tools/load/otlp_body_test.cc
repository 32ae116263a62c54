#include "tools/load/otlp_body.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "tools/load/body_pool.h"
#include "tools/load/client.h"

namespace ingot::load {
namespace {

using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::logs::v1::LogRecord;

LoadOptions Options(Endpoint e, Workload w = Workload::kLogs) {
  LoadOptions o;
  o.endpoint = e;
  o.workload = w;
  o.stream = "app";
  o.bodies = 2;
  o.connections = 2;
  o.start_timestamp_ms = 1'750'000'000'000;
  return o;
}

// The request a body holds: protobuf parsed by libprotobuf, OTLP/JSON by libprotobuf's JSON
// parser (valid OTLP/JSON without ids is valid protobuf JSON).
ExportLogsServiceRequest Parse(Endpoint e, const std::string& raw) {
  ExportLogsServiceRequest request;
  if (e == Endpoint::kOtlpProto) {
    EXPECT_TRUE(request.ParseFromString(raw));
  } else {
    const auto st = google::protobuf::util::JsonStringToMessage(raw, &request);
    EXPECT_TRUE(st.ok()) << st.ToString() << "\n" << raw.substr(0, 500);
  }
  return request;
}

const AnyValue* Attribute(const LogRecord& r, std::string_view key) {
  for (const KeyValue& kv : r.attributes()) {
    if (kv.key() == key) return &kv.value();
  }
  return nullptr;
}

// The generated record `i` of the logs workload, as simdjson sees it.
TEST(OtlpBody, LogRecordsCarryTheWorkloadsFields) {
  for (Endpoint e : {Endpoint::kOtlpProto, Endpoint::kOtlpJson}) {
    SCOPED_TRACE(std::string(EndpointName(e)));
    const LoadOptions o = Options(e);
    auto pool = BodyPool::Build(o, ParseUrl("http://127.0.0.1:5080").value(), 5, "");
    ASSERT_TRUE(pool.ok()) << pool.status().ToString();
    // The same records as the JSON endpoints send.
    auto multi = BodyPool::Build(Options(Endpoint::kMulti),
                                 ParseUrl("http://127.0.0.1:5080").value(), 5, "");
    ASSERT_TRUE(multi.ok());
    const ExportLogsServiceRequest request = Parse(e, pool->body(0).raw);
    ASSERT_EQ(request.resource_logs_size(), 1);
    const auto& resource = request.resource_logs(0).resource();
    ASSERT_EQ(resource.attributes_size(), 1);
    EXPECT_EQ(resource.attributes(0).key(), "service.name");
    EXPECT_EQ(resource.attributes(0).value().string_value(), "ingot-load");
    ASSERT_EQ(request.resource_logs(0).scope_logs_size(), 1);
    const auto& scope = request.resource_logs(0).scope_logs(0);
    EXPECT_EQ(scope.scope().name(), "ingot-load");
    ASSERT_EQ(scope.log_records_size(), 5);

    simdjson::dom::parser parser;
    std::string_view lines = multi->body(0).raw;
    for (const LogRecord& r : scope.log_records()) {
      const std::string line(lines.substr(0, lines.find('\n')));
      lines.remove_prefix(line.size() + 1);
      simdjson::dom::element json = parser.parse(line);
      EXPECT_EQ(r.time_unix_nano(),
                static_cast<std::uint64_t>(json["timestamp"].get_int64().value()) * 1'000'000);
      const std::string_view level = json["level"].get_string().value();
      EXPECT_EQ(r.severity_text(), level);
      const int expected = level == "INFO" ? 9 : level == "WARN" ? 13 : level == "ERROR" ? 17 : 5;
      EXPECT_EQ(r.severity_number(), expected);
      EXPECT_EQ(r.body().string_value(), json["message"].get_string().value());
      ASSERT_NE(Attribute(r, "user_id"), nullptr);
      EXPECT_EQ(Attribute(r, "user_id")->int_value(), json["user_id"].get_int64().value());
      EXPECT_EQ(Attribute(r, "request_id")->string_value(),
                json["request_id"].get_string().value());
      EXPECT_EQ(Attribute(r, "duration_ms")->int_value(), json["duration_ms"].get_int64().value());
      const AnyValue* metadata = Attribute(r, "metadata");
      ASSERT_NE(metadata, nullptr);
      ASSERT_TRUE(metadata->has_kvlist_value());
      ASSERT_EQ(metadata->kvlist_value().values_size(), 3);
      EXPECT_EQ(metadata->kvlist_value().values(0).key(), "host");
      EXPECT_EQ(metadata->kvlist_value().values(0).value().string_value(),
                json["metadata"]["host"].get_string().value());
      EXPECT_EQ(r.attributes_size(), 4);  // user_id, request_id, duration_ms, metadata
    }
    const std::string& head = pool->body(0).head;
    EXPECT_NE(head.find("POST /api/default/v1/logs HTTP/1.1\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("stream-name: app\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find(e == Endpoint::kOtlpProto ? "Content-Type: application/x-protobuf\r\n"
                                                  : "Content-Type: application/json\r\n"),
              std::string::npos)
        << head;
  }
}

TEST(OtlpBody, ProtobufAndJsonHoldTheSameRequestForEveryWorkload) {
  for (Workload w : {Workload::kLogs, Workload::kWide, Workload::kNarrow, Workload::kMetrics}) {
    SCOPED_TRACE(std::string(WorkloadName(w)));
    const Target target = ParseUrl("http://127.0.0.1:5080").value();
    auto proto = BodyPool::Build(Options(Endpoint::kOtlpProto, w), target, 50, "");
    auto json = BodyPool::Build(Options(Endpoint::kOtlpJson, w), target, 50, "");
    ASSERT_TRUE(proto.ok() && json.ok());
    for (std::size_t i = 0; i < proto->size(); ++i) {
      const ExportLogsServiceRequest a = Parse(Endpoint::kOtlpProto, proto->body(i).raw);
      const ExportLogsServiceRequest b = Parse(Endpoint::kOtlpJson, json->body(i).raw);
      EXPECT_EQ(a.resource_logs(0).scope_logs(0).log_records_size(), 50);
      std::string diff;
      google::protobuf::util::MessageDifferencer d;
      d.ReportDifferencesToString(&diff);
      EXPECT_TRUE(d.Compare(a, b)) << diff;
    }
  }
}

TEST(OtlpBody, EscapedStringsAreUnescapedInProtobuf) {
  OtlpLogsBody proto(false, "");
  ASSERT_TRUE(
      proto.Add(R"({"message":"a \"quoted\"\n\u00e9\ud83d\ude00","k":[1,2.5,null,true]})").ok());
  std::string raw;
  std::vector<std::uint32_t> ids;
  proto.Finish(raw, ids);
  const ExportLogsServiceRequest r = Parse(Endpoint::kOtlpProto, raw);
  const LogRecord& rec = r.resource_logs(0).scope_logs(0).log_records(0);
  EXPECT_EQ(rec.body().string_value(), "a \"quoted\"\n\xc3\xa9\xf0\x9f\x98\x80");
  const auto& values = Attribute(rec, "k")->array_value().values();
  ASSERT_EQ(values.size(), 4);
  EXPECT_EQ(values[0].int_value(), 1);
  EXPECT_EQ(values[1].double_value(), 2.5);
  EXPECT_EQ(values[2].value_case(), AnyValue::VALUE_NOT_SET);
  EXPECT_TRUE(values[3].bool_value());
  EXPECT_FALSE(proto.Add("[1]").ok());
  EXPECT_FALSE(proto.Add(R"({"a":)").ok());
}

TEST(OtlpBody, RecordIdsArePatchedInPlace) {
  for (Endpoint e : {Endpoint::kOtlpProto, Endpoint::kOtlpJson}) {
    SCOPED_TRACE(std::string(EndpointName(e)));
    auto pool = BodyPool::Build(Options(e), ParseUrl("http://127.0.0.1:5080").value(), 3, "run1");
    ASSERT_TRUE(pool.ok());
    Body& body = pool->body(1);
    ASSERT_EQ(body.id_offsets.size(), 3u);
    const std::size_t size = body.raw.size();
    PatchIds(body, 123'456'789'012);
    EXPECT_EQ(body.raw.size(), size);
    ExportLogsServiceRequest request;
    if (e == Endpoint::kOtlpProto) {
      ASSERT_TRUE(request.ParseFromString(body.raw));
    } else {
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(body.raw, &request).ok());
    }
    const auto& records = request.resource_logs(0).scope_logs(0).log_records();
    ASSERT_EQ(records.size(), 3);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(records[i].attributes(0).key(), "load_id");
      EXPECT_EQ(records[i].attributes(0).value().string_value(),
                "run1-" + std::to_string(123'456'789'012 + i));
    }
  }
}

TEST(OtlpBody, RejectedRecordsInTheAnswer) {
  // ExportLogsServiceResponse{} is empty; partial_success {rejected_log_records: 2, "why"}.
  EXPECT_FALSE(internal::ReportsRejectedRecords(Endpoint::kOtlpProto, ""));
  EXPECT_TRUE(internal::ReportsRejectedRecords(Endpoint::kOtlpProto,
                                               std::string("\x0a\x07\x08\x02\x12\x03why", 9)));
  // partial_success with only a message (a warning): nothing rejected.
  EXPECT_FALSE(internal::ReportsRejectedRecords(Endpoint::kOtlpProto,
                                                std::string("\x0a\x05\x12\x03why", 7)));
  EXPECT_FALSE(internal::ReportsRejectedRecords(Endpoint::kOtlpJson, "{}"));
  EXPECT_TRUE(internal::ReportsRejectedRecords(
      Endpoint::kOtlpJson, R"({"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"x"}})"));
  EXPECT_FALSE(internal::ReportsRejectedRecords(
      Endpoint::kOtlpJson, R"({"partialSuccess":{"errorMessage":"warning"}})"));
}

TEST(OtlpBody, EndpointNames) {
  EXPECT_EQ(ParseEndpoint("otlp-proto").value(), Endpoint::kOtlpProto);
  EXPECT_EQ(ParseEndpoint("otlp-json").value(), Endpoint::kOtlpJson);
  EXPECT_EQ(EndpointName(Endpoint::kOtlpJson), "otlp-json");
  EXPECT_FALSE(ParseEndpoint("otlp").ok());
}

}  // namespace
}  // namespace ingot::load
