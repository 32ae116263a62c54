#include "http/padded_buffer.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ingot::http {
namespace {

TEST(PaddedBuffer, PaddingIsZeroAfterSeal) {
  PaddedBuffer b;
  b.SealPadding();
  ASSERT_NE(b.data(), nullptr);  // even an empty body has readable padding
  for (std::size_t i = 0; i < kBodyPadding; ++i) EXPECT_EQ(b.data()[i], 0);

  b.Reserve(1000, 1000);
  std::memset(b.data(), 'x', b.capacity() + kBodyPadding);  // dirty everything, padding included
  b.Resize(10);
  b.SealPadding();
  for (std::size_t i = 0; i < kBodyPadding; ++i) EXPECT_EQ(b.data()[10 + i], 0) << i;
}

TEST(PaddedBuffer, ReserveKeepsContentsAndReusesMemory) {
  PaddedBuffer b;
  b.Reserve(5, 1 << 20);
  b.Append("hello", 5);
  const char* before = b.data();
  b.Reserve(5, 1 << 20);
  EXPECT_EQ(b.data(), before);  // fits: no reallocation
  b.Reserve(100000, 1 << 20);
  EXPECT_EQ(b.view(), "hello");
  EXPECT_GE(b.capacity(), 100000u);
}

TEST(PaddedBuffer, GrowthNeverPassesTheCap) {
  PaddedBuffer b;
  b.Reserve(600000, 1000000);
  b.Reserve(900000, 1000000);  // doubling would ask for 1.2 MB
  EXPECT_GE(b.capacity(), 900000u);
  EXPECT_LE(b.capacity(), 1000000u + 4096);
}

TEST(PaddedBuffer, ShrinkFreesOnlyLargeBuffers) {
  PaddedBuffer b;
  b.Reserve(1000, 1000);
  b.ShrinkTo(4096);
  EXPECT_GE(b.capacity(), 1000u);
  b.Reserve(100000, 100000);
  b.ShrinkTo(4096);
  EXPECT_EQ(b.capacity(), 0u);
  EXPECT_EQ(b.size(), 0u);
}

}  // namespace
}  // namespace ingot::http
