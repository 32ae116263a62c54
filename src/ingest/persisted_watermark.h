// PersistedWatermark: which WAL records are entirely in Parquet, so their segments can go.
//
// A WAL record's rows may land in several memtable partitions (one per stream and hour), each
// persisted separately. The watermark is the smallest sequence with rows still waiting in some
// partition; every record below it is in a durable Parquet file (or had no rows), and
// WalWriter::RemoveSegmentsBefore(watermark) may delete what only holds such records.
//
//   Begin(seq)                     before the record's rows go into the memtable
//   Finish(seq, partitions)        after: how many partitions received its rows
//   Persisted(seqs)                a partition holding rows of `seqs` is in a file
//
// Persisted may run (on a persist thread) before Finish when a partition is sealed and written
// quickly; the counts are signed so the order does not matter. Thread-safe; one mutex, taken per
// request and per file, never on a per-record path.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>

#include "wal/seq_ranges.h"

namespace ingot::ingest {

class PersistedWatermark {
 public:
  // Records below `next_seq` are all persisted (what recovery found or replayed).
  explicit PersistedWatermark(std::uint64_t next_seq = 1) : next_seq_(next_seq) {}

  void Begin(std::uint64_t seq);
  void Finish(std::uint64_t seq, std::size_t partitions);
  void Persisted(const wal::SeqRanges& seqs);

  // Every record with a smaller sequence is persisted.
  std::uint64_t watermark() const;
  // Records begun and not yet entirely persisted.
  std::size_t pending() const;

 private:
  struct Pending {
    std::int64_t partitions = 0;  // received rows minus persisted; may dip below 0 before Finish
    bool finished = false;
  };
  void EraseIfDone(std::map<std::uint64_t, Pending>::iterator it);

  mutable std::mutex mu_;
  std::map<std::uint64_t, Pending> pending_;  // GUARDED_BY(mu_)
  std::uint64_t next_seq_;                    // GUARDED_BY(mu_): one past the largest begun
};

}  // namespace ingot::ingest
