// The OTLP/HTTP and Prometheus remote_write routes end to end inside the process: an http::Server
// with IngestApi's routes over an Ingester without WAL, real HTTP requests (libcurl), the
// memtable's sealed partitions checked.
#include <gtest/gtest.h>

#include <string>

#include "api/ingest_routes_fixture.h"
#include "api/remote_write_http.h"
#include "http/test_compression.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "remote_write.pb.h"

namespace ingot::api {
namespace {

namespace logs_v1 = opentelemetry::proto::collector::logs::v1;
namespace trace_v1 = opentelemetry::proto::collector::trace::v1;
using http::testing::CurlResult;
using http::testing::Gzip;
using http::testing::Snappy;

constexpr std::uint64_t kNow2020Ns = 1'600'000'000'000'000'000ULL;

std::string LogsRequest(int records, std::uint64_t time_ns) {
  logs_v1::ExportLogsServiceRequest request;
  auto* rl = request.add_resource_logs();
  auto* attr = rl->mutable_resource()->add_attributes();
  attr->set_key("service.name");
  attr->mutable_value()->set_string_value("checkout");
  auto* scope = rl->add_scope_logs();
  for (int i = 0; i < records; ++i) {
    auto* record = scope->add_log_records();
    record->set_time_unix_nano(time_ns + static_cast<std::uint64_t>(i));
    record->mutable_body()->set_string_value("hello " + std::to_string(i));
  }
  return request.SerializeAsString();
}

// IngestRoutesTest: a server with IngestApi's routes over an Ingester without WAL.
class OtlpHttpRoutesTest : public IngestRoutesTest {};

TEST_F(OtlpHttpRoutesTest, ProtobufLogsToTheDefaultOrgAndTheStreamHeader) {
  flow_.set_ingester(&ingester_);
  const CurlResult r =
      client_->Post(base_ + "/v1/logs", LogsRequest(3, kNow2020Ns),
                    {"Content-Type: application/x-protobuf", "stream-name: My-App"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(HasHeader(r, "Content-Type: application/x-protobuf")) << r.headers;
  logs_v1::ExportLogsServiceResponse response;
  ASSERT_TRUE(response.ParseFromString(r.body));
  EXPECT_FALSE(response.has_partial_success());
  const auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].key.org, "default");
  EXPECT_EQ(sealed[0].key.stream, "my_app");
  EXPECT_EQ(sealed[0].key.type, model::StreamType::kLogs);
  EXPECT_EQ(sealed[0].rows, 3u);
  std::string metrics;
  flow_.metrics().RenderMetrics(metrics);
  EXPECT_NE(metrics.find("endpoint=\"otlp_http_logs\""), std::string::npos) << metrics;
}

TEST_F(OtlpHttpRoutesTest, JsonTracesWithAnOrgInThePathAndACharset) {
  flow_.set_ingester(&ingester_);
  const std::string body =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",)"
      R"("spanId":"eee19b7ec3c1b174","name":"GET /","kind":2,"startTimeUnixNano":"1600000000000000000",)"
      R"("endTimeUnixNano":"1600000000100000000"}]}]}]})";
  const CurlResult r = client_->Post(base_ + "/api/Acme/v1/traces", body,
                                     {"Content-Type: application/json; charset=utf-8"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(HasHeader(r, "Content-Type: application/json")) << r.headers;
  EXPECT_EQ(r.body, "{}");
  const auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].key.org, "acme");
  EXPECT_EQ(sealed[0].key.stream, "default");
  EXPECT_EQ(sealed[0].key.type, model::StreamType::kTraces);
}

TEST_F(OtlpHttpRoutesTest, GzipBodies) {
  flow_.set_ingester(&ingester_);
  const CurlResult r =
      client_->Post(base_ + "/v1/logs", Gzip(LogsRequest(5, kNow2020Ns)),
                    {"Content-Type: application/x-protobuf", "Content-Encoding: gzip"});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].rows, 5u);
}

TEST_F(OtlpHttpRoutesTest, RecordsOutsideTheWindowArePartialSuccess) {
  flow_.set_ingester(&ingester_);
  logs_v1::ExportLogsServiceRequest request;
  request.ParseFromString(LogsRequest(2, kNow2020Ns));
  request.mutable_resource_logs(0)->mutable_scope_logs(0)->add_log_records()->set_time_unix_nano(
      1'000'000'000ULL * 60);  // 1970: outside --max-past
  const CurlResult r = client_->Post(base_ + "/v1/logs", request.SerializeAsString(),
                                     {"Content-Type: application/x-protobuf"});
  ASSERT_EQ(r.status, 200) << r.body;
  logs_v1::ExportLogsServiceResponse response;
  ASSERT_TRUE(response.ParseFromString(r.body));
  ASSERT_TRUE(response.has_partial_success());
  EXPECT_EQ(response.partial_success().rejected_log_records(), 1);
  EXPECT_FALSE(response.partial_success().error_message().empty());
  const auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].rows, 2u);
}

TEST_F(OtlpHttpRoutesTest, MalformedBodiesAre400WithAStatusInTheRequestsEncoding) {
  flow_.set_ingester(&ingester_);
  CurlResult r = client_->Post(base_ + "/v1/logs", std::string("\x0a\xff\xff\xff\x0f\x01", 6),
                               {"Content-Type: application/x-protobuf"});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(HasHeader(r, "Content-Type: application/x-protobuf")) << r.headers;
  ASSERT_GE(r.body.size(), 2u);
  EXPECT_EQ(r.body[0], '\x08');  // google.rpc.Status.code = 3 (INVALID_ARGUMENT)
  EXPECT_EQ(r.body[1], '\x03');
  r = client_->Post(base_ + "/v1/metrics", R"({"resourceMetrics":[)",
                    {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.rfind("{\"code\":3,\"message\":", 0), 0u) << r.body;
  EXPECT_TRUE(Sealed().empty());
}

TEST_F(OtlpHttpRoutesTest, OtherContentTypesAre415) {
  flow_.set_ingester(&ingester_);
  for (const char* type : {"Content-Type: text/plain", "Content-Type: application/x-ndjson"}) {
    const CurlResult r = client_->Post(base_ + "/v1/logs", "{}", {type});
    EXPECT_EQ(r.status, 415) << type;
    EXPECT_NE(r.body.find("\"code\":3"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("application/x-protobuf or application/json"), std::string::npos);
  }
  EXPECT_EQ(client_->Post(base_ + "/api/acme/v1/traces", "{}", {"Content-Type: text/plain"}).status,
            415);
}

TEST_F(OtlpHttpRoutesTest, UnavailableWhileStartingWithRetryAfter) {
  const CurlResult r =
      client_->Post(base_ + "/v1/traces", trace_v1::ExportTraceServiceRequest{}.SerializeAsString(),
                    {"Content-Type: application/x-protobuf"});
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(HasHeader(r, "Retry-After: 1")) << r.headers;
  ASSERT_GE(r.body.size(), 2u);
  EXPECT_EQ(r.body[0], '\x08');
  EXPECT_EQ(r.body[1], '\x0e');  // UNAVAILABLE
  EXPECT_EQ(flow_.rejections().starting.load(), 1u);
}

// Prometheus remote_write.

constexpr std::int64_t kNow2020Ms = 1'600'000'000'000;

std::string RemoteWriteV1(int samples, std::int64_t first_ms) {
  ingot::promrw::WriteRequest request;
  auto* ts = request.add_timeseries();
  auto* label = ts->add_labels();
  label->set_name("__name__");
  label->set_value("up");
  for (int i = 0; i < samples; ++i) {
    auto* sample = ts->add_samples();
    sample->set_value(i);
    sample->set_timestamp(i == 0 ? first_ms : kNow2020Ms + i);
  }
  return request.SerializeAsString();
}

class RemoteWriteRoutesTest : public IngestRoutesTest {};

TEST(RemoteWriteContentType, NamesTheMessage) {
  using V = RemoteWriteVersion;
  EXPECT_EQ(ParseRemoteWriteContentType(""), V::kV1);
  EXPECT_EQ(ParseRemoteWriteContentType("application/x-protobuf"), V::kV1);
  EXPECT_EQ(ParseRemoteWriteContentType("Application/X-Protobuf ; proto=prometheus.WriteRequest"),
            V::kV1);
  EXPECT_EQ(
      ParseRemoteWriteContentType("application/x-protobuf;proto=io.prometheus.write.v2.Request"),
      V::kV2);
  EXPECT_EQ(ParseRemoteWriteContentType(
                "application/x-protobuf; charset=utf-8; proto=\"io.prometheus.write.v2.Request\""),
            V::kV2);
  EXPECT_EQ(ParseRemoteWriteContentType("application/x-protobuf;proto=foo.Bar"), std::nullopt);
  EXPECT_EQ(ParseRemoteWriteContentType("application/json"), std::nullopt);
  EXPECT_EQ(ParseRemoteWriteContentType("application/x-protobuf-v2"), std::nullopt);
}

TEST_F(RemoteWriteRoutesTest, SnappyV1ToTheDefaultOrgAndStream) {
  flow_.set_ingester(&ingester_);
  const CurlResult r =
      client_->Post(base_ + "/api/v1/write", Snappy(RemoteWriteV1(3, kNow2020Ms)),
                    {"Content-Type: application/x-protobuf", "Content-Encoding: snappy",
                     "X-Prometheus-Remote-Write-Version: 0.1.0"});
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.body, "");
  EXPECT_FALSE(HasHeader(r, "X-Prometheus-Remote-Write-Samples-Written")) << r.headers;
  const auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].key.org, "default");
  EXPECT_EQ(sealed[0].key.stream, "prometheus");
  EXPECT_EQ(sealed[0].key.type, model::StreamType::kMetrics);
  EXPECT_EQ(sealed[0].rows, 3u);
  std::string metrics;
  flow_.metrics().RenderMetrics(metrics);
  EXPECT_NE(metrics.find("endpoint=\"prom_remote_write\""), std::string::npos) << metrics;
}

TEST_F(RemoteWriteRoutesTest, V2WithAnOrgInThePathAnswersWithTheWrittenHeaders) {
  flow_.set_ingester(&ingester_);
  ingot::promrw::RequestV2 request;
  for (const char* s : {"", "__name__", "up"}) request.add_symbols(s);
  auto* ts = request.add_timeseries();
  ts->add_labels_refs(1);
  ts->add_labels_refs(2);
  for (int i = 0; i < 2; ++i) ts->add_samples()->set_timestamp(kNow2020Ms + i);
  ts->add_exemplars("");
  auto* hist = request.add_timeseries();
  hist->add_labels_refs(1);
  hist->add_labels_refs(2);
  hist->add_histograms()->set_timestamp(kNow2020Ms);
  const CurlResult r = client_->Post(
      base_ + "/api/Acme/prometheus/api/v1/write", Snappy(request.SerializeAsString()),
      {"Content-Type: application/x-protobuf;proto=io.prometheus.write.v2.Request",
       "Content-Encoding: snappy", "stream-name: Node"});
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(HasHeader(r, "X-Prometheus-Remote-Write-Samples-Written: 2")) << r.headers;
  EXPECT_TRUE(HasHeader(r, "X-Prometheus-Remote-Write-Histograms-Written: 1")) << r.headers;
  EXPECT_TRUE(HasHeader(r, "X-Prometheus-Remote-Write-Exemplars-Written: 0")) << r.headers;
  const auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].key.org, "acme");
  EXPECT_EQ(sealed[0].key.stream, "node");
  EXPECT_EQ(sealed[0].rows, 3u);
}

TEST_F(RemoteWriteRoutesTest, RejectedSamplesAre400WithTheOthersStored) {
  flow_.set_ingester(&ingester_);
  const CurlResult r =
      client_->Post(base_ + "/api/v1/write", Snappy(RemoteWriteV1(3, 60'000)),  // 1970
                    {"Content-Type: application/x-protobuf", "Content-Encoding: snappy"});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("1 of 3 samples rejected, the others stored; first: "
                        "timeseries[0].samples[0]: "),
            std::string::npos)
      << r.body;
  const auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].rows, 2u);
}

TEST_F(RemoteWriteRoutesTest, CorruptBodiesAre400OtherContentTypes415) {
  flow_.set_ingester(&ingester_);
  std::string corrupt = Snappy(RemoteWriteV1(3, kNow2020Ms));
  corrupt.resize(corrupt.size() - 4);
  CurlResult r =
      client_->Post(base_ + "/api/v1/write", corrupt,
                    {"Content-Type: application/x-protobuf", "Content-Encoding: snappy"});
  EXPECT_EQ(r.status, 400) << r.body;
  r = client_->Post(base_ + "/api/v1/write", Snappy("\x0a\x01\x0a"),
                    {"Content-Type: application/x-protobuf", "Content-Encoding: snappy"});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("timeseries[0]"), std::string::npos) << r.body;
  for (const char* type :
       {"Content-Type: application/json", "Content-Type: application/x-protobuf;proto=foo.Bar"}) {
    r = client_->Post(base_ + "/api/v1/write", Snappy(RemoteWriteV1(1, kNow2020Ms)),
                      {type, "Content-Encoding: snappy"});
    EXPECT_EQ(r.status, 415) << type;
  }
  EXPECT_TRUE(Sealed().empty());
}

TEST_F(RemoteWriteRoutesTest, UnavailableWhileStartingWithRetryAfter) {
  const CurlResult r =
      client_->Post(base_ + "/api/v1/write", Snappy(RemoteWriteV1(1, kNow2020Ms)),
                    {"Content-Type: application/x-protobuf;proto=io.prometheus.write.v2.Request",
                     "Content-Encoding: snappy"});
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(HasHeader(r, "Retry-After: 1")) << r.headers;
  EXPECT_TRUE(HasHeader(r, "X-Prometheus-Remote-Write-Samples-Written: 0")) << r.headers;
}

}  // namespace
}  // namespace ingot::api
