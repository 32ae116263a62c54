#include "protocols/json/multi.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "protocols/json/test_body.h"

namespace ingot::protocols::json {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000'000;

model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = kNow;
  o.min_timestamp_us = kNow - 86'400'000'000LL;
  o.max_timestamp_us = kNow + 3'600'000'000LL;
  return o;
}

struct Decode {
  Decoded decoded{Options()};
  Status status;
  StreamRecords& stream() { return decoded.Stream("s"); }
  const model::Column& col(std::string_view name) {
    auto& b = stream().builder.batch();
    const int i = b.FindColumn(name);
    EXPECT_GE(i, 0) << name;
    return b.column(static_cast<std::size_t>(std::max(i, 0)));
  }
};

std::unique_ptr<Decode> Ndjson(std::string_view text) {
  auto d = std::make_unique<Decode>();
  PaddedBody body(text);
  d->status = DecodeNdjson(body.view(), d->stream());
  d->decoded.Finish();
  return d;
}

std::unique_ptr<Decode> JsonArray(std::string_view text) {
  auto d = std::make_unique<Decode>();
  PaddedBody body(text);
  d->status = DecodeJsonArray(body.view(), d->stream());
  d->decoded.Finish();
  return d;
}

TEST(Ndjson, DecodesEveryTypeAndFlattens) {
  auto d = Ndjson(
      R"({"level":"INFO","n":3,"f":1.5,"ok":true,"nil":null,"tags":["a","b"],)"
      R"("metadata":{"host":"web-1","deep":{"x":{"y":1}}},"@timestamp":"2023-11-14T22:13:20Z"})");
  ASSERT_TRUE(d->status.ok()) << d->status.ToString();
  EXPECT_EQ(d->stream().builder.records(), 1u);
  EXPECT_EQ(d->col("level").string_at(0), "INFO");
  EXPECT_EQ(d->col("n").ints()[0], 3);
  EXPECT_EQ(d->col("f").doubles()[0], 1.5);
  EXPECT_EQ(d->col("ok").bools()[0], 1);
  EXPECT_EQ(d->stream().builder.batch().FindColumn("nil"), -1);
  EXPECT_EQ(d->col("tags").string_at(0), R"(["a","b"])");
  EXPECT_EQ(d->col("metadata_host").string_at(0), "web-1");
  EXPECT_EQ(d->col("metadata_deep_x").string_at(0), R"({"y":1})");
  EXPECT_EQ(d->col("_timestamp").ints()[0], kNow);
}

// Columns are sized from the first record times the line count, but never beyond the body: a
// large first record followed by many small ones once made that reservation terabytes.
TEST(Ndjson, ALargeFirstRecordDoesNotSizeColumnsBeyondTheBody) {
  std::string text = "{\"m\":\"" + std::string(1 << 20, 'x') + "\"}\n";
  for (int i = 0; i < 20000; ++i) text += "{\"m\":\"y\"}\n";
  auto d = Ndjson(text);
  ASSERT_TRUE(d->status.ok()) << d->status.ToString();
  EXPECT_EQ(d->stream().builder.batch().num_rows(), 20001u);
  EXPECT_EQ(d->col("m").string_at(20000), "y");
  EXPECT_LT(d->stream().builder.batch().MemoryBytes(), 4 * text.size());
}

TEST(Ndjson, SkipsBlankLinesAndAcceptsCrlfAndNoFinalNewline) {
  auto d = Ndjson("{\"a\":1}\r\n\n   \n{\"a\":2}\r\n{\"a\":3}");
  ASSERT_TRUE(d->status.ok()) << d->status.ToString();
  EXPECT_EQ(d->col("a").ints(), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST(Ndjson, MalformedLineFailsTheRequestNamingTheLine) {
  struct Case {
    std::string_view body, want;
  };
  const Case cases[] = {
      {"{\"a\":1}\n{\"a\":}\n", "line 2:"},
      {"{\"a\":1}\n\n[1,2]\n", "line 3: expected a JSON object, got an array"},
      {"\"text\"", "line 1: expected a JSON object, got a string"},
      {"{\"a\":1} {\"b\":2}", "line 1: unexpected content after the JSON object"},
      {"{\"a\":1", "line 1:"},
      {"{\"a\":tru}", "line 1:"},
  };
  for (const auto& c : cases) {
    auto d = Ndjson(c.body);
    EXPECT_EQ(d->status.code(), StatusCode::kInvalidInput) << c.body;
    EXPECT_NE(d->status.message().find(c.want), std::string::npos)
        << c.body << " -> " << d->status.message();
  }
}

TEST(Ndjson, RecordOutsideTheWindowFailsAloneWithItsLine) {
  auto d = Ndjson("{\"a\":1}\n{\"a\":2,\"_timestamp\":1000}\n{\"a\":3}\n");
  ASSERT_TRUE(d->status.ok());
  EXPECT_EQ(d->stream().builder.records(), 2u);
  EXPECT_EQ(d->stream().failed, 1u);
  EXPECT_NE(d->stream().first_error.find("line 2: _timestamp"), std::string::npos)
      << d->stream().first_error;
  EXPECT_EQ(d->col("a").ints(), (std::vector<std::int64_t>{1, 3}));
}

TEST(Ndjson, LinesOverTheRecordLimitFailAlone) {
  model::BuilderOptions o = Options();
  o.max_record_bytes = 20;
  Decoded decoded(o);
  PaddedBody body("{\"a\":1}\n{\"a\":\"" + std::string(40, 'x') + "\"}\n{\"a\":3}\n");
  StreamRecords& s = decoded.Stream("s");
  ASSERT_TRUE(DecodeNdjson(body.view(), s).ok());
  decoded.Finish();
  EXPECT_EQ(s.stored, 2u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_NE(s.first_error.find("line 2: the record is 48 bytes, over the limit of 20"),
            std::string::npos)
      << s.first_error;
}

TEST(Ndjson, TypeConflictsWiden) {
  auto d = Ndjson("{\"v\":1}\n{\"v\":2.5}\n{\"v\":\"x\"}\n");
  ASSERT_TRUE(d->status.ok());
  const auto& v = d->col("v");
  ASSERT_EQ(v.type(), model::ColumnType::kString);
  EXPECT_EQ(v.string_at(0), "1");
  EXPECT_EQ(v.string_at(1), "2.5");
  EXPECT_EQ(v.string_at(2), "x");
}

TEST(Ndjson, EscapedKeysAndStrings) {
  auto d = Ndjson(R"({"a\u0040b":"line\nbreak","k\"q":"\u00e9"})");
  ASSERT_TRUE(d->status.ok()) << d->status.ToString();
  EXPECT_EQ(d->col("a_b").string_at(0), "line\nbreak");
  EXPECT_EQ(d->col("k_q").string_at(0), "é");
}

TEST(Ndjson, BigNumbers) {
  auto d = Ndjson(R"({"u":18446744073709551615,"big":123456789012345678901234567890})");
  ASSERT_TRUE(d->status.ok()) << d->status.ToString();
  EXPECT_EQ(d->col("u").type(), model::ColumnType::kFloat64);
  EXPECT_EQ(d->col("big").type(), model::ColumnType::kFloat64);
}

TEST(JsonArray, AcceptsAnArrayOrOneObject) {
  auto d = JsonArray(R"([{"a":1},{"a":2,"b":"x"}])");
  ASSERT_TRUE(d->status.ok()) << d->status.ToString();
  EXPECT_EQ(d->col("a").ints(), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(d->col("b").DefinedRows(), (std::vector<std::uint8_t>{0, 1}));

  auto one = JsonArray(R"({"a":7})");
  ASSERT_TRUE(one->status.ok());
  EXPECT_EQ(one->col("a").ints(), (std::vector<std::int64_t>{7}));

  auto empty = JsonArray("[]");
  ASSERT_TRUE(empty->status.ok());
  EXPECT_EQ(empty->stream().builder.records(), 0u);
}

TEST(JsonArray, RejectsWrongShapes) {
  struct Case {
    std::string_view body, want;
  };
  const Case cases[] = {
      {R"([{"a":1},2])", "element 1: expected a JSON object, got a number"},
      {R"("x")", "got a string"},
      {R"([{"a":1}] [])", "unexpected content"},
      {R"([{"a":1},)", "ended early"},
      {"", "body"},
  };
  for (const auto& c : cases) {
    auto d = JsonArray(c.body);
    EXPECT_EQ(d->status.code(), StatusCode::kInvalidInput) << c.body;
    EXPECT_NE(d->status.message().find(c.want), std::string::npos)
        << c.body << " -> " << d->status.message();
  }
}

// A key predicted from an earlier request of the stream (the thread keeps its key tree) may be
// longer than what is left of this request's body: comparing it must not read past the body's
// padding. The body ends right before a page that may not be read.
TEST(Ndjson, KeyPredictedFromAnEarlierRequestIsComparedWithinTheBody) {
  const std::string long_key(300, 'k');
  auto first = Ndjson("{\"" + long_key + "\":1}\n");
  ASSERT_TRUE(first->status.ok());

  const std::string text = "{\"k\":2}";
  const long page = sysconf(_SC_PAGESIZE);
  void* map = mmap(nullptr, static_cast<std::size_t>(2 * page), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  char* guard = static_cast<char*>(map) + page;
  ASSERT_EQ(mprotect(guard, static_cast<std::size_t>(page), PROT_NONE), 0);
  char* body = guard - kPadding - text.size();  // zero padding up to the guard page
  std::memcpy(body, text.data(), text.size());
  Decode second;
  second.status = DecodeNdjson(std::string_view(body, text.size()), second.stream());
  second.decoded.Finish();
  munmap(map, static_cast<std::size_t>(2 * page));
  ASSERT_TRUE(second.status.ok()) << second.status.message();
  EXPECT_EQ(second.col("k").ints(), (std::vector<std::int64_t>{2}));
}

}  // namespace
}  // namespace ingot::protocols::json
