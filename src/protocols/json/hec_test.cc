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

}  // namespace
}  // namespace ingot::protocols::json
