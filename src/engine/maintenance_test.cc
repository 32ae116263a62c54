#include "engine/maintenance.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace ingot::engine {
namespace {

using namespace std::chrono_literals;

// Each task runs at its own period on the one thread, none before Start, none after Stop.
TEST(Maintenance, RunsEachTaskAtItsPeriodUntilStopped) {
  std::atomic<int> fast{0}, slow{0};
  Maintenance m;
  m.Add("fast", 5ms, [&] { ++fast; });
  m.Add("slow", 1h, [&] { ++slow; });
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(fast.load(), 0);  // not started
  m.Start();
  while (fast.load() < 3) std::this_thread::sleep_for(1ms);
  m.Stop();
  const int after_stop = fast.load();
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(fast.load(), after_stop);
  EXPECT_EQ(slow.load(), 0);
  m.Stop();  // idempotent
}

// Stop waits for a task in progress and returns at once when none is due for an hour.
TEST(Maintenance, StopDoesNotWaitForTheNextPeriod) {
  Maintenance m;
  m.Add("hourly", 1h, [] {});
  m.Start();
  const auto started = std::chrono::steady_clock::now();
  m.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1min);
}

}  // namespace
}  // namespace ingot::engine
