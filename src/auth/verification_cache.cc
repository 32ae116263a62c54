#include "auth/verification_cache.h"

#include <cstring>

namespace ingot::auth {

VerificationCache::VerificationCache(std::size_t capacity)
    : shard_capacity_((capacity + kShards - 1) / kShards) {}

std::uint64_t VerificationCache::Prefix(const Digest& key) {
  std::uint64_t prefix = 0;
  std::memcpy(&prefix, key.data(), sizeof(prefix));
  return prefix;
}

std::optional<std::uint32_t> VerificationCache::Find(const Digest& key) const {
  if (shard_capacity_ == 0) return std::nullopt;
  const Shard& shard = ShardOf(key);
  std::lock_guard lock(shard.mu);
  const auto it = shard.entries.find(Prefix(key));
  // Digests of attacker-chosen input are not secrets, so finding the bucket by a prefix leaks
  // nothing; the full comparison is still constant-time.
  if (it == shard.entries.end() || !DigestEquals(it->second.key, key)) return std::nullopt;
  return it->second.value;
}

void VerificationCache::Insert(const Digest& key, std::uint32_t value) {
  if (shard_capacity_ == 0) return;
  Shard& shard = ShardOf(key);
  const std::uint64_t prefix = Prefix(key);
  std::lock_guard lock(shard.mu);
  const bool inserted = shard.entries.insert_or_assign(prefix, Entry{key, value}).second;
  if (!inserted) return;  // replaced in place (the same credential verified twice at once)
  shard.order.push_back(prefix);
  if (shard.entries.size() > shard_capacity_) {
    shard.entries.erase(shard.order.front());
    shard.order.pop_front();
  }
}

std::size_t VerificationCache::size() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    total += shard.entries.size();
  }
  return total;
}

}  // namespace ingot::auth
