#include "persist/persister.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/json_escape.h"
#include "model/names.h"
#include "model/timestamp.h"
#include "persist/layout.h"
#include "persist/parquet_file.h"

namespace ingot::persist {

namespace {

// ingot's view of the file's columns, stored in the Parquet key-value metadata as
// [{"name":"_timestamp","type":"timestamp"},...] so tools can read the original types back.
std::string SchemaJson(const model::RecordBatch& batch) {
  std::string out = "[";
  for (std::size_t i = 0; i < batch.num_columns(); ++i) {
    if (i) out.push_back(',');
    out += "{\"name\":";
    AppendJsonString(batch.column(i).name(), out);
    out += ",\"type\":\"";
    out += model::ColumnTypeName(batch.column(i).type());
    out += "\"}";
  }
  out += "]";
  return out;
}

// Lowers the calling thread's priority. On Linux setpriority() with PRIO_PROCESS and a thread id
// applies to that thread alone (a documented deviation from POSIX), which is what we want here.
void SetThreadNice(int nice) {
  if (nice == 0) return;
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) != 0) {
    spdlog::warn("persist thread: cannot set nice {}: {}", nice, std::strerror(errno));
  }
}

// Whether retrying may fix what made a write fail: a full disk or quota (kResourceExhausted), an
// I/O error, a file system gone read-only or away (kIoError, kUnavailable). Anything else -- a
// name the file system refuses (ENAMETOOLONG, EINVAL: kInvalidInput), a Parquet encoding error,
// a bug (kInternal) -- fails the same way every time.
bool Retryable(const Status& st) {
  return st.code() == StatusCode::kResourceExhausted || st.code() == StatusCode::kIoError ||
         st.code() == StatusCode::kUnavailable;
}

std::size_t ReuseLimit(const PersisterOptions& options) {
  std::size_t limit = options.reuse_bytes;
  if (options.memory_budget != nullptr) {
    const std::size_t threads = std::max<std::size_t>(options.threads, 1);
    limit = std::min<std::size_t>(limit, options.memory_budget->limit() / 4 / threads);
  }
  return limit;
}

}  // namespace

Persister::Persister(const PersisterOptions& options, fs::FileSystem& fs)
    : options_(options),
      reuse_limit_(ReuseLimit(options)),
      fs_(fs),
      quarantine_(fs, options.data_dir) {
  for (std::size_t i = 0; i < std::max<std::size_t>(options_.threads, 1); ++i) {
    workers_.emplace_back([this] {
      SetThreadNice(options_.nice);
      Work();
    });
  }
}

Persister::~Persister() {
  // Workers finish the queue before they exit; partitions waiting for a retry are given up.
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
  for (Job& job : retries_) GiveUp(job.partition, job.batch.num_rows());
  for (memtable::SealedPartition& partition : queue_) GiveUp(partition, partition.rows);
}

void Persister::Abandon() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    abandoning_ = true;
  }
  work_cv_.notify_all();
}

void Persister::GiveUp(const memtable::SealedPartition& partition, std::size_t rows) {
  spdlog::critical("{} rows of {} not written to Parquet by this run; they stay in the WAL", rows,
                   PartitionDir(options_.data_dir, partition.key, partition.hour));
  ReleaseJob(partition);
}

void Persister::Submit(memtable::SealedPartition&& partition) {
  stats_.queued_partitions.fetch_add(1, std::memory_order_relaxed);
  stats_.queued_bytes.fetch_add(partition.memory_bytes, std::memory_order_relaxed);
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(partition));
  }
  work_cv_.notify_one();
}

void Persister::Drain() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return queue_.empty() && in_flight_ == 0 && retries_.empty(); });
}

bool Persister::DrainUntil(Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_until(
      lock, deadline, [this] { return queue_.empty() && in_flight_ == 0 && retries_.empty(); });
}

bool Persister::WaitTried(Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  const auto tried = [this] { return queue_.empty() && in_flight_ == 0; };
  if (deadline == Clock::time_point::max()) {
    idle_cv_.wait(lock, tried);
    return true;
  }
  return idle_cv_.wait_until(lock, deadline, tried);
}

void Persister::WaitForProgress(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const std::uint64_t done = done_;
  idle_cv_.wait_for(lock, timeout, [&] { return done_ != done; });
}

bool Persister::NextJob(Job& job) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (abandoning_) return false;  // the destructor gives up what is left
    const Clock::time_point now = Clock::now();
    auto due = retries_.end();
    for (auto it = retries_.begin(); it != retries_.end(); ++it) {
      if (it->due <= now && (due == retries_.end() || it->due < due->due)) due = it;
    }
    if (due != retries_.end() && !stopping_) {
      job = std::move(*due);
      retries_.erase(due);
      stats_.retrying_partitions.store(retries_.size(), std::memory_order_relaxed);
      break;
    }
    if (!queue_.empty()) {
      job = Job{};
      job.partition = std::move(queue_.front());
      job.delay_ms = options_.retry_delay_ms;
      queue_.pop_front();
      break;
    }
    if (stopping_) return false;  // retries left are given up by the destructor
    if (retries_.empty()) {
      work_cv_.wait(lock);
    } else {
      Clock::time_point next = retries_.front().due;
      for (const Job& r : retries_) next = std::min(next, r.due);
      work_cv_.wait_until(lock, next);
    }
  }
  ++in_flight_;
  return true;
}

void Persister::Work() {
  memtable::ColumnSpares spares;
  BudgetCharge spares_charge;
  Job job;
  while (NextJob(job)) {
    Outcome outcome;
    try {
      outcome = Attempt(job, spares, spares_charge);
    } catch (const std::bad_alloc&) {
      // Out of memory now is not out of memory later.
      spdlog::error("persisting {} rows to {}: out of memory, retrying", job.partition.rows,
                    PartitionDir(options_.data_dir, job.partition.key, job.partition.hour));
      outcome = Outcome::kRetry;
    }
    Finish(std::move(job), outcome);
  }
}

void Persister::ReleaseJob(const memtable::SealedPartition& partition) {
  stats_.queued_partitions.fetch_sub(1, std::memory_order_relaxed);
  stats_.queued_bytes.fetch_sub(partition.memory_bytes, std::memory_order_relaxed);
  if (options_.memory_budget != nullptr) options_.memory_budget->Release(partition.memory_bytes);
}

void Persister::Finish(Job&& job, Outcome outcome) {
  if (outcome != Outcome::kRetry) {
    if (job.attempts > 1) {
      spdlog::info("{} rows of {} written after {} attempts", job.batch.num_rows(),
                   PartitionDir(options_.data_dir, job.partition.key, job.partition.hour),
                   job.attempts);
    }
    ReleaseJob(job.partition);
    job = Job{};  // frees the batch before the wait for the next job
    {
      std::lock_guard lock(mu_);
      --in_flight_;
      ++done_;
    }
    idle_cv_.notify_all();
    return;
  }
  bool given_up = false;
  {
    std::lock_guard lock(mu_);
    --in_flight_;
    if (stopping_) {
      given_up = true;
    } else {
      job.due = Clock::now() + std::chrono::milliseconds(job.delay_ms);
      job.delay_ms = std::min(job.delay_ms * 2, options_.max_retry_delay_ms);
      retries_.push_back(std::move(job));
      stats_.retrying_partitions.store(retries_.size(), std::memory_order_relaxed);
    }
  }
  if (given_up) GiveUp(job.partition, job.batch.num_rows());
  idle_cv_.notify_all();
  work_cv_.notify_one();  // a waiting thread recomputes when the next retry is due
}

std::string Persister::NextFileName(const wal::SeqRanges& seqs) {
  // Creation time first so that names sort by age; then the WAL sequences the file holds (so
  // recovery can skip files older than the log without opening them); the counter keeps names of
  // one process unique, and RenameNoReplace guards against anything else.
  std::string name = std::to_string(model::NowMicros());
  if (!seqs.empty()) {
    name += "_w" + std::to_string(seqs.min()) + "-" + std::to_string(seqs.max());
  }
  name += "_" + std::to_string(file_sequence_.fetch_add(1, std::memory_order_relaxed));
  return name + ".parquet";
}

void Persister::WidenToStreamTypes(const model::StreamKey& key, model::RecordBatch& batch) {
  const std::string stream =
      key.org + '\0' + std::string(model::StreamTypeName(key.type)) + '\0' + key.stream;
  std::lock_guard lock(types_mu_);
  auto [entry, created] = column_types_.try_emplace(stream);
  StreamTypes& types = entry->second;
  types.last_use = ++types_clock_;
  if (created) {
    types.bytes = stream.size() + sizeof(StreamTypes);
    column_types_bytes_ += types.bytes;
  }
  for (std::size_t i = 0; i < batch.num_columns(); ++i) {
    model::Column& column = batch.column(i);
    auto it = types.columns.find(column.name());
    if (it == types.columns.end()) {
      const std::size_t bytes = column.name().size() + 48;  // node and hash slot, roughly
      types.columns.emplace(column.name(), column.type());
      types.bytes += bytes;
      column_types_bytes_ += bytes;
      continue;
    }
    const model::ColumnType wide = model::WidenedType(it->second, column.type());
    it->second = wide;
    if (column.type() != wide) column.WidenTo(wide);
  }
  // Over the bound: forget the streams written least recently (not this one), down to 3/4 of it.
  if (column_types_bytes_ > options_.column_types_bytes) {
    std::vector<std::pair<std::uint64_t, const std::string*>> by_age;
    for (const auto& [name, t] : column_types_) by_age.emplace_back(t.last_use, &name);
    std::sort(by_age.begin(), by_age.end());
    for (const auto& [use, name] : by_age) {
      if (column_types_bytes_ <= options_.column_types_bytes / 4 * 3 || use == types_clock_) break;
      auto it = column_types_.find(*name);
      column_types_bytes_ -= it->second.bytes;
      column_types_.erase(it);
    }
  }
}

void Persister::KeepForReuse(model::RecordBatch& batch, memtable::ColumnSpares& spares,
                             BudgetCharge& spares_charge) {
  spares_charge.Reset();
  spares.Reset(batch.TakeColumns());
  const std::size_t bytes = spares.MemoryBytes();
  MemoryBudget* budget = options_.memory_budget;
  if (bytes > reuse_limit_ || (budget != nullptr && !budget->TryCharge(bytes))) {
    spares.Clear();
    return;
  }
  if (budget != nullptr) spares_charge = BudgetCharge(budget, bytes);
}

Status Persister::WriteParquet(Job& job) {
  // Names were checked when the request came in (model::StreamName); a WAL record of an earlier
  // version may hold one that no file system or object store takes.
  INGOT_RETURN_IF_ERROR(model::CheckStoredStreamName(job.partition.key.org, "org"));
  INGOT_RETURN_IF_ERROR(model::CheckStoredStreamName(job.partition.key.stream, "stream"));
  parquet::WriterOptions writer = options_.writer;
  writer.key_value_metadata.emplace_back("ingot.schema", SchemaJson(job.batch));
  if (!job.partition.seqs.empty()) {
    writer.key_value_metadata.emplace_back(kWalSeqsKey, job.partition.seqs.ToString());
  }
  const std::string dir = PartitionDir(options_.data_dir, job.partition.key, job.partition.hour);
  auto published =
      PublishParquetFile(fs_, dir, NextFileName(job.partition.seqs), job.batch, writer);
  if (!published.ok()) return published.status();
  stats_.files.fetch_add(1, std::memory_order_relaxed);
  stats_.bytes.fetch_add(published->bytes, std::memory_order_relaxed);
  stats_.rows.fetch_add(job.batch.num_rows(), std::memory_order_relaxed);
  spdlog::debug("wrote {} ({} rows, {} bytes)", published->path, job.batch.num_rows(),
                published->bytes);
  return Status::Ok();
}

Persister::Outcome Persister::Attempt(Job& job, memtable::ColumnSpares& spares,
                                      BudgetCharge& spares_charge) {
  if (options_.test_delay.count() > 0) std::this_thread::sleep_for(options_.test_delay);
  if (!job.merged) {
    job.batch = job.partition.Merge(&spares);
    WidenToStreamTypes(job.partition.key, job.batch);
    job.merged = true;
  }
  ++job.attempts;
  Status st;
  try {
    st = WriteParquet(job);
  } catch (const std::bad_alloc&) {
    throw;  // retried (Work)
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("writing Parquet threw: ") + e.what());
  }
  if (st.ok()) {
    if (options_.on_persisted) options_.on_persisted(job.partition);
    KeepForReuse(job.batch, spares, spares_charge);
    return Outcome::kWritten;
  }
  stats_.failures.fetch_add(1, std::memory_order_relaxed);
  const std::string dir = PartitionDir(options_.data_dir, job.partition.key, job.partition.hour);
  if (Retryable(st)) {
    // Logged at the first failures and then at every doubling, not at every retry.
    if ((job.attempts & (job.attempts - 1)) == 0) {
      spdlog::error("persisting {} rows to {} failed (attempt {}), retrying in {} ms: {}",
                    job.batch.num_rows(), dir, job.attempts, job.delay_ms, st.ToString());
    }
    return Outcome::kRetry;
  }
  // Retrying cannot help: keep the rows where a user can read them, and let the WAL move on.
  const Status q = quarantine_.Put(job.partition.key, job.partition.hour, job.partition.seqs,
                                   job.batch, st.ToString());
  if (!q.ok()) {
    spdlog::error("{} rows of {} cannot be written ({}) and not quarantined either, retrying: {}",
                  job.batch.num_rows(), dir, st.ToString(), q.ToString());
    return Outcome::kRetry;
  }
  spdlog::error("{} rows of {} put in {}/{}: {}", job.batch.num_rows(), dir, options_.data_dir,
                kQuarantineDir, st.ToString());
  if (options_.on_persisted) options_.on_persisted(job.partition);
  return Outcome::kQuarantined;
}

void Persister::RenderMetrics(std::string& out) const {
  using prometheus::Help;
  using prometheus::Sample;
  auto load = [](const auto& a) { return static_cast<double>(a.load(std::memory_order_relaxed)); };
  const PersisterStats& s = stats_;
  Help(out, "ingot_persist_backlog_partitions", "gauge", "Sealed partitions waiting for Parquet.");
  Sample(out, "ingot_persist_backlog_partitions", "", load(s.queued_partitions));
  Help(out, "ingot_persist_backlog_bytes", "gauge",
       "Memory of sealed partitions waiting for Parquet.");
  Sample(out, "ingot_persist_backlog_bytes", "", load(s.queued_bytes));
  Help(out, "ingot_parquet_files_total", "counter", "Parquet files written.");
  Sample(out, "ingot_parquet_files_total", "", load(s.files));
  Help(out, "ingot_parquet_bytes_total", "counter", "Bytes of Parquet files written.");
  Sample(out, "ingot_parquet_bytes_total", "", load(s.bytes));
  Help(out, "ingot_parquet_rows_total", "counter", "Rows written to Parquet files.");
  Sample(out, "ingot_parquet_rows_total", "", load(s.rows));
  Help(out, "ingot_persist_failures_total", "counter",
       "Failed attempts to write a Parquet file (retried, or quarantined when retrying cannot "
       "help).");
  Sample(out, "ingot_persist_failures_total", "", load(s.failures));
  Help(out, "ingot_persist_retrying_partitions", "gauge",
       "Sealed partitions waiting to retry their Parquet file (disk full, I/O error).");
  Sample(out, "ingot_persist_retrying_partitions", "", load(s.retrying_partitions));
  const QuarantineStats& q = quarantine_stats();
  Help(out, "ingot_quarantined_batches_total", "counter",
       "Partitions that could never be written as Parquet, put in <data-dir>/quarantine.");
  Sample(out, "ingot_quarantined_batches_total", "", load(q.batches));
  Help(out, "ingot_quarantined_rows_total", "counter", "Rows put in <data-dir>/quarantine.");
  Sample(out, "ingot_quarantined_rows_total", "", load(q.rows));
}

}  // namespace ingot::persist
