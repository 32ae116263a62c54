#include "protocols/msgpack/arc.h"

#include <gtest/gtest.h>

#include <memory>

#include "protocols/msgpack/test_pack.h"

namespace ingot::protocols::msgpack {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000'000;
constexpr std::int64_t kSecond = 1'700'000'100;  // a time in seconds, and as micros:
constexpr std::int64_t kMicros = kSecond * 1'000'000;

model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = kNow;
  return o;
}

struct Run {
  Decoded decoded{Options()};
  Status status;

  const model::RecordBatch& batch(std::string_view stream) {
    for (auto& s : decoded.streams()) {
      if (s->name == stream) return s->builder.batch();
    }
    ADD_FAILURE() << "no stream " << stream;
    return decoded.streams().front()->builder.batch();
  }
  const model::Column& col(std::string_view stream, std::string_view name) {
    const model::RecordBatch& b = batch(stream);
    const int i = b.FindColumn(name);
    EXPECT_GE(i, 0) << name;
    return b.column(static_cast<std::size_t>(std::max(i, 0)));
  }
};

std::unique_ptr<Run> Decode(const std::string& bytes) {
  auto r = std::make_unique<Run>();
  Padded body(bytes);
  r->status = DecodeArc(body.view(), r->decoded);
  if (r->status.ok()) r->decoded.Finish();
  return r;
}

// {m: "cpu", t: <t>, tags: {host: "h1", region: "eu"}, fields: {usage: 1.5, count: 3, ok: true,
// name: "x"}}
Pack& Row(Pack& p, std::string_view m, std::int64_t t) {
  p.Map(4).Str("m").Str(m).Str("t").V(t);
  p.Str("tags").Map(2).Str("host").Str("h1").Str("region").Str("eu");
  p.Str("fields").Map(4).Str("usage").V(1.5).Str("count").V(3).Str("ok").V(true).Str("name").Str(
      "x");
  return p;
}

TEST(ArcMsgpack, RowFormMapsTagsToStringsAndFieldsToTypedColumns) {
  Pack p;
  auto r = Decode(Row(p, "cpu", kSecond).bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  ASSERT_EQ(r->decoded.streams().size(), 1u);
  EXPECT_EQ(r->batch("cpu").num_rows(), 1u);
  EXPECT_EQ(r->col("cpu", "_timestamp").ints()[0], kMicros);
  EXPECT_EQ(r->col("cpu", "host").string_at(0), "h1");
  EXPECT_EQ(r->col("cpu", "region").string_at(0), "eu");
  EXPECT_EQ(r->col("cpu", "usage").type(), model::ColumnType::kFloat64);
  EXPECT_EQ(r->col("cpu", "usage").doubles()[0], 1.5);
  EXPECT_EQ(r->col("cpu", "count").type(), model::ColumnType::kInt64);
  EXPECT_EQ(r->col("cpu", "count").ints()[0], 3);
  EXPECT_EQ(r->col("cpu", "ok").type(), model::ColumnType::kBool);
  EXPECT_EQ(r->col("cpu", "ok").bools()[0], 1);
  EXPECT_EQ(r->col("cpu", "name").string_at(0), "x");
}

TEST(ArcMsgpack, TimeUnitIsGuessedFromItsMagnitudeAsArcDoes) {
  for (std::int64_t t : {kSecond, kSecond * 1000, kSecond * 1'000'000, kSecond * 1'000'000'000}) {
    Pack p;
    auto r = Decode(Row(p, "cpu", t).bytes());
    ASSERT_TRUE(r->status.ok()) << r->status.message();
    EXPECT_EQ(r->col("cpu", "_timestamp").ints()[0], kMicros) << t;
  }
  // The boundaries: 1e10 - 1 is seconds, 1e10 milliseconds, 1e13 microseconds, 1e16 ns.
  const std::pair<std::int64_t, std::int64_t> cases[] = {
      {9'999'999'999, 9'999'999'999'000'000},
      {10'000'000'000, 10'000'000'000'000},
      {10'000'000'000'000, 10'000'000'000'000},
      {10'000'000'000'000'000, 10'000'000'000'000}};
  for (auto [t, micros] : cases) {
    Pack p;
    p.Map(3).Str("m").Str("x").Str("t").V(t).Str("fields").Map(1).Str("v").V(1);
    auto r = Decode(p.bytes());
    ASSERT_TRUE(r->status.ok()) << r->status.message();
    EXPECT_EQ(r->col("x", "_timestamp").ints()[0], micros) << t;
  }
  // A float time is truncated, as Arc does.
  Pack p;
  p.Map(3).Str("m").Str("x").Str("t").V(1'700'000'100.75).Str("fields").Map(1).Str("v").V(1);
  auto r = Decode(p.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->col("x", "_timestamp").ints()[0], kMicros);
}

TEST(ArcMsgpack, MissingTimeIsTheArrivalTime) {
  Pack p;
  p.Map(2).Str("m").Str("x").Str("fields").Map(1).Str("v").V(1);
  auto r = Decode(p.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->col("x", "_timestamp").ints()[0], kNow);
  Pack c;
  c.Map(2).Str("m").Str("x").Str("columns").Map(1).Str("v").Array(2).V(1).V(2);
  r = Decode(c.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->col("x", "_timestamp").ints(), (std::vector<std::int64_t>{kNow, kNow}));
}

TEST(ArcMsgpack, TimestampExtensionIsExact) {
  // ext -1, 12 bytes: u32 nanoseconds, i64 seconds (what msgpackr writes for a Date).
  std::string ext = "\xc7\x0c\xff";
  const std::uint32_t ns = 250'000'000;
  for (int k = 3; k >= 0; --k) ext += static_cast<char>(ns >> (8 * k) & 0xff);
  for (int k = 7; k >= 0; --k)
    ext += static_cast<char>(static_cast<std::uint64_t>(kSecond) >> (8 * k) & 0xff);
  Pack p;
  p.Map(3).Str("m").Str("x").Str("t").Raw(ext).Str("fields").Map(1).Str("v").V(1);
  auto r = Decode(p.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->col("x", "_timestamp").ints()[0], kMicros + 250'000);
  // ext -1, 4 bytes: u32 seconds.
  std::string ext4 = "\xd6\xff";
  for (int k = 3; k >= 0; --k) ext4 += static_cast<char>(kSecond >> (8 * k) & 0xff);
  Pack q;
  q.Map(3).Str("m").Str("x").Str("t").Raw(ext4).Str("fields").Map(1).Str("v").V(1);
  r = Decode(q.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->col("x", "_timestamp").ints()[0], kMicros);
}

TEST(ArcMsgpack, BatchAndTopLevelArraySplitItemsByMeasurement) {
  Pack batch;
  batch.Map(1).Str("batch").Array(3);
  Row(batch, "cpu", kSecond);
  Row(batch, "mem", kSecond + 1);
  Row(batch, "CPU", kSecond + 2);  // the same stream once sanitized
  auto r = Decode(batch.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  ASSERT_EQ(r->decoded.streams().size(), 2u);
  EXPECT_EQ(r->batch("cpu").num_rows(), 2u);
  EXPECT_EQ(r->batch("mem").num_rows(), 1u);
  EXPECT_EQ(r->col("cpu", "_timestamp").ints(),
            (std::vector<std::int64_t>{kMicros, kMicros + 2'000'000}));

  Pack array;
  array.Array(2);
  Row(array, "cpu", kSecond);
  // A columnar item in the same body.
  array.Map(2).Str("m").Str("cpu").Str("columns").Map(3);
  array.Str("time").Array(2).V(kSecond * 1000).V(kSecond * 1000 + 1);
  array.Str("host").Array(2).Str("h2").Str("h3");
  array.Str("usage").Array(2).V(2.5).V(3.5);
  r = Decode(array.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  ASSERT_EQ(r->decoded.streams().size(), 1u);
  EXPECT_EQ(r->batch("cpu").num_rows(), 3u);
  EXPECT_EQ(r->col("cpu", "_timestamp").ints(),
            (std::vector<std::int64_t>{kMicros, kMicros, kMicros + 1000}));
  EXPECT_EQ(r->col("cpu", "host").string_at(2), "h3");
  EXPECT_EQ(r->col("cpu", "usage").doubles(), (std::vector<double>{1.5, 2.5, 3.5}));
  EXPECT_EQ(r->col("cpu", "region").DefinedRows(), (std::vector<std::uint8_t>{1, 0, 0}));
}

TEST(ArcMsgpack, ColumnarFormReadsRowByRow) {
  Pack p;
  p.Map(3).Str("columns").Map(5);  // keys in any order: m after columns
  p.Str("host").Array(3).Str("a").Str("b").Nil();
  p.Str("v").Array(3).V(1).V(2.5).V(3);  // int then float: widened
  p.Str("time").Array(3).V(kSecond * 1'000'000'000).V(kSecond * 1'000'000'000 + 5000).Nil();
  p.Str("on").Array(3).V(true).V(false).V(true);
  p.Str("zone").Array(3).V(7).V(8).V(9);
  p.Str("m").Str("disk");
  p.Str("tag_keys").Array(1).Str("zone");
  auto r = Decode(p.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->batch("disk").num_rows(), 3u);
  EXPECT_EQ(r->col("disk", "_timestamp").ints(),
            (std::vector<std::int64_t>{kMicros, kMicros + 5, kNow}));
  EXPECT_EQ(r->col("disk", "host").DefinedRows(), (std::vector<std::uint8_t>{1, 1, 0}));
  EXPECT_EQ(r->col("disk", "v").type(), model::ColumnType::kFloat64);
  EXPECT_EQ(r->col("disk", "v").doubles(), (std::vector<double>{1, 2.5, 3}));
  EXPECT_EQ(r->col("disk", "on").bools(), (std::vector<std::uint8_t>{1, 0, 1}));
  // tag_keys: a tag is a string column whatever its values.
  EXPECT_EQ(r->col("disk", "zone").type(), model::ColumnType::kString);
  EXPECT_EQ(r->col("disk", "zone").string_at(1), "8");
}

TEST(ArcMsgpack, ColumnarTimeUnitComesFromTheFirstValue) {
  Pack p;  // seconds first: the second value is read as seconds too, as Arc does
  p.Map(2).Str("m").Str("x").Str("columns").Map(1).Str("time").Array(2).V(kSecond).V(
      std::int64_t{10'000'000'000});
  auto r = Decode(p.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->col("x", "_timestamp").ints()[1], 10'000'000'000'000'000);
}

TEST(ArcMsgpack, CompactFormHostAndFieldArray) {
  Pack p;
  p.Map(4).Str("m").Str("x").Str("t").V(kSecond).Str("h").Str("server01");
  p.Str("f").Array(3).V(1).V(2.5).Str("s");
  auto r = Decode(p.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->col("x", "host").string_at(0), "server01");
  EXPECT_EQ(r->col("x", "field_0").ints()[0], 1);
  EXPECT_EQ(r->col("x", "field_1").doubles()[0], 2.5);
  EXPECT_EQ(r->col("x", "field_2").string_at(0), "s");
  Pack n;  // a numeric measurement and host, as Arc names them
  n.Map(3).Str("m").V(5).Str("h").V(7).Str("fields").Map(1).Str("v").V(1);
  r = Decode(n.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->col("measurement_5", "host").string_at(0), "host_7");
}

TEST(ArcMsgpack, NestedMapsFlattenAndArraysAreJsonText) {
  Pack p;
  p.Map(2).Str("m").Str("x").Str("fields").Map(2);
  p.Str("net").Map(2).Str("rx").V(10).Str("Tx.Bytes").V(20);
  p.Str("list").Array(4).V(1).Str("a\"b").Nil().Map(1).Str("k").V(-2.5);
  auto r = Decode(p.bytes());
  ASSERT_TRUE(r->status.ok()) << r->status.message();
  EXPECT_EQ(r->col("x", "net_rx").ints()[0], 10);
  EXPECT_EQ(r->col("x", "net_tx_bytes").ints()[0], 20);
  EXPECT_EQ(r->col("x", "list").string_at(0), R"([1,"a\"b",null,{"k":-2.5}])");
}

// The message of a request the decoder refuses (an empty string when it accepts it).
std::string Refusal(const std::string& bytes) {
  auto r = Decode(bytes);
  EXPECT_FALSE(r->status.ok());
  if (r->status.ok()) return "";
  EXPECT_EQ(r->status.code(), StatusCode::kInvalidInput);
  return r->status.message();
}

TEST(ArcMsgpack, MalformedBodiesAreRefusedSayingWhatAndWhere) {
  EXPECT_EQ(Refusal(""), "empty body: expected a MessagePack map or array");
  Pack p;
  Row(p, "cpu", kSecond);
  const std::string row = p.bytes();
  EXPECT_EQ(
      Refusal(row.substr(0, row.size() - 1)),
      "item 0: malformed MessagePack at byte " + std::to_string(row.size() - 1) + ": truncated");
  EXPECT_EQ(Refusal(row + "\xc0"),
            "trailing bytes after the MessagePack document at byte " + std::to_string(row.size()));
  EXPECT_EQ(Refusal("\xc1"), "malformed MessagePack at byte 1: invalid byte 0xc1");
  EXPECT_EQ(Refusal("\x05"), "the body must be a MessagePack map or array of maps, not integer");

  Pack no_m;
  no_m.Array(2);
  Row(no_m, "cpu", kSecond);
  no_m.Map(1).Str("fields").Map(1).Str("v").V(1);
  EXPECT_EQ(Refusal(no_m.bytes()), "item 1: missing m (the measurement)");

  Pack empty_m;
  empty_m.Map(2).Str("m").Str("").Str("fields").Map(1).Str("v").V(1);
  EXPECT_EQ(Refusal(empty_m.bytes()), "item 0: measurement name is empty");
  Pack empty_after_number;  // the stream of the numeric measurement is not reused for ""
  empty_after_number.Array(2).Map(2).Str("m").V(5).Str("fields").Map(1).Str("v").V(1);
  empty_after_number.Map(2).Str("m").Str("").Str("fields").Map(1).Str("v").V(1);
  EXPECT_EQ(Refusal(empty_after_number.bytes()), "item 1: measurement name is empty");

  Pack no_fields;
  no_fields.Map(2).Str("m").Str("x").Str("tags").Map(0);
  EXPECT_NE(Refusal(no_fields.bytes()).find("a row needs fields"), std::string::npos);

  Pack unequal;
  unequal.Map(2).Str("m").Str("x").Str("columns").Map(2);
  unequal.Str("time").Array(2).V(1).V(2).Str("v").Array(1).V(1);
  EXPECT_EQ(Refusal(unequal.bytes()),
            "item 0: columns have unequal lengths: \"time\" has 2 values, \"v\" has 1");

  Pack not_array;
  not_array.Map(2).Str("m").Str("x").Str("columns").Map(1).Str("v").V(1);
  EXPECT_EQ(Refusal(not_array.bytes()), "item 0: column \"v\" must be an array, not integer");

  Pack bad_utf8;
  bad_utf8.Map(2).Str("m").Str("x").Str("fields").Map(1).Str("v").Str("\xff\xfe");
  EXPECT_EQ(Refusal(bad_utf8.bytes()), "item 0: a field value is not valid UTF-8");

  Pack bad_time;
  bad_time.Map(2).Str("m").Str("x").Str("columns").Map(2);
  bad_time.Str("time").Array(2).V(1).Str("noon").Str("v").Array(2).V(1).V(2);
  EXPECT_EQ(Refusal(bad_time.bytes()), "item 0, row 1: time must be a number, not string");

  Pack huge_time;
  huge_time.Map(3).Str("m").Str("x").Str("t").V(std::int64_t{-9'000'000'000'000'000'000});
  huge_time.Str("fields").Map(1).Str("v").V(1);
  EXPECT_EQ(Refusal(huge_time.bytes()), "item 0: t: time -9000000000000000000 is out of range");

  Pack bin;
  bin.Map(2).Str("m").Str("x").Str("fields").Map(1).Str("v");
  bin.Raw(std::string("\xc4\x01\x00", 3));
  EXPECT_EQ(Refusal(bin.bytes()), "item 0: binary values are not supported");

  // A forged element count fails at once, not after billions of reads.
  EXPECT_EQ(Refusal("\xdd\xff\xff\xff\xff"), "malformed MessagePack at byte 5: truncated");
}

TEST(ArcMsgpack, ARecordTheBuilderRejectsFailsTheRequest) {
  model::BuilderOptions o = Options();
  o.max_timestamp_us = kNow;  // kMicros is after the accepted window
  Decoded decoded(o);
  Pack p;
  Row(p, "cpu", kSecond);
  Padded body(p.bytes());
  const Status st = DecodeArc(body.view(), decoded);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("item 0: _timestamp"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("outside the accepted window"), std::string::npos) << st.message();
}

TEST(ArcMsgpack, DeepNestingIsRefusedNotRecursedInto) {
  Pack p;
  p.Map(2).Str("m").Str("x").Str("fields").Map(1).Str("v");
  for (int i = 0; i < 200; ++i) p.Array(1);
  p.V(1);
  EXPECT_EQ(Refusal(p.bytes()), "item 0: values nest more than 100 levels deep");
}

}  // namespace
}  // namespace ingot::protocols::msgpack
