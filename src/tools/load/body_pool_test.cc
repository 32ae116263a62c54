#include "tools/load/body_pool.h"

#include <gtest/gtest.h>
#include <libdeflate.h>
#include <simdjson.h>

#include <set>
#include <string>
#include <vector>

#include "tools/load/client.h"

namespace ingot::load {
namespace {

Target LocalTarget() { return ParseUrl("http://127.0.0.1:5080").value(); }

LoadOptions Options(Endpoint e, Workload w = Workload::kLogs) {
  LoadOptions o;
  o.endpoint = e;
  o.workload = w;
  o.stream = "app";
  o.bodies = 3;
  o.connections = 2;
  o.start_timestamp_ms = 1'750'000'000'000;
  return o;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    EXPECT_NE(nl, std::string_view::npos) << "body must end with a newline";
    if (nl == std::string_view::npos) break;
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

simdjson::dom::element Parse(simdjson::dom::parser& parser, std::string_view text) {
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(text.data(), text.size()).get(e), simdjson::SUCCESS) << text;
  return e;
}

// The records of a body, whatever the endpoint's envelope, as JSON text.
std::vector<std::string> Records(Endpoint endpoint, const std::string& raw) {
  simdjson::dom::parser parser;
  std::vector<std::string> records;
  switch (endpoint) {
    case Endpoint::kJson: {
      simdjson::dom::array array;
      EXPECT_EQ(Parse(parser, raw).get(array), simdjson::SUCCESS);
      for (auto r : array) records.push_back(simdjson::minify(r));
      break;
    }
    case Endpoint::kMulti:
      for (std::string_view line : Lines(raw)) {
        records.push_back(simdjson::minify(Parse(parser, line)));
      }
      break;
    case Endpoint::kBulk: {
      const auto lines = Lines(raw);
      EXPECT_EQ(lines.size() % 2, 0u);
      for (std::size_t i = 0; i + 1 < lines.size(); i += 2) {
        std::string_view index;
        EXPECT_EQ(Parse(parser, lines[i])["create"]["_index"].get(index), simdjson::SUCCESS)
            << lines[i];
        EXPECT_EQ(index, "app");
        records.push_back(simdjson::minify(Parse(parser, lines[i + 1])));
      }
      break;
    }
    case Endpoint::kHec:
      for (std::string_view line : Lines(raw)) {
        simdjson::dom::element event = Parse(parser, line);
        double time = 0;
        std::string_view index, source;
        EXPECT_EQ(event["time"].get(time), simdjson::SUCCESS) << line;
        EXPECT_GT(time, 1.7e9);
        EXPECT_LT(time, 1.8e9);
        EXPECT_EQ(event["index"].get(index), simdjson::SUCCESS);
        EXPECT_EQ(index, "app");
        EXPECT_EQ(event["source"].get(source), simdjson::SUCCESS);
        simdjson::dom::object inner;
        EXPECT_EQ(event["event"].get(inner), simdjson::SUCCESS) << line;
        std::int64_t ts_ms = 0;
        EXPECT_EQ(inner["timestamp"].get(ts_ms), simdjson::SUCCESS);
        EXPECT_NEAR(time, static_cast<double>(ts_ms) / 1000, 0.0015) << "time follows the record";
        records.push_back(simdjson::minify(inner));
      }
      break;
    case Endpoint::kOtlpProto:
    case Endpoint::kOtlpJson: ADD_FAILURE() << "OTLP bodies are checked by otlp_body_test"; break;
    case Endpoint::kLp: ADD_FAILURE() << "line protocol is checked by LineProtocolPointsWithIds";
    case Endpoint::kMsgpackColumnar:
    case Endpoint::kMsgpackRows:
      ADD_FAILURE() << "MessagePack bodies are checked by arc_body_test";
      break;
    case Endpoint::kPromRw: ADD_FAILURE() << "remote_write bodies: prom_rw_body_test"; break;
    case Endpoint::kLoki: ADD_FAILURE() << "Loki is checked by LokiPushesWithIds"; break;
  }
  return records;
}

std::string Gunzip(std::string_view in, std::size_t size) {
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  std::string out(size, '\0');
  std::size_t actual = 0;
  const auto r =
      libdeflate_gzip_decompress(d, in.data(), in.size(), out.data(), out.size(), &actual);
  libdeflate_free_decompressor(d);
  EXPECT_EQ(r, LIBDEFLATE_SUCCESS);
  out.resize(actual);
  return out;
}

TEST(BodyPool, EveryEndpointAndWorkloadParses) {
  for (Endpoint e : {Endpoint::kJson, Endpoint::kMulti, Endpoint::kBulk, Endpoint::kHec}) {
    for (Workload w : {Workload::kLogs, Workload::kWide, Workload::kNarrow, Workload::kMetrics}) {
      SCOPED_TRACE(std::string(EndpointName(e)) + "/" + std::string(WorkloadName(w)));
      auto pool = BodyPool::Build(Options(e, w), LocalTarget(), 50, "");
      ASSERT_TRUE(pool.ok()) << pool.status().message();
      ASSERT_EQ(pool->size(), 3u);
      std::set<std::string> distinct;
      for (std::size_t i = 0; i < pool->size(); ++i) {
        const Body& b = pool->body(i);
        EXPECT_EQ(b.records, 50u);
        const auto records = Records(e, b.raw);
        EXPECT_EQ(records.size(), 50u);
        distinct.insert(records.begin(), records.end());
        EXPECT_EQ(b.wire(), b.raw) << "no gzip: sent as built";
        EXPECT_TRUE(
            b.head.ends_with("Content-Length: " + std::to_string(b.raw.size()) + "\r\n\r\n"))
            << b.head;
      }
      EXPECT_GT(distinct.size(), 140u) << "bodies hold different records";
    }
  }
}

TEST(BodyPool, HeadNamesThePathAndHeaders) {
  LoadOptions o = Options(Endpoint::kMulti);
  o.org = "my org";
  o.headers = {"Authorization: Basic abc", "X-Test: 1"};
  auto pool = BodyPool::Build(o, ParseUrl("http://example.com:8080/prefix/").value(), 2, "");
  ASSERT_TRUE(pool.ok());
  const std::string& head = pool->body(0).head;
  EXPECT_TRUE(head.starts_with("POST /prefix/api/my%20org/app/_multi HTTP/1.1\r\n")) << head;
  EXPECT_NE(head.find("\r\nHost: example.com:8080\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Type: application/x-ndjson\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nAuthorization: Basic abc\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nX-Test: 1\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Encoding"), std::string::npos);

  for (auto [e, path] : {std::pair{Endpoint::kJson, "/api/default/app/_json"},
                         std::pair{Endpoint::kBulk, "/api/default/_bulk"},
                         std::pair{Endpoint::kHec, "/api/default/_hec"}}) {
    EXPECT_EQ(RequestPath(Options(e), LocalTarget()), path);
  }
  // Arc: one path, the org in x-arc-database.
  LoadOptions arc = Options(Endpoint::kMsgpackColumnar);
  arc.org = "telemetry";
  EXPECT_EQ(RequestPath(arc, LocalTarget()), "/api/v1/write/msgpack");
  auto arc_pool = BodyPool::Build(arc, LocalTarget(), 10, "");
  ASSERT_TRUE(arc_pool.ok()) << arc_pool.status().ToString();
  const std::string& arc_head = arc_pool->body(0).head;
  EXPECT_NE(arc_head.find("\r\nContent-Type: application/msgpack\r\n"), std::string::npos);
  EXPECT_NE(arc_head.find("\r\nx-arc-database: telemetry\r\n"), std::string::npos);
  EXPECT_FALSE(internal::ReportsRejectedRecords(Endpoint::kMsgpackRows, ""));
  arc.ack_file = "/tmp/acks";
  EXPECT_FALSE(Validate(arc).ok());
}

TEST(BodyPool, GzipRoundTrips) {
  LoadOptions o = Options(Endpoint::kBulk, Workload::kWide);
  o.gzip = true;
  auto pool = BodyPool::Build(o, LocalTarget(), 100, "");
  ASSERT_TRUE(pool.ok());
  EXPECT_FALSE(pool->CompressedPerRequest());
  for (std::size_t i = 0; i < pool->size(); ++i) {
    const Body& b = pool->body(i);
    EXPECT_LT(b.wire().size(), b.raw.size() / 3);
    EXPECT_EQ(Gunzip(b.wire(), b.raw.size()), b.raw);
    EXPECT_NE(b.head.find("\r\nContent-Encoding: gzip\r\n"), std::string::npos);
    EXPECT_TRUE(
        b.head.ends_with("Content-Length: " + std::to_string(b.wire().size()) + "\r\n\r\n"));
  }
}

TEST(BodyPool, IdsArePatchedInPlaceAndUnique) {
  for (Endpoint e : {Endpoint::kJson, Endpoint::kMulti, Endpoint::kBulk, Endpoint::kHec}) {
    SCOPED_TRACE(std::string(EndpointName(e)));
    LoadOptions o = Options(e);
    o.connections = 2;
    o.bodies = 3;
    auto pool = BodyPool::Build(o, LocalTarget(), 20, "run7");
    ASSERT_TRUE(pool.ok());
    EXPECT_EQ(pool->size(), 4u) << "rounded up to a multiple of the connections";
    std::set<std::string> ids;
    simdjson::dom::parser parser;
    // Send each body twice, as a connection would, with fresh ids each time.
    std::uint64_t next = 0;
    for (int round = 0; round < 2; ++round) {
      for (std::size_t i = 0; i < pool->size(); ++i) {
        Body& b = pool->body(i);
        const std::size_t size_before = b.raw.size();
        PatchIds(b, next);
        EXPECT_EQ(b.raw.size(), size_before);
        std::string expected_lines;
        AppendIdLines("run7", next, b.records, expected_lines);
        next += b.records;
        std::string lines;
        for (const std::string& record : Records(e, b.raw)) {
          std::string_view id;
          ASSERT_EQ(Parse(parser, record)["load_id"].get(id), simdjson::SUCCESS) << record;
          EXPECT_TRUE(ids.insert(std::string(id)).second) << "duplicate id " << id;
          lines += std::string(id) + "\n";
        }
        EXPECT_EQ(lines, expected_lines);
      }
    }
    EXPECT_EQ(ids.size(), 2 * 4 * 20u);
    EXPECT_TRUE(ids.contains("run7-000000000000"));
    EXPECT_TRUE(ids.contains("run7-000000000159"));
  }
}

// Line protocol: cpu points to /write?db=<org>, ids in a load_id tag after the measurement.
TEST(BodyPool, LineProtocolPointsWithIds) {
  LoadOptions o = Options(Endpoint::kLp);
  o.org = "my db";
  o.bodies = 2;
  auto pool = BodyPool::Build(o, LocalTarget(), 30, "run7");
  ASSERT_TRUE(pool.ok());
  Body& b = pool->body(1);
  EXPECT_TRUE(b.head.starts_with("POST /write?db=my%20db HTTP/1.1\r\n")) << b.head;
  EXPECT_NE(b.head.find("\r\nContent-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  PatchIds(b, 30);
  const auto lines = Lines(b.raw);
  ASSERT_EQ(lines.size(), 30u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string id = std::to_string(30 + i);
    EXPECT_TRUE(lines[i].starts_with("cpu,load_id=run7-" + std::string(12 - id.size(), '0') + id +
                                     ",host=web-"))
        << lines[i];
  }
  EXPECT_FALSE(internal::ReportsRejectedRecords(Endpoint::kLp, ""));
  auto plain = BodyPool::Build(o, LocalTarget(), 5, "");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->body(0).raw.starts_with("cpu,host=web-")) << plain->body(0).raw;
  EXPECT_EQ(ParseEndpoint("lp").value(), Endpoint::kLp);
}

// Loki: the JSON push form to /api/{org}/loki/api/v1/push, one stream, each record's JSON text an
// entry's line at the record's time, ids in the entries' structured metadata.
TEST(BodyPool, LokiPushesWithIds) {
  LoadOptions o = Options(Endpoint::kLoki);
  o.org = "acme";
  o.bodies = 2;
  auto pool = BodyPool::Build(o, LocalTarget(), 30, "run7");
  ASSERT_TRUE(pool.ok());
  Body& b = pool->body(1);
  EXPECT_TRUE(b.head.starts_with("POST /api/acme/loki/api/v1/push HTTP/1.1\r\n")) << b.head;
  EXPECT_NE(b.head.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(b.head.find("\r\nstream-name: app\r\n"), std::string::npos);
  PatchIds(b, 30);
  simdjson::dom::parser parser;
  simdjson::dom::element push = Parse(parser, b.raw);
  simdjson::dom::array streams, values;
  ASSERT_EQ(push["streams"].get(streams), simdjson::SUCCESS);
  ASSERT_EQ(streams.size(), 1u);
  std::string_view job;
  EXPECT_EQ(streams.at(0)["stream"]["job"].get(job), simdjson::SUCCESS);
  EXPECT_EQ(job, "ingot-load");
  ASSERT_EQ(streams.at(0)["values"].get(values), simdjson::SUCCESS);
  ASSERT_EQ(values.size(), 30u);
  std::size_t i = 0;
  for (simdjson::dom::element entry : values) {
    std::string_view ns, line, id;
    ASSERT_EQ(entry.at(0).get(ns), simdjson::SUCCESS);
    ASSERT_EQ(entry.at(1).get(line), simdjson::SUCCESS);
    ASSERT_EQ(entry.at(2)["load_id"].get(id), simdjson::SUCCESS);
    const std::string want = std::to_string(30 + i++);
    EXPECT_EQ(id, "run7-" + std::string(12 - want.size(), '0') + want);
    // The line is the record, whose time the entry carries.
    simdjson::dom::parser record_parser;
    std::int64_t ts_ms = 0;
    EXPECT_EQ(Parse(record_parser, line)["timestamp"].get(ts_ms), simdjson::SUCCESS) << line;
    EXPECT_EQ(ns, std::to_string(ts_ms) + "000000");
  }
  EXPECT_FALSE(internal::ReportsRejectedRecords(Endpoint::kLoki, ""));
  auto plain = BodyPool::Build(o, LocalTarget(), 2, "");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->body(0).raw.find("load_id"), std::string::npos) << plain->body(0).raw;
  EXPECT_EQ(ParseEndpoint("loki").value(), Endpoint::kLoki);
}

TEST(BodyPool, IdsWithGzipAreCompressedPerRequest) {
  LoadOptions o = Options(Endpoint::kMulti);
  o.gzip = true;
  auto pool = BodyPool::Build(o, LocalTarget(), 10, "r");
  ASSERT_TRUE(pool.ok());
  EXPECT_TRUE(pool->CompressedPerRequest());
  EXPECT_TRUE(pool->body(0).head.empty());
  EXPECT_NE(pool->head_prefix().find("Content-Encoding: gzip"), std::string::npos);
  EXPECT_EQ(pool->head_prefix().find("Content-Length"), std::string::npos);
  GzipCompressor gz(6);
  std::string out;
  gz.Compress(pool->body(0).raw, out);
  EXPECT_EQ(Gunzip(out, pool->body(0).raw.size()), pool->body(0).raw);
}

TEST(RejectedRecords, ReadsEachEndpointsAnswer) {
  using internal::ReportsRejectedRecords;
  EXPECT_FALSE(ReportsRejectedRecords(
      Endpoint::kMulti, R"({"code":200,"status":[{"name":"app","successful":10,"failed":0}]})"));
  EXPECT_TRUE(ReportsRejectedRecords(
      Endpoint::kMulti, R"({"code":200,"status":[{"name":"app","successful":9,"failed":1}]})"));
  EXPECT_TRUE(ReportsRejectedRecords(
      Endpoint::kJson, R"({"code":200,"status":[{"name":"a","successful":0,"failed":10}]})"));
  EXPECT_FALSE(ReportsRejectedRecords(Endpoint::kBulk, R"({"took":3,"errors":false,"items":[])"));
  EXPECT_TRUE(ReportsRejectedRecords(Endpoint::kBulk, R"({"took":3,"errors":true,"items":[])"));
  EXPECT_FALSE(ReportsRejectedRecords(Endpoint::kHec, R"({"text":"Success","code":0})"));
  EXPECT_TRUE(ReportsRejectedRecords(Endpoint::kHec, R"({"text":"Invalid","code":6})"));
  EXPECT_FALSE(ReportsRejectedRecords(Endpoint::kMulti, ""));
}

TEST(LoadOptions, ParsesUrlsAndChecksBounds) {
  auto t = ParseUrl("http://[::1]:9000/x");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, 9000);
  EXPECT_EQ(t->path_prefix, "/x");
  EXPECT_EQ(ParseUrl("http://localhost")->port, 80);
  EXPECT_FALSE(ParseUrl("https://localhost").ok());
  EXPECT_FALSE(ParseUrl("http://host:99999").ok());
  EXPECT_FALSE(ParseUrl("http://:80").ok());

  LoadOptions o;
  EXPECT_TRUE(Validate(o).ok());
  o.duration = std::chrono::nanoseconds::zero();
  EXPECT_FALSE(Validate(o).ok()) << "no bound at all";
  o.max_records = 10;
  EXPECT_TRUE(Validate(o).ok());
  o.headers = {"NoColon"};
  EXPECT_FALSE(Validate(o).ok());
  o.headers = {};
  o.run_id = "bad-id";
  EXPECT_FALSE(Validate(o).ok()) << "'-' separates the run from the counter";
}

}  // namespace
}  // namespace ingot::load
