// Memtable: the records acknowledged but not yet in Parquet, held as columns, one partition per
// (org, type, stream, hour). Requests append to it from their own threads; a partition is sealed
// and handed to the persist stage when it reaches its row or byte limit, when it gets too old, or
// at shutdown.
//
// Concurrency: state is sharded by stream; an append takes only its stream's shard lock, for the
// time it takes to move the request's batch into the partition as one more chunk -- no copy of
// the data (DESIGN.md rule 3). Chunks are merged into one batch by the persist stage, off the
// request and WAL threads. Sealed partitions are handed over outside the lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/memory_budget.h"
#include "common/prometheus_text.h"
#include "model/record_batch.h"
#include "model/stream_key.h"
#include "wal/seq_ranges.h"

namespace ingot::memtable {

struct MemtableOptions {
  // A partition is sealed when it holds this many rows...
  std::size_t max_partition_rows = 1'000'000;
  // ...or its column buffers hold this many bytes...
  std::size_t max_partition_bytes = 256 << 20;
  // ...or its first record arrived this long ago (checked by SealExpired).
  std::int64_t max_age_us = 60'000'000;
  // Columns a partition (and so a file) may have, `_timestamp` and `_extra` included; the fields
  // of further columns are moved into `_extra` (model::MoveColumnsToExtra).
  std::size_t max_columns = 1000;
  std::size_t shards = 64;
  // Charged with every chunk's memory when it is appended; released by the persister once the
  // partition is in a file. May be null.
  MemoryBudget* memory_budget = nullptr;
};

// Columns of a file already written, kept by a persist thread for the next file. A partition of
// many chunks is merged into new columns before it is encoded; written into fresh memory, every
// page of them is faulted in and zeroed by the kernel (bench/audit measured that at 17% of the
// server's CPU). Merging into the previous file's buffers reuses pages already touched.
class ColumnSpares {
 public:
  // A column to merge `name` into: the spare that held `name` last (most files of a stream have
  // the same columns, so its buffers have the right size), else any spare; null when none is left.
  std::optional<model::Column> Take(std::string_view name);
  // Replaces the spares with `columns`.
  void Reset(std::vector<model::Column> columns) { columns_ = std::move(columns); }
  void Clear() { columns_.clear(); }
  // Capacity of the spares' buffers.
  std::size_t MemoryBytes() const;

 private:
  std::vector<model::Column> columns_;
};

// A partition on its way to a Parquet file.
struct SealedPartition {
  model::StreamKey key;
  std::int64_t hour = 0;  // since the epoch (model::HourOf)
  // The batches appended to the partition, in order; columns matched by name when merged.
  std::vector<model::RecordBatch> chunks;
  std::size_t rows = 0;
  std::size_t memory_bytes = 0;  // what the memtable accounted for it
  wal::SeqRanges seqs;           // WAL records with rows here (empty without a WAL)

  // The chunks as one batch (columns unified by name, types widened); empties `chunks`. Merged
  // columns are taken from `spares` while it has some.
  model::RecordBatch Merge(ColumnSpares* spares = nullptr);
};

class Memtable final : public MetricsSection {
 public:
  // Receives sealed partitions; called without any memtable lock held, from the thread that
  // caused the seal (a request thread, the age ticker, or the shutdown path).
  using SealSink = std::function<void(SealedPartition&&)>;

  Memtable(const MemtableOptions& options, SealSink sink);
  Memtable(const Memtable&) = delete;
  Memtable& operator=(const Memtable&) = delete;

  // Decides, during WAL replay, which hours of a record are already in Parquet.
  using HourFilter = std::function<bool(std::int64_t hour)>;

  // Takes the rows of `batch` (which has a `_timestamp` column 0 whose values lie in
  // [min_ts, max_ts]) into the partitions of `key`, splitting by hour when they span several, and
  // records WAL sequence `seq` (0: none) in each partition that receives rows. Rows of an hour for
  // which `skip_hour` returns true are left out. Returns how many partitions received rows.
  // The batch is moved, not copied, when its rows all go to one partition; fields over the
  // partition's column cap move into `_extra` first.
  std::size_t Append(const model::StreamKey& key, model::RecordBatch&& batch, std::int64_t min_ts,
                     std::int64_t max_ts, std::uint64_t seq = 0,
                     const HourFilter& skip_hour = nullptr);

  // Seals partitions whose first record is older than max_age_us at `now_us`.
  void SealExpired(std::int64_t now_us);
  // Seals every partition (shutdown, or tests).
  void SealAll();
  // Seals the largest partitions until the memtable holds at most `target_bytes` (memory
  // pressure: their memory is freed once they are in files).
  void SealLargest(std::size_t target_bytes);

  // Bytes held by unsealed partitions.
  std::size_t memory_bytes() const { return memory_bytes_.load(std::memory_order_relaxed); }
  std::size_t partitions() const;
  // /metrics: bytes and partitions not yet sealed.
  void RenderMetrics(std::string& out) const override;

 private:
  struct Partition {
    model::StreamKey key;
    std::int64_t hour = 0;
    std::int64_t created_us = 0;
    std::vector<model::RecordBatch> chunks;
    std::size_t rows = 0;
    std::size_t memory_bytes = 0;
    wal::SeqRanges seqs;
    // Names of the columns the chunks have between them, for the column cap.
    std::unordered_set<std::string> columns;
  };

  struct Shard {
    mutable std::mutex mu;
    // Keyed by "<org>\0<type>\0<stream>\0<hour>".
    std::unordered_map<std::string, std::unique_ptr<Partition>> partitions;
  };

  Shard& ShardFor(const model::StreamKey& key);
  // REQUIRES: shard.mu held. Adds `chunk` to the hour's partition; returns the partition when it
  // must be sealed.
  std::unique_ptr<Partition> AppendLocked(Shard& shard, const model::StreamKey& key,
                                          std::int64_t hour, model::RecordBatch&& chunk,
                                          std::uint64_t seq);
  // REQUIRES: shard.mu held. Moves the columns of `chunk` that `partition` has no room for into
  // `_extra`, and records the rest among the partition's columns.
  void EnforceColumnCap(Partition& partition, model::RecordBatch& chunk) const;
  void Seal(std::unique_ptr<Partition> partition);
  void SealCreatedBefore(std::int64_t cutoff_us);

  const MemtableOptions options_;
  const SealSink sink_;
  std::vector<Shard> shards_;
  std::atomic<std::size_t> memory_bytes_{0};
};

}  // namespace ingot::memtable
