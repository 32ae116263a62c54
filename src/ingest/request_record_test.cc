#include "ingest/request_record.h"

#include <gtest/gtest.h>

#include "common/input_padding.h"
#include "fingerprint/fingerprint.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace ingot::ingest {
namespace {

using protocols::Protocol;

std::string Padded(std::string_view body) {
  std::string s(body);
  s.append(kInputPadding, '\0');
  return s;
}

TEST(RequestRecord, HeaderRoundTrips) {
  RequestHeader h;
  h.protocol = Protocol::kBulk;
  h.type = model::StreamType::kLogs;
  h.org = "acme";
  h.stream = "dflt";
  h.options.max_depth = 5;
  h.options.max_columns = 77;
  h.options.now_us = 1'700'000'000'000'001;
  h.options.min_timestamp_us = -5;
  h.options.max_timestamp_us = 99;
  h.options.max_fields = 123;
  h.options.max_record_bytes = 1u << 20;
  std::string payload;
  EncodeRequestHeader(h, payload);
  payload += "BODY";
  RequestHeader back;
  std::string_view body;
  ASSERT_TRUE(DecodeRequestRecord(payload, back, body).ok());
  EXPECT_EQ(body, "BODY");
  EXPECT_EQ(back.protocol, Protocol::kBulk);
  EXPECT_EQ(back.org, "acme");
  EXPECT_EQ(back.stream, "dflt");
  EXPECT_EQ(back.options.max_depth, 5u);
  EXPECT_EQ(back.options.max_columns, 77u);
  EXPECT_EQ(back.options.now_us, 1'700'000'000'000'001);
  EXPECT_EQ(back.options.min_timestamp_us, -5);
  EXPECT_EQ(back.options.max_timestamp_us, 99);
  EXPECT_EQ(back.options.max_fields, 123u);
  EXPECT_EQ(back.options.max_record_bytes, 1u << 20);
}

// The variant byte (offset 3, reserved and 0 before) carries the line protocol's precision; a
// record of another protocol, or one written before, reads as 0.
TEST(RequestRecord, VariantRoundTripsAtOffsetThree) {
  RequestHeader h;
  h.protocol = Protocol::kInfluxLine;
  h.type = model::StreamType::kMetrics;
  h.org = "db";
  h.variant = 3;
  std::string payload;
  EncodeRequestHeader(h, payload);
  EXPECT_EQ(payload[3], '\x03');
  RequestHeader back;
  std::string_view body;
  ASSERT_TRUE(DecodeRequestRecord(payload, back, body).ok());
  EXPECT_EQ(back.protocol, Protocol::kInfluxLine);
  EXPECT_EQ(back.variant, 3);
  h.protocol = Protocol::kNdjson;
  h.variant = 0;
  payload.clear();
  EncodeRequestHeader(h, payload);
  EXPECT_EQ(payload[3], '\0');
  ASSERT_TRUE(DecodeRequestRecord(payload, back, body).ok());
  EXPECT_EQ(back.variant, 0);
}

// Records written before version 2 (no per-record limits in the header) are still read.
TEST(RequestRecord, ReadsVersion1Records) {
  RequestHeader h;
  h.protocol = Protocol::kNdjson;
  h.org = "acme";
  h.stream = "s";
  h.options.now_us = 7;
  h.options.max_fields = 5;
  std::string v3;
  EncodeRequestHeader(h, v3);
  // Version 2: without version 3's fingerprint byte and (empty) message fields at the end.
  const std::string v2 = v3.substr(0, v3.size() - 3);
  // Version 1: also without max_fields (u32) and max_record_bytes (u64) after offset 36.
  std::string v1 = v2.substr(0, 36) + v2.substr(48);
  v1[0] = 1;
  v1 += "BODY";
  RequestHeader back;
  back.options.max_fields = 99;
  std::string_view body;
  ASSERT_TRUE(DecodeRequestRecord(v1, back, body).ok());
  EXPECT_EQ(body, "BODY");
  EXPECT_EQ(back.org, "acme");
  EXPECT_EQ(back.stream, "s");
  EXPECT_EQ(back.options.now_us, 7);
  EXPECT_EQ(back.options.max_fields, 0u);
}

// Version 3 records whether the records were fingerprinted and where their message was; version 2
// records replay without fingerprints.
TEST(RequestRecord, RecordsTheFingerprintSettings) {
  RequestHeader h;
  h.protocol = Protocol::kNdjson;
  h.org = "acme";
  h.stream = "s";
  h.options.message_fields = "message,msg";
  h.options.fingerprint = &fingerprint::FingerprintMessage;
  std::string v3;
  EncodeRequestHeader(h, v3);
  RequestHeader back;
  std::string_view body;
  ASSERT_TRUE(DecodeRequestRecord(v3 + "BODY", back, body).ok());
  EXPECT_EQ(body, "BODY");
  EXPECT_EQ(back.options.message_fields, "message,msg");
  EXPECT_EQ(back.options.fingerprint, &fingerprint::FingerprintMessage);

  h.options.message_fields.clear();
  h.options.fingerprint = nullptr;
  std::string off;
  EncodeRequestHeader(h, off);
  std::string v2 = off.substr(0, off.size() - 3) + "BODY";
  v2[0] = 2;
  back.options = h.options;
  back.options.fingerprint = &fingerprint::FingerprintMessage;  // what a live request might say
  ASSERT_TRUE(DecodeRequestRecord(v2, back, body).ok());
  EXPECT_EQ(body, "BODY");
  EXPECT_EQ(back.options.fingerprint, nullptr);
  EXPECT_EQ(back.options.message_fields, "");
}

// A record rejected by --max-fields when the request was answered is rejected again on replay.
TEST(RequestRecord, ReplayKeepsThePerRecordLimits) {
  RequestHeader h;
  h.protocol = Protocol::kNdjson;
  h.stream = "s";
  h.options.max_fields = 2;
  std::string payload;
  EncodeRequestHeader(h, payload);
  payload += "{\"a\":1,\"b\":2,\"c\":3}\n{\"a\":1}\n";
  RequestHeader back;
  std::string_view body;
  ASSERT_TRUE(DecodeRequestRecord(payload, back, body).ok());
  const std::string padded = Padded(body);
  protocols::Decoded decoded(back.options);
  ASSERT_TRUE(DecodeRequestBody(back, {padded.data(), body.size()}, decoded).ok());
  EXPECT_EQ(decoded.successful(), 1u);
  EXPECT_EQ(decoded.failed(), 1u);
}

TEST(RequestRecord, RejectsDamagedHeaders) {
  RequestHeader h;
  std::string payload;
  EncodeRequestHeader(h, payload);
  RequestHeader back;
  std::string_view body;
  for (std::size_t cut = 0; cut < payload.size(); ++cut) {
    EXPECT_FALSE(DecodeRequestRecord(payload.substr(0, cut), back, body).ok()) << cut;
  }
  std::string bad_version = payload;
  bad_version[0] = 9;
  EXPECT_FALSE(DecodeRequestRecord(bad_version, back, body).ok());
  std::string bad_protocol = payload;
  bad_protocol[1] = 42;
  EXPECT_FALSE(DecodeRequestRecord(bad_protocol, back, body).ok());
}

TEST(RequestRecord, ReplayDecodesLikeTheRequestDid) {
  struct Case {
    Protocol protocol;
    std::string_view body;
    std::size_t records;
    std::size_t failed;
    std::size_t streams;
  };
  const Case cases[] = {
      {Protocol::kJsonArray, R"([{"a":1},{"a":2,"_timestamp":5}])", 1, 1, 1},
      {Protocol::kNdjson, "{\"a\":1}\n{\"a\":2}\n", 2, 0, 1},
      {Protocol::kBulk, "{\"index\":{\"_index\":\"x\"}}\n{\"a\":1}\n{\"create\":{}}\n{\"b\":2}\n",
       2, 0, 2},
      {Protocol::kHec, R"({"event":"e","index":"web"}{"event":{"k":1}})", 2, 0, 2},
  };
  for (const auto& c : cases) {
    RequestHeader h;
    h.protocol = c.protocol;
    h.org = "o";
    h.stream = "s";
    h.options.now_us = 1'700'000'000'000'000;
    h.options.min_timestamp_us = h.options.now_us - 1'000'000;
    protocols::Decoded decoded(h.options);
    const std::string body = Padded(c.body);
    ASSERT_TRUE(DecodeRequestBody(h, {body.data(), c.body.size()}, decoded).ok())
        << static_cast<int>(c.protocol);
    EXPECT_EQ(decoded.successful(), c.records) << static_cast<int>(c.protocol);
    EXPECT_EQ(decoded.failed(), c.failed) << static_cast<int>(c.protocol);
    EXPECT_EQ(decoded.streams().size(), c.streams) << static_cast<int>(c.protocol);
  }
}

// An OTLP record (protobuf, and OTLP/JSON) replays into the same rows as the request had: here two
// log records, one of them outside the accepted window (a per-record failure, as when answered).
TEST(RequestRecord, ReplaysOtlpRecords) {
  constexpr std::int64_t kNowUs = 1'700'000'000'000'000;
  opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest logs;
  auto* scope = logs.add_resource_logs()->add_scope_logs();
  auto* ok = scope->add_log_records();
  ok->set_time_unix_nano(static_cast<std::uint64_t>(kNowUs) * 1000);
  ok->mutable_body()->set_string_value("hello");
  scope->add_log_records()->set_time_unix_nano(1'000);  // 1970: outside the window
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest traces;
  auto* span = traces.add_resource_spans()->add_scope_spans()->add_spans();
  span->set_name("GET /");
  span->set_start_time_unix_nano(static_cast<std::uint64_t>(kNowUs) * 1000);
  struct Case {
    Protocol protocol;
    std::string body;
    std::size_t records, failed;
    std::string_view column, value;
  };
  const Case cases[] = {
      {Protocol::kOtlpLogsProtobuf, logs.SerializeAsString(), 1, 1, "body", "hello"},
      {Protocol::kOtlpLogsJson,
       R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000",)"
       R"("body":{"stringValue":"hello"}},{"timeUnixNano":1000}]}]}]})",
       1, 1, "body", "hello"},
      {Protocol::kOtlpTracesProtobuf, traces.SerializeAsString(), 1, 0, "name", "GET /"},
      {Protocol::kOtlpTracesJson,
       R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"GET /","kind":2}]}]}]})", 1, 0,
       "kind", "server"},
      {Protocol::kOtlpMetricsJson,
       R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":)"
       R"({"dataPoints":[{"asInt":"3"},{"asDouble":1.5}]}}]}]}]})",
       2, 0, "metric_name", "m"},
  };
  for (const auto& c : cases) {
    RequestHeader h;
    h.protocol = c.protocol;
    h.org = "o";
    h.stream = "s";
    h.options.now_us = kNowUs;
    h.options.min_timestamp_us = kNowUs - 1'000'000;
    std::string payload;
    EncodeRequestHeader(h, payload);
    payload += c.body;
    RequestHeader back;
    std::string_view body;
    ASSERT_TRUE(DecodeRequestRecord(payload, back, body).ok());
    ASSERT_EQ(back.protocol, c.protocol);
    const std::string padded = Padded(body);
    protocols::Decoded decoded(back.options);
    const Status st = DecodeRequestBody(back, {padded.data(), body.size()}, decoded);
    ASSERT_TRUE(st.ok()) << static_cast<int>(c.protocol) << ": " << st.ToString();
    EXPECT_EQ(decoded.successful(), c.records) << static_cast<int>(c.protocol);
    EXPECT_EQ(decoded.failed(), c.failed) << static_cast<int>(c.protocol);
    ASSERT_EQ(decoded.streams().size(), 1u);
    EXPECT_EQ(decoded.streams()[0]->name, "s");
    const auto& batch = decoded.streams()[0]->builder.batch();
    const int col = batch.FindColumn(c.column);
    ASSERT_GE(col, 0) << c.column;
    EXPECT_EQ(batch.column(static_cast<std::size_t>(col)).string_at(0), c.value);
  }
  // A malformed OTLP body fails the replay like it failed the request.
  RequestHeader h;
  h.protocol = Protocol::kOtlpLogsProtobuf;
  protocols::Decoded decoded(h.options);
  const std::string bad = Padded(
      "\x0a\x05"
      "ab");
  EXPECT_FALSE(DecodeRequestBody(h, {bad.data(), 4}, decoded).ok());
}

}  // namespace
}  // namespace ingot::ingest
