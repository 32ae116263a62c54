#include "http/padded_buffer.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ingot::http {
namespace {

TEST(PaddedBuffer, PaddingIsZeroAfterSeal) {
  PaddedBuffer b;
  b.SealPadding();
  ASSERT_NE(b.data(), nullptr);  // even an empty body has readable padding
  for (std::size_t i = 0; i < kInputPadding; ++i) EXPECT_EQ(b.data()[i], 0);

  ASSERT_TRUE(b.Reserve(1000, 1000));
  std::memset(b.data(), 'x', b.capacity() + kInputPadding);  // dirty everything, padding included
  b.Resize(10);
  b.SealPadding();
  for (std::size_t i = 0; i < kInputPadding; ++i) EXPECT_EQ(b.data()[10 + i], 0) << i;
}

TEST(PaddedBuffer, ReserveKeepsContentsAndReusesMemory) {
  PaddedBuffer b;
  ASSERT_TRUE(b.Reserve(5, 1 << 20));
  b.Append("hello", 5);
  const char* before = b.data();
  ASSERT_TRUE(b.Reserve(5, 1 << 20));
  EXPECT_EQ(b.data(), before);  // fits: no reallocation
  ASSERT_TRUE(b.Reserve(100000, 1 << 20));
  EXPECT_EQ(b.view(), "hello");
  EXPECT_GE(b.capacity(), 100000u);
}

TEST(PaddedBuffer, GrowthNeverPassesTheCap) {
  PaddedBuffer b;
  ASSERT_TRUE(b.Reserve(600000, 1000000));
  ASSERT_TRUE(b.Reserve(900000, 1000000));  // doubling would ask for 1.2 MB
  EXPECT_GE(b.capacity(), 900000u);
  EXPECT_LE(b.capacity(), 1000000u + 4096);
}

TEST(PaddedBuffer, ShrinkFreesOnlyLargeBuffers) {
  PaddedBuffer b;
  ASSERT_TRUE(b.Reserve(1000, 1000));
  b.ShrinkTo(4096);
  EXPECT_GE(b.capacity(), 1000u);
  ASSERT_TRUE(b.Reserve(100000, 100000));
  b.ShrinkTo(4096);
  EXPECT_EQ(b.capacity(), 0u);
  EXPECT_EQ(b.size(), 0u);
}

}  // namespace
TEST(PaddedBuffer, ChargesItsMemoryToTheBudgetAndRefusesPastIt) {
  MemoryBudget budget(64 << 10);
  {
    PaddedBuffer b;
    b.set_budget(&budget);
    ASSERT_TRUE(b.Reserve(10000, 10000));
    EXPECT_GE(budget.used(), 10000u);
    const std::uint64_t charged = budget.used();
    EXPECT_FALSE(b.Reserve(100 << 10, 100 << 10));  // past the budget: refused, nothing changes
    EXPECT_EQ(budget.used(), charged);
    EXPECT_GE(b.capacity(), 10000u);
    b.ShrinkTo(0);
    EXPECT_EQ(budget.used(), 0u);
    ASSERT_TRUE(b.Reserve(1000, 1000));
  }
  EXPECT_EQ(budget.used(), 0u);  // released when the buffer goes away
}

TEST(PaddedBuffer, MaxSizeWithinIsTheLargestBodyABudgetCanHold) {
  for (std::size_t limit : {std::size_t{100000}, std::size_t{1} << 20, std::size_t{5000}}) {
    MemoryBudget budget(limit);
    const std::size_t max = PaddedBuffer::MaxSizeWithin(limit);
    PaddedBuffer fits;
    fits.set_budget(&budget);
    EXPECT_TRUE(fits.Reserve(max, max)) << limit;
    fits.ShrinkTo(0);
    PaddedBuffer over;
    over.set_budget(&budget);
    EXPECT_FALSE(over.Reserve(max + 1, max + 1)) << limit;
  }
  EXPECT_EQ(PaddedBuffer::MaxSizeWithin(100), 0u);
}

}  // namespace ingot::http
