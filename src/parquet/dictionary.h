// Dictionaries of one column chunk: the distinct values in first-seen order, each with a dense id
// (its index), which is what a Parquet dictionary page and RLE_DICTIONARY data pages hold.
//
// The lookup is an open-addressing hash table written by hand: std::unordered_map allocates a
// node per entry and chases a pointer per probe, and hashing every value of every low-cardinality
// column is on the hot path. Linear probing over a power-of-two array of {32-bit hash, id + 1}
// slots, kept at most half full; values are hashed with xxHash (XXH3) and compared only when the
// stored hash matches. Memory is kept across Clear() so a thread's dictionaries are allocated
// once, not once per column chunk.
//
// Not thread-safe; one per encoding thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ingot::parquet {

namespace internal {
// The probing table shared by both dictionaries.
class IdTable {
 public:
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t id_plus_one = 0;  // 0: empty
  };
  void Clear();
  // Slot index for an entry of `hash`; `equals(id)` says whether entry `id` is the value sought.
  // Returns the slot that holds it or the empty slot where it belongs.
  template <typename Equals>
  std::size_t Find(std::uint32_t hash, Equals&& equals) const {
    std::size_t i = hash & mask_;
    while (true) {
      const Slot& s = slots_[i];
      if (s.id_plus_one == 0) return i;
      if (s.hash == hash && equals(s.id_plus_one - 1)) return i;
      i = (i + 1) & mask_;
    }
  }
  const Slot& slot(std::size_t i) const { return slots_[i]; }
  // Fills empty slot i with entry `id`, growing the table when it gets half full.
  void Fill(std::size_t i, std::uint32_t hash, std::uint32_t id);

 private:
  void Grow();
  std::vector<Slot> slots_ = std::vector<Slot>(kInitialSlots);
  std::vector<Slot> spare_;  // the previous table while growing; keeps its memory for next time
  std::size_t mask_ = kInitialSlots - 1;
  std::size_t used_ = 0;
  static constexpr std::size_t kInitialSlots = 1024;
};
}  // namespace internal

// Values of 8 bytes compared by bit pattern: INT64 and timestamps, and DOUBLE (so -0.0 and 0.0,
// or two NaNs with different payloads, stay distinct and read back bit for bit).
class FixedDictionary {
 public:
  void Clear();
  // The id of `bits`, adding it if new.
  std::uint32_t Insert(std::uint64_t bits);
  std::size_t size() const { return values_.size(); }
  std::span<const std::uint64_t> values() const { return values_; }
  // Size of the PLAIN-encoded dictionary page body.
  std::size_t plain_bytes() const { return values_.size() * 8; }

 private:
  internal::IdTable table_;
  std::vector<std::uint64_t> values_;
};

// Byte strings (BYTE_ARRAY).
class ByteArrayDictionary {
 public:
  void Clear();
  std::uint32_t Insert(std::string_view value);
  std::size_t size() const { return offsets_.size() - 1; }
  std::string_view value(std::size_t id) const {
    return {bytes_.data() + offsets_[id], offsets_[id + 1] - offsets_[id]};
  }
  // Value i is bytes()[offsets()[i], offsets()[i+1]).
  std::span<const std::uint32_t> offsets() const { return offsets_; }
  const char* bytes() const { return bytes_.data(); }
  std::size_t plain_bytes() const { return 4 * size() + bytes_.size(); }

 private:
  internal::IdTable table_;
  std::vector<std::uint32_t> offsets_{0};
  std::vector<char> bytes_;
};

}  // namespace ingot::parquet
