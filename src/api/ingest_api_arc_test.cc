// The Arc MessagePack route inside the process (IngestRoutesTest: an http::Server over an Ingester
// without WAL, real HTTP requests): the database header, a stream per measurement, compression
// recognised by its magic bytes, the answers.
#include <gtest/gtest.h>

#include <string>

#include "api/ingest_routes_fixture.h"
#include "http/test_compression.h"
#include "protocols/msgpack/test_pack.h"

namespace ingot::api {
namespace {

using http::testing::Gzip;
using http::testing::Zstd;
using protocols::msgpack::Pack;

class ArcRoutesTest : public IngestRoutesTest {
 protected:
  void SetUp() override {
    IngestRoutesTest::SetUp();
    flow_.set_ingester(&ingester_);
  }
  CurlResult Send(const std::string& body, std::vector<std::string> headers = {}) {
    return client_->Post(base_ + "/api/v1/write/msgpack", body, headers);
  }
};

// A batch: cpu at 1600000000 s and 1600003600 s (two hours), mem once.
std::string Body() {
  Pack p;
  p.Map(1).Str("batch").Array(3);
  p.Map(3).Str("m").Str("cpu").Str("t").V(1'600'000'000).Str("fields").Map(1).Str("v").V(1.5);
  p.Map(3).Str("m").Str("cpu").Str("t").V(1'600'003'600'000).Str("fields").Map(1).Str("v").V(2);
  p.Map(2).Str("m").Str("mem").Str("columns").Map(2);
  p.Str("time").Array(1).V(1'600'000'000).Str("free").Array(1).V(7);
  return p.bytes();
}

TEST_F(ArcRoutesTest, TheDatabaseHeaderIsTheOrgAndEachMeasurementAStream) {
  const CurlResult r = Send(Body(), {"x-arc-database: Tele-metry"});
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  auto sealed = Sealed();
  ASSERT_EQ(sealed.size(), 3u);  // cpu in two hours, mem in one
  for (const auto& p : sealed) {
    EXPECT_EQ(p.key.org, "tele_metry");
    EXPECT_EQ(p.key.type, model::StreamType::kMetrics);
    EXPECT_TRUE(p.key.stream == "cpu" || p.key.stream == "mem") << p.key.stream;
  }
  std::string metrics;
  flow_.metrics().RenderMetrics(metrics);
  EXPECT_NE(metrics.find("endpoint=\"arc_msgpack\""), std::string::npos) << metrics;
  // Without the header: org "default".
  ASSERT_EQ(Send(Body()).status, 204);
  sealed = Sealed();
  ASSERT_FALSE(sealed.empty());
  EXPECT_EQ(sealed[0].key.org, "default");
}

TEST_F(ArcRoutesTest, CompressedBodiesWithOrWithoutContentEncoding) {
  for (const auto& [body, headers] :
       {std::pair{Gzip(Body()), std::vector<std::string>{"Content-Encoding: gzip"}},
        std::pair{Gzip(Body()), std::vector<std::string>{}},
        std::pair{Zstd(Body()), std::vector<std::string>{}}}) {
    const CurlResult r = Send(body, headers);
    EXPECT_EQ(r.status, 204) << r.body;
  }
  std::size_t rows = 0;
  for (const auto& p : Sealed()) rows += p.rows;
  EXPECT_EQ(rows, 9u);
}

TEST_F(ArcRoutesTest, MalformedBodiesAre400InTheServersShape) {
  Pack p;
  p.Map(2).Str("m").Str("cpu").Str("columns").Map(2);
  p.Str("time").Array(2).V(1).V(2).Str("v").Array(1).V(1);
  const CurlResult r = Send(p.bytes());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(
      r.body,
      R"({"code":400,"message":"item 0: columns have unequal lengths: \"time\" has 2 values, )"
      R"(\"v\" has 1"})");
  EXPECT_EQ(flow_.rejections().parse.load(), 1u);
  EXPECT_TRUE(Sealed().empty());
}

TEST_F(ArcRoutesTest, UnavailableWhileStartingWithRetryAfter) {
  flow_.set_ingester(nullptr);
  const CurlResult r = Send(Body());
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(HasHeader(r, "Retry-After: 1")) << r.headers;
  EXPECT_EQ(r.body.rfind(R"({"code":503,"message":"starting up)", 0), 0u) << r.body;
}

}  // namespace
}  // namespace ingot::api
