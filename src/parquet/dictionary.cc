#include "parquet/dictionary.h"

#include <cstring>

#define XXH_INLINE_ALL  // lets the compiler inline XXH3 for 8-byte keys
#include <xxhash.h>

namespace ingot::parquet {
namespace internal {

void IdTable::Clear() {
  // assign() keeps the capacity a previous, larger chunk needed.
  slots_.assign(kInitialSlots, Slot{});
  mask_ = kInitialSlots - 1;
  used_ = 0;
}

void IdTable::Fill(std::size_t i, std::uint32_t hash, std::uint32_t id) {
  slots_[i] = Slot{hash, id + 1};
  if (++used_ * 2 > slots_.size()) Grow();
}

void IdTable::Grow() {
  spare_.assign(slots_.size() * 2, Slot{});
  spare_.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Slot& s : spare_) {
    if (s.id_plus_one == 0) continue;
    std::size_t i = s.hash & mask_;
    while (slots_[i].id_plus_one != 0) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

}  // namespace internal

namespace {
// The low bits pick the slot and the whole value filters comparisons; 32 bits are plenty for
// both since a chunk's dictionary stays far below 2^32 entries.
std::uint32_t Hash32(const void* p, std::size_t n) {
  const XXH64_hash_t h = XXH3_64bits(p, n);
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}
// Equality of two byte strings of length n. Dictionary values are mostly short (levels, hosts,
// regions) and compared on every lookup, where a call to memcmp costs more than the comparison:
// up to 16 bytes take two overlapping word loads.
bool SameBytes(const char* a, const char* b, std::size_t n) {
  if (n >= 8 && n <= 16) {
    std::uint64_t a0, b0, a1, b1;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n >= 4 && n < 8) {
    std::uint32_t a0, b0, a1, b1;
    std::memcpy(&a0, a, 4);
    std::memcpy(&b0, b, 4);
    std::memcpy(&a1, a + n - 4, 4);
    std::memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  return n == 0 || std::memcmp(a, b, n) == 0;
}

}  // namespace

void FixedDictionary::Clear() {
  table_.Clear();
  values_.clear();
}

std::uint32_t FixedDictionary::Insert(std::uint64_t bits) {
  const std::uint32_t hash = Hash32(&bits, sizeof bits);
  const std::size_t i = table_.Find(hash, [&](std::uint32_t id) { return values_[id] == bits; });
  if (table_.slot(i).id_plus_one != 0) return table_.slot(i).id_plus_one - 1;
  const auto id = static_cast<std::uint32_t>(values_.size());
  values_.push_back(bits);
  table_.Fill(i, hash, id);
  return id;
}

void ByteArrayDictionary::Clear() {
  table_.Clear();
  offsets_.resize(1);
  bytes_.clear();
}

std::uint32_t ByteArrayDictionary::Insert(std::string_view v) {
  const std::uint32_t hash = Hash32(v.data(), v.size());
  const std::size_t i = table_.Find(hash, [&](std::uint32_t id) {
    const std::string_view entry = value(id);
    return entry.size() == v.size() && SameBytes(entry.data(), v.data(), v.size());
  });
  if (table_.slot(i).id_plus_one != 0) return table_.slot(i).id_plus_one - 1;
  const auto id = static_cast<std::uint32_t>(size());
  bytes_.insert(bytes_.end(), v.begin(), v.end());
  offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
  table_.Fill(i, hash, id);
  return id;
}

}  // namespace ingot::parquet
