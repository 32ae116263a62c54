#include "grpc/otlp_grpc_server.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "auth/base64.h"
#include "ingest/ingester.h"
#include "memtable/memtable.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace ingot::grpc_server {
namespace {

namespace logs_v1 = opentelemetry::proto::collector::logs::v1;

constexpr const char* kLogsExport = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

std::string LogsRequest(int records) {
  logs_v1::ExportLogsServiceRequest request;
  auto* scope = request.add_resource_logs()->add_scope_logs();
  for (int i = 0; i < records; ++i) {
    auto* record = scope->add_log_records();
    record->set_time_unix_nano(1'700'000'000'000'000'000ULL + i);
    record->mutable_body()->set_string_value("hello " + std::to_string(i));
  }
  return request.SerializeAsString();
}

struct Reply {
  grpc::Status status;
  std::string body;
};

// A server on a free port over an Ingester without WAL, and a generic client.
class OtlpGrpcServerTest : public ::testing::Test {
 protected:
  explicit OtlpGrpcServerTest(std::uint64_t budget_bytes = 1 << 30)
      : budget_(budget_bytes),
        memtable_({},
                  [this](memtable::SealedPartition&& p) {
                    std::lock_guard lock(mu_);
                    sealed_.push_back(std::move(p));
                  }),
        ingester_(memtable_, nullptr, nullptr),
        flow_(Options()),
        server_(flow_, {"127.0.0.1:0", 1 << 20}) {}

  api::IngestApiOptions Options() {
    api::IngestApiOptions o;
    o.memory_budget = &budget_;
    return o;
  }

  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_.port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  Reply Call(const std::string& method, const std::string& body,
             std::vector<std::pair<std::string, std::string>> metadata = {}) {
    grpc::ClientContext ctx;
    for (const auto& [k, v] : metadata) ctx.AddMetadata(k, v);
    grpc::Slice slice(body);
    grpc::ByteBuffer request(&slice, 1), response;
    std::promise<grpc::Status> done;
    stub_->UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                     [&done](grpc::Status st) { done.set_value(std::move(st)); });
    Reply reply{done.get_future().get(), {}};
    std::vector<grpc::Slice> slices;
    if (reply.status.ok() && response.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        reply.body.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
    return reply;
  }

  MemoryBudget budget_;
  std::mutex mu_;
  std::vector<memtable::SealedPartition> sealed_;
  memtable::Memtable memtable_;
  ingest::Ingester ingester_;
  api::IngestFlow flow_;
  OtlpGrpcServer server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
};

TEST_F(OtlpGrpcServerTest, UnavailableWithRetryInfoWhileStarting) {
  const Reply r = Call(kLogsExport, LogsRequest(1));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(r.status.error_details().find("google.rpc.RetryInfo"), std::string::npos);
  EXPECT_EQ(server_.stats().count(protocols::otlp::Signal::kLogs, 14), 1u);
}

TEST_F(OtlpGrpcServerTest, StoresRecordsInTheStreamOfTheMetadata) {
  flow_.set_ingester(&ingester_);
  const Reply r =
      Call(kLogsExport, LogsRequest(3), {{"organization", "Acme"}, {"stream-name", "my-app"}});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  logs_v1::ExportLogsServiceResponse response;
  ASSERT_TRUE(response.ParseFromString(r.body));
  EXPECT_FALSE(response.has_partial_success());
  memtable_.SealAll();
  std::lock_guard lock(mu_);
  ASSERT_EQ(sealed_.size(), 1u);
  EXPECT_EQ(sealed_[0].key.org, "acme");
  EXPECT_EQ(sealed_[0].key.stream, "my_app");
  EXPECT_EQ(sealed_[0].key.type, model::StreamType::kLogs);
  EXPECT_EQ(sealed_[0].rows, 3u);
  EXPECT_EQ(server_.stats().count(protocols::otlp::Signal::kLogs, 0), 1u);
}

TEST_F(OtlpGrpcServerTest, DefaultOrgAndStream) {
  flow_.set_ingester(&ingester_);
  ASSERT_TRUE(Call(kLogsExport, LogsRequest(1)).status.ok());
  memtable_.SealAll();
  std::lock_guard lock(mu_);
  ASSERT_EQ(sealed_.size(), 1u);
  EXPECT_EQ(sealed_[0].key.org, "default");
  EXPECT_EQ(sealed_[0].key.stream, "default");
}

TEST_F(OtlpGrpcServerTest, MalformedMessageIsInvalidArgument) {
  flow_.set_ingester(&ingester_);
  const Reply r = Call(kLogsExport, std::string("\x0a\xff\xff\xff\x0f garbage", 14));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(r.status.error_details().empty());
}

TEST_F(OtlpGrpcServerTest, OtherMethodsAreUnimplemented) {
  flow_.set_ingester(&ingester_);
  const Reply r =
      Call("/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export",
           LogsRequest(1));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(OtlpGrpcServerTest, TracesAndMetricsGoToTheirStreamTypes) {
  flow_.set_ingester(&ingester_);
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest traces;
  auto* span = traces.add_resource_spans()->add_scope_spans()->add_spans();
  span->set_trace_id(std::string(16, '\x01'));
  span->set_span_id(std::string(8, '\x02'));
  span->set_name("GET /");
  span->set_start_time_unix_nano(1'700'000'000'000'000'000ULL);
  Reply r = Call("/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                 traces.SerializeAsString());
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest metrics;
  auto* metric = metrics.add_resource_metrics()->add_scope_metrics()->add_metrics();
  metric->set_name("queue.depth");
  for (int i = 0; i < 2; ++i) {
    auto* point = metric->mutable_gauge()->add_data_points();
    point->set_time_unix_nano(1'700'000'000'000'000'000ULL);
    point->set_as_int(i);
  }
  r = Call("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
           metrics.SerializeAsString());
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  memtable_.SealAll();
  std::lock_guard lock(mu_);
  ASSERT_EQ(sealed_.size(), 2u);
  std::map<model::StreamType, std::uint64_t> rows;
  for (const auto& p : sealed_) rows[p.key.type] += p.rows;
  EXPECT_EQ(rows[model::StreamType::kTraces], 1u);
  EXPECT_EQ(rows[model::StreamType::kMetrics], 2u);
  EXPECT_EQ(server_.stats().count(protocols::otlp::Signal::kTraces, 0), 1u);
  EXPECT_EQ(server_.stats().count(protocols::otlp::Signal::kMetrics, 0), 1u);
}

// The `authorization` metadata is checked like the HTTP Authorization header, against the org of
// the `organization` metadata.
TEST(OtlpGrpcServerAuthTest, AuthorizationMetadata) {
  auth::AuthConfig config;
  config.root_user_email = "root@example.com";
  config.root_user_password = "Complexpass#123";
  config.root_password_iterations = 1000;
  auto authenticator = auth::Authenticator::Load(config);
  ASSERT_TRUE(authenticator.ok()) << authenticator.status().ToString();
  memtable::Memtable memtable({}, [](memtable::SealedPartition&&) {});
  ingest::Ingester ingester(memtable, nullptr, nullptr);
  api::IngestApiOptions options;
  options.authenticator = &*authenticator;
  api::IngestFlow flow(options);
  flow.set_ingester(&ingester);
  OtlpGrpcServer server(flow, {"127.0.0.1:0", 1 << 20});
  ASSERT_TRUE(server.Start().ok());
  grpc::GenericStub stub(grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()),
                                             grpc::InsecureChannelCredentials()));
  auto call = [&](const char* authorization) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("organization", "acme");
    if (authorization != nullptr) ctx.AddMetadata("authorization", authorization);
    const std::string body = LogsRequest(1);
    grpc::Slice slice(body);
    grpc::ByteBuffer request(&slice, 1), response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, kLogsExport, grpc::StubOptions(), &request, &response,
                   [&done](grpc::Status st) { done.set_value(std::move(st)); });
    return done.get_future().get().error_code();
  };
  const std::string good = "root@example.com:Complexpass#123";
  const std::string basic =
      "Basic " + auth::Base64Encode(
                     std::span(reinterpret_cast<const unsigned char*>(good.data()), good.size()),
                     auth::Base64Alphabet::kStandard, true);
  EXPECT_EQ(call(nullptr), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call("Basic cm9vdDp3cm9uZw=="), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call(basic.c_str()), grpc::StatusCode::OK);
  EXPECT_EQ(flow.rejections().auth.load(), 2u);
  server.Stop();
}

class OtlpGrpcServerSmallBudgetTest : public OtlpGrpcServerTest {
 protected:
  OtlpGrpcServerSmallBudgetTest() : OtlpGrpcServerTest(64 << 10) {}
};

TEST_F(OtlpGrpcServerSmallBudgetTest, OverTheMemoryBudgetIsUnavailableWithRetryInfo) {
  flow_.set_ingester(&ingester_);
  ASSERT_TRUE(budget_.TryCharge(60 << 10));  // the rest of the budget is taken
  const Reply r = Call(kLogsExport, LogsRequest(20));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(r.status.error_details().find("google.rpc.RetryInfo"), std::string::npos);
  budget_.Release(60 << 10);
  EXPECT_TRUE(Call(kLogsExport, LogsRequest(20)).status.ok());
}

}  // namespace
}  // namespace ingot::grpc_server
