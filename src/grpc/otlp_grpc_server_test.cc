#include "grpc/otlp_grpc_server.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
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

void PutVarint(std::uint64_t v, std::string& out) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>(v | 0x80));
  out.push_back(static_cast<char>(v));
}

std::size_t VarintSize(std::uint64_t v) {
  std::size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

// A request whose one record has a body of `n` bytes 'a': compresses to almost nothing. Written
// field by field into one string, so that building it never holds more than the `n` bytes (a test
// that measures peak memory needs that).
std::string LogsRequestOfSize(std::size_t n) {
  const std::size_t any_value = 1 + VarintSize(n) + n;                        // string_value
  const std::size_t record = 9 + 1 + VarintSize(any_value) + any_value;       // time, body
  const std::size_t scope_logs = 1 + VarintSize(record) + record;             // log_records
  const std::size_t resource_logs = 1 + VarintSize(scope_logs) + scope_logs;  // scope_logs
  std::string out;
  out.reserve(1 + VarintSize(resource_logs) + resource_logs);
  out.push_back('\x0a');  // ExportLogsServiceRequest.resource_logs
  PutVarint(resource_logs, out);
  out.push_back('\x12');  // ResourceLogs.scope_logs
  PutVarint(scope_logs, out);
  out.push_back('\x12');  // ScopeLogs.log_records
  PutVarint(record, out);
  out.push_back('\x09');  // LogRecord.time_unix_nano, fixed64
  const std::uint64_t time = 1'700'000'000'000'000'000ULL;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(time >> (8 * i)));
  out.push_back('\x2a');  // LogRecord.body
  PutVarint(any_value, out);
  out.push_back('\x0a');  // AnyValue.string_value
  PutVarint(n, out);
  out.append(n, 'a');
  return out;
}

// Peak resident set of this process, in bytes.
std::size_t PeakRss() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoul(line.substr(6)) * 1024;
  }
  return 0;
}

struct Reply {
  grpc::Status status;
  std::string body;
};

// One unary Export call with `body` as the message, compressed by the client with `compression`.
grpc::Status UnaryCall(grpc::GenericStub& stub, const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& metadata,
                       grpc_compression_algorithm compression = GRPC_COMPRESS_NONE) {
  grpc::ClientContext ctx;
  for (const auto& [k, v] : metadata) ctx.AddMetadata(k, v);
  ctx.set_compression_algorithm(compression);
  // Borrows `body` (alive until the call ends) instead of copying it.
  grpc::Slice slice(const_cast<char*>(body.data()), body.size(), [](void*) {});
  grpc::ByteBuffer request(&slice, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, kLogsExport, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status st) { done.set_value(std::move(st)); });
  return done.get_future().get();
}

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

  ingest::IngestFlowOptions Options() {
    ingest::IngestFlowOptions o;
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
  ingest::IngestFlow flow_;
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
  ingest::IngestFlowOptions options;
  options.authenticator = &*authenticator;
  ingest::IngestFlow flow(options);
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

// Credentials are checked from the metadata before the message is read: a client without them
// cannot make the server read, decompress or buffer anything, however large its message.
TEST(OtlpGrpcServerAuthTest, UnauthenticatedMessagesAreNeverRead) {
  auth::AuthConfig config;
  config.root_user_email = "root@example.com";
  config.root_user_password = "Complexpass#123";
  config.root_password_iterations = 1000;
  auto authenticator = auth::Authenticator::Load(config);
  ASSERT_TRUE(authenticator.ok()) << authenticator.status().ToString();
  memtable::Memtable memtable({}, [](memtable::SealedPartition&&) {});
  ingest::Ingester ingester(memtable, nullptr, nullptr);
  MemoryBudget budget(64 << 20);
  ingest::IngestFlowOptions options;
  options.authenticator = &*authenticator;
  options.memory_budget = &budget;
  ingest::IngestFlow flow(options);
  flow.set_ingester(&ingester);
  OtlpGrpcServer server(flow, {"127.0.0.1:0", 8 << 20, 256 << 20});
  ASSERT_TRUE(server.Start().ok());
  grpc::GenericStub stub(grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()),
                                             grpc::InsecureChannelCredentials()));
  // 48 MiB that gzip makes tiny: within the limits, so only the order of the checks protects.
  const std::string big = LogsRequestOfSize(48 << 20);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(UnaryCall(stub, big, {{"organization", "acme"}}, GRPC_COMPRESS_GZIP).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_EQ(
      UnaryCall(stub, big, {{"authorization", "Bearer nope"}}, GRPC_COMPRESS_GZIP).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(server.stats().received_bytes(), 0u);  // not one message was read
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_EQ(flow.rejections().auth.load(), 5u);  // counted once each
  EXPECT_EQ(server.stats().count(protocols::otlp::Signal::kLogs, 16), 5u);

  const std::string good = "root@example.com:Complexpass#123";
  const std::string basic =
      "Basic " + auth::Base64Encode(
                     std::span(reinterpret_cast<const unsigned char*>(good.data()), good.size()),
                     auth::Base64Alphabet::kStandard, true);
  EXPECT_TRUE(UnaryCall(stub, LogsRequest(2), {{"authorization", basic}}, GRPC_COMPRESS_GZIP).ok());
  EXPECT_GT(server.stats().received_bytes(), 0u);
  server.Stop();
}

// A server whose messages may be 1 MiB as sent and 4 MiB decompressed, under an 8 MiB budget.
class OtlpGrpcServerLimitsTest : public ::testing::Test {
 protected:
  OtlpGrpcServerLimitsTest()
      : budget_(8 << 20),
        memtable_({}, [this](memtable::SealedPartition&& p) { rows_ += p.rows; }),
        ingester_(memtable_, nullptr, nullptr),
        flow_(Options()),
        server_(flow_, {"127.0.0.1:0", 1 << 20, 4 << 20}) {}

  ingest::IngestFlowOptions Options() {
    ingest::IngestFlowOptions o;
    o.memory_budget = &budget_;
    return o;
  }
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    flow_.set_ingester(&ingester_);
    stub_ = std::make_unique<grpc::GenericStub>(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_.port()), grpc::InsecureChannelCredentials()));
  }

  MemoryBudget budget_;
  std::atomic<std::size_t> rows_{0};
  memtable::Memtable memtable_;
  ingest::Ingester ingester_;
  ingest::IngestFlow flow_;
  OtlpGrpcServer server_;
  std::unique_ptr<grpc::GenericStub> stub_;
};

TEST_F(OtlpGrpcServerLimitsTest, CompressedMessagesAreDecompressedByIngot) {
  for (grpc_compression_algorithm c : {GRPC_COMPRESS_GZIP, GRPC_COMPRESS_DEFLATE}) {
    // 2 MiB decoded: over the limit as sent, within it decompressed.
    const grpc::Status st = UnaryCall(*stub_, LogsRequestOfSize(2 << 20), {}, c);
    EXPECT_TRUE(st.ok()) << c << ": " << st.error_message();
  }
  memtable_.SealAll();
  EXPECT_EQ(rows_.load(), 2u);
  EXPECT_LT(server_.stats().received_bytes(), 1u << 20);  // what was read: compressed
}

// A decompression bomb is refused within the decoded limit: gRPC itself would inflate the whole
// message before checking any size (verified with gRPC 1.51), so ingot does the decompressing.
TEST_F(OtlpGrpcServerLimitsTest, CompressedBombIsResourceExhaustedWithoutInflatingIt) {
  const std::string bomb = LogsRequestOfSize(64 << 20);  // the client's own copies come first
  const std::size_t rss_before = PeakRss();
  const grpc::Status st = UnaryCall(*stub_, bomb, {}, GRPC_COMPRESS_GZIP);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
  EXPECT_NE(st.error_message().find("exceeds the limit of 4194304 bytes"), std::string::npos)
      << st.error_message();
  // The server adds at most the 4 MiB limit; inflating the bomb would add its 64 MiB.
  // (VmHWM is kept from counters the kernel syncs lazily: it may read a few pages lower.)
  const std::size_t rss_after = PeakRss();
  EXPECT_LT(rss_after > rss_before ? rss_after - rss_before : 0, std::size_t{32} << 20);
  EXPECT_EQ(budget_.used(), 0u);
  // Uncompressed, the limit as sent applies (gRPC's own check).
  EXPECT_EQ(UnaryCall(*stub_, LogsRequestOfSize(2 << 20), {}).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Within the decoded limit but past what the 8 MiB budget could ever hold (decoding needs twice
  // the message more): 413's RESOURCE_EXHAUSTED, not UNAVAILABLE, which exporters retry forever.
  const grpc::Status over = UnaryCall(*stub_, LogsRequestOfSize(3 << 20), {}, GRPC_COMPRESS_GZIP);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << over.error_message();
  EXPECT_TRUE(over.error_details().empty());  // no RetryInfo
  EXPECT_TRUE(UnaryCall(*stub_, LogsRequest(3), {}, GRPC_COMPRESS_GZIP).ok());
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
