#include "protocols/json/hec.h"

#include <gtest/gtest.h>

#include "protocols/json/test_body.h"

namespace ingot::protocols::json {
namespace {

model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  return o;
}

struct HecRun {
  Decoded decoded{Options()};
  HecResult result;
  const model::Column& col(std::size_t stream, std::string_view name) {
    auto& b = decoded.streams()[stream]->builder.batch();
    const int i = b.FindColumn(name);
    EXPECT_GE(i, 0) << name;
    return b.column(static_cast<std::size_t>(std::max(i, 0)));
  }
};

std::unique_ptr<HecRun> DecodeHecText(std::string_view text) {
  auto r = std::make_unique<HecRun>();
  PaddedBody body(text);
  r->result = DecodeHec(body.view(), "default", r->decoded);
  r->decoded.Finish();
  return r;
}

TEST(Hec, MapsStringAndObjectEvents) {
  auto r = DecodeHecText(
      R"({"time":1700000000.25,"host":"h1","source":"app","sourcetype":"json","event":"hello","fields":{"env":"prod"}})"
      R"({"event":{"msg":"structured","code":7},"index":"Web-Events","time":"1700000001"})"
      "\n"
      R"({"index":"web-events","event":{"msg":"again"},"time":1700000002})");
  ASSERT_TRUE(r->result.ok()) << r->result.text;
  ASSERT_EQ(r->decoded.streams().size(), 2u);
  EXPECT_EQ(r->decoded.streams()[0]->name, "default");
  EXPECT_EQ(r->col(0, "log").string_at(0), "hello");
  EXPECT_EQ(r->col(0, "host").string_at(0), "h1");
  EXPECT_EQ(r->col(0, "sourcetype").string_at(0), "json");
  EXPECT_EQ(r->col(0, "env").string_at(0), "prod");
  EXPECT_EQ(r->col(0, "_timestamp").ints()[0], 1'700'000'000'250'000);
  EXPECT_EQ(r->decoded.streams()[1]->name, "web_events");
  EXPECT_EQ(r->col(1, "msg").string_at(1), "again");
  EXPECT_EQ(r->col(1, "code").ints()[0], 7);
  EXPECT_EQ(r->col(1, "_timestamp").ints(),
            (std::vector<std::int64_t>{1'700'000'001'000'000, 1'700'000'002'000'000}));
  EXPECT_EQ(r->result.ResponseBody(), R"({"text":"Success","code":0})");
}

TEST(Hec, ErrorsUseSplunkCodes) {
  struct Case {
    std::string_view body;
    HecCode code;
    std::size_t event;
  };
  const Case cases[] = {
      {"", HecCode::kNoData, 0},
      {R"({"event":"a"}{"host":"x"})", HecCode::kEventFieldRequired, 1},
      {R"({"event":""})", HecCode::kEventFieldBlank, 0},
      {R"({"event":"a"}{"event":)", HecCode::kInvalidDataFormat, 1},
      {R"({"event":"a","time":"soon"})", HecCode::kInvalidDataFormat, 0},
      {R"([1,2])", HecCode::kInvalidDataFormat, 0},
  };
  for (const auto& c : cases) {
    auto r = DecodeHecText(c.body);
    EXPECT_EQ(r->result.code, c.code) << c.body << " -> " << r->result.text;
    if (c.code != HecCode::kNoData) {
      EXPECT_EQ(r->result.invalid_event_number, c.event) << c.body;
    }
  }
  auto r = DecodeHecText(R"({"event":""})");
  EXPECT_EQ(r->result.ResponseBody(),
            R"({"text":"Event field cannot be blank","code":13,"invalid-event-number":0})");
}

// ---- issue 10

TEST(Hec, AnIndexNameThatCannotBeAStreamRefusesTheRequest) {
  const std::string long_index(300, 'i');
  auto r = DecodeHecText(R"({"event":"a"})"
                         "\n"
                         R"({"event":"b","index":")" +
                         long_index + R"("})");
  EXPECT_EQ(r->result.code, HecCode::kIncorrectIndex);
  EXPECT_EQ(r->result.invalid_event_number, 1u);
  EXPECT_EQ(
      r->result.ResponseBody().rfind(R"({"text":"Incorrect index: event 1: index name \"iiii)", 0),
      0u)
      << r->result.ResponseBody();
  EXPECT_NE(
      r->result.ResponseBody().find(R"(over the limit of 128","code":7,"invalid-event-number":1})"),
      std::string::npos)
      << r->result.ResponseBody();
  // An empty index is the default stream, as before; 128 bytes is a name.
  auto ok = DecodeHecText(R"({"event":"a","index":""}{"event":"b","index":")" +
                          std::string(128, 'j') + R"("})");
  ASSERT_TRUE(ok->result.ok()) << ok->result.text;
  EXPECT_EQ(ok->decoded.streams()[0]->name, "default");
  EXPECT_EQ(ok->decoded.streams()[1]->name, std::string(128, 'j'));
}

TEST(Hec, TimeWinsOverAnEventTimestampWhicheverComesFirst) {
  for (std::string_view body :
       {R"({"time":1700000000,"event":{"@timestamp":"2020-01-01T00:00:00Z","m":1}})",
        R"({"event":{"@timestamp":"2020-01-01T00:00:00Z","m":1},"time":1700000000})"}) {
    auto r = DecodeHecText(body);
    ASSERT_TRUE(r->result.ok()) << r->result.text;
    EXPECT_EQ(r->col(0, "_timestamp").ints()[0], 1'700'000'000'000'000) << body;
    EXPECT_EQ(r->col(0, "_extra").string_at(0), R"({"_timestamp":"2020-01-01T00:00:00Z"})") << body;
  }
}

TEST(Hec, AnEventTheNormalizationRejectsFailsTheRequestWithCode6) {
  // An out-of-range time (as a number ingot can hold, or not), an impossible date: Splunk's answer
  // cannot say "stored but one", so the request is refused naming the event.
  for (std::string_view bad :
       {R"("time":-9.1e21)", R"("time":1e300)", R"("time":"1e300")",
        R"("event":{"@timestamp":"2024-02-31"})", R"("time":"9999-12-31T23:59:60Z")"}) {
    const std::string body = R"({"event":"a","time":1700000000})"
                             "\n"
                             R"({"event":"b",)" +
                             std::string(bad) + "}";
    auto r = DecodeHecText(body);
    EXPECT_EQ(r->result.code, HecCode::kInvalidDataFormat) << bad << ": " << r->result.text;
    EXPECT_EQ(r->result.invalid_event_number, 1u) << bad;
    EXPECT_EQ(r->result.text.rfind("Invalid data format: event 1: _timestamp ", 0), 0u)
        << bad << ": " << r->result.text;
  }
  auto r = DecodeHecText(R"({"event":"b","time":-9.1e21})");
  EXPECT_EQ(r->result.text,
            "Invalid data format: event 0: _timestamp -286398-06-24T22:13:20.000000Z is outside "
            "the range ingot stores [0001-01-01T00:00:00.000000Z, 9999-12-31T23:59:59.999999Z]");
}

TEST(Hec, UnnamableKeysAndDeepNesting) {
  auto r = DecodeHecText(R"({"event":{"":1,"hour":2},"fields":{"":3,"date":"d"},"":4})");
  ASSERT_TRUE(r->result.ok()) << r->result.text;
  EXPECT_EQ(r->col(0, "hour_").ints()[0], 2);
  EXPECT_EQ(r->col(0, "date_").string_at(0), "d");
  EXPECT_EQ(r->col(0, "_extra").string_at(0), R"({"":1,"":3,"":4})");

  std::string deep = R"({"event":)";
  for (int i = 0; i < 70'000; ++i) deep += "{\"a\":";
  deep += "1" + std::string(70'000, '}') + "}";
  auto d = DecodeHecText(deep);
  EXPECT_EQ(d->result.code, HecCode::kInvalidDataFormat);
  EXPECT_NE(d->result.text.find("nested more than 1024 levels deep"), std::string::npos)
      << d->result.text;
}

}  // namespace
}  // namespace ingot::protocols::json
