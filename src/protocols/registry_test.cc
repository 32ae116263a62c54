#include "protocols/registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/input_padding.h"

namespace ingot::protocols {
namespace {

namespace otlp = protocols::otlp;

TEST(Registry, EveryEntryIsComplete) {
  std::set<std::string_view> names;
  for (const ProtocolSpec& p : Protocols()) {
    SCOPED_TRACE(std::string(p.name));
    EXPECT_TRUE(names.insert(p.name).second) << "names are unique";
    EXPECT_NE(p.decode, nullptr);
    EXPECT_TRUE(p.endpoint.starts_with("POST /api/")) << p.endpoint;
    EXPECT_NE(p.endpoint.find("{org}"), std::string_view::npos) << p.endpoint;
    EXPECT_EQ(FindProtocol(p.id), &p);
    // OTLP and Loki bodies say their encoding by Content-Type; the others take any.
    const bool by_content_type =
        p.otlp.has_value() || p.id == Protocol::kLokiProtobuf || p.id == Protocol::kLokiJson;
    EXPECT_EQ(by_content_type, !p.content_types[0].empty());
    // Only a body that is uncompressed before it is read says how large it gets.
    EXPECT_EQ(p.uncompressed_bytes != nullptr, p.id == Protocol::kLokiProtobuf);
  }
  EXPECT_EQ(FindProtocol(Protocol::kAbort), nullptr);
  EXPECT_EQ(FindProtocol(static_cast<Protocol>(0)), nullptr);
  EXPECT_EQ(FindProtocol(static_cast<Protocol>(kMaxProtocol + 1)), nullptr);
}

// The ids are in every WAL on disk: these numbers never change.
TEST(Registry, WalIdsAreStable) {
  EXPECT_EQ(static_cast<int>(Protocol::kJsonArray), 1);
  EXPECT_EQ(static_cast<int>(Protocol::kNdjson), 2);
  EXPECT_EQ(static_cast<int>(Protocol::kBulk), 3);
  EXPECT_EQ(static_cast<int>(Protocol::kHec), 4);
  EXPECT_EQ(static_cast<int>(Protocol::kAbort), 5);
  EXPECT_EQ(static_cast<int>(Protocol::kOtlpLogsProtobuf), 6);
  EXPECT_EQ(static_cast<int>(Protocol::kOtlpLogsJson), 7);
  EXPECT_EQ(static_cast<int>(Protocol::kOtlpMetricsProtobuf), 8);
  EXPECT_EQ(static_cast<int>(Protocol::kOtlpMetricsJson), 9);
  EXPECT_EQ(static_cast<int>(Protocol::kOtlpTracesProtobuf), 10);
  EXPECT_EQ(static_cast<int>(Protocol::kOtlpTracesJson), 11);
  EXPECT_EQ(static_cast<int>(Protocol::kArcMsgpack), 12);
  EXPECT_EQ(static_cast<int>(Protocol::kInfluxLine), 13);
  EXPECT_EQ(static_cast<int>(Protocol::kPromRemoteWrite), 14);
  EXPECT_EQ(static_cast<int>(Protocol::kPromRemoteWriteV2), 15);
  EXPECT_EQ(static_cast<int>(Protocol::kLokiProtobuf), 16);
  EXPECT_EQ(static_cast<int>(Protocol::kLokiJson), 17);
  EXPECT_EQ(Protocols().size(), 16u);
}

// Loki push: logs in the request's stream; the protobuf body's memory estimate counts what it
// uncompresses to.
TEST(Registry, LokiPush) {
  for (Protocol id : {Protocol::kLokiProtobuf, Protocol::kLokiJson}) {
    const ProtocolSpec* p = FindProtocol(id);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->type, model::StreamType::kLogs);
    EXPECT_FALSE(p->streams_in_body);
  }
  EXPECT_EQ(FindProtocol(Protocol::kLokiProtobuf)->content_types[0], "application/x-protobuf");
  EXPECT_EQ(FindProtocol(Protocol::kLokiJson)->content_types[0], "application/json");
  EXPECT_EQ(FindProtocol(Protocol::kLokiJson)->document_index_cap, UINT64_MAX);
  // Snappy's preamble: the uncompressed length as a varint (300), for a body that can hold it.
  const std::string body = "\xac\x02" + std::string(18, 'x');
  EXPECT_EQ(FindProtocol(Protocol::kLokiProtobuf)->uncompressed_bytes(body), 300u);
}

// Line protocol: metrics, a stream per measurement, the precision as the record's variant.
TEST(Registry, InfluxLineProtocol) {
  const ProtocolSpec* p = FindProtocol(Protocol::kInfluxLine);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, model::StreamType::kMetrics);
  EXPECT_TRUE(p->streams_in_body);
  EXPECT_EQ(p->document_index_cap, 0u);
  // A variant that is no precision (a damaged record) is refused, not guessed.
  std::string body = "m v=1 1";
  body.append(64, '\0');
  Decoded decoded{model::BuilderOptions{}};
  DecodeOutcome outcome;
  EXPECT_EQ(p->decode({body.data(), 7}, "", static_cast<std::uint8_t>(influx::kMaxPrecision + 1),
                      decoded, outcome)
                .code(),
            StatusCode::kInvalidInput);
  EXPECT_TRUE(p->decode({body.data(), 7}, "", influx::kMaxPrecision, decoded, outcome).ok());
}

TEST(Registry, OtlpPerSignalAndEncoding) {
  struct Case {
    otlp::Signal signal;
    otlp::Encoding encoding;
    Protocol id;
    model::StreamType type;
    std::string_view content_type;
  };
  const Case cases[] = {
      {otlp::Signal::kLogs, otlp::Encoding::kProtobuf, Protocol::kOtlpLogsProtobuf,
       model::StreamType::kLogs, "application/x-protobuf"},
      {otlp::Signal::kLogs, otlp::Encoding::kJson, Protocol::kOtlpLogsJson,
       model::StreamType::kLogs, "application/json"},
      {otlp::Signal::kMetrics, otlp::Encoding::kProtobuf, Protocol::kOtlpMetricsProtobuf,
       model::StreamType::kMetrics, "application/x-protobuf"},
      {otlp::Signal::kMetrics, otlp::Encoding::kJson, Protocol::kOtlpMetricsJson,
       model::StreamType::kMetrics, "application/json"},
      {otlp::Signal::kTraces, otlp::Encoding::kProtobuf, Protocol::kOtlpTracesProtobuf,
       model::StreamType::kTraces, "application/x-protobuf"},
      {otlp::Signal::kTraces, otlp::Encoding::kJson, Protocol::kOtlpTracesJson,
       model::StreamType::kTraces, "application/json"},
  };
  for (const Case& c : cases) {
    const ProtocolSpec& p = OtlpProtocol(c.signal, c.encoding);
    EXPECT_EQ(p.id, c.id);
    EXPECT_EQ(p.type, c.type);
    EXPECT_EQ(p.content_types[0], c.content_type);
    EXPECT_FALSE(p.streams_in_body);
    // OTLP/JSON is one document simdjson indexes whole; protobuf is read in place.
    EXPECT_EQ(p.document_index_cap > 0, c.encoding == otlp::Encoding::kJson);
    EXPECT_TRUE(p.endpoint.find(otlp::SignalName(c.signal)) != std::string_view::npos);
    EXPECT_TRUE(p.endpoint.find(c.content_type) != std::string_view::npos);
  }
}

// Remote write 1.0 and 2.0 are different messages: one id each, metrics, one stream, read in
// place.
TEST(Registry, PrometheusRemoteWrite) {
  for (Protocol id : {Protocol::kPromRemoteWrite, Protocol::kPromRemoteWriteV2}) {
    const ProtocolSpec& p = *FindProtocol(id);
    EXPECT_EQ(p.type, model::StreamType::kMetrics);
    EXPECT_FALSE(p.streams_in_body);
    EXPECT_EQ(p.document_index_cap, 0u);
    EXPECT_TRUE(p.endpoint.starts_with("POST /api/{org}/prometheus/api/v1/write")) << p.endpoint;
  }
  EXPECT_NE(FindProtocol(Protocol::kPromRemoteWriteV2)
                ->endpoint.find("proto=io.prometheus.write.v2.Request"),
            std::string_view::npos);
}

TEST(Registry, JsonProtocols) {
  const ProtocolSpec& json = *FindProtocol(Protocol::kJsonArray);
  EXPECT_FALSE(json.streams_in_body);
  EXPECT_GT(json.document_index_cap, 0u);
  const ProtocolSpec& multi = *FindProtocol(Protocol::kNdjson);
  EXPECT_FALSE(multi.streams_in_body);
  EXPECT_EQ(multi.document_index_cap, 0u);
  const ProtocolSpec& bulk = *FindProtocol(Protocol::kBulk);
  EXPECT_TRUE(bulk.streams_in_body);
  EXPECT_EQ(bulk.document_index_cap, 0u);
  const ProtocolSpec& hec = *FindProtocol(Protocol::kHec);
  EXPECT_TRUE(hec.streams_in_body);
  EXPECT_EQ(hec.document_index_cap, 16u << 20);
  EXPECT_EQ(json.column_bytes_per_body_byte, 2u);
}

TEST(Registry, ArcMsgpack) {
  const ProtocolSpec& arc = *FindProtocol(Protocol::kArcMsgpack);
  EXPECT_EQ(arc.type, model::StreamType::kMetrics);
  EXPECT_TRUE(arc.streams_in_body);  // a stream per measurement; the org from x-arc-database
  EXPECT_EQ(arc.document_index_cap, 0u);
  // The memory estimate covers the body that grows most: a column of one-byte integers, each a
  // row of an 8-byte value and an 8-byte `_timestamp`.
  const std::uint32_t n = 100'000;
  std::string body =
      "\x82\xa1m\xa1x\xa7"
      "columns\x81\xa1v\xdd";
  for (int k = 3; k >= 0; --k) body += static_cast<char>(n >> (8 * k));
  body.append(n, '\x01');
  const std::size_t size = body.size();
  body.append(kInputPadding, '\0');
  Decoded decoded(model::BuilderOptions{});
  DecodeOutcome outcome;
  ASSERT_TRUE(arc.decode({body.data(), size}, "", 0, decoded, outcome).ok());
  decoded.Finish();
  ASSERT_EQ(decoded.successful(), n);
  const std::size_t columns = decoded.streams()[0]->builder.batch().MemoryBytes();
  EXPECT_GT(columns, 15 * size);
  EXPECT_LE(columns, arc.column_bytes_per_body_byte * size);
}

// The decoder's report besides rows lands in the outcome: a HEC verdict fails the request.
TEST(Registry, HecVerdictIsTheOutcome) {
  const std::string body = std::string(R"({"event":)") + std::string(64, '\0');
  Decoded decoded(model::BuilderOptions{});
  DecodeOutcome outcome;
  const Status st =
      FindProtocol(Protocol::kHec)->decode({body.data(), 9}, "s", 0, decoded, outcome);
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(outcome.hec.ok());
  EXPECT_EQ(st.message(), outcome.hec.text);
}

}  // namespace
}  // namespace ingot::protocols
