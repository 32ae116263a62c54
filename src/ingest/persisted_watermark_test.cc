#include "ingest/persisted_watermark.h"

#include <gtest/gtest.h>

namespace ingot::ingest {
namespace {

wal::SeqRanges Seqs(std::initializer_list<std::uint64_t> values) {
  wal::SeqRanges s;
  for (auto v : values) s.Add(v);
  return s;
}

TEST(PersistedWatermark, AdvancesWhenEveryPartitionOfARecordIsPersisted) {
  PersistedWatermark w(1);
  EXPECT_EQ(w.watermark(), 1u);
  w.Begin(1);
  w.Finish(1, 2);  // rows in two partitions (two hours)
  w.Begin(2);
  w.Finish(2, 1);
  EXPECT_EQ(w.watermark(), 1u);
  w.Persisted(Seqs({1, 2}));     // the first hour's file holds rows of 1 and 2
  EXPECT_EQ(w.watermark(), 1u);  // record 1 still has rows in the second hour
  w.Persisted(Seqs({1}));
  EXPECT_EQ(w.watermark(), 3u);
  EXPECT_EQ(w.pending(), 0u);
}

TEST(PersistedWatermark, RecordsWithoutRowsAndPersistBeforeFinish) {
  PersistedWatermark w(10);
  w.Begin(10);
  w.Finish(10, 0);  // every record of the request failed: nothing to persist
  EXPECT_EQ(w.watermark(), 11u);
  w.Begin(11);
  w.Persisted(Seqs({11}));  // its partition was sealed and written before Finish ran
  EXPECT_EQ(w.watermark(), 11u);
  w.Finish(11, 1);
  EXPECT_EQ(w.watermark(), 12u);
}

TEST(PersistedWatermark, OutOfOrderPersistence) {
  PersistedWatermark w(1);
  for (std::uint64_t s = 1; s <= 5; ++s) {
    w.Begin(s);
    w.Finish(s, 1);
  }
  w.Persisted(Seqs({3, 4, 5}));
  EXPECT_EQ(w.watermark(), 1u);
  w.Persisted(Seqs({1, 2}));
  EXPECT_EQ(w.watermark(), 6u);
}

}  // namespace
}  // namespace ingot::ingest
