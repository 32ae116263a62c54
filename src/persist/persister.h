// Persister: the stage that turns sealed memtable partitions into Parquet files, on its own
// worker threads so that encoding and compression never run on a request thread, and file I/O
// (write, fsync, rename) never blocks decoding (DESIGN.md rule 7).
//
// A partition that fails to persist is never dropped and never allowed to stop the others:
// - an error retrying may fix (disk full, quota, I/O error, out of memory) schedules a retry of
//   that partition with backoff; the thread goes on with other partitions meanwhile;
// - an error retrying cannot fix (a name the file system refuses, a Parquet encoding error, a
//   bug) puts the partition's rows in the quarantine (quarantine.h), logged once with the reason;
//   the WAL then moves on as if they were in Parquet.
// Drain() waits until every submitted partition is in a file or in quarantine.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/memory_budget.h"
#include "common/prometheus_text.h"
#include "fs/file_system.h"
#include "memtable/memtable.h"
#include "parquet/writer_options.h"
#include "persist/quarantine.h"

namespace ingot::persist {

// Key of the Parquet key-value metadata entry that lists the WAL sequences a file holds rows of
// (wal::SeqRanges text, "3-7,9"). Recovery reads it to replay only what no file holds yet.
inline constexpr const char* kWalSeqsKey = "ingot.wal_seqs";

struct PersisterOptions {
  std::string data_dir = "data";
  // Called on a persist thread after each file is published (durably), or the partition's rows
  // are in quarantine, with the partition; the WAL watermark uses it. May be empty.
  std::function<void(const memtable::SealedPartition&)> on_persisted;
  std::size_t threads = 1;
  // Nice value of the worker threads (Linux; 0 = as the process). Persisting is throughput work
  // that can catch up in idle time (the memory budget bounds how far it may fall behind), while
  // a request thread that waits for a core delays an acknowledgement: at a positive nice the
  // scheduler lets request, WAL and client threads run first when cores are contended.
  int nice = 10;
  parquet::WriterOptions writer;
  // Released with each partition's memory once it is in a file (the memtable charged it).
  MemoryBudget* memory_budget = nullptr;
  // First delay before retrying a failed write; doubles up to max_retry_delay_ms.
  int retry_delay_ms = 100;
  int max_retry_delay_ms = 5000;
  // Most bytes of column buffers a persist thread keeps from one file for the next
  // (memtable::ColumnSpares), charged to the memory budget while kept; with a budget, at most a
  // quarter of it over all threads. 0 = keep none.
  std::size_t reuse_bytes = 256 << 20;
  // Bytes of column names the persister remembers the types of (for streams written most
  // recently), so that a column's type never narrows from one file of a stream to the next.
  // Bounded, because clients choose the names: a stream whose types were forgotten starts afresh.
  std::size_t column_types_bytes = 16 << 20;
  // Test only (--test-persist-delay): sleep this long before writing each file, to make the
  // persist stage the bottleneck in overload tests.
  std::chrono::microseconds test_delay{0};
};

struct PersisterStats {
  std::atomic<std::uint64_t> files{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> rows{0};
  std::atomic<std::uint64_t> failures{0};           // attempts that failed (each retry counts)
  std::atomic<std::size_t> retrying_partitions{0};  // waiting for a retry now
  std::atomic<std::size_t> queued_partitions{0};
  std::atomic<std::size_t> queued_bytes{0};  // memtable bytes of partitions waiting or in flight
};

class Persister final : public MetricsSection {
 public:
  Persister(const PersisterOptions& options, fs::FileSystem& fs);
  // Persists what is queued, then stops the workers. A partition waiting for a retry, or failing
  // again, is given up: its rows stay in the WAL, which replays them at the next start.
  ~Persister();
  Persister(const Persister&) = delete;
  Persister& operator=(const Persister&) = delete;

  // Queues a partition. Thread-safe; never blocks on I/O.
  void Submit(memtable::SealedPartition&& partition);
  // Blocks until every partition submitted so far is in a file or in quarantine.
  void Drain();
  // The same, until `deadline` at most; false if some partition was still queued, being written
  // or waiting for a retry then.
  bool DrainUntil(std::chrono::steady_clock::time_point deadline);
  // Blocks until every partition submitted so far was tried at least once (some may be waiting
  // for a retry), or until `deadline`; false if some were not.
  bool WaitTried(std::chrono::steady_clock::time_point deadline =
                     std::chrono::steady_clock::time_point::max());
  // Stops taking partitions (a stop ran out of time): the workers finish the file they are
  // writing and exit; what is queued or waiting for a retry is given up by the destructor (its
  // rows stay in the WAL, replayed at the next start).
  void Abandon();
  // Blocks until a partition is done (its memory released) or `timeout` passes.
  void WaitForProgress(std::chrono::milliseconds timeout);

  const PersisterStats& stats() const { return stats_; }
  const QuarantineStats& quarantine_stats() const { return quarantine_.stats(); }
  // /metrics: the backlog, files written, failures and the quarantine.
  void RenderMetrics(std::string& out) const override;

 private:
  using Clock = std::chrono::steady_clock;
  // A partition on its way: merged into one batch at its first attempt, kept as such for retries.
  struct Job {
    memtable::SealedPartition partition;
    model::RecordBatch batch;
    bool merged = false;
    int attempts = 0;
    int delay_ms = 0;
    Clock::time_point due;
  };
  enum class Outcome { kWritten, kQuarantined, kRetry };

  void Work();
  // Takes the next job: a retry that is due, else the oldest queued partition; waits for one.
  // False when the persister stops and nothing is left to do.
  bool NextJob(Job& job);
  // One attempt at writing `job`. Merges into `spares`, and leaves a written file's columns there
  // for the next partition.
  Outcome Attempt(Job& job, memtable::ColumnSpares& spares, BudgetCharge& spares_charge);
  // Writes `job`'s batch as a Parquet file.
  Status WriteParquet(Job& job);
  // After an attempt: counts the partition done (written or quarantined), schedules its retry,
  // or gives it up when the persister stops.
  void Finish(Job&& job, Outcome outcome);
  void ReleaseJob(const memtable::SealedPartition& partition);
  // Logs and releases a partition that will not be written by this process.
  void GiveUp(const memtable::SealedPartition& partition, std::size_t rows);
  // Keeps `batch`'s columns as the spares if the limit and the budget allow, else frees them.
  void KeepForReuse(model::RecordBatch& batch, memtable::ColumnSpares& spares,
                    BudgetCharge& spares_charge);
  // Widens the columns of `batch` to the widest type the stream's earlier files used (and
  // remembers wider ones), so that a column never narrows from one file of a stream to the next.
  void WidenToStreamTypes(const model::StreamKey& key, model::RecordBatch& batch);
  std::string NextFileName(const wal::SeqRanges& seqs);

  const PersisterOptions options_;
  const std::size_t reuse_limit_;  // per thread (reuse_bytes, bounded by the budget)
  fs::FileSystem& fs_;
  PersisterStats stats_;
  std::atomic<std::uint64_t> file_sequence_{0};

  Quarantine quarantine_;

  // Widest type written per column of each stream written recently (options.column_types_bytes).
  struct StreamTypes {
    std::unordered_map<std::string, model::ColumnType> columns;
    std::size_t bytes = 0;
    std::uint64_t last_use = 0;
  };
  std::mutex types_mu_;
  // By "<org>\0<type>\0<stream>".
  std::unordered_map<std::string, StreamTypes> column_types_;  // GUARDED_BY(types_mu_)
  std::size_t column_types_bytes_ = 0;                         // GUARDED_BY(types_mu_)
  std::uint64_t types_clock_ = 0;                              // GUARDED_BY(types_mu_)

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<memtable::SealedPartition> queue_;  // GUARDED_BY(mu_)
  std::vector<Job> retries_;                     // GUARDED_BY(mu_): waiting for their `due` time
  std::size_t in_flight_ = 0;                    // GUARDED_BY(mu_)
  std::uint64_t done_ = 0;   // GUARDED_BY(mu_): partitions written or quarantined
  bool stopping_ = false;    // GUARDED_BY(mu_)
  bool abandoning_ = false;  // GUARDED_BY(mu_)
  std::vector<std::thread> workers_;
};

}  // namespace ingot::persist
