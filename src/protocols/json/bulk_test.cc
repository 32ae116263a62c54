#include "protocols/json/bulk.h"

#include <gtest/gtest.h>

#include "protocols/json/test_body.h"

namespace ingot::protocols::json {
namespace {

model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  o.min_timestamp_us = o.now_us - 86'400'000'000LL;
  return o;
}

struct BulkRun {
  Decoded decoded{Options()};
  BulkItems items;
  Status status;
};

std::unique_ptr<BulkRun> DecodeBulkText(std::string_view text,
                                        std::string_view default_stream = "") {
  auto r = std::make_unique<BulkRun>();
  PaddedBody body(text);
  r->status = DecodeBulk(body.view(), default_stream, r->decoded, r->items);
  r->decoded.Finish();
  return r;
}

TEST(Bulk, RoutesDocumentsToTheirIndexAndAnswersPerItem) {
  auto r = DecodeBulkText(
      "{\"index\":{\"_index\":\"App-Logs\",\"_id\":\"1\"}}\n"
      "{\"msg\":\"a\",\"@timestamp\":\"2023-11-14T22:13:20Z\"}\n"
      "{\"create\":{\"_index\":\"other\"}}\n"
      "{\"msg\":\"b\"}\n"
      "{\"delete\":{\"_index\":\"other\",\"_id\":\"9\"}}\n"
      "{\"update\":{\"_index\":\"other\",\"_id\":7}}\n"
      "{\"doc\":{\"msg\":\"c\"}}\n"
      "{\"index\":{\"_index\":\"app-logs\"}}\n"
      "{\"msg\":\"d\"}\n");
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  ASSERT_EQ(r->decoded.streams().size(), 2u);
  EXPECT_EQ(r->decoded.streams()[0]->name, "app_logs");
  EXPECT_EQ(r->decoded.streams()[0]->builder.records(), 2u);
  EXPECT_EQ(r->decoded.streams()[1]->name, "other");
  EXPECT_EQ(r->decoded.streams()[1]->builder.records(), 1u);
  const auto& items = r->items.items();
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].status, 201);
  EXPECT_EQ(r->items.id(items[0]), "1");
  EXPECT_EQ(items[2].status, 400);  // delete
  EXPECT_EQ(items[3].status, 400);  // update, its doc line skipped
  EXPECT_EQ(r->items.id(items[3]), "7");
  EXPECT_EQ(items[4].status, 201);

  const std::string response = r->items.Response(5);
  EXPECT_EQ(
      response.rfind(
          R"({"took":5,"errors":true,"items":[{"index":{"_index":"App-Logs","_id":"1","status":201)",
          0),
      0u)
      << response;
  EXPECT_NE(
      response.find(
          R"({"delete":{"_index":"other","_id":"9","status":400,"error":{"type":"illegal_argument_exception","reason":"ingot does not support delete"}}})"),
      std::string::npos)
      << response;
}

TEST(Bulk, TimestampFromAtTimestamp) {
  auto r = DecodeBulkText(
      "{\"index\":{\"_index\":\"x\"}}\n{\"@timestamp\":\"2023-11-14T22:13:20.5Z\"}\n");
  ASSERT_TRUE(r->status.ok());
  const auto& batch = r->decoded.streams()[0]->builder.batch();
  EXPECT_EQ(batch.column(0).ints()[0], 1'700'000'000'500'000);
}

TEST(Bulk, MissingIndexUsesTheDefaultOrFailsTheItem) {
  auto with_default = DecodeBulkText("{\"index\":{}}\n{\"a\":1}\n", "dflt");
  ASSERT_TRUE(with_default->status.ok());
  EXPECT_EQ(with_default->decoded.streams()[0]->name, "dflt");

  auto without =
      DecodeBulkText("{\"index\":{}}\n{\"a\":1}\n{\"index\":{\"_index\":\"x\"}}\n{\"a\":2}\n");
  ASSERT_TRUE(without->status.ok());
  EXPECT_EQ(without->items.items()[0].status, 400);
  EXPECT_EQ(without->items.items()[1].status, 201);
}

TEST(Bulk, RecordFailureIsPerItem) {
  auto r = DecodeBulkText(
      "{\"index\":{\"_index\":\"x\"}}\n{\"_timestamp\":5}\n{\"index\":{\"_index\":\"x\"}}\n{\"a\":"
      "1}\n");
  ASSERT_TRUE(r->status.ok());
  EXPECT_EQ(r->items.items()[0].status, 400);
  EXPECT_EQ(r->items.items()[1].status, 201);
  EXPECT_NE(r->items.Response(0).find("mapper_parsing_exception"), std::string::npos);
}

TEST(Bulk, DocumentsOverTheRecordLimitFailPerItem) {
  model::BuilderOptions o = Options();
  o.max_record_bytes = 16;
  Decoded decoded(o);
  BulkItems items;
  PaddedBody body("{\"index\":{\"_index\":\"x\"}}\n{\"a\":\"" + std::string(30, 'x') +
                  "\"}\n{\"index\":{\"_index\":\"x\"}}\n{\"a\":1}\n");
  ASSERT_TRUE(DecodeBulk(body.view(), "", decoded, items).ok());
  decoded.Finish();
  EXPECT_EQ(items.items()[0].status, 413);
  EXPECT_EQ(items.items()[1].status, 201);
  EXPECT_EQ(decoded.successful(), 1u);
}

TEST(Bulk, MalformedRequestsFailWhole) {
  struct Case {
    std::string_view body, want;
  };
  const Case cases[] = {
      {"{\"upsert\":{\"_index\":\"x\"}}\n{}\n", "line 1: unknown bulk action \"upsert\""},
      {"{\"index\":{\"_index\":\"x\"}}\n", "line 1: the index action has no document line"},
      {"{\"index\":{\"_index\":\"x\"}}\n{\"a\":\n", "line 2: document"},
      {"{\"index\":{\"_index\":\"x\"}}\n[1]\n", "line 2: document"},
      {"not json\n", "line 1: action line"},
      {"{\"index\":{},\"create\":{}}\n{}\n", "one action"},
      {"{\"index\":5}\n{}\n", "must be an object"},
  };
  for (const auto& c : cases) {
    auto r = DecodeBulkText(c.body);
    EXPECT_EQ(r->status.code(), StatusCode::kInvalidInput) << c.body;
    EXPECT_NE(r->status.message().find(c.want), std::string::npos)
        << c.body << " -> " << r->status.message();
  }
}

// ---- issue 10: `_index` values and names

TEST(Bulk, IndexValuesAreReadAsElasticsearchReadsThem) {
  const std::string long_index(300, 'x');
  struct Case {
    std::string action;  // the action line
    std::string stream;  // "" = the item fails with `status`
    int status;
    std::string_view error_type;
  };
  const Case cases[] = {
      {R"({"index":{"_index":"App"}})", "app", 201, ""},
      {R"({"index":{"_index":null}})", "dflt", 201, ""},  // null: as if absent
      {R"({"index":{"_index":""}})", "dflt", 201, ""},    // empty: the default, as before
      {R"({"index":{"_index":5}})", "5", 201, ""},        // a number is its text
      {R"({"index":{"_index":true}})", "true", 201, ""},
      {R"({"index":{"_index":")" + long_index + R"("}})", "", 400, "invalid_index_name_exception"},
      {R"({"index":{"_index":")" + std::string(128, 'y') + R"("}})", std::string(128, 'y'), 201,
       ""},
  };
  for (const Case& c : cases) {
    auto r = DecodeBulkText(
        c.action + "\n{\"a\":1}\n{\"index\":{\"_index\":\"after\"}}\n{\"a\":2}\n", "dflt");
    ASSERT_TRUE(r->status.ok()) << c.action << ": " << r->status.message();
    const auto& items = r->items.items();
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].status, c.status) << c.action;
    EXPECT_EQ(items[1].status, 201) << c.action << ": the rest of the request goes on";
    const std::string response = r->items.Response(0);
    if (c.stream.empty()) {
      EXPECT_NE(response.find(std::string(c.error_type)), std::string::npos) << response;
      EXPECT_NE(response.find("_index name \\\"xxxx"), std::string::npos) << response;
      EXPECT_NE(response.find("over the limit of 128"), std::string::npos) << response;
      ASSERT_EQ(r->decoded.streams().size(), 1u);
      EXPECT_EQ(r->decoded.streams()[0]->name, "after");
    } else {
      EXPECT_EQ(r->decoded.streams()[0]->name, c.stream) << c.action;
      EXPECT_EQ(r->decoded.streams()[0]->builder.records(), 1u) << c.action;
    }
  }
  // Without a default stream, a null `_index` is a missing one.
  auto r = DecodeBulkText("{\"index\":{\"_index\":null}}\n{\"a\":1}\n");
  ASSERT_TRUE(r->status.ok());
  EXPECT_EQ(r->items.items()[0].status, 400);
  EXPECT_NE(r->items.Response(0).find("action_request_validation_exception"), std::string::npos);
}

TEST(Bulk, AnObjectOrArrayIndexFailsTheWholeRequest) {
  for (std::string_view action : {R"({"index":{"_index":{"a":"b"}}})",
                                  R"({"create":{"_index":[]}})", R"({"index":{"_id":{}}})"}) {
    auto r = DecodeBulkText("{\"index\":{\"_index\":\"ok\"}}\n{\"a\":1}\n" + std::string(action) +
                            "\n{\"a\":2}\n");
    EXPECT_EQ(r->status.code(), StatusCode::kInvalidInput) << action;
    EXPECT_NE(r->status.message().find("line 3: malformed action line: _"), std::string::npos)
        << r->status.message();
  }
}

TEST(Bulk, DocumentsWithUnnamableKeysAreStoredWithThemInExtra) {
  auto r = DecodeBulkText("{\"index\":{\"_index\":\"x\"}}\n{\"\":1,\"date\":\"d\",\"" +
                          std::string(300, 'k') + "\":2}\n");
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->items.items()[0].status, 201);
  const auto& batch = r->decoded.streams()[0]->builder.batch();
  EXPECT_GE(batch.FindColumn("date_"), 0);
  const int extra = batch.FindColumn("_extra");
  ASSERT_GE(extra, 0);
  EXPECT_EQ(batch.column(static_cast<std::size_t>(extra)).string_at(0),
            "{\"\":1,\"" + std::string(300, 'k') + "\":2}");
}

}  // namespace
}  // namespace ingot::protocols::json
