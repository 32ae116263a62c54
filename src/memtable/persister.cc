#include "memtable/persister.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/json_escape.h"
#include "model/timestamp.h"
#include "storage/layout.h"
#include "storage/parquet_file.h"

namespace ingot::memtable {

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

std::size_t ReuseLimit(const PersisterOptions& options) {
  std::size_t limit = options.reuse_bytes;
  if (options.memory_budget != nullptr) {
    const std::size_t threads = std::max<std::size_t>(options.threads, 1);
    limit = std::min<std::size_t>(limit, options.memory_budget->limit() / 4 / threads);
  }
  return limit;
}

}  // namespace

Persister::Persister(const PersisterOptions& options, storage::FileSystem& fs)
    : options_(options), reuse_limit_(ReuseLimit(options)), fs_(fs) {
  for (std::size_t i = 0; i < std::max<std::size_t>(options_.threads, 1); ++i) {
    workers_.emplace_back([this] {
      SetThreadNice(options_.nice);
      Work();
    });
  }
}

Persister::~Persister() {
  // Workers finish the queue before they exit; only a partition that keeps failing is given up.
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void Persister::Submit(SealedPartition&& partition) {
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
  idle_cv_.wait(lock, [this] { return queue_.empty() && in_flight_ == 0; });
}

void Persister::Work() {
  ColumnSpares spares;
  BudgetCharge spares_charge;
  for (;;) {
    SealedPartition partition;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      partition = std::move(queue_.front());
      queue_.pop_front();
      ++in_flight_;
    }
    Persist(partition, spares, spares_charge);
    stats_.queued_partitions.fetch_sub(1, std::memory_order_relaxed);
    stats_.queued_bytes.fetch_sub(partition.memory_bytes, std::memory_order_relaxed);
    if (options_.memory_budget != nullptr) options_.memory_budget->Release(partition.memory_bytes);
    {
      std::lock_guard lock(mu_);
      --in_flight_;
    }
    idle_cv_.notify_all();
  }
}

std::string Persister::NextFileName(const SeqRanges& seqs) {
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
  std::string name =
      key.org + '\0' + std::string(model::StreamTypeName(key.type)) + '\0' + key.stream + '\0';
  const std::size_t prefix = name.size();
  std::lock_guard lock(types_mu_);
  for (std::size_t i = 0; i < batch.num_columns(); ++i) {
    model::Column& column = batch.column(i);
    name.resize(prefix);
    name += column.name();
    auto [it, inserted] = column_types_.try_emplace(name, column.type());
    if (inserted) continue;
    const model::ColumnType wide = model::WidenedType(it->second, column.type());
    it->second = wide;
    if (column.type() != wide) column.WidenTo(wide);
  }
}

void Persister::KeepForReuse(model::RecordBatch& batch, ColumnSpares& spares,
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

bool Persister::Persist(SealedPartition& partition, ColumnSpares& spares,
                        BudgetCharge& spares_charge) {
  const std::string dir = storage::PartitionDir(options_.data_dir, partition.key, partition.hour);
  if (options_.test_delay.count() > 0) std::this_thread::sleep_for(options_.test_delay);
  model::RecordBatch batch = partition.Merge(&spares);
  WidenToStreamTypes(partition.key, batch);
  parquet::WriterOptions writer = options_.writer;
  writer.key_value_metadata.emplace_back("ingot.schema", SchemaJson(batch));
  if (!partition.seqs.empty()) {
    writer.key_value_metadata.emplace_back(kWalSeqsKey, partition.seqs.ToString());
  }
  int delay_ms = options_.retry_delay_ms;
  for (;;) {
    auto published =
        storage::PublishParquetFile(fs_, dir, NextFileName(partition.seqs), batch, writer);
    if (published.ok()) {
      stats_.files.fetch_add(1, std::memory_order_relaxed);
      stats_.bytes.fetch_add(published->bytes, std::memory_order_relaxed);
      stats_.rows.fetch_add(batch.num_rows(), std::memory_order_relaxed);
      spdlog::debug("wrote {} ({} rows, {} bytes)", published->path, batch.num_rows(),
                    published->bytes);
      if (options_.on_persisted) options_.on_persisted(partition);
      KeepForReuse(batch, spares, spares_charge);
      return true;
    }
    stats_.failures.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("persisting {} rows to {} failed, retrying in {} ms: {}", batch.num_rows(), dir,
                  delay_ms, published.status().ToString());
    {
      std::unique_lock lock(mu_);
      if (work_cv_.wait_for(lock, std::chrono::milliseconds(delay_ms),
                            [this] { return stopping_; })) {
        spdlog::critical("shutting down with {} rows of {} not persisted", batch.num_rows(), dir);
        return false;
      }
    }
    delay_ms = std::min(delay_ms * 2, options_.max_retry_delay_ms);
  }
}

}  // namespace ingot::memtable
