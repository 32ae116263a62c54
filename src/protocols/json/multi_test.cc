#include "protocols/json/multi.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <limits>

#include "model/names.h"
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
  char* body = guard - kInputPadding - text.size();  // zero padding up to the guard page
  std::memcpy(body, text.data(), text.size());
  Decode second;
  second.status = DecodeNdjson(std::string_view(body, text.size()), second.stream());
  second.decoded.Finish();
  munmap(map, static_cast<std::size_t>(2 * page));
  ASSERT_TRUE(second.status.ok()) << second.status.message();
  EXPECT_EQ(second.col("k").ints(), (std::vector<std::int64_t>{2}));
}

// ---- issue 10: inputs that must not brick a node

std::string NestedObjects(std::size_t levels) {  // the record's own object counts as one
  std::string s;
  for (std::size_t i = 1; i < levels; ++i) s += "{\"a\":";
  s += "{\"a\":1}";
  s.append(levels - 1, '}');
  return s;
}

std::string NestedArrays(std::size_t levels) {  // {"a":[[...]]}: 1 + (levels - 1) arrays
  return "{\"a\":" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
}

std::unique_ptr<Decode> WithDepth(std::uint32_t flatten_depth, std::string_view text, bool array) {
  model::BuilderOptions o = Options();
  o.max_depth = flatten_depth;
  auto d = std::make_unique<Decode>();
  d->decoded = Decoded(o);
  PaddedBody body(text);
  d->status =
      array ? DecodeJsonArray(body.view(), d->stream()) : DecodeNdjson(body.view(), d->stream());
  d->decoded.Finish();
  return d;
}

TEST(Nesting, IsBoundedWhateverTheFlattenDepth) {
  struct Case {
    std::string what;
    std::string record;
    bool ok;
  };
  const Case cases[] = {
      {"objects, 1024 levels", NestedObjects(1024), true},
      {"objects, 1025 levels", NestedObjects(1025), false},
      {"objects, 70000 levels (used to overflow the stack)", NestedObjects(70000), false},
      {"arrays, 1024 levels", NestedArrays(1024), true},
      {"arrays, 1025 levels", NestedArrays(1025), false},
      {"arrays, 70000 levels", NestedArrays(70000), false},
      {"brackets inside strings do not count",
       "{\"a\":[\"" + std::string(5000, '[') + "\",\"\\\"" + std::string(5000, '{') + "\"]}", true},
  };
  for (std::uint32_t flatten : {0u, 1u, 3u, 200u}) {
    for (const Case& c : cases) {
      for (bool array : {false, true}) {
        const std::string body = array ? "[" + c.record + "]" : c.record + "\n";
        auto d = WithDepth(flatten, body, array);
        const std::string what = c.what + (array ? " (_json)" : " (_multi)") +
                                 ", --flatten-depth " + std::to_string(flatten);
        EXPECT_EQ(d->status.ok(), c.ok) << what << ": " << d->status.message();
        if (c.ok) {
          EXPECT_EQ(d->stream().builder.records(), 1u) << what;
        } else {
          EXPECT_NE(d->status.message().find("nested more than 1024 levels deep"),
                    std::string::npos)
              << what << ": " << d->status.message();
        }
      }
    }
  }
}

TEST(Nesting, UnlimitedFlatteningStopsAtTheColumnNameLimit) {
  auto d = WithDepth(0, NestedObjects(1000) + "\n", false);
  ASSERT_TRUE(d->status.ok()) << d->status.message();
  auto& batch = d->stream().builder.batch();
  for (std::size_t i = 0; i < batch.num_columns(); ++i) {
    EXPECT_LE(batch.column(i).name().size(), model::kMaxColumnNameBytes);
  }
  // 129 levels of "a" make a 257-byte name: the rest (levels 130 to 1000) is JSON text in
  // `_extra`, under that name.
  std::string name = "a";
  for (int i = 1; i < 129; ++i) name += "_a";
  std::string rest;
  for (int i = 130; i < 1000; ++i) rest += "{\"a\":";
  rest += "{\"a\":1}" + std::string(1000 - 130, '}');
  EXPECT_EQ(d->col("_extra").string_at(0), "{\"" + name + "\":" + rest + "}");
}

TEST(Timestamps, HugeAndImpossibleOnesFailTheirRecordOnly) {
  struct Case {
    std::string_view field;  // the value of "_timestamp", as JSON
    bool ok;
    std::int64_t want = 0;
  };
  // Options() accepts any past; the window here is wide open so only the range matters.
  const Case cases[] = {
      // Beyond int64: nanoseconds read as a double (1e19 ns, 2286), as text (it used to wrap to
      // 1702) and as a number alike.
      {R"("9999999999999999999")", true, 10'000'000'000'000'000},
      {"9999999999999999999", true, 10'000'000'000'000'000},
      {"-9.1e21", false},                                      // year -286398
      {"-9223372036854775808", true, -9'223'372'036'854'775},  // ns: 1677
      {"1e300", false},
      {R"("2024-02-31")", false},  // not 2 March
      {R"("2023-02-29T00:00:00Z")", false},
      {R"("2024-02-29T00:00:00Z")", true, 1'709'164'800'000'000},
      {R"("2024-01-01T24:00:00Z")", false},
      {R"("0000-01-01")", false},
      {R"("10000-01-01")", false},
      {R"("9999-12-31T23:59:59Z")", true, 253'402'300'799'000'000},
      {R"("0001-01-01T00:00:00Z")", true, -62'135'596'800'000'000},
  };
  for (const Case& c : cases) {
    model::BuilderOptions o = Options();
    o.min_timestamp_us = std::numeric_limits<std::int64_t>::min();
    o.max_timestamp_us = std::numeric_limits<std::int64_t>::max();
    auto d = std::make_unique<Decode>();
    d->decoded = Decoded(o);
    PaddedBody body(std::string("{\"n\":1}\n{\"n\":2,\"_timestamp\":") + std::string(c.field) +
                    "}\n{\"n\":3}\n");
    d->status = DecodeNdjson(body.view(), d->stream());
    d->decoded.Finish();
    ASSERT_TRUE(d->status.ok()) << c.field << ": " << d->status.message();
    EXPECT_EQ(d->stream().failed, c.ok ? 0u : 1u) << c.field << ": " << d->stream().first_error;
    EXPECT_EQ(d->stream().builder.records(), c.ok ? 3u : 2u) << c.field;
    if (c.ok) {
      EXPECT_EQ(d->col("_timestamp").ints()[1], c.want) << c.field;
    } else {
      EXPECT_EQ(d->stream().first_error.rfind("line 2: _timestamp ", 0), 0u)
          << d->stream().first_error;
    }
  }
}

TEST(Ndjson, BothTimestampSpellingsKeepTheSecondInExtra) {
  auto d = Ndjson(R"({"@timestamp":"2023-11-14T22:13:20Z","_timestamp":"2023-11-14T22:00:00Z"})"
                  "\n"
                  R"({"_TIMESTAMP":1700000000,"@Timestamp":"x"})");
  ASSERT_TRUE(d->status.ok()) << d->status.message();
  EXPECT_EQ(d->stream().failed, 0u);
  EXPECT_EQ(d->col("_timestamp").ints(), (std::vector<std::int64_t>{kNow, kNow}));
  EXPECT_EQ(d->col("_extra").string_at(0), R"({"_timestamp":"2023-11-14T22:00:00Z"})");
  EXPECT_EQ(d->col("_extra").string_at(1), R"({"_timestamp":"x"})");
}

TEST(Ndjson, DateAndHourFieldsDoNotShadowThePartitionColumns) {
  auto d = Ndjson(R"({"date":"x","hour":7,"Date_":"dup","meta":{"date":1}})");
  ASSERT_TRUE(d->status.ok()) << d->status.message();
  auto& batch = d->stream().builder.batch();
  EXPECT_EQ(batch.FindColumn("date"), -1);
  EXPECT_EQ(batch.FindColumn("hour"), -1);
  EXPECT_EQ(d->col("date_").string_at(0), "x");
  EXPECT_EQ(d->col("hour_").ints()[0], 7);
  EXPECT_EQ(d->col("meta_date").ints()[0], 1);
  EXPECT_EQ(d->col("_extra").string_at(0), R"({"date_":"dup"})");
}

TEST(Ndjson, KeysThatCannotBeColumnNamesGoToExtra) {
  const std::string huge(10'000, 'K');
  auto d = Ndjson("{\"\":1,\"a\":{\"\":2},\"" + huge + "\":3,\"ok\":4,\"\":{\"b\":5}}\n");
  ASSERT_TRUE(d->status.ok()) << d->status.message();
  auto& batch = d->stream().builder.batch();
  for (std::size_t i = 0; i < batch.num_columns(); ++i) {
    EXPECT_FALSE(batch.column(i).name().empty());
    EXPECT_LE(batch.column(i).name().size(), model::kMaxColumnNameBytes);
  }
  EXPECT_EQ(d->col("a_").ints()[0], 2);  // an empty key below another is a name
  EXPECT_EQ(d->col("_b").ints()[0], 5);  // and so is a key below an empty one
  EXPECT_EQ(d->col("ok").ints()[0], 4);
  EXPECT_EQ(d->col("_extra").string_at(0), "{\"\":1,\"" + std::string(10'000, 'k') + "\":3}");
}

TEST(KeyTreeCache, IsBoundedInBytesWhateverTheKeys) {
  // Every request of 8 streams brings 40 new 4 kB keys: a tree of ~500 kB each, kept one by one
  // (under 512 kB) but not all together (4 MB).
  for (int request = 0; request < 4; ++request) {
    for (int stream = 0; stream < 8; ++stream) {
      std::string line = "{";
      for (int k = 0; k < 40; ++k) {
        if (k) line += ',';
        line +=
            "\"" + std::string(4096, 'a' + k % 26) + std::to_string(request * 1000 + k) + "\":1";
      }
      line += "}\n";
      Decoded decoded(Options());
      PaddedBody body(line);
      ASSERT_TRUE(DecodeNdjson(body.view(), decoded.Stream("s" + std::to_string(stream))).ok());
      decoded.Finish();
      EXPECT_GT(KeyTreeCacheBytes(), std::size_t{400} << 10);  // the tree was kept
      EXPECT_LE(KeyTreeCacheBytes(), std::size_t{1} << 20);
    }
  }
  {
    // One tree over 512 kB is not kept at all.
    std::string line = "{";
    for (int k = 0; k < 60; ++k)
      line += (k ? ",\"" : "\"") + std::string(4096, 'z') + std::to_string(k) + "\":1";
    line += "}\n";
    Decoded decoded(Options());
    PaddedBody body(line);
    ASSERT_TRUE(DecodeNdjson(body.view(), decoded.Stream("s0")).ok());
    decoded.Finish();
    EXPECT_LE(KeyTreeCacheBytes(), std::size_t{1} << 20);
    Decoded again(Options());
    EXPECT_EQ(again.Stream("s0").builder.TakeKeyTree().nodes(), 1u);  // the root alone
  }
  // Small trees are still kept (the point of the cache).
  for (int stream = 0; stream < 8; ++stream) {
    Decoded decoded(Options());
    PaddedBody body("{\"level\":\"INFO\",\"msg\":\"m\"}\n");
    ASSERT_TRUE(DecodeNdjson(body.view(), decoded.Stream("t" + std::to_string(stream))).ok());
    decoded.Finish();
  }
  EXPECT_GT(KeyTreeCacheBytes(), 0u);
  EXPECT_LE(KeyTreeCacheBytes(), std::size_t{64} << 10);
}

}  // namespace
}  // namespace ingot::protocols::json
