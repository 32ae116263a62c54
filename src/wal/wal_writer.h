// WalWriter: appends records to the write-ahead log with group commit (docs/wal.md).
//
// Threading: Append() is called from any number of request threads and never blocks on I/O: it
// queues the record and returns. One WAL thread, owned by the writer, takes everything queued,
// writes it with one gathered pwritev, makes it durable per the sync mode (one fdatasync for the
// whole group), and then runs every record's callback. While it syncs, new appends queue up for
// the next group. The queue holds references to the callers' bytes, never copies of them: its
// size is bounded by the caller's memory budget, which counts the request bodies it pins.
//
// I/O errors are sticky: after a failed write or fsync the group's callbacks fail, healthy()
// turns false and every Append fails at once, until a probe on the WAL thread (every
// retry_interval) manages to create, write and fsync a fresh segment.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"
#include "wal/group_encoder.h"
#include "wal/sync_mode.h"
#include "wal/wal_stats.h"

namespace ingot::wal {

struct WalOptions {
  std::string dir;               // the WAL directory, <data-dir>/wal; created if missing
  fs::FileSystem* fs = nullptr;  // null: the POSIX file system
  SyncMode sync = SyncMode::Always();
  // Target segment size: a group that would grow the segment past it goes to a new segment
  // (a single group larger than this makes a larger segment; records never span segments).
  std::uint64_t segment_size = 64ull << 20;
  // fallocate each segment to segment_size when it is created (BASELINES.md: overwriting
  // allocated space makes each fdatasync about twice as cheap as appending).
  bool preallocate = true;
  // How often the WAL thread probes for a writable disk while unhealthy.
  std::chrono::milliseconds retry_interval{1000};
  // Append answers kTooLarge above this (the format's limit is 4 GiB - 1).
  std::uint64_t max_record_size = 1ull << 30;
  WalStats* stats = nullptr;  // null: the writer's own; must outlive the writer
};

class WalWriter {
 public:
  // Runs on the WAL thread, exactly once per accepted append, with OK and the record's sequence
  // once the record is durable per the sync mode, or with kUnavailable (the message says why)
  // if it may not be. It must not block or throw; it may call Append(). `seq` is 0 when the
  // record was never given a sequence (failed before it was written).
  using Callback = std::function<void(Status status, std::uint64_t seq)>;

  // Opens the log in `options.dir` for appending, starting at sequence `next_seq` (from
  // Recover(), or larger), in a fresh segment. Fails when a segment there is named at or past
  // `next_seq` (recover first) or when the first segment cannot be created.
  static Result<std::unique_ptr<WalWriter>> Open(WalOptions options, std::uint64_t next_seq);

  // Close()s.
  ~WalWriter();
  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;

  // Queues one record whose payload is the concatenation of `payload`'s pieces. The bytes the
  // pieces point to must stay valid until `done` runs; the span itself is copied. Returns OK when
  // the record was queued: `done` will run exactly once. Otherwise returns at once without
  // calling `done`: kUnavailable when the writer is unhealthy or closed, kTooLarge when the
  // payload exceeds max_record_size. Thread-safe; never blocks on I/O.
  Status Append(std::span<const std::string_view> payload, Callback done);
  Status Append(std::string_view payload, Callback done) {
    return Append(std::span<const std::string_view>(&payload, 1), std::move(done));
  }

  // False after an I/O error until a probe succeeds: the server answers 503 + Retry-After.
  bool healthy() const { return healthy_.load(std::memory_order_acquire); }

  // Deletes every segment all of whose records have a sequence below `seq` (the caller's
  // persisted watermark), oldest first, then fsyncs the directory. Never deletes the segment
  // being written. Thread-safe; runs the deletions on the calling thread.
  Status RemoveSegmentsBefore(std::uint64_t seq);

  // Stops accepting appends, commits everything queued (callbacks run), fsyncs the active
  // segment in every sync mode, trims its unused preallocated space and joins the WAL thread.
  // Idempotent. REQUIRES: not called from a callback.
  void Close();

  const WalStats& stats() const { return *stats_; }

 private:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    std::size_t first_piece;  // in Queue::pieces
    std::size_t piece_count;
    Callback done;
  };
  struct Queue {
    std::vector<Entry> entries;
    std::vector<std::string_view> pieces;
    std::uint64_t bytes = 0;
    void Clear() {
      entries.clear();
      pieces.clear();
      bytes = 0;
    }
  };
  struct Segment {
    std::uint64_t first_seq;
    std::string path;
  };

  WalWriter(WalOptions options, std::uint64_t next_seq);

  // Everything below runs on the WAL thread (or in Open, before it starts).
  void Run();
  void CommitGroup(Queue& group);
  // Creates, preallocates, writes the header of and fsyncs prepared_.
  Status PrepareSegment();
  // Renames prepared_ to the name of next_seq_, fsyncs the directory, and makes it active_.
  Status InstallPreparedSegment();
  // Moves to a fresh segment: the active one is synced (unless sync is none) and trimmed.
  Status RollSegment();
  Status SyncActive();
  void CloseActive(bool trim);
  void DiscardPrepared();
  // The disk failed: fail fast from now on, until Probe() succeeds.
  void BecomeUnhealthy(const Status& cause);
  void Probe();
  void RunTimers();
  void Shutdown();

  const WalOptions options_;
  fs::FileSystem& fs_;
  WalStats own_stats_;
  WalStats* const stats_;
  const std::string prepared_path_;

  std::mutex mu_;
  std::condition_variable wake_;
  Queue queue_;                  // GUARDED_BY(mu_)
  bool closing_ = false;         // GUARDED_BY(mu_)
  bool thread_waiting_ = false;  // GUARDED_BY(mu_)
  Status error_;                 // GUARDED_BY(mu_); why unhealthy
  std::atomic<bool> healthy_{true};

  // Segments on disk, oldest first; the last one is being written (or failed).
  std::mutex segments_mu_;
  std::deque<Segment> segments_;  // GUARDED_BY(segments_mu_)
  std::mutex remove_mu_;          // serializes RemoveSegmentsBefore

  // WAL thread only.
  std::uint64_t next_seq_;
  std::unique_ptr<fs::RandomRWFile> active_;
  std::uint64_t active_offset_ = 0;
  std::uint64_t active_records_ = 0;
  bool active_dirty_ = false;  // written since its last fdatasync
  std::unique_ptr<fs::RandomRWFile> prepared_;
  Clock::time_point last_sync_;
  Clock::time_point next_probe_;
  Clock::time_point next_prepare_;  // after a failed preparation ahead of time
  Status failure_;                  // the cause while unhealthy
  GroupEncoder encoder_;
  Queue group_;

  std::thread thread_;
  std::once_flag close_once_;
};

}  // namespace ingot::wal
