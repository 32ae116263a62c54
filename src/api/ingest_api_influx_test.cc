// The InfluxDB line protocol routes inside the process (IngestRoutesTest: an http::Server over an
// Ingester without WAL, real HTTP requests): the three write APIs, where the database comes from,
// precision, partial writes, error shapes.
#include <gtest/gtest.h>

#include <string>

#include "api/ingest_routes_fixture.h"
#include "http/test_compression.h"

namespace ingot::api {
namespace {

using http::testing::Gzip;

class InfluxRoutesTest : public IngestRoutesTest {
 protected:
  void SetUp() override {
    IngestRoutesTest::SetUp();
    flow_.set_ingester(&ingester_);
  }
};

TEST_F(InfluxRoutesTest, V1WriteToTheDatabaseWithAPrecision) {
  const CurlResult r = client_->Post(base_ + "/write?db=Tele%2Dgraf&rp=autogen&precision=s",
                                     "cpu,host=a usage=1.5 1600000000\n"
                                     "mem free=7i 1600000000\n"
                                     "cpu,host=b usage=2 1600003600\n",
                                     {});
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(HasHeader(r, "X-Influxdb-Version: ")) << r.headers;
  auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 3u);  // cpu in two hours, mem in one
  for (const auto& p : sealed) {
    EXPECT_EQ(p.key.org, "tele_graf");
    EXPECT_EQ(p.key.type, model::StreamType::kMetrics);
  }
  std::size_t cpu_rows = 0;
  for (auto& p : sealed) {
    if (p.key.stream != "cpu") continue;
    cpu_rows += p.rows;
    EXPECT_TRUE(p.hour == 1600000000 / 3600 || p.hour == 1600003600 / 3600) << p.hour;
  }
  EXPECT_EQ(cpu_rows, 2u);
  std::string metrics;
  flow_.metrics().RenderMetrics(metrics);
  EXPECT_NE(metrics.find("endpoint=\"influx_line\""), std::string::npos) << metrics;
}

TEST_F(InfluxRoutesTest, V2WriteToTheBucketAndArcToItsHeader) {
  CurlResult r = client_->Post(base_ + "/api/v2/write?org=my-org&bucket=metrics&precision=ms",
                               "m v=1 1600000000000", {"Content-Type: text/plain; charset=utf-8"});
  ASSERT_EQ(r.status, 204) << r.body;
  auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].key.org, "metrics");
  EXPECT_EQ(sealed[0].hour, 1600000000 / 3600);
  r = client_->Post(base_ + "/api/v1/write/line-protocol", "m v=1", {"x-arc-database: production"});
  ASSERT_EQ(r.status, 204) << r.body;
  r = client_->Post(base_ + "/api/v1/write/line-protocol", "m v=1", {});
  ASSERT_EQ(r.status, 204) << r.body;
  sealed = Sealed();
  ASSERT_EQ(sealed.size(), 2u);
  EXPECT_TRUE((sealed[0].key.org == "production" && sealed[1].key.org == "default") ||
              (sealed[1].key.org == "production" && sealed[0].key.org == "default"));
}

TEST_F(InfluxRoutesTest, GzipBodies) {
  const CurlResult r =
      client_->Post(base_ + "/write?db=db", Gzip("m v=1\nm v=2\n"), {"Content-Encoding: gzip"});
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Sealed()[0].rows, 2u);
}

// Valid lines are stored, the answer is 400 naming the first bad line, in each API's shape.
TEST_F(InfluxRoutesTest, PartialWrites) {
  const std::string body = "m v=1\nm v=\nm v=3\nm\n";
  CurlResult r = client_->Post(base_ + "/write?db=db", body, {});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            R"({"error":"partial write: line 2: unable to parse 'm v=': missing field value )"
            R"x((2 bad lines not stored, 2 points stored)"})x");
  EXPECT_EQ(Sealed()[0].rows, 2u);
  r = client_->Post(base_ + "/api/v2/write?bucket=db", body, {});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.body.rfind(R"({"code":"invalid","message":"partial write: line 2: )", 0), 0u)
      << r.body;
  EXPECT_EQ(Sealed()[0].rows, 2u);
  // Only bad lines: nothing stored, 400 with the first.
  r = client_->Post(base_ + "/write?db=db", "m\n", {});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":"line 1: unable to parse 'm': missing fields"})");
  EXPECT_TRUE(Sealed().empty());
}

TEST_F(InfluxRoutesTest, BadParametersAre400BeforeAnythingIsStored) {
  struct Case {
    std::string target;
    std::string message;
  };
  const Case cases[] = {
      {"/write?db=db&precision=sec",
       "unknown precision \\\"sec\\\": expected ns, us, ms or s (or n, u, m, h)"},
      {"/write?db=db&precision=%FF%0A", "unknown precision \\\"??\\\""},
      {"/write?precision=s", "database is required"},
      {"/write?db=", "database is required"},
      {"/api/v2/write?org=o", "bucket is required"},
      {"/write?db=" + std::string(200, 'x'), "is 200 bytes, over the limit of 128"},
  };
  for (const Case& c : cases) {
    const CurlResult r = client_->Post(base_ + c.target, "m v=1", {});
    EXPECT_EQ(r.status, 400) << c.target;
    EXPECT_NE(r.body.find(c.message), std::string::npos) << r.body;
    EXPECT_TRUE(HasHeader(r, "X-Influxdb-Version: ")) << r.headers;
  }
  EXPECT_TRUE(Sealed().empty());
}

TEST_F(InfluxRoutesTest, UnavailableWhileStartingWithRetryAfterInEachShape) {
  flow_.set_ingester(nullptr);
  CurlResult r = client_->Post(base_ + "/api/v2/write?bucket=b", "m v=1", {});
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(HasHeader(r, "Retry-After: 1")) << r.headers;
  EXPECT_EQ(r.body.rfind(R"({"code":"unavailable","message":"starting up)", 0), 0u) << r.body;
  r = client_->Post(base_ + "/write?db=b", "m v=1", {});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body.rfind(R"({"error":"starting up)", 0), 0u) << r.body;
  EXPECT_EQ(flow_.rejections().starting.load(), 2u);
}

TEST(InfluxHttp, QueryParameters) {
  EXPECT_EQ(QueryParam("db=a&precision=s", "db"), "a");
  EXPECT_EQ(QueryParam("db=a&precision=s", "precision"), "s");
  EXPECT_EQ(QueryParam("db=a%20b+c%2", "db"), "a b c%2");
  EXPECT_EQ(QueryParam("d%62=x", "db"), "x");
  EXPECT_EQ(QueryParam("db", "db"), "");
  EXPECT_EQ(QueryParam("db=1&db=2", "db"), "1");
  EXPECT_EQ(QueryParam("dbx=1", "db"), std::nullopt);
  EXPECT_EQ(QueryParam("", "db"), std::nullopt);
}

TEST(InfluxHttp, QueryCredentialsAreBasic) {
  http::Request head;
  head.query = "db=x&u=alice%40example.com&p=s3cret";
  EXPECT_EQ(InfluxAuthorization(head), "Basic YWxpY2VAZXhhbXBsZS5jb206czNjcmV0");
  head.query = "db=x";
  EXPECT_EQ(InfluxAuthorization(head), "");
  const http::Header headers[] = {{"authorization", "Bearer t"}};
  head.headers = headers;
  head.query = "u=a&p=b";
  EXPECT_EQ(InfluxAuthorization(head), "Bearer t");  // the header wins
}

TEST(InfluxHttp, ErrorShapes) {
  http::Response r = InfluxErrorResponse(InfluxApi::kV1, {503, "busy", {}});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"error":"busy"})");
  bool retry_after = false;
  for (const auto& [name, value] : r.headers) retry_after |= name == "Retry-After";
  EXPECT_TRUE(retry_after);
  r = InfluxErrorResponse(InfluxApi::kV2, {401, "who?", {}});
  EXPECT_EQ(r.body, R"({"code":"unauthorized","message":"who?"})");
  r = InfluxErrorResponse(InfluxApi::kArc, {413, "big", {}});
  EXPECT_EQ(r.body, R"({"error":"big"})");
  r = InfluxPingResponse();
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
}

}  // namespace
}  // namespace ingot::api
