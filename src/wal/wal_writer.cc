#include "wal/wal_writer.h"

#include <algorithm>

#include "wal/format.h"
#include "wal/segment_files.h"

namespace ingot::wal {

namespace {

std::string WithoutTrailingSlash(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// An upper bound of the bytes a group takes in a segment, framing included: it decides whether
// the group still fits in the active segment.
std::uint64_t FramedSizeBound(std::uint64_t payload_bytes, std::size_t records) {
  return payload_bytes + records * (kMinRecordStart + kMinRecordStart) +
         (payload_bytes / kMaxFragmentData + records) * kHeaderSize;
}

}  // namespace

Result<std::unique_ptr<WalWriter>> WalWriter::Open(WalOptions options, std::uint64_t next_seq) {
  if (next_seq == 0) return Status::InvalidInput("WAL sequence numbers start at 1");
  options.dir = WithoutTrailingSlash(std::move(options.dir));
  if (options.dir.empty()) return Status::InvalidInput("no WAL directory given");
  options.max_record_size = std::min(options.max_record_size, kMaxRecordSize);
  std::unique_ptr<WalWriter> writer(new WalWriter(std::move(options), next_seq));
  fs::FileSystem& fs = writer->fs_;
  const std::string& dir = writer->options_.dir;
  INGOT_RETURN_IF_ERROR(fs.CreateDirs(dir));
  auto segments = ListSegments(fs, dir);
  if (!segments.ok()) return segments.status();
  for (const SegmentFile& segment : *segments) {
    if (segment.first_seq >= next_seq) {
      return Status::InvalidInput("WAL segment " + segment.path +
                                  " starts at or after the next sequence " +
                                  std::to_string(next_seq) + ": recover the WAL before writing");
    }
    writer->segments_.push_back({segment.first_seq, segment.path});
  }
  if (fs.Exists(writer->prepared_path_)) INGOT_RETURN_IF_ERROR(fs.Remove(writer->prepared_path_));
  INGOT_RETURN_IF_ERROR(writer->PrepareSegment());
  INGOT_RETURN_IF_ERROR(writer->InstallPreparedSegment());
  writer->thread_ = std::thread([w = writer.get()] { w->Run(); });
  return writer;
}

WalWriter::WalWriter(WalOptions options, std::uint64_t next_seq)
    : options_(std::move(options)),
      fs_(options_.fs != nullptr ? *options_.fs : fs::PosixFileSystem()),
      stats_(options_.stats != nullptr ? options_.stats : &own_stats_),
      prepared_path_(JoinPath(options_.dir, kPreparedSegmentName)),
      next_seq_(next_seq),
      last_sync_(Clock::now()) {}

WalWriter::~WalWriter() { Close(); }

Status WalWriter::Append(std::span<const std::string_view> payload, Callback done) {
  std::uint64_t bytes = 0;
  for (std::string_view piece : payload) bytes += piece.size();
  if (bytes > options_.max_record_size) {
    stats_->rejected_appends.fetch_add(1, std::memory_order_relaxed);
    return Status::TooLarge("WAL record of " + std::to_string(bytes) + " bytes exceeds the " +
                            std::to_string(options_.max_record_size) + " byte limit");
  }
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (closing_ || !healthy_.load(std::memory_order_relaxed)) {
      stats_->rejected_appends.fetch_add(1, std::memory_order_relaxed);
      return closing_ ? Status::Unavailable("the WAL is closed") : error_;
    }
    queue_.entries.push_back({queue_.pieces.size(), payload.size(), std::move(done)});
    queue_.pieces.insert(queue_.pieces.end(), payload.begin(), payload.end());
    queue_.bytes += bytes;
    wake = thread_waiting_;
    thread_waiting_ = false;
  }
  stats_->appends.fetch_add(1, std::memory_order_relaxed);
  if (wake) wake_.notify_one();
  return Status::Ok();
}

void WalWriter::Close() {
  std::call_once(close_once_, [this] {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  });
}

void WalWriter::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    if (queue_.entries.empty()) {
      if (closing_) break;
      Clock::time_point deadline = Clock::time_point::max();
      if (!healthy_.load(std::memory_order_relaxed)) {
        deadline = next_probe_;
      } else if (active_dirty_ && options_.sync.kind == SyncMode::Kind::kInterval) {
        deadline = last_sync_ + options_.sync.interval;
      }
      const auto has_work = [this] { return !queue_.entries.empty() || closing_; };
      thread_waiting_ = true;
      bool woken = true;
      if (deadline == Clock::time_point::max()) {
        wake_.wait(lock, has_work);
      } else {
        woken = wake_.wait_until(lock, deadline, has_work);
      }
      thread_waiting_ = false;
      if (!woken) {
        lock.unlock();
        RunTimers();
        lock.lock();
      }
      continue;
    }
    std::swap(queue_, group_);
    lock.unlock();
    CommitGroup(group_);
    group_.Clear();
    RunTimers();
    lock.lock();
  }
  lock.unlock();
  Shutdown();
}

void WalWriter::CommitGroup(Queue& group) {
  const std::size_t count = group.entries.size();
  const auto fail = [&](const Status& status, std::uint64_t first_seq) {
    for (std::size_t i = 0; i < count; ++i) {
      group.entries[i].done(status, first_seq == 0 ? 0 : first_seq + i);
    }
  };
  if (!healthy_.load(std::memory_order_relaxed)) return fail(failure_, 0);

  if (active_records_ > 0 &&
      active_offset_ + FramedSizeBound(group.bytes, count) > options_.segment_size) {
    if (Status st = RollSegment(); !st.ok()) {
      BecomeUnhealthy(st);
      return fail(failure_, 0);
    }
  }

  // Sequences are given out now, in file order, and used up even if the write fails: records
  // of a failed write may be on disk, and no two records may ever share a sequence.
  const std::uint64_t first_seq = next_seq_;
  next_seq_ += count;
  encoder_.Reset(active_offset_);
  for (std::size_t i = 0; i < count; ++i) {
    const Entry& entry = group.entries[i];
    encoder_.AddRecord(first_seq + i,
                       std::span(group.pieces).subspan(entry.first_piece, entry.piece_count));
  }
  Status st = active_->WriteAt(active_offset_, encoder_.Finish());
  if (!st.ok()) {
    BecomeUnhealthy(st);
    return fail(failure_, first_seq);
  }
  active_offset_ = encoder_.end_offset();
  active_records_ += count;
  active_dirty_ = true;
  stats_->records.fetch_add(count, std::memory_order_relaxed);
  stats_->bytes_written.fetch_add(encoder_.size(), std::memory_order_relaxed);
  stats_->groups.fetch_add(1, std::memory_order_relaxed);
  stats_->group_records.Record(count);

  if (options_.sync.kind == SyncMode::Kind::kAlways) {
    if (st = SyncActive(); !st.ok()) {
      BecomeUnhealthy(st);
      return fail(failure_, first_seq);
    }
  }
  for (std::size_t i = 0; i < count; ++i) group.entries[i].done(Status::Ok(), first_seq + i);
}

void WalWriter::RunTimers() {
  const Clock::time_point now = Clock::now();
  if (!healthy_.load(std::memory_order_relaxed)) {
    if (now >= next_probe_) Probe();
    return;
  }
  if (active_dirty_ && options_.sync.kind == SyncMode::Kind::kInterval &&
      now >= last_sync_ + options_.sync.interval) {
    // The callbacks already ran: a failure here can only stop further damage.
    if (Status st = SyncActive(); !st.ok()) BecomeUnhealthy(st);
  }
  // Prepare the next segment ahead of time, so that rolling over costs a rename and a directory
  // fsync instead of a creation, an fallocate and two fsyncs in the path of a group.
  if (active_ != nullptr && prepared_ == nullptr && now >= next_prepare_ &&
      active_offset_ >= options_.segment_size / 2) {
    if (!PrepareSegment().ok()) {
      DiscardPrepared();
      next_prepare_ = now + options_.retry_interval;
    }
  }
}

Status WalWriter::SyncActive() {
  const Clock::time_point start = Clock::now();
  Status st = active_->Sync();
  const Clock::time_point end = Clock::now();
  stats_->fsyncs.fetch_add(1, std::memory_order_relaxed);
  stats_->fsync_micros.Record(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(end - start).count()));
  if (st.ok()) {
    active_dirty_ = false;
    last_sync_ = end;
  }
  return st;
}

Status WalWriter::PrepareSegment() {
  if (fs_.Exists(prepared_path_)) INGOT_RETURN_IF_ERROR(fs_.Remove(prepared_path_));
  auto file = fs_.OpenRandomRWFile(prepared_path_, fs::OpenMode::kCreateNew);
  if (!file.ok()) return file.status();
  prepared_ = std::move(*file);
  if (options_.preallocate) {
    INGOT_RETURN_IF_ERROR(prepared_->Allocate(0, options_.segment_size));
  }
  encoder_.Reset(0);
  encoder_.AddSegmentHeader();
  INGOT_RETURN_IF_ERROR(prepared_->WriteAt(0, encoder_.Finish()));
  // Synced now, off the group's path: the header, the allocation and the file's size become
  // durable together, so later fdatasyncs of this segment carry data only.
  const Clock::time_point start = Clock::now();
  INGOT_RETURN_IF_ERROR(prepared_->Sync());
  stats_->fsyncs.fetch_add(1, std::memory_order_relaxed);
  stats_->fsync_micros.Record(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count()));
  return Status::Ok();
}

Status WalWriter::InstallPreparedSegment() {
  const std::string path = JoinPath(options_.dir, SegmentFileName(next_seq_));
  {
    // A segment already named after next_seq_ holds no record (its records would have used
    // next_seq_ up): it is what an earlier failed attempt left behind.
    std::lock_guard lock(segments_mu_);
    if (!segments_.empty() && segments_.back().first_seq == next_seq_) {
      INGOT_RETURN_IF_ERROR(fs_.Remove(path));
      segments_.pop_back();
    }
  }
  INGOT_RETURN_IF_ERROR(fs_.RenameNoReplace(prepared_path_, path));
  {
    std::lock_guard lock(segments_mu_);
    segments_.push_back({next_seq_, path});
    stats_->segments_live.store(segments_.size(), std::memory_order_relaxed);
  }
  stats_->segments_created.fetch_add(1, std::memory_order_relaxed);
  INGOT_RETURN_IF_ERROR(fs_.SyncDir(options_.dir));
  active_ = std::move(prepared_);
  active_offset_ = kSegmentHeaderSize;
  active_records_ = 0;
  active_dirty_ = false;
  return Status::Ok();
}

Status WalWriter::RollSegment() {
  if (active_dirty_ && options_.sync.kind != SyncMode::Kind::kNone) {
    // Nothing syncs a segment once it is left: its acknowledged tail must be durable now.
    INGOT_RETURN_IF_ERROR(SyncActive());
  }
  if (prepared_ == nullptr) {
    if (Status st = PrepareSegment(); !st.ok()) {
      DiscardPrepared();
      return st;
    }
  }
  CloseActive(/*trim=*/true);
  return InstallPreparedSegment();
}

void WalWriter::CloseActive(bool trim) {
  if (active_ == nullptr) return;
  // Trimming frees the unused preallocated space. Not synced, and failures are harmless: the
  // space reads as zeros, which readers take for the end of the segment.
  if (trim) (void)active_->Truncate(active_offset_);
  (void)active_->Close();
  active_.reset();
}

void WalWriter::DiscardPrepared() {
  if (prepared_ == nullptr) return;
  (void)prepared_->Close();
  prepared_.reset();
  (void)fs_.Remove(prepared_path_);
}

void WalWriter::BecomeUnhealthy(const Status& cause) {
  stats_->io_errors.fetch_add(1, std::memory_order_relaxed);
  if (active_ != nullptr && active_dirty_ && options_.sync.kind != SyncMode::Kind::kAlways) {
    // Best effort for records already acknowledged without an fsync (interval, none): nothing
    // relies on the outcome, and nothing is written to the segment again.
    (void)active_->Sync();
  }
  // The segment is never written again, whatever state it is in: it keeps what was acknowledged
  // before the error, and the reader drops whatever the failed write left at its end.
  CloseActive(/*trim=*/false);
  DiscardPrepared();
  failure_ = Status::Unavailable("WAL write failed, durability unknown (" + cause.ToString() +
                                 "); retrying every " +
                                 std::to_string(options_.retry_interval.count()) + " ms");
  next_probe_ = Clock::now() + options_.retry_interval;
  {
    std::lock_guard lock(mu_);
    error_ = failure_;
    healthy_.store(false, std::memory_order_release);
  }
  stats_->healthy.store(false, std::memory_order_relaxed);
}

void WalWriter::Probe() {
  stats_->probes.fetch_add(1, std::memory_order_relaxed);
  Status st = PrepareSegment();
  if (st.ok()) st = InstallPreparedSegment();
  if (!st.ok()) {
    stats_->io_errors.fetch_add(1, std::memory_order_relaxed);
    DiscardPrepared();
    next_probe_ = Clock::now() + options_.retry_interval;
    return;
  }
  failure_ = Status::Ok();
  {
    std::lock_guard lock(mu_);
    error_ = Status::Ok();
    healthy_.store(true, std::memory_order_release);
  }
  stats_->healthy.store(true, std::memory_order_relaxed);
}

void WalWriter::Shutdown() {
  if (active_ != nullptr && active_dirty_) {
    if (Status st = SyncActive(); !st.ok()) BecomeUnhealthy(st);
  }
  CloseActive(/*trim=*/true);
  DiscardPrepared();
}

Status WalWriter::RemoveSegmentsBefore(std::uint64_t seq) {
  std::lock_guard remove_lock(remove_mu_);
  std::vector<std::string> doomed;
  {
    std::lock_guard lock(segments_mu_);
    // Segment i holds sequences below segments_[i + 1].first_seq; the last one has no bound.
    for (std::size_t i = 0; i + 1 < segments_.size() && segments_[i + 1].first_seq <= seq; ++i) {
      doomed.push_back(segments_[i].path);
    }
  }
  Status st;
  std::size_t removed = 0;
  for (const std::string& path : doomed) {
    if (st = fs_.Remove(path); !st.ok()) break;
    ++removed;
  }
  if (removed == 0) return st;
  const Status synced = fs_.SyncDir(options_.dir);
  {
    std::lock_guard lock(segments_mu_);
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(removed));
    stats_->segments_live.store(segments_.size(), std::memory_order_relaxed);
  }
  stats_->segments_removed.fetch_add(removed, std::memory_order_relaxed);
  return st.ok() ? synced : st;
}

}  // namespace ingot::wal
