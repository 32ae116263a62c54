// Histogram: fixed-bucket counts for Prometheus histograms (/metrics), lock-free.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot {

// A histogram with fixed upper bounds. Counts are per bucket, not cumulative (the Prometheus
// exporter accumulates them); the last bucket is +Inf.
class Histogram {
 public:
  static constexpr std::size_t kMaxBounds = 15;

  // `upper_bounds` (ascending, at most kMaxBounds) must outlive the histogram.
  explicit Histogram(std::span<const std::uint64_t> upper_bounds) : bounds_(upper_bounds) {}

  void Record(std::uint64_t value) {
    std::size_t bucket = 0;
    while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
  }

  std::span<const std::uint64_t> upper_bounds() const { return bounds_; }
  // Observations in bucket `i`: (bounds[i-1], bounds[i]], or above every bound for i == size.
  std::uint64_t bucket(std::size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  std::uint64_t count() const {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) n += bucket(i);
    return n;
  }
  std::uint64_t sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::span<const std::uint64_t> bounds_;
  std::array<std::atomic<std::uint64_t>, kMaxBounds + 1> counts_{};
  std::atomic<std::uint64_t> sum_{0};
};

}  // namespace ingot
