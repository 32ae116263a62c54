#include "ingest/persisted_watermark.h"

#include <algorithm>

namespace ingot::ingest {

void PersistedWatermark::Begin(std::uint64_t seq) {
  std::lock_guard lock(mu_);
  pending_.try_emplace(seq);
  next_seq_ = std::max(next_seq_, seq + 1);
}

void PersistedWatermark::Finish(std::uint64_t seq, std::size_t partitions) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(seq);
  if (it == pending_.end()) return;
  it->second.partitions += static_cast<std::int64_t>(partitions);
  it->second.finished = true;
  EraseIfDone(it);
}

void PersistedWatermark::Persisted(const wal::SeqRanges& seqs) {
  std::lock_guard lock(mu_);
  for (const auto& [first, last] : seqs.ranges()) {
    // Walk the pending entries inside the range, not every number in it.
    for (auto it = pending_.lower_bound(first); it != pending_.end() && it->first <= last;) {
      auto next = std::next(it);
      --it->second.partitions;
      EraseIfDone(it);
      it = next;
    }
  }
}

void PersistedWatermark::EraseIfDone(std::map<std::uint64_t, Pending>::iterator it) {
  if (it->second.finished && it->second.partitions <= 0) pending_.erase(it);
}

std::uint64_t PersistedWatermark::watermark() const {
  std::lock_guard lock(mu_);
  return pending_.empty() ? next_seq_ : pending_.begin()->first;
}

std::size_t PersistedWatermark::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

}  // namespace ingot::ingest
