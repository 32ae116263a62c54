// VerificationCache: remembers which Basic credentials were verified recently, so that a client
// sending `Authorization: Basic` on every request pays for PBKDF2 once, not on every request.
//
// Keys are SHA-256(process secret, user ":" password) digests computed by the caller; the cache
// holds neither passwords nor anything that could be checked against a guess without the
// secret. Only successful verifications are inserted, so a client without valid credentials can
// neither fill it nor evict others' entries. Bounded: when a shard is full its oldest entry goes.
//
// Thread-safe. Sharded by key, one mutex per shard, so concurrent I/O threads rarely meet.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "auth/secret_hash.h"

namespace ingot::auth {

class VerificationCache {
 public:
  // About `capacity` entries in all: each of the 16 shards keeps capacity / 16, rounded up
  // (0 disables the cache).
  explicit VerificationCache(std::size_t capacity);

  VerificationCache(const VerificationCache&) = delete;
  VerificationCache& operator=(const VerificationCache&) = delete;

  // The value stored with `key`, if present. The full digest is compared in constant time.
  std::optional<std::uint32_t> Find(const Digest& key) const;
  void Insert(const Digest& key, std::uint32_t value);
  std::size_t size() const;

 private:
  static constexpr std::size_t kShards = 16;

  struct Entry {
    Digest key;
    std::uint32_t value;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::uint64_t, Entry> entries;  // by the key's first 8 bytes
    std::deque<std::uint64_t> order;                   // insertion order, for eviction
  };

  static std::uint64_t Prefix(const Digest& key);
  Shard& ShardOf(const Digest& key) const { return shards_[key[8] % kShards]; }

  std::size_t shard_capacity_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace ingot::auth
