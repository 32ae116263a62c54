#include "model/batch_builder.h"

#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "model/timestamp.h"

namespace ingot::model {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000'000;

BuilderOptions Options() {
  BuilderOptions o;
  o.now_us = kNow;
  return o;
}

const Column& Col(BatchBuilder& b, std::string_view name) {
  const int i = b.batch().FindColumn(name);
  EXPECT_GE(i, 0) << "no column " << name;
  return b.batch().column(static_cast<std::size_t>(i < 0 ? 0 : i));
}

TEST(BatchBuilder, FlattensNestedKeysUpToTheDepthLimit) {
  BatchBuilder b(Options());
  b.BeginRecord();
  // {"a":{"b":{"c":{"d":1}}}} with depth 3: a_b_c holds {"d":1} as text.
  auto a = b.Child(BatchBuilder::kRoot, "a");
  ASSERT_TRUE(b.Flattens(a));
  auto ab = b.Child(a, "b");
  ASSERT_TRUE(b.Flattens(ab));
  auto abc = b.Child(ab, "c");
  ASSERT_FALSE(b.Flattens(abc));
  b.AddJsonText(abc, R"({"d":1})");
  std::string err;
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  EXPECT_EQ(Col(b, "a_b_c").string_at(0), R"({"d":1})");
}

TEST(BatchBuilder, UnlimitedDepthWhenZero) {
  BuilderOptions o = Options();
  o.max_depth = 0;
  BatchBuilder b(o);
  BatchBuilder::FieldId f = BatchBuilder::kRoot;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(b.Flattens(f));
    f = b.Child(f, "k");
  }
}

TEST(BatchBuilder, FormatsKeysAndFindsTimestampUnderAnyName) {
  struct Case {
    std::string_view key, column;
  };
  const Case cases[] = {{"@timestamp", "_timestamp"}, {"Kubernetes.Pod", "kubernetes_pod"}};
  for (const auto& c : cases) {
    BatchBuilder b(Options());
    b.BeginRecord();
    b.AddString(b.Child(BatchBuilder::kRoot, c.key), "2023-11-14T22:13:20Z");
    std::string err;
    ASSERT_TRUE(b.EndRecord(&err)) << err;
    b.Finish();
    EXPECT_GE(b.batch().FindColumn(c.column), 0) << c.key;
  }
}

TEST(BatchBuilder, TimestampFromFieldOrIngestTime) {
  BatchBuilder b(Options());
  std::string err;
  b.BeginRecord();
  b.AddInt(b.Child(BatchBuilder::kRoot, "_timestamp"), 1'600'000'000'000);  // ms
  ASSERT_TRUE(b.EndRecord(&err));
  b.BeginRecord();
  b.AddString(b.Child(BatchBuilder::kRoot, "msg"), "no time");
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  const Column& ts = b.batch().column(0);
  EXPECT_EQ(ts.name(), "_timestamp");
  EXPECT_EQ(ts.type(), ColumnType::kTimestamp);
  EXPECT_EQ(ts.ints(), (std::vector<std::int64_t>{1'600'000'000'000'000, kNow}));
  EXPECT_EQ(b.min_timestamp(), 1'600'000'000'000'000);
  EXPECT_EQ(b.max_timestamp(), kNow);
}

TEST(BatchBuilder, RecordOutsideTheWindowFailsAndLeavesNoTrace) {
  BuilderOptions o = Options();
  o.min_timestamp_us = kNow - 3'600'000'000;
  o.max_timestamp_us = kNow + 60'000'000;
  BatchBuilder b(o);
  std::string err;
  b.BeginRecord();
  b.AddString(b.Child(BatchBuilder::kRoot, "msg"), "kept");
  ASSERT_TRUE(b.EndRecord(&err));

  b.BeginRecord();
  b.AddString(b.Child(BatchBuilder::kRoot, "msg"), "too old");
  b.AddInt(b.Child(BatchBuilder::kRoot, "new_col"), 5);
  b.AddInt(b.Child(BatchBuilder::kRoot, "_timestamp"), 1'000'000'000);
  EXPECT_FALSE(b.EndRecord(&err));
  EXPECT_NE(err.find("outside the accepted window"), std::string::npos) << err;

  b.BeginRecord();
  b.AddString(b.Child(BatchBuilder::kRoot, "msg"), "future");
  b.AddInt(b.Child(BatchBuilder::kRoot, "_timestamp"), (kNow + 3'600'000'000) / 1000);
  EXPECT_FALSE(b.EndRecord(&err));

  b.Finish();
  EXPECT_EQ(b.records(), 1u);
  EXPECT_EQ(b.batch().FindColumn("new_col"), -1);  // created by the failed record only
  EXPECT_EQ(Col(b, "msg").value_count(), 1u);
}

TEST(BatchBuilder, BadTimestampTextFailsTheRecordWithAClearMessage) {
  BatchBuilder b(Options());
  std::string err;
  b.BeginRecord();
  b.AddString(b.Child(BatchBuilder::kRoot, "_timestamp"), "yesterday");
  EXPECT_FALSE(b.EndRecord(&err));
  EXPECT_NE(err.find("\"yesterday\" is not a timestamp"), std::string::npos) << err;
  b.BeginRecord();
  b.AddBool(b.Child(BatchBuilder::kRoot, "_timestamp"), true);
  EXPECT_FALSE(b.EndRecord(&err));
}

TEST(BatchBuilder, WidensInsteadOfRejecting) {
  struct Case {
    const char* name;
    std::function<void(BatchBuilder&, BatchBuilder::FieldId)> first, second;
    ColumnType want;
    std::vector<std::string> want_text;  // for string results
  };
  const Case cases[] = {
      {"int then float",
       [](auto& b, auto f) { b.AddInt(f, 2); },
       [](auto& b, auto f) { b.AddDouble(f, 2.5); },
       ColumnType::kFloat64,
       {}},
      {"float then int",
       [](auto& b, auto f) { b.AddDouble(f, 2.5); },
       [](auto& b, auto f) { b.AddInt(f, 2); },
       ColumnType::kFloat64,
       {}},
      {"bool then int",
       [](auto& b, auto f) { b.AddBool(f, true); },
       [](auto& b, auto f) { b.AddInt(f, 7); },
       ColumnType::kInt64,
       {}},
      {"int then string",
       [](auto& b, auto f) { b.AddInt(f, 200); },
       [](auto& b, auto f) { b.AddString(f, "OK"); },
       ColumnType::kString,
       {"200", "OK"}},
      {"string then bool",
       [](auto& b, auto f) { b.AddString(f, "x"); },
       [](auto& b, auto f) { b.AddBool(f, false); },
       ColumnType::kString,
       {"x", "false"}},
      {"string then float",
       [](auto& b, auto f) { b.AddString(f, "x"); },
       [](auto& b, auto f) { b.AddDouble(f, 0.25); },
       ColumnType::kString,
       {"x", "0.25"}},
  };
  for (const auto& c : cases) {
    BatchBuilder b(Options());
    std::string err;
    b.BeginRecord();
    c.first(b, b.Child(BatchBuilder::kRoot, "v"));
    ASSERT_TRUE(b.EndRecord(&err));
    b.BeginRecord();
    c.second(b, b.Child(BatchBuilder::kRoot, "v"));
    ASSERT_TRUE(b.EndRecord(&err));
    b.Finish();
    const Column& v = Col(b, "v");
    EXPECT_EQ(v.type(), c.want) << c.name;
    EXPECT_EQ(v.value_count(), 2u) << c.name;
    for (std::size_t i = 0; i < c.want_text.size(); ++i) {
      EXPECT_EQ(v.string_at(i), c.want_text[i]) << c.name;
    }
  }
}

TEST(BatchBuilder, FieldsOverTheColumnCapGoToExtra) {
  BuilderOptions o = Options();
  o.max_columns = 4;  // _timestamp, a, b, and one kept for _extra
  BatchBuilder b(o);
  std::string err;
  b.BeginRecord();
  b.AddInt(b.Child(BatchBuilder::kRoot, "a"), 1);
  b.AddInt(b.Child(BatchBuilder::kRoot, "b"), 2);
  b.AddString(b.Child(BatchBuilder::kRoot, "c"), "three");
  b.AddDouble(b.Child(BatchBuilder::kRoot, "d"), 4.5);
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  EXPECT_EQ(b.batch().num_columns(), 4u);
  EXPECT_EQ(Col(b, "_extra").string_at(0), R"({"c":"three","d":4.5})");
}

TEST(BatchBuilder, SecondValueForAColumnGoesToExtra) {
  BatchBuilder b(Options());
  std::string err;
  b.BeginRecord();
  // {"a.b": 1, "a": {"b": 2}} both format to a_b.
  b.AddInt(b.Child(BatchBuilder::kRoot, "a.b"), 1);
  b.AddInt(b.Child(b.Child(BatchBuilder::kRoot, "a"), "b"), 2);
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  EXPECT_EQ(Col(b, "a_b").ints(), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Col(b, "_extra").string_at(0), R"({"a_b":2})");
}

// A stand-in for fingerprint::FingerprintMessage: the template is the message upper-cased, the
// fingerprint its length.
std::int64_t FakeFingerprint(std::string_view message, std::string_view& template_text) {
  static thread_local std::string text;
  text.assign(message);
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  template_text = text;
  return static_cast<std::int64_t>(message.size());
}

BuilderOptions FingerprintOptions() {
  BuilderOptions o = Options();
  o.message_fields = "message,msg,log";
  o.fingerprint = &FakeFingerprint;
  return o;
}

TEST(BatchBuilder, FingerprintsTheFirstPresentMessageFieldInPreferenceOrder) {
  BatchBuilder b(FingerprintOptions());
  std::string err;
  auto add = [&](std::vector<std::pair<std::string_view, std::string_view>> fields) {
    b.BeginRecord();
    for (auto [k, v] : fields) b.AddString(b.Child(BatchBuilder::kRoot, k), v);
    ASSERT_TRUE(b.EndRecord(&err));
  };
  add({{"log", "from log"}, {"msg", "from msg"}});  // msg is preferred, though it comes later
  add({{"log", "only log"}});
  add({{"other", "no message"}});
  add({{"Message", "formatted key"}});  // "Message" formats to `message`
  b.BeginRecord();
  b.AddInt(b.Child(BatchBuilder::kRoot, "message"), 7);  // not a string: no message
  ASSERT_TRUE(b.EndRecord(&err));
  b.BeginRecord();
  b.AddJsonText(b.Child(BatchBuilder::kRoot, "msg"), "[1]");  // an array: no message
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  const Column& fp = Col(b, "_fingerprint");
  const Column& tmpl = Col(b, "_template");
  EXPECT_EQ(fp.DefinedRows(), (std::vector<std::uint8_t>{1, 1, 0, 1, 0, 0}));
  EXPECT_EQ(fp.ints(), (std::vector<std::int64_t>{8, 8, 13}));
  ASSERT_EQ(tmpl.value_count(), 3u);
  EXPECT_EQ(tmpl.string_at(0), "FROM MSG");
  EXPECT_EQ(tmpl.string_at(1), "ONLY LOG");
  EXPECT_EQ(tmpl.string_at(2), "FORMATTED KEY");
}

TEST(BatchBuilder, ClientFieldsNamedLikeTheFingerprintColumnsGoToExtra) {
  BatchBuilder b(FingerprintOptions());
  std::string err;
  b.BeginRecord();
  b.AddInt(b.Child(BatchBuilder::kRoot, "_fingerprint"), 1);
  b.AddString(b.Child(BatchBuilder::kRoot, "_template"), "mine");
  b.AddString(b.Child(BatchBuilder::kRoot, "message"), "hello");
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  EXPECT_EQ(Col(b, "_fingerprint").ints(), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(Col(b, "_template").string_at(0), "HELLO");
  EXPECT_EQ(Col(b, "_extra").string_at(0), R"({"_fingerprint":1,"_template":"mine"})");
}

TEST(BatchBuilder, NoFingerprintColumnsWithoutTheFunctionOrAFailedRecord) {
  BuilderOptions off = Options();
  off.message_fields = "message";
  BatchBuilder b(off);
  std::string err;
  b.BeginRecord();
  b.AddString(b.Child(BatchBuilder::kRoot, "message"), "hello");
  b.AddInt(b.Child(BatchBuilder::kRoot, "_fingerprint"), 1);  // an ordinary column when off
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  EXPECT_EQ(Col(b, "_fingerprint").ints(), (std::vector<std::int64_t>{1}));
  EXPECT_LT(b.batch().FindColumn("_template"), 0);

  BatchBuilder failing(FingerprintOptions());
  failing.BeginRecord();
  failing.AddString(failing.Child(BatchBuilder::kRoot, "message"), "hello");
  failing.AddString(failing.Child(BatchBuilder::kRoot, "_timestamp"), "not a time");
  EXPECT_FALSE(failing.EndRecord(&err));
  failing.Finish();
  EXPECT_EQ(failing.batch().num_rows(), 0u);
}

TEST(BatchBuilder, SparseColumnsArePaddedWithNulls) {
  BatchBuilder b(Options());
  std::string err;
  for (int i = 0; i < 5; ++i) {
    b.BeginRecord();
    b.AddInt(b.Child(BatchBuilder::kRoot, i % 2 ? "odd" : "even"), i);
    ASSERT_TRUE(b.EndRecord(&err));
  }
  b.Finish();
  EXPECT_EQ(Col(b, "even").DefinedRows(), (std::vector<std::uint8_t>{1, 0, 1, 0, 1}));
  EXPECT_EQ(Col(b, "odd").DefinedRows(), (std::vector<std::uint8_t>{0, 1, 0, 1, 0}));
}

TEST(BatchBuilder, KeyOrderChangesStillFindTheSameColumns) {
  BatchBuilder b(Options());
  std::string err;
  const char* orders[][3] = {{"x", "y", "z"}, {"z", "x", "y"}, {"y", "z", "x"}};
  for (auto& order : orders) {
    b.BeginRecord();
    for (const char* k : order) b.AddString(b.Child(BatchBuilder::kRoot, k), k);
    ASSERT_TRUE(b.EndRecord(&err));
  }
  b.Finish();
  ASSERT_EQ(b.batch().num_columns(), 4u);
  for (const char* k : {"x", "y", "z"}) {
    const Column& c = Col(b, k);
    ASSERT_EQ(c.value_count(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(c.string_at(i), k);
  }
}

TEST(BatchBuilder, RecordsWithTooManyFieldsFailAlone) {
  BuilderOptions o = Options();
  o.max_fields = 3;
  BatchBuilder b(o);
  std::string err;
  b.BeginRecord();
  for (const char* k : {"a", "b", "c"}) b.AddInt(b.Child(BatchBuilder::kRoot, k), 1);
  ASSERT_TRUE(b.EndRecord(&err));
  b.BeginRecord();
  for (const char* k : {"a", "b", "c", "d"}) b.AddInt(b.Child(BatchBuilder::kRoot, k), 2);
  EXPECT_FALSE(b.EndRecord(&err));
  EXPECT_NE(err.find("more than 3 fields"), std::string::npos) << err;
  b.Finish();
  EXPECT_EQ(b.records(), 1u);
  EXPECT_EQ(b.batch().FindColumn("d"), -1);
}

TEST(BatchBuilder, HugeUnsignedBecomesFloat) {
  BatchBuilder b(Options());
  std::string err;
  b.BeginRecord();
  b.AddUint(b.Child(BatchBuilder::kRoot, "u"), 18'000'000'000'000'000'000ULL);
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  EXPECT_EQ(Col(b, "u").type(), ColumnType::kFloat64);
}

TEST(BatchBuilder, AbortRecordRemovesPartialValues) {
  BatchBuilder b(Options());
  std::string err;
  b.BeginRecord();
  b.AddInt(b.Child(BatchBuilder::kRoot, "a"), 1);
  ASSERT_TRUE(b.EndRecord(&err));
  b.BeginRecord();
  b.AddInt(b.Child(BatchBuilder::kRoot, "a"), 2);
  b.AbortRecord();
  b.Finish();
  EXPECT_EQ(b.records(), 1u);
  EXPECT_EQ(Col(b, "a").ints(), (std::vector<std::int64_t>{1}));
}

// Feeds the same three records (keys in varying order, one nested, one sometimes absent).
void AddThreeRecords(BatchBuilder& b) {
  std::string err;
  for (int i = 0; i < 3; ++i) {
    b.BeginRecord();
    if (i == 1) b.AddString(b.Child(BatchBuilder::kRoot, "late"), "x");
    b.AddInt(b.Child(BatchBuilder::kRoot, "@timestamp"), kNow + i);
    const auto meta = b.Child(BatchBuilder::kRoot, "Meta");
    b.AddString(b.Child(meta, "host"), "h" + std::to_string(i));
    b.AddInt(b.Child(BatchBuilder::kRoot, "n"), i);
    ASSERT_TRUE(b.EndRecord(&err)) << err;
  }
  b.Finish();
}

TEST(BatchBuilder, StartsFromAKeyTreeOfAnEarlierBatchWithTheSameResult) {
  BatchBuilder fresh(Options());
  AddThreeRecords(fresh);

  // An earlier batch with other keys too, and a column (`gone`) the next one will not have.
  BatchBuilder earlier(Options());
  std::string err;
  earlier.BeginRecord();
  earlier.AddInt(earlier.Child(BatchBuilder::kRoot, "n"), 7);
  earlier.AddString(earlier.Child(BatchBuilder::kRoot, "gone"), "g");
  earlier.AddString(earlier.Child(earlier.Child(BatchBuilder::kRoot, "Meta"), "host"), "e");
  ASSERT_TRUE(earlier.EndRecord(&err));
  earlier.Finish();
  BatchBuilder::KeyTree tree = earlier.TakeKeyTree();
  const std::size_t nodes = tree.nodes();
  EXPECT_EQ(nodes, 5u);  // root, n, gone, Meta, Meta.host

  BatchBuilder reused(Options());
  reused.Reset(Options(), std::move(tree));
  AddThreeRecords(reused);
  const RecordBatch& a = fresh.batch();
  const RecordBatch& b = reused.batch();
  ASSERT_EQ(b.num_rows(), a.num_rows());
  EXPECT_EQ(b.FindColumn("gone"), -1);
  ASSERT_EQ(b.num_columns(), a.num_columns());
  for (std::size_t i = 0; i < a.num_columns(); ++i) {
    const Column& x = a.column(i);
    const int j = b.FindColumn(x.name());
    ASSERT_GE(j, 0) << x.name();
    const Column& y = b.column(static_cast<std::size_t>(j));
    EXPECT_EQ(y.type(), x.type()) << x.name();
    EXPECT_EQ(y.DefinedRows(), x.DefinedRows()) << x.name();
    EXPECT_EQ(y.ints(), x.ints()) << x.name();
    EXPECT_EQ(y.bytes(), x.bytes()) << x.name();
  }
  EXPECT_EQ(Col(reused, "_timestamp").ints(),
            (std::vector<std::int64_t>{kNow, kNow + 1, kNow + 2}));

  // Keys seen before are not added again.
  EXPECT_EQ(reused.TakeKeyTree().nodes(), nodes + 2);  // + @timestamp, late
}

TEST(BatchBuilder, FinishDropsARecordThatWasNeverEnded) {
  BatchBuilder b(Options());
  std::string err;
  b.BeginRecord();
  b.AddInt(b.Child(BatchBuilder::kRoot, "a"), 1);
  ASSERT_TRUE(b.EndRecord(&err));
  b.BeginRecord();  // a decoder that stops here (malformed input) never ends or aborts it
  b.AddInt(b.Child(BatchBuilder::kRoot, "a"), 2);
  b.AddString(b.Child(BatchBuilder::kRoot, "only_here"), "x");
  b.Finish();
  EXPECT_EQ(b.records(), 1u);
  EXPECT_EQ(Col(b, "a").ints(), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(b.batch().FindColumn("only_here"), -1);
  for (std::size_t i = 0; i < b.batch().num_columns(); ++i) {
    EXPECT_EQ(b.batch().column(i).rows(), 1u) << b.batch().column(i).name();
  }
}

// ---- issue 10: inputs that must not brick a node

TEST(BatchBuilder, TimestampsOutsideTheStorableRangeFailTheRecordAlone) {
  struct Case {
    std::string_view what;
    std::function<void(BatchBuilder&, BatchBuilder::FieldId)> add;
    bool ok;
  };
  const Case cases[] = {
      {"-9.1e21 (ns, year -286398)", [](auto& b, auto f) { b.AddDouble(f, -9.1e21); }, false},
      {"1e300 (beyond int64 µs)", [](auto& b, auto f) { b.AddDouble(f, 1e300); }, false},
      {"year 0000", [](auto& b, auto f) { b.AddString(f, "0000-06-01T00:00:00Z"); }, false},
      {"past 9999 by an offset",
       [](auto& b, auto f) { b.AddString(f, "9999-12-31T23:30:00-01:00"); }, false},
      {"0001-01-01", [](auto& b, auto f) { b.AddString(f, "0001-01-01"); }, true},
      {"9999-12-31 last µs", [](auto& b, auto f) { b.AddString(f, "9999-12-31T23:59:59.999999Z"); },
       true},
      {"19 nines as text (2286, not 1702)",
       [](auto& b, auto f) { b.AddString(f, "9999999999999999999"); }, true},
      {"INT64_MIN", [](auto& b, auto f) { b.AddInt(f, std::numeric_limits<std::int64_t>::min()); },
       true},  // nanoseconds: 1677
      {"UINT64_MAX", [](auto& b, auto f) { b.AddUint(f, ~std::uint64_t{0}); }, true},  // 2554
      {"2024-02-31 (no such day)", [](auto& b, auto f) { b.AddString(f, "2024-02-31"); }, false},
  };
  for (const auto& c : cases) {
    BatchBuilder b(Options());
    std::string err;
    b.BeginRecord();
    b.AddString(b.Child(BatchBuilder::kRoot, "msg"), "before");
    ASSERT_TRUE(b.EndRecord(&err));
    b.BeginRecord();
    b.AddString(b.Child(BatchBuilder::kRoot, "msg"), "x");
    c.add(b, b.Child(BatchBuilder::kRoot, "_timestamp"));
    EXPECT_EQ(b.EndRecord(&err), c.ok) << c.what << ": " << err;
    if (!c.ok) {
      EXPECT_EQ(err.rfind("_timestamp ", 0), 0u) << c.what << ": " << err;
      if (c.what.find("no such day") == std::string_view::npos) {
        EXPECT_NE(err.find(" is outside the range ingot stores [0001-01-01T00:00:00.000000Z, "
                           "9999-12-31T23:59:59.999999Z]"),
                  std::string::npos)
            << c.what << ": " << err;
      }
    }
    b.Finish();
    EXPECT_EQ(b.records(), c.ok ? 2u : 1u) << c.what;
    if (c.ok) {
      EXPECT_TRUE(InStorableRange(b.max_timestamp())) << c.what;
    }
  }
  // The message names the range.
  BatchBuilder b(Options());
  std::string err;
  b.BeginRecord();
  b.SetTimestamp(kMaxTimestampMicros + 1);  // HEC `time` and OTLP go through here too
  EXPECT_FALSE(b.EndRecord(&err));
  EXPECT_EQ(err,
            "_timestamp 10000-01-01T00:00:00.000000Z is outside the range ingot stores "
            "[0001-01-01T00:00:00.000000Z, 9999-12-31T23:59:59.999999Z]");
}

TEST(BatchBuilder, ASecondTimestampGoesToExtraAndTheFirstWins) {
  struct Case {
    std::vector<std::pair<std::string_view, std::string_view>> fields;  // key, value text
    std::int64_t want_ts;
    std::string_view want_extra;
  };
  const Case cases[] = {
      {{{"_timestamp", "2023-11-14T22:13:20Z"}, {"@timestamp", "2020-01-01T00:00:00Z"}},
       kNow,
       R"({"_timestamp":"2020-01-01T00:00:00Z"})"},
      {{{"@timestamp", "2020-01-01T00:00:00Z"}, {"_timestamp", "2023-11-14T22:13:20Z"}},
       1'577'836'800'000'000,
       R"({"_timestamp":"2023-11-14T22:13:20Z"})"},
      {{{"@Timestamp", "2023-11-14T22:13:20Z"},
        {"_TIMESTAMP", "x"},
        {"@timestamp", "2020-01-01T00:00:00Z"}},
       kNow,
       R"({"_timestamp":"x","_timestamp":"2020-01-01T00:00:00Z"})"},  // kept, not judged
  };
  for (const auto& c : cases) {
    BatchBuilder b(Options());
    std::string err;
    b.BeginRecord();
    for (const auto& [k, v] : c.fields) b.AddString(b.Child(BatchBuilder::kRoot, k), v);
    ASSERT_TRUE(b.EndRecord(&err)) << err;
    b.Finish();
    EXPECT_EQ(b.batch().column(0).ints(), (std::vector<std::int64_t>{c.want_ts}));
    EXPECT_EQ(Col(b, "_extra").string_at(0), c.want_extra);
  }
  // SetTimestamp (HEC `time`) first: a `_timestamp` field after it is kept in `_extra`.
  BatchBuilder b(Options());
  std::string err;
  b.BeginRecord();
  b.SetTimestamp(kNow + 5);
  b.AddInt(b.Child(BatchBuilder::kRoot, "_timestamp"), 1'600'000'000);
  ASSERT_TRUE(b.EndRecord(&err)) << err;
  b.Finish();
  EXPECT_EQ(b.batch().column(0).ints(), (std::vector<std::int64_t>{kNow + 5}));
  EXPECT_EQ(Col(b, "_extra").string_at(0), R"({"_timestamp":1600000000})");
}

TEST(BatchBuilder, TopLevelDateAndHourAreRenamedAwayFromThePartitionColumns) {
  struct Case {
    std::vector<std::pair<std::vector<std::string_view>, std::int64_t>> fields;  // path, value
    std::vector<std::string_view> columns;
    std::string_view extra;  // "" = no `_extra`
  };
  const Case cases[] = {
      {{{{"date"}, 1}, {{"hour"}, 7}}, {"date_", "hour_"}, ""},
      {{{{"Date"}, 1}, {{"HOUR"}, 7}}, {"date_", "hour_"}, ""},
      {{{{"date"}, 1}, {{"date_"}, 2}}, {"date_"}, R"({"date_":2})"},        // the duplicate rule
      {{{{"date", "x"}, 1}, {{"hour", "h"}, 2}}, {"date_x", "hour_h"}, ""},  // not date__x
      {{{{"a", "date"}, 1}, {{"dates"}, 2}, {{"hour_"}, 3}}, {"a_date", "dates", "hour_"}, ""},
  };
  for (const auto& c : cases) {
    BatchBuilder b(Options());
    std::string err;
    b.BeginRecord();
    for (const auto& [path, v] : c.fields) {
      BatchBuilder::FieldId f = BatchBuilder::kRoot;
      for (std::string_view k : path) f = b.Child(f, k);
      b.AddInt(f, v);
    }
    ASSERT_TRUE(b.EndRecord(&err)) << err;
    b.Finish();
    EXPECT_EQ(b.batch().FindColumn("date"), -1);
    EXPECT_EQ(b.batch().FindColumn("hour"), -1);
    for (std::string_view col : c.columns) EXPECT_GE(b.batch().FindColumn(col), 0) << col;
    EXPECT_EQ(b.batch().num_columns(), 1 + c.columns.size() + !c.extra.empty());
    if (!c.extra.empty()) {
      EXPECT_EQ(Col(b, "_extra").string_at(0), c.extra);
    }
  }
}

TEST(BatchBuilder, NamesThatCannotBeColumnsAreKeptInExtra) {
  const std::string long_key(kMaxColumnNameBytes + 1, 'k');
  const std::string longest_key(kMaxColumnNameBytes, 'k');
  std::string utf8_key;
  for (int i = 0; i < 150; ++i) utf8_key += "\xc3\xa9";
  struct Case {
    std::string what;
    std::vector<std::string> path;
    std::string column;  // "" = none: in `_extra` under extra_name
    std::string extra_name;
  };
  const Case cases[] = {
      {"empty key", {""}, "", ""},
      {"empty key below a key", {"a", ""}, "a_", ""},  // a non-empty name: a column
      {"below an empty key", {"", "a"}, "_a", ""},
      {"257-byte key", {long_key}, "", long_key},
      {"256-byte key", {longest_key}, longest_key, ""},
      {"nested to 257 bytes", {"a", std::string(255, 'b')}, "", "a_" + std::string(255, 'b')},
      {"multi-byte key over the limit once formatted",
       {std::string(200, 'x') + std::string(100, 'Y')},
       "",
       std::string(200, 'x') + std::string(100, 'y')},
      // 150 two-byte characters: 300 bytes sent, 150 once formatted (one '_' each): a column.
      {"utf-8 key under the limit once formatted", {utf8_key}, std::string(150, '_'), ""},
  };
  for (const Case& c : cases) {
    BatchBuilder b(Options());
    std::string err;
    b.BeginRecord();
    BatchBuilder::FieldId f = BatchBuilder::kRoot;
    for (const std::string& k : c.path) f = b.Child(f, k);
    b.AddInt(f, 1);
    ASSERT_TRUE(b.EndRecord(&err)) << c.what << err;
    b.Finish();
    for (std::size_t i = 0; i < b.batch().num_columns(); ++i) {
      const std::string& name = b.batch().column(i).name();
      EXPECT_FALSE(name.empty()) << c.what;
      EXPECT_LE(name.size(), kMaxColumnNameBytes) << c.what;
    }
    if (!c.column.empty()) {
      EXPECT_GE(b.batch().FindColumn(c.column), 0) << c.what;
      EXPECT_EQ(b.batch().FindColumn(kExtraColumn), -1) << c.what;
    } else {
      EXPECT_EQ(b.batch().num_columns(), 2u) << c.what;  // _timestamp, _extra
      EXPECT_EQ(Col(b, "_extra").string_at(0), "{\"" + c.extra_name + "\":1}") << c.what;
    }
  }
}

TEST(BatchBuilder, DoesNotFlattenBelowANameOverTheLimit) {
  // Unlimited depth: `{"k":{"k":...}}` names grow by 2 bytes a level; once over 256 the object
  // is one JSON text in `_extra` (its keys would only make longer names).
  BuilderOptions o = Options();
  o.max_depth = 0;
  BatchBuilder b(o);
  BatchBuilder::FieldId f = BatchBuilder::kRoot;
  int levels = 0;
  while (b.Flattens(f)) {
    f = b.Child(f, "k");
    ++levels;
  }
  EXPECT_EQ(levels, 129);  // "k" + 128 × "_k" = 257 bytes
  std::string err;
  b.BeginRecord();
  b.AddJsonText(f, R"({"k":1})");
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  std::string name = "k";
  for (int i = 1; i < 129; ++i) name += "_k";
  EXPECT_EQ(Col(b, "_extra").string_at(0), "{\"" + name + R"(":{"k":1}})");
}

TEST(BatchBuilder, KeyTreeCountsItsBytes) {
  BatchBuilder b(Options());
  std::string err;
  b.BeginRecord();
  for (int i = 0; i < 100; ++i) {
    b.AddInt(b.Child(BatchBuilder::kRoot, std::string(4096, 'a' + i % 26) + std::to_string(i)), i);
  }
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  BatchBuilder::KeyTree tree = b.TakeKeyTree();
  EXPECT_EQ(tree.nodes(), 101u);
  // Each 4 kB key is held as the raw key, the index's copy and the column name.
  EXPECT_GE(tree.bytes(), 100u * 3 * 4096);
  EXPECT_LE(tree.bytes(), 100u * (3 * 4100 + 512));
  BatchBuilder::KeyTree moved = std::move(tree);
  EXPECT_EQ(tree.bytes(), 0u);  // NOLINT(bugprone-use-after-move): a cache relies on it
  b.Reset(Options(), std::move(moved));
  b.BeginRecord();
  b.AddInt(b.Child(BatchBuilder::kRoot, "small"), 1);
  ASSERT_TRUE(b.EndRecord(&err));
  b.Finish();
  const std::size_t before = 100u * 3 * 4096;
  EXPECT_GT(b.TakeKeyTree().bytes(), before);
}

}  // namespace
}  // namespace ingot::model
