#include "common/memory_budget.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ingot {
namespace {

TEST(MemoryBudget, RefusesWhatWouldPassTheLimit) {
  MemoryBudget b(100);
  EXPECT_TRUE(b.TryCharge(60));
  EXPECT_FALSE(b.TryCharge(41));
  EXPECT_EQ(b.used(), 60u);
  EXPECT_TRUE(b.TryCharge(40));
  b.Release(30);
  b.Charge(50);  // existing memory is counted even past the limit...
  EXPECT_EQ(b.used(), 120u);
  EXPECT_FALSE(b.TryCharge(1));  // ...and then nothing new is admitted
  EXPECT_EQ(b.refusals(), 2u);
}

TEST(MemoryBudget, ConcurrentChargesNeverOvershoot) {
  MemoryBudget b(1000);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (b.TryCharge(7)) admitted.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 1000 / 7);
  EXPECT_LE(b.used(), 1000u);
}

}  // namespace
}  // namespace ingot
