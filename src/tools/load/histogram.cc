#include "tools/load/histogram.h"

#include <bit>
#include <cmath>

namespace ingot::load {

namespace {

constexpr int kHalfBits = LatencyHistogram::kSubBucketBits - 1;  // 128 buckets per power of two

}  // namespace

std::size_t LatencyHistogram::Index(std::uint64_t value) {
  if (value < (std::uint64_t{1} << kSubBucketBits)) return static_cast<std::size_t>(value);
  // Keep the top kSubBucketBits bits: shift so that value >> shift lands in [128, 256).
  const int msb = 63 - std::countl_zero(value);
  const int shift = msb - kHalfBits;
  return (static_cast<std::size_t>(shift) << kHalfBits) + static_cast<std::size_t>(value >> shift);
}

std::uint64_t LatencyHistogram::BucketHighest(std::size_t index) {
  if (index < (std::size_t{1} << kSubBucketBits)) return index;
  const std::size_t shift = (index >> kHalfBits) - 1;
  const std::uint64_t mantissa = index - (shift << kHalfBits);
  return ((mantissa + 1) << shift) - 1;
}

LatencyHistogram::LatencyHistogram() : counts_(Index(kMaxValue) + 1, 0) {}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  if (other.min_ < min_) min_ = other.min_;
  if (other.max_ > max_) max_ = other.max_;
}

std::uint64_t LatencyHistogram::ValueAtQuantile(double q) const {
  if (count_ == 0) return 0;
  q = q < 0 ? 0 : (q > 1 ? 1 : q);
  // The epsilon keeps 0.99 * 100 from rounding up to rank 100.
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_) - 1e-9));
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::uint64_t high = BucketHighest(i);
      return high < max_ ? high : max_;
    }
  }
  return max_;
}

std::uint64_t LatencyHistogram::CountAbove(std::uint64_t value) const {
  std::uint64_t n = 0;
  for (std::size_t i = Index(value < kMaxValue ? value : kMaxValue) + 1; i < counts_.size(); ++i) {
    n += counts_[i];
  }
  return n;
}

}  // namespace ingot::load
