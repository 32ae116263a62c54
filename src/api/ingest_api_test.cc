// The ingestion routes' front door through a real http::Server: credentials are checked from the
// head before any body is read, and a request that could never fit the memory budget is 413.
#include "api/ingest_api.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "auth/base64.h"
#include "http/server.h"
#include "http/test_client.h"
#include "ingest/ingest_flow.h"
#include "ingest/ingester.h"
#include "memtable/memtable.h"

namespace ingot::api {
namespace {

using namespace std::chrono_literals;
using http::testing::BodyOf;
using http::testing::CurlClient;
using http::testing::RawConnection;
using http::testing::StatusOf;

class IngestApiFrontDoorTest : public ::testing::Test {
 protected:
  IngestApiFrontDoorTest()
      : budget_(16 << 20),
        memtable_({}, [](memtable::SealedPartition&&) {}),
        ingester_(memtable_, nullptr, nullptr) {}

  void SetUp() override {
    auth::AuthConfig config;
    config.root_user_email = "root@example.com";
    config.root_user_password = "Complexpass#123";
    config.root_password_iterations = 1000;
    auto authenticator = auth::Authenticator::Load(config);
    ASSERT_TRUE(authenticator.ok()) << authenticator.status().ToString();
    authenticator_ = std::make_unique<auth::Authenticator>(std::move(*authenticator));
    ingest::IngestFlowOptions options;
    options.authenticator = authenticator_.get();
    options.memory_budget = &budget_;
    flow_ = std::make_unique<ingest::IngestFlow>(options);
    flow_->set_ingester(&ingester_);
    api_ = std::make_unique<IngestApi>(*flow_);
    http::Router router;
    ASSERT_TRUE(api_->Register(router).ok());
    http::ServerOptions server_options;
    server_options.address = "127.0.0.1:0";
    server_options.io_threads = 1;
    server_options.memory_budget = &budget_;
    server_ = std::make_unique<http::Server>(server_options, std::move(router));
    ASSERT_TRUE(server_->Start().ok());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
    const std::string good = "root@example.com:Complexpass#123";
    basic_ = "Authorization: Basic " +
             auth::Base64Encode(
                 std::span(reinterpret_cast<const unsigned char*>(good.data()), good.size()),
                 auth::Base64Alphabet::kStandard, true);
  }
  void TearDown() override { server_->Stop(); }

  MemoryBudget budget_;
  memtable::Memtable memtable_;
  ingest::Ingester ingester_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<ingest::IngestFlow> flow_;
  std::unique_ptr<IngestApi> api_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
  std::string basic_;
};

TEST_F(IngestApiFrontDoorTest, CredentialsAreCheckedBeforeTheBodyIsRead) {
  struct Case {
    const char* path;
    const char* want;  // in the answer: the endpoint's own error shape
  };
  const Case cases[] = {
      {"/api/acme/s/_json", R"({"code":401,)"},
      {"/api/acme/s/_multi", R"({"code":401,)"},
      {"/api/acme/_bulk", R"({"code":401,)"},
      {"/api/acme/_hec", R"({"text":"Token is required","code":2})"},
      {"/services/collector", R"({"text":"Token is required","code":2})"},
      {"/v1/logs", R"("code":16)"},
      {"/api/acme/v1/metrics", R"("code":16)"},
      {"/api/v1/write", R"({"code":401,)"},
      {"/api/acme/prometheus/api/v1/write", R"({"code":401,)"},
      {"/loki/api/v1/push", R"({"code":401,)"},
      {"/api/acme/loki/api/v1/push", R"({"code":401,)"},
  };
  // Each announces 12 MiB (all of them together: far more than the 16 MiB budget) and never sends
  // it: each is answered at once, nothing is charged, and each refusal is counted once.
  std::vector<std::unique_ptr<RawConnection>> open;
  for (const Case& c : cases) {
    auto conn = std::make_unique<RawConnection>(server_->port());
    ASSERT_TRUE(conn->Send(std::string("POST ") + c.path +
                           " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           "Expect: 100-continue\r\nContent-Length: " +
                           std::to_string(12 << 20) + "\r\n\r\n"));
    const std::string resp = conn->ReadResponse(5s);
    EXPECT_EQ(StatusOf(resp), 401) << c.path << ": " << resp;
    EXPECT_NE(BodyOf(resp).find(c.want), std::string::npos) << c.path << ": " << resp;
    EXPECT_NE(resp.find("WWW-Authenticate: Basic realm=\"ingot\""), std::string::npos) << resp;
    open.push_back(std::move(conn));
  }
  EXPECT_EQ(budget_.used(), 0u);
  EXPECT_EQ(flow_->rejections().auth.load(), std::size(cases));
  // With credentials, the same routes read the body; the info probe needs them too.
  CurlClient c;
  auto r = c.Post(base_ + "/api/acme/s/_json", R"([{"a":1}])", {basic_});
  EXPECT_EQ(r.status, 200) << r.body;
  r = c.Get(base_ + "/api/acme/");
  EXPECT_EQ(r.status, 401);
  r = c.Request("GET", base_ + "/api/acme/", "", {basic_});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(flow_->rejections().auth.load(), std::size(cases) + 1);
}

// The decode estimate (twice the body for NDJSON) must fit next to the body the server already
// holds: 6 MiB of NDJSON needs 12 MiB more than its own 6 MiB, more than the 16 MiB budget can
// ever hold, so 413; before, the estimate alone was compared and the client got 503 forever.
TEST_F(IngestApiFrontDoorTest, RequestsThatCanNeverFitNextToTheirBodyAre413) {
  std::string ndjson;
  while (ndjson.size() < (6 << 20))
    ndjson += R"({"msg":"a line of a large request"})"
              "\n";
  CurlClient c;
  auto r = c.Post(base_ + "/api/acme/s/_multi", ndjson, {basic_});
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(flow_->rejections().too_large.load(), 1u);
  ndjson.resize(ndjson.rfind('\n', 4 << 20) + 1);  // 4 MiB of whole lines: 12 MiB in all
  r = c.Post(base_ + "/api/acme/s/_multi", ndjson, {basic_});
  EXPECT_EQ(r.status, 200) << r.body;
}

// A snappy body is charged for what it uncompresses to (its preamble says how much): 6 MiB of
// lines that compress to a few hundred KiB can never fit the 16 MiB budget (413); while the budget
// is full, a small one is 503 + Retry-After.
TEST_F(IngestApiFrontDoorTest, SnappyBodiesAreChargedUncompressed) {
  std::string lines;
  while (lines.size() < (6 << 20)) lines += "level=info msg=\"the same line again\" ";
  const std::string json = R"({"streams":[{"stream":{"a":"b"},"values":[["1","x"]]}]})";
  std::string compressed;
  snappy::Compress(lines.data(), lines.size(), &compressed);
  ASSERT_LT(compressed.size(), 1u << 20);
  CurlClient c;
  auto r = c.Post(base_ + "/loki/api/v1/push", compressed, {basic_});
  EXPECT_EQ(r.status, 413) << r.body;
  const std::uint64_t fill = budget_.limit() - budget_.used() - 4096;
  ASSERT_TRUE(budget_.TryCharge(fill));
  r = c.Post(base_ + "/loki/api/v1/push", json, {basic_, "Content-Type: application/json"});
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.headers.find("Retry-After: 1"), std::string::npos) << r.headers;
  budget_.Release(fill);
}

}  // namespace
}  // namespace ingot::api
