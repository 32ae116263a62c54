#include "tools/load/prom_rw_body.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include <string>

#include "remote_write.pb.h"
#include "tools/load/body_pool.h"

namespace ingot::load {
namespace {

namespace pb = ::ingot::promrw;

LoadOptions Options() {
  LoadOptions o;
  o.endpoint = Endpoint::kPromRw;
  o.workload = Workload::kMetrics;
  o.stream = "node";
  o.bodies = 2;
  o.connections = 2;
  o.start_timestamp_ms = 1'750'000'000'000;
  return o;
}

std::string Label(const pb::TimeSeries& ts, std::string_view name) {
  for (const pb::Label& l : ts.labels()) {
    if (l.name() == name) return l.value();
  }
  return "<none>";
}

TEST(PromRwBody, SeriesOfOneSampleWithTheRecordsLabelsAndMetadata) {
  const Target target = ParseUrl("http://127.0.0.1:5080").value();
  auto pool = BodyPool::Build(Options(), target, 50, "");
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  EXPECT_EQ(pool->compression(), Compression::kSnappy);
  EXPECT_FALSE(pool->CompressedPerRequest());
  const Body& body = pool->body(0);
  EXPECT_EQ(body.head.rfind("POST /api/default/prometheus/api/v1/write HTTP/1.1\r\n", 0), 0u);
  for (const char* h : {"Content-Type: application/x-protobuf\r\n", "Content-Encoding: snappy\r\n",
                        "X-Prometheus-Remote-Write-Version: 0.1.0\r\n", "stream-name: node\r\n"}) {
    EXPECT_NE(body.head.find(h), std::string::npos) << h;
  }
  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(body.wire().data(), body.wire().size(), &raw));
  EXPECT_EQ(raw, body.raw);
  pb::WriteRequest request;
  ASSERT_TRUE(request.ParseFromString(raw));
  ASSERT_EQ(request.timeseries_size(), 50);
  for (const pb::TimeSeries& ts : request.timeseries()) {
    ASSERT_EQ(ts.samples_size(), 1);
    EXPECT_GE(ts.samples(0).timestamp(), 1'750'000'000'000);
    EXPECT_GE(ts.samples(0).value(), 0);
    EXPECT_NE(Label(ts, "__name__"), "<none>");
    EXPECT_NE(Label(ts, "instance"), "<none>");
    EXPECT_EQ(Label(ts, "__type__"), "<none>") << "the type is metadata, not a label";
    EXPECT_EQ(Label(ts, "load_id"), "<none>");
  }
  ASSERT_GT(request.metadata_size(), 0);
  for (const pb::MetricMetadata& m : request.metadata()) {
    EXPECT_TRUE(m.type() == 1 || m.type() == 2) << m.type();  // counter or gauge
    EXPECT_FALSE(m.metric_family_name().empty());
  }
}

TEST(PromRwBody, IdsArePatchedInPlaceAndCompressedPerRequest) {
  const Target target = ParseUrl("http://127.0.0.1:5080").value();
  auto pool = BodyPool::Build(Options(), target, 4, "run1");
  ASSERT_TRUE(pool.ok());
  EXPECT_TRUE(pool->CompressedPerRequest());
  Body& body = pool->body(1);
  EXPECT_TRUE(body.compressed.empty());
  PatchIds(body, 1234);
  pb::WriteRequest request;
  ASSERT_TRUE(request.ParseFromString(body.raw));
  ASSERT_EQ(request.timeseries_size(), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(request.timeseries(i).labels(0).name(), "load_id");
    EXPECT_EQ(request.timeseries(i).labels(0).value(), "run1-00000000123" + std::to_string(4 + i));
  }
}

TEST(PromRwBody, EndpointNameAndOptions) {
  EXPECT_EQ(ParseEndpoint("prom-rw").value(), Endpoint::kPromRw);
  EXPECT_EQ(EndpointName(Endpoint::kPromRw), "prom-rw");
  LoadOptions o = Options();
  EXPECT_TRUE(Validate(o).ok());
  o.gzip = true;
  EXPECT_FALSE(Validate(o).ok()) << "remote_write is snappy";
}

}  // namespace
}  // namespace ingot::load
