// SeqRanges: a set of WAL sequence numbers kept as sorted, disjoint, inclusive ranges. A memtable
// partition records which WAL records it holds rows of; the Parquet file it becomes stores the
// set as text in its key-value metadata under "ingot.wal_seqs" (persist::kWalSeqsKey), which is
// how recovery knows what is already persisted. Appends come in increasing order, so the set is
// usually a handful of ranges.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ingot::wal {

class SeqRanges {
 public:
  using Range = std::pair<std::uint64_t, std::uint64_t>;  // [first, last]

  // Adds `seq`. Cheap when seq is at or right after the largest one held.
  void Add(std::uint64_t seq);
  // Adds every sequence of `other`.
  void Add(const SeqRanges& other);
  // Removes every sequence of `other`.
  void Remove(const SeqRanges& other);
  bool Contains(std::uint64_t seq) const;
  bool empty() const { return ranges_.empty(); }
  std::uint64_t min() const { return ranges_.empty() ? 0 : ranges_.front().first; }
  std::uint64_t max() const { return ranges_.empty() ? 0 : ranges_.back().second; }
  const std::vector<Range>& ranges() const { return ranges_; }

  // "3-7,9,12-40"; the empty set is "".
  std::string ToString() const;
  static Result<SeqRanges> Parse(std::string_view text);

  bool operator==(const SeqRanges&) const = default;

 private:
  std::vector<Range> ranges_;
};

}  // namespace ingot::wal
