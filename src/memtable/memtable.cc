#include "memtable/memtable.h"

#include <algorithm>
#include <functional>
#include <map>

#include "model/extra_column.h"
#include "model/timestamp.h"

namespace ingot::memtable {

namespace {

void AppendStreamPrefix(const model::StreamKey& key, std::string& out) {
  out += key.org;
  out.push_back('\0');
  out += model::StreamTypeName(key.type);
  out.push_back('\0');
  out += key.stream;
  out.push_back('\0');
}

}  // namespace

std::optional<model::Column> ColumnSpares::Take(std::string_view name) {
  if (columns_.empty()) return std::nullopt;
  auto it = std::find_if(columns_.begin(), columns_.end(),
                         [name](const model::Column& c) { return c.name() == name; });
  if (it == columns_.end()) it = columns_.end() - 1;
  std::optional<model::Column> column = std::move(*it);
  *it = std::move(columns_.back());
  columns_.pop_back();
  return column;
}

std::size_t ColumnSpares::MemoryBytes() const {
  std::size_t bytes = 0;
  for (const model::Column& c : columns_) bytes += c.MemoryBytes();
  return bytes;
}

model::RecordBatch SealedPartition::Merge(ColumnSpares* spares) {
  model::RecordBatch merged;
  if (chunks.size() == 1) {
    merged = std::move(chunks.front());
    chunks.clear();
    return merged;
  }
  // Size every column once for all chunks (a copy per value instead of one per doubling).
  struct Totals {
    model::ColumnType type;
    std::size_t string_bytes = 0;
  };
  std::vector<std::pair<std::string, Totals>> columns;  // in order of first appearance
  std::unordered_map<std::string_view, std::size_t> index;
  for (const model::RecordBatch& chunk : chunks) {
    for (std::size_t i = 0; i < chunk.num_columns(); ++i) {
      const model::Column& c = chunk.column(i);
      auto [it, inserted] = index.try_emplace(c.name(), columns.size());
      if (inserted) columns.emplace_back(c.name(), Totals{c.type()});
      Totals& t = columns[it->second].second;
      t.type = model::WidenedType(t.type, c.type());
      // A value widened into text takes at most 24 bytes (an int64 or a double in JSON).
      t.string_bytes +=
          c.type() == model::ColumnType::kString ? c.bytes().size() : 24 * c.value_count();
    }
  }
  for (const auto& [name, totals] : columns) {
    std::optional<model::Column> spare = spares != nullptr ? spares->Take(name) : std::nullopt;
    if (spare) {
      const std::size_t i = merged.AddColumn(std::move(*spare), name, totals.type);
      merged.column(i).ReserveWithSlack(rows, totals.string_bytes);
    } else {
      merged.column(merged.AddColumn(name, totals.type)).Reserve(rows, totals.string_bytes);
    }
  }
  for (model::RecordBatch& chunk : chunks) {
    merged.Append(chunk);
    chunk = model::RecordBatch();  // give each chunk's memory back as soon as it is copied
  }
  chunks.clear();
  return merged;
}

Memtable::Memtable(const MemtableOptions& options, SealSink sink)
    : options_(options),
      sink_(std::move(sink)),
      shards_(std::max<std::size_t>(options.shards, 1)) {}

Memtable::Shard& Memtable::ShardFor(const model::StreamKey& key) {
  std::size_t h = std::hash<std::string_view>{}(key.stream);
  h ^= std::hash<std::string_view>{}(key.org) * 31 + static_cast<std::size_t>(key.type);
  return shards_[h % shards_.size()];
}

void Memtable::EnforceColumnCap(Partition& partition, model::RecordBatch& chunk) const {
  std::vector<std::string> overflow;
  for (std::size_t i = 0; i < chunk.num_columns(); ++i) {
    const std::string& name = chunk.column(i).name();
    if (partition.columns.contains(name)) continue;
    // Keep a slot for `_extra` while there is none.
    const bool has_extra = partition.columns.contains(std::string(model::kExtraColumn));
    if (name == model::kExtraColumn ||
        partition.columns.size() + (has_extra ? 0 : 1) < options_.max_columns) {
      partition.columns.insert(name);
    } else {
      overflow.push_back(name);
    }
  }
  if (overflow.empty()) return;
  model::MoveColumnsToExtra(chunk, overflow);
  partition.columns.insert(std::string(model::kExtraColumn));
}

std::unique_ptr<Memtable::Partition> Memtable::AppendLocked(Shard& shard,
                                                            const model::StreamKey& key,
                                                            std::int64_t hour,
                                                            model::RecordBatch&& chunk,
                                                            std::uint64_t seq) {
  thread_local std::string partition_name;
  partition_name.clear();
  AppendStreamPrefix(key, partition_name);
  partition_name += std::to_string(hour);
  auto it = shard.partitions.find(partition_name);
  if (it == shard.partitions.end()) {
    auto p = std::make_unique<Partition>();
    p->key = key;
    p->hour = hour;
    p->created_us = model::NowMicros();
    it = shard.partitions.emplace(partition_name, std::move(p)).first;
  }
  Partition& p = *it->second;
  EnforceColumnCap(p, chunk);
  const std::size_t bytes = chunk.MemoryBytes();
  p.rows += chunk.num_rows();
  p.memory_bytes += bytes;
  memory_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  if (options_.memory_budget != nullptr) options_.memory_budget->Charge(bytes);
  p.chunks.push_back(std::move(chunk));
  if (seq != 0) p.seqs.Add(seq);
  if (p.rows < options_.max_partition_rows && p.memory_bytes < options_.max_partition_bytes) {
    return nullptr;
  }
  auto sealed = std::move(it->second);
  shard.partitions.erase(it);
  return sealed;
}

std::size_t Memtable::Append(const model::StreamKey& key, model::RecordBatch&& batch,
                             std::int64_t min_ts, std::int64_t max_ts, std::uint64_t seq,
                             const HourFilter& skip_hour) {
  if (batch.num_rows() == 0) return 0;
  Shard& shard = ShardFor(key);
  std::vector<std::unique_ptr<Partition>> to_seal;
  std::size_t partitions = 0;
  const std::int64_t first_hour = model::HourOf(min_ts);
  if (first_hour == model::HourOf(max_ts)) {
    if (skip_hour && skip_hour(first_hour)) return 0;
    std::lock_guard lock(shard.mu);
    if (auto p = AppendLocked(shard, key, first_hour, std::move(batch), seq)) {
      to_seal.push_back(std::move(p));
    }
    partitions = 1;
  } else {
    // Rows of several hours (rare: a request straddling an hour boundary, or a backfill): copy
    // each hour's rows into a chunk of its own, outside the lock.
    std::map<std::int64_t, std::vector<std::uint32_t>> rows_by_hour;
    const auto& ts = batch.column(0).ints();
    for (std::uint32_t r = 0; r < ts.size(); ++r) rows_by_hour[model::HourOf(ts[r])].push_back(r);
    std::vector<std::pair<std::int64_t, model::RecordBatch>> chunks;
    for (const auto& [hour, rows] : rows_by_hour) {
      if (skip_hour && skip_hour(hour)) continue;
      chunks.emplace_back(hour, model::RecordBatch());
      chunks.back().second.AppendRows(batch, rows);
    }
    std::lock_guard lock(shard.mu);
    for (auto& [hour, chunk] : chunks) {
      if (auto p = AppendLocked(shard, key, hour, std::move(chunk), seq)) {
        to_seal.push_back(std::move(p));
      }
      ++partitions;
    }
  }
  for (auto& p : to_seal) Seal(std::move(p));
  return partitions;
}

void Memtable::Seal(std::unique_ptr<Partition> partition) {
  memory_bytes_.fetch_sub(partition->memory_bytes, std::memory_order_relaxed);
  SealedPartition sealed;
  sealed.key = std::move(partition->key);
  sealed.hour = partition->hour;
  sealed.chunks = std::move(partition->chunks);
  sealed.rows = partition->rows;
  sealed.memory_bytes = partition->memory_bytes;
  sealed.seqs = std::move(partition->seqs);
  sink_(std::move(sealed));
}

void Memtable::SealExpired(std::int64_t now_us) { SealCreatedBefore(now_us - options_.max_age_us); }

void Memtable::SealAll() { SealCreatedBefore(std::numeric_limits<std::int64_t>::max()); }

void Memtable::SealCreatedBefore(std::int64_t cutoff_us) {
  for (Shard& shard : shards_) {
    std::vector<std::unique_ptr<Partition>> to_seal;
    {
      std::lock_guard lock(shard.mu);
      for (auto it = shard.partitions.begin(); it != shard.partitions.end();) {
        if (it->second->created_us <= cutoff_us) {
          to_seal.push_back(std::move(it->second));
          it = shard.partitions.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& p : to_seal) Seal(std::move(p));
  }
}

void Memtable::SealLargest(std::size_t target_bytes) {
  struct Candidate {
    std::size_t bytes;
    Shard* shard;
    std::string name;
  };
  std::vector<Candidate> candidates;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (const auto& [name, p] : shard.partitions)
      candidates.push_back({p->memory_bytes, &shard, name});
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.bytes > b.bytes; });
  for (const Candidate& c : candidates) {
    if (memory_bytes() <= target_bytes) break;
    std::unique_ptr<Partition> sealed;
    {
      std::lock_guard lock(c.shard->mu);
      auto it = c.shard->partitions.find(c.name);
      if (it == c.shard->partitions.end()) continue;  // sealed meanwhile
      sealed = std::move(it->second);
      c.shard->partitions.erase(it);
    }
    Seal(std::move(sealed));
  }
}

std::size_t Memtable::partitions() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.partitions.size();
  }
  return n;
}

void Memtable::RenderMetrics(std::string& out) const {
  prometheus::Help(out, "ingot_memtable_bytes", "gauge",
                   "Bytes held by records not yet sealed for Parquet.");
  prometheus::Sample(out, "ingot_memtable_bytes", "", static_cast<double>(memory_bytes()));
  prometheus::Help(out, "ingot_memtable_partitions", "gauge",
                   "Open memtable partitions (stream and hour).");
  prometheus::Sample(out, "ingot_memtable_partitions", "", static_cast<double>(partitions()));
}

}  // namespace ingot::memtable
