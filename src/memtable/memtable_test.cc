#include "memtable/memtable.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "model/batch_builder.h"
#include "model/timestamp.h"

namespace ingot::memtable {
namespace {

constexpr std::int64_t kHour = model::kMicrosPerHour;
constexpr std::int64_t kBase = 1'700'000'000'000'000 / kHour * kHour;  // an hour boundary

struct Request {
  model::BatchBuilder builder;
  explicit Request(std::initializer_list<std::pair<std::int64_t, std::int64_t>> ts_and_value,
                   bool as_string = false) {
    model::BuilderOptions o;
    o.now_us = kBase;
    builder.Reset(o);
    std::string err;
    for (auto [ts, v] : ts_and_value) {
      builder.BeginRecord();
      builder.SetTimestamp(ts);
      auto f = builder.Child(model::BatchBuilder::kRoot, "v");
      if (as_string) {
        builder.AddString(f, "s" + std::to_string(v));
      } else {
        builder.AddInt(f, v);
      }
      EXPECT_TRUE(builder.EndRecord(&err)) << err;
    }
    builder.Finish();
  }
  model::RecordBatch& batch() { return builder.batch(); }
};

struct Sink {
  std::vector<SealedPartition> sealed;
  Memtable::SealSink fn() {
    return [this](SealedPartition&& p) { sealed.push_back(std::move(p)); };
  }
};

const model::StreamKey kKey{"org", model::StreamType::kLogs, "app"};

std::size_t Append(Memtable& m, Request& r, const model::StreamKey& key = kKey,
                   std::uint64_t seq = 0, const Memtable::HourFilter& skip = nullptr) {
  // A copy, so tests can append the same request twice.
  model::RecordBatch copy;
  copy.Append(r.batch());
  return m.Append(key, std::move(copy), r.builder.min_timestamp(), r.builder.max_timestamp(), seq,
                  skip);
}

TEST(Memtable, AccumulatesUntilTheRowLimitThenSeals) {
  Sink sink;
  MemtableOptions o;
  o.max_partition_rows = 4;
  Memtable m(o, sink.fn());
  Request a({{kBase, 1}, {kBase + 1, 2}});
  Append(m, a);
  EXPECT_TRUE(sink.sealed.empty());
  EXPECT_EQ(m.partitions(), 1u);
  EXPECT_GT(m.memory_bytes(), 0u);
  Request b({{kBase + 2, 3}, {kBase + 3, 4}});
  Append(m, b);
  ASSERT_EQ(sink.sealed.size(), 1u);
  EXPECT_EQ(m.partitions(), 0u);
  EXPECT_EQ(m.memory_bytes(), 0u);
  const auto batch = sink.sealed[0].Merge();
  EXPECT_EQ(batch.num_rows(), 4u);
  EXPECT_EQ(batch.column(static_cast<std::size_t>(batch.FindColumn("v"))).ints(),
            (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(sink.sealed[0].key, kKey);
  EXPECT_EQ(sink.sealed[0].hour, model::HourOf(kBase));
}

// Merging into the columns of an earlier file (a persist thread's spares) gives the same batch
// as merging into new ones, whatever those columns held and however they were typed.
TEST(Memtable, MergeIntoSparesMatchesAFreshMerge) {
  auto seal = [](std::initializer_list<Request*> requests) {
    Sink sink;
    Memtable m(MemtableOptions{}, sink.fn());
    for (Request* r : requests) Append(m, *r);
    m.SealAll();
    EXPECT_EQ(sink.sealed.size(), 1u);
    return std::move(sink.sealed[0]);
  };
  Request ints({{kBase, 1}, {kBase + 1, 2}});
  Request strings({{kBase + 2, 3}}, /*as_string=*/true);
  Request more({{kBase + 3, 4}, {kBase + 4, 5}, {kBase + 5, 6}});

  // An earlier file with longer string values, and a column the next file does not have.
  Request earlier({{kBase, 1000000}, {kBase + 1, 2000000}, {kBase + 2, 3000000}}, true);
  SealedPartition first = seal({&earlier, &earlier});
  model::RecordBatch old = first.Merge();
  old.column(old.AddColumn("gone", model::ColumnType::kFloat64)).AppendDouble(1.5);
  ColumnSpares spares;
  spares.Reset(old.TakeColumns());
  const std::size_t spare_bytes = spares.MemoryBytes();
  EXPECT_GT(spare_bytes, 0u);

  SealedPartition a = seal({&ints, &strings, &more});
  SealedPartition b = seal({&ints, &strings, &more});
  const model::RecordBatch fresh = a.Merge();
  const model::RecordBatch reused = b.Merge(&spares);
  ASSERT_EQ(reused.num_rows(), fresh.num_rows());
  ASSERT_EQ(reused.num_columns(), fresh.num_columns());
  for (std::size_t i = 0; i < fresh.num_columns(); ++i) {
    const model::Column& f = fresh.column(i);
    const model::Column& r = reused.column(i);
    EXPECT_EQ(r.name(), f.name());
    EXPECT_EQ(r.type(), f.type());
    EXPECT_EQ(r.DefinedRows(), f.DefinedRows());
    EXPECT_EQ(r.ints(), f.ints());
    EXPECT_EQ(r.doubles(), f.doubles());
    EXPECT_TRUE(std::ranges::equal(r.offsets(), f.offsets()));
    EXPECT_EQ(r.bytes(), f.bytes());
  }
  // `_timestamp` and `v` took the spares of the same names; `gone` is left.
  EXPECT_LT(spares.MemoryBytes(), spare_bytes);
  EXPECT_TRUE(spares.Take("gone").has_value());
  EXPECT_FALSE(spares.Take("gone").has_value());
}

TEST(Memtable, SplitsRequestsThatSpanHours) {
  Sink sink;
  Memtable m(MemtableOptions{}, sink.fn());
  Request r({{kBase - 1, 1}, {kBase, 2}, {kBase + kHour, 3}, {kBase + 5, 4}});
  Append(m, r);
  EXPECT_EQ(m.partitions(), 3u);
  m.SealAll();
  ASSERT_EQ(sink.sealed.size(), 3u);
  std::map<std::int64_t, std::vector<std::int64_t>> by_hour;
  for (auto& p : sink.sealed) {
    const auto batch = p.Merge();
    const auto& v = batch.column(static_cast<std::size_t>(batch.FindColumn("v"))).ints();
    by_hour[p.hour] = v;
  }
  const std::int64_t h = model::HourOf(kBase);
  EXPECT_EQ(by_hour[h - 1], (std::vector<std::int64_t>{1}));
  EXPECT_EQ(by_hour[h], (std::vector<std::int64_t>{2, 4}));
  EXPECT_EQ(by_hour[h + 1], (std::vector<std::int64_t>{3}));
}

TEST(Memtable, StreamsAndOrgsAreSeparate) {
  Sink sink;
  Memtable m(MemtableOptions{}, sink.fn());
  Request r({{kBase, 1}});
  Append(m, r);
  Append(m, r, {"org", model::StreamType::kLogs, "other"});
  Append(m, r, {"org2", model::StreamType::kLogs, "app"});
  Append(m, r, {"org", model::StreamType::kTraces, "app"});
  EXPECT_EQ(m.partitions(), 4u);
}

TEST(Memtable, SealExpiredSealsOnlyOldPartitions) {
  Sink sink;
  MemtableOptions o;
  o.max_age_us = 1'000'000;
  Memtable m(o, sink.fn());
  Request r({{kBase, 1}});
  Append(m, r);
  m.SealExpired(model::NowMicros());
  EXPECT_TRUE(sink.sealed.empty());
  m.SealExpired(model::NowMicros() + 2'000'000);
  EXPECT_EQ(sink.sealed.size(), 1u);
}

TEST(Memtable, SealLargestFreesMemoryBiggestFirst) {
  Sink sink;
  Memtable m(MemtableOptions{}, sink.fn());
  Request small({{kBase, 1}});
  Request big({{kBase, 1}, {kBase, 2}, {kBase, 3}, {kBase, 4}, {kBase, 5}, {kBase, 6}});
  Append(m, small, {"org", model::StreamType::kLogs, "small"});
  for (int i = 0; i < 20; ++i) Append(m, big, {"org", model::StreamType::kLogs, "big"});
  const std::size_t before = m.memory_bytes();
  m.SealLargest(before / 2);
  ASSERT_EQ(sink.sealed.size(), 1u);
  EXPECT_EQ(sink.sealed[0].key.stream, "big");
  EXPECT_EQ(m.partitions(), 1u);
  m.SealLargest(0);
  EXPECT_EQ(m.partitions(), 0u);
  EXPECT_EQ(m.memory_bytes(), 0u);
}

TEST(Memtable, MergingChunksWidensTypes) {
  Sink sink;
  Memtable m(MemtableOptions{}, sink.fn());
  Request number({{kBase, 2}});
  Request text({{kBase, 1}}, /*as_string=*/true);
  Append(m, number);
  Append(m, text);
  m.SealAll();
  ASSERT_EQ(sink.sealed.size(), 1u);
  EXPECT_EQ(sink.sealed[0].chunks.size(), 2u);  // appended as they came, not copied
  const auto batch = sink.sealed[0].Merge();
  const auto& v = batch.column(static_cast<std::size_t>(batch.FindColumn("v")));
  ASSERT_EQ(v.type(), model::ColumnType::kString);
  EXPECT_EQ(v.string_at(0), "2");
  EXPECT_EQ(v.string_at(1), "s1");
}

TEST(Memtable, FieldsOverThePartitionColumnCapMoveToExtra) {
  Sink sink;
  MemtableOptions o;
  o.max_columns = 4;  // _timestamp, v, one more, _extra
  Memtable m(o, sink.fn());
  Request first({{kBase, 1}});
  Append(m, first);
  model::BatchBuilder wide;
  model::BuilderOptions bo;
  bo.now_us = kBase;
  wide.Reset(bo);
  std::string err;
  wide.BeginRecord();
  for (const char* name : {"a", "b", "c"})
    wide.AddInt(wide.Child(model::BatchBuilder::kRoot, name), 7);
  ASSERT_TRUE(wide.EndRecord(&err));
  wide.Finish();
  m.Append(kKey, std::move(wide.batch()), wide.min_timestamp(), wide.max_timestamp());
  m.SealAll();
  ASSERT_EQ(sink.sealed.size(), 1u);
  const auto batch = sink.sealed[0].Merge();
  EXPECT_EQ(batch.num_columns(), 4u);
  const int extra = batch.FindColumn("_extra");
  ASSERT_GE(extra, 0);
  EXPECT_EQ(batch.column(static_cast<std::size_t>(extra)).string_at(0), R"({"b":7,"c":7})");
}

TEST(Memtable, PartitionsRecordTheWalSequencesOfTheirRows) {
  Sink sink;
  Memtable m(MemtableOptions{}, sink.fn());
  Request one_hour({{kBase, 1}});
  Request two_hours({{kBase, 2}, {kBase + kHour, 3}});
  EXPECT_EQ(Append(m, one_hour, kKey, 5), 1u);
  EXPECT_EQ(Append(m, two_hours, kKey, 6), 2u);
  EXPECT_EQ(Append(m, one_hour, kKey, 8), 1u);
  m.SealAll();
  ASSERT_EQ(sink.sealed.size(), 2u);
  std::map<std::int64_t, std::string> seqs;
  for (auto& p : sink.sealed) seqs[p.hour] = p.seqs.ToString();
  EXPECT_EQ(seqs[model::HourOf(kBase)], "5-6,8");
  EXPECT_EQ(seqs[model::HourOf(kBase) + 1], "6");
}

TEST(Memtable, SkipHourLeavesOutRowsAlreadyPersisted) {
  Sink sink;
  Memtable m(MemtableOptions{}, sink.fn());
  Request two_hours({{kBase, 2}, {kBase + kHour, 3}});
  const std::int64_t first = model::HourOf(kBase);
  EXPECT_EQ(Append(m, two_hours, kKey, 9, [&](std::int64_t h) { return h == first; }), 1u);
  Request one_hour({{kBase, 1}});
  EXPECT_EQ(Append(m, one_hour, kKey, 10, [](std::int64_t) { return true; }), 0u);
  m.SealAll();
  ASSERT_EQ(sink.sealed.size(), 1u);
  EXPECT_EQ(sink.sealed[0].hour, first + 1);
  EXPECT_EQ(sink.sealed[0].rows, 1u);
}

}  // namespace
}  // namespace ingot::memtable
