// LatencyHistogram: an HdrHistogram-style log-linear histogram of nanosecond latencies, so
// percentiles cost constant memory however many requests a run makes.
//
// Layout: values below 256 have a bucket each; above, every power-of-two range [2^k, 2^(k+1)) is
// split into 128 equal buckets, so a bucket is at most 1/128 (0.78%) of the values it holds.
// Values above kMaxValue (2^40 ns, about 18 minutes) are counted in the last bucket; min, max and
// mean are exact. 4,352 buckets of 8 bytes: one histogram per client thread, merged at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ingot::load {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 8;
  static constexpr std::uint64_t kMaxValue = (std::uint64_t{1} << 40) - 1;

  LatencyHistogram();

  void Record(std::uint64_t value) {
    ++counts_[Index(value < kMaxValue ? value : kMaxValue)];
    ++count_;
    sum_ += value;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }
  void Merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / count_; }

  // The value at quantile q (0.5 = median, 0.99 = p99) of what was recorded: the highest value of
  // the bucket holding the ceil(q * count)-th smallest value, never below the exact answer and
  // at most 0.78% above it, and never above max(). 0 when empty.
  std::uint64_t ValueAtQuantile(double q) const;
  // Recorded values above `value` (counted by bucket, so exact for values at bucket bounds).
  std::uint64_t CountAbove(std::uint64_t value) const;

  // Bucket arithmetic, public for tests.
  static std::size_t Index(std::uint64_t value);
  static std::uint64_t BucketHighest(std::size_t index);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace ingot::load
