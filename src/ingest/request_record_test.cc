#include "ingest/request_record.h"

#include <gtest/gtest.h>

#include "protocols/json/json_walker.h"

namespace ingot::ingest {
namespace {

std::string Padded(std::string_view body) {
  std::string s(body);
  s.append(protocols::json::kPadding, '\0');
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

}  // namespace
}  // namespace ingot::ingest
