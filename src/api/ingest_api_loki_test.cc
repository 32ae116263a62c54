// The Loki push routes inside the process (IngestRoutesTest: an http::Server over an Ingester
// without WAL, real HTTP requests): both paths, the tenant header, both body forms, 204, errors.
#include <gtest/gtest.h>
#include <snappy.h>

#include <string>

#include "api/ingest_routes_fixture.h"
#include "http/test_compression.h"
#include "loki_push.pb.h"

namespace ingot::api {
namespace {

using http::testing::Gzip;

class LokiRoutesTest : public IngestRoutesTest {
 protected:
  void SetUp() override {
    IngestRoutesTest::SetUp();
    flow_.set_ingester(&ingester_);
  }
};

std::string SnappyPush(std::string_view labels, std::int64_t seconds, std::string_view line) {
  logproto::PushRequest request;
  auto* stream = request.add_streams();
  stream->set_labels(std::string(labels));
  auto* entry = stream->add_entries();
  entry->mutable_timestamp()->set_seconds(seconds);
  entry->set_line(std::string(line));
  const std::string message = request.SerializeAsString();
  std::string body;
  snappy::Compress(message.data(), message.size(), &body);
  return body;
}

constexpr std::int64_t k2020 = 1'600'000'000;

TEST_F(LokiRoutesTest, ProtobufToTheTenantOfXScopeOrgId) {
  CurlResult r = client_->Post(
      base_ + "/loki/api/v1/push", SnappyPush(R"({app="api"})", k2020, "hello"),
      {"Content-Type: application/x-protobuf", "X-Scope-OrgID: Team-A", "stream-name: applogs"});
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].key.org, "team_a");
  EXPECT_EQ(sealed[0].key.stream, "applogs");
  EXPECT_EQ(sealed[0].key.type, model::StreamType::kLogs);
  EXPECT_EQ(sealed[0].rows, 1u);
  // Without the header: org "default", stream "default"; no Content-Type is protobuf, as for Loki.
  r = client_->Post(base_ + "/loki/api/v1/push", SnappyPush(R"({app="api"})", k2020, "x"), {});
  ASSERT_EQ(r.status, 204) << r.body;
  sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].key.org, "default");
  EXPECT_EQ(sealed[0].key.stream, "default");
  std::string metrics;
  flow_.metrics().RenderMetrics(metrics);
  EXPECT_NE(metrics.find("endpoint=\"loki\""), std::string::npos) << metrics;
}

TEST_F(LokiRoutesTest, GzipJsonToTheOrgOfThePath) {
  const std::string json =
      R"({"streams":[{"stream":{"app":"api"},"values":[["1600000000000000001","a"],)"
      R"(["1600000000000000002","b",{"user":"u"}]]}]})";
  // The path's org wins over the header.
  const CurlResult r = client_->Post(base_ + "/api/acme/loki/api/v1/push", Gzip(json),
                                     {"Content-Type: application/json; charset=utf-8",
                                      "Content-Encoding: gzip", "X-Scope-OrgID: other"});
  ASSERT_EQ(r.status, 204) << r.body;
  auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].key.org, "acme");
  EXPECT_EQ(sealed[0].rows, 2u);
}

TEST_F(LokiRoutesTest, MalformedBodiesAre400AndStoreNothing) {
  CurlResult r =
      client_->Post(base_ + "/loki/api/v1/push", SnappyPush(R"({app="api", env=prod})", k2020, "x"),
                    {"Content-Type: application/x-protobuf"});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"code":400,"message":"streams[0]: malformed labels \"{app=\"api\", )"
                    R"(env=prod}\": expected a quoted value at byte 16"})");
  // JSON sent as protobuf: not snappy.
  r = client_->Post(base_ + "/loki/api/v1/push", R"({"streams":[]})",
                    {"Content-Type: application/x-protobuf"});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("snappy"), std::string::npos) << r.body;
  r = client_->Post(base_ + "/loki/api/v1/push", R"({"streams":[{"stream":{}}]})",
                    {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("at least one label is required"), std::string::npos) << r.body;
  r = client_->Post(base_ + "/loki/api/v1/push", SnappyPush(R"({app="x"})", k2020, "x"),
                    {"X-Scope-OrgID: " + std::string(200, 'o')});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("over the limit of 128"), std::string::npos) << r.body;
  EXPECT_TRUE(Sealed().empty());
}

// Entries outside the `_timestamp` window fail alone: the others are stored, the answer is 400.
TEST_F(LokiRoutesTest, EntriesOutsideTheWindow) {
  const CurlResult r =
      client_->Post(base_ + "/loki/api/v1/push",
                    R"({"streams":[{"stream":{"a":"b"},"values":[["1600000000000000000","kept"],)"
                    R"(["1000000000000000000","2001: too old"]]}]})",
                    {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("1 of 2 entries not stored (the others are): "), std::string::npos)
      << r.body;
  EXPECT_EQ(Sealed()[0].rows, 1u);
}

TEST_F(LokiRoutesTest, UnavailableWhileStartingWithRetryAfter) {
  flow_.set_ingester(nullptr);
  const CurlResult r =
      client_->Post(base_ + "/loki/api/v1/push", SnappyPush(R"({a="b"})", k2020, "x"), {});
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(HasHeader(r, "Retry-After: 1")) << r.headers;
}

}  // namespace
}  // namespace ingot::api
