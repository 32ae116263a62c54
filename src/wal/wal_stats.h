// WalStats: counters for /metrics, as plain atomics the app reads whenever it likes (relaxed
// loads; each counter is exact, a set of them read together is not a snapshot).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/histogram.h"
#include "common/prometheus_text.h"

namespace ingot::wal {

using ingot::Histogram;

// fdatasync latency buckets, in microseconds: 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250 ms.
inline constexpr std::array<std::uint64_t, 11> kFsyncMicrosBounds = {
    100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000};
// Records per group commit.
inline constexpr std::array<std::uint64_t, 11> kGroupRecordsBounds = {1,  2,   4,   8,   16,  32,
                                                                      64, 128, 256, 512, 1024};

struct WalStats final : MetricsSection {
  // Writer.
  std::atomic<std::uint64_t> appends{0};           // accepted by Append (a callback will run)
  std::atomic<std::uint64_t> rejected_appends{0};  // failed fast: unhealthy, closed or too large
  std::atomic<std::uint64_t> records{0};  // written (acknowledged, in always mode, once synced)
  std::atomic<std::uint64_t> bytes_written{0};  // framing included
  std::atomic<std::uint64_t> groups{0};
  Histogram group_records{kGroupRecordsBounds};
  std::atomic<std::uint64_t> fsyncs{0};
  Histogram fsync_micros{kFsyncMicrosBounds};
  std::atomic<std::uint64_t> io_errors{0};  // failed writes, fsyncs or segment creations
  std::atomic<std::uint64_t> probes{0};     // attempts to become healthy again
  std::atomic<std::uint64_t> segments_created{0};
  std::atomic<std::uint64_t> segments_removed{0};
  std::atomic<std::uint64_t> segments_live{0};  // gauge
  std::atomic<bool> healthy{true};              // gauge; the same as WalWriter::healthy()

  // Recovery (Recover adds to these).
  std::atomic<std::uint64_t> recovered_records{0};
  std::atomic<std::uint64_t> corruptions{0};  // reports of kind kCorruption
  std::atomic<std::uint64_t> corrupt_bytes{0};
  std::atomic<std::uint64_t> torn_tails{0};
  std::atomic<std::uint64_t> torn_tail_bytes{0};

  // /metrics: health, writes, fsync latency, group sizes, segments and what recovery found.
  void RenderMetrics(std::string& out) const override;
};

}  // namespace ingot::wal
