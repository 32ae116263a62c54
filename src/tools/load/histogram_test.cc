#include "tools/load/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace ingot::load {
namespace {

// The exact quantile as the histogram defines it: the ceil(q * n)-th smallest value.
std::uint64_t Reference(const std::vector<std::uint64_t>& sorted, double q) {
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size()) - 1e-9));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

void ExpectClose(const LatencyHistogram& h, const std::vector<std::uint64_t>& sorted) {
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    const std::uint64_t exact = Reference(sorted, q);
    const std::uint64_t got = h.ValueAtQuantile(q);
    EXPECT_GE(got, exact) << "q=" << q;
    // A bucket is at most 1/128 of its values wide.
    EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * (1 + 1.0 / 128) + 1e-9)
        << "q=" << q;
  }
  EXPECT_EQ(h.max(), sorted.back());
  EXPECT_EQ(h.min(), sorted.front());
  EXPECT_EQ(h.count(), sorted.size());
}

TEST(LatencyHistogram, BucketsAreContiguousAndNarrow) {
  std::size_t previous_index = 0;
  std::uint64_t previous_high = 0;
  for (std::uint64_t v = 1; v < (1u << 20); ++v) {
    const std::size_t i = LatencyHistogram::Index(v);
    ASSERT_GE(LatencyHistogram::BucketHighest(i), v);
    if (i != previous_index) {
      ASSERT_EQ(i, previous_index + 1) << v;
      ASSERT_EQ(previous_high + 1, v) << "bucket " << i << " does not start where the last ended";
      previous_index = i;
    }
    previous_high = LatencyHistogram::BucketHighest(i);
    ASSERT_LE(static_cast<double>(previous_high - v), static_cast<double>(v) / 128) << v;
  }
  EXPECT_EQ(LatencyHistogram::Index(255), 255u);
  EXPECT_EQ(LatencyHistogram::BucketHighest(LatencyHistogram::Index(256)), 257u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  std::vector<std::uint64_t> values;
  for (std::uint64_t v = 0; v < 200; ++v) {
    h.Record(v);
    values.push_back(v);
  }
  for (double q : {0.25, 0.5, 0.99}) EXPECT_EQ(h.ValueAtQuantile(q), Reference(values, q));
  EXPECT_DOUBLE_EQ(h.mean(), 99.5);
}

TEST(LatencyHistogram, PercentilesMatchASortedReference) {
  std::mt19937_64 rng(1);
  // Latencies from 50 us to seconds: a lognormal body with a heavy tail.
  std::lognormal_distribution<double> body(std::log(2e6), 0.8);
  std::exponential_distribution<double> tail(1 / 3e8);
  LatencyHistogram h;
  std::vector<std::uint64_t> values;
  for (int i = 0; i < 200'000; ++i) {
    const double v = (i % 50 == 0 ? tail(rng) : body(rng)) + 50'000;
    values.push_back(static_cast<std::uint64_t>(v));
    h.Record(values.back());
  }
  std::sort(values.begin(), values.end());
  ExpectClose(h, values);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
  std::mt19937_64 rng(2);
  LatencyHistogram a, b, all;
  std::vector<std::uint64_t> values;
  for (int i = 0; i < 50'000; ++i) {
    const std::uint64_t v = rng() % 10'000'000'000ULL;
    (i % 3 == 0 ? a : b).Record(v);
    all.Record(v);
    values.push_back(v);
  }
  a.Merge(b);
  std::sort(values.begin(), values.end());
  ExpectClose(a, values);
  for (double q : {0.5, 0.99, 0.999}) EXPECT_EQ(a.ValueAtQuantile(q), all.ValueAtQuantile(q));
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
}

TEST(LatencyHistogram, HugeValuesClampButMaxIsExact) {
  LatencyHistogram h;
  h.Record(5);
  h.Record(UINT64_MAX / 2);
  EXPECT_EQ(h.max(), UINT64_MAX / 2);
  EXPECT_EQ(h.ValueAtQuantile(1.0),
            LatencyHistogram::BucketHighest(LatencyHistogram::Index(LatencyHistogram::kMaxValue)));
  EXPECT_EQ(h.ValueAtQuantile(0.5), 5u);
}

TEST(LatencyHistogram, EmptyAndCountAbove) {
  LatencyHistogram h;
  EXPECT_EQ(h.ValueAtQuantile(0.99), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  for (std::uint64_t v : {1'000'000u, 2'000'000u, 300'000'000u, 400'000'000u}) h.Record(v);
  EXPECT_EQ(h.CountAbove(100'000'000), 2u);
  EXPECT_EQ(h.CountAbove(1'000'000'000), 0u);
  EXPECT_EQ(h.CountAbove(0), 4u);
}

}  // namespace
}  // namespace ingot::load
