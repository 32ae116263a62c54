#include "parquet/rle_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "parquet/test_reader.h"

namespace ingot::parquet {
namespace {

std::vector<std::uint8_t> Bytes(const ByteBuffer& b) {
  return {reinterpret_cast<const std::uint8_t*>(b.data()),
          reinterpret_cast<const std::uint8_t*>(b.data()) + b.size()};
}

std::vector<std::uint8_t> Encode(const std::vector<std::uint32_t>& values, int bit_width) {
  ByteBuffer out;
  AppendRleHybrid(values, bit_width, &out);
  return Bytes(out);
}

std::vector<std::uint32_t> RoundTrip(const std::vector<std::uint32_t>& values, int bit_width) {
  ByteBuffer out;
  AppendRleHybrid(values, bit_width, &out);
  auto decoded = testing::DecodeRleHybrid(out.view(), bit_width, values.size());
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? decoded.value() : std::vector<std::uint32_t>{};
}

TEST(BitWidthFor, SmallestWidthHoldingTheMaximum) {
  EXPECT_EQ(BitWidthFor(0), 1);  // never 0: some readers mishandle it
  EXPECT_EQ(BitWidthFor(1), 1);
  EXPECT_EQ(BitWidthFor(2), 2);
  EXPECT_EQ(BitWidthFor(3), 2);
  EXPECT_EQ(BitWidthFor(255), 8);
  EXPECT_EQ(BitWidthFor(256), 9);
  EXPECT_EQ(BitWidthFor(0xFFFFFFFFu), 32);
}

TEST(Uleb128, Encoding) {
  auto enc = [](std::uint64_t v) {
    ByteBuffer b;
    AppendUleb128(v, &b);
    return Bytes(b);
  };
  EXPECT_EQ(enc(0), (std::vector<std::uint8_t>{0x00}));
  EXPECT_EQ(enc(127), (std::vector<std::uint8_t>{0x7F}));
  EXPECT_EQ(enc(128), (std::vector<std::uint8_t>{0x80, 0x01}));
  EXPECT_EQ(enc(300), (std::vector<std::uint8_t>{0xAC, 0x02}));
}

// The example of Encodings.md: 0..7 at bit width 3 pack into 10001000 11000110 11111010.
TEST(RleHybrid, SpecificationBitPackingExample) {
  EXPECT_EQ(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3),
            (std::vector<std::uint8_t>{0x03, 0b10001000, 0b11000110, 0b11111010}));
}

TEST(RleHybrid, LongRunIsOneRleRun) {
  // header 100 << 1 = 200 as ULEB128, then the value in one byte.
  EXPECT_EQ(Encode(std::vector<std::uint32_t>(100, 5), 3),
            (std::vector<std::uint8_t>{0xC8, 0x01, 0x05}));
  // Values wider than 8 bits take ceil(width / 8) bytes, little-endian.
  EXPECT_EQ(Encode(std::vector<std::uint32_t>(8, 0x1234), 13),
            (std::vector<std::uint8_t>{0x10, 0x34, 0x12}));
}

TEST(RleHybrid, ShortInputIsPaddedBitPackedGroup) {
  // [1, 0, 1] -> one group of 8 (header 1 << 1 | 1), bits LSB first: 0b00000101.
  EXPECT_EQ(Encode({1, 0, 1}, 1), (std::vector<std::uint8_t>{0x03, 0x05}));
}

TEST(RleHybrid, LiteralsBorrowFromTheFollowingRun) {
  // 3 literals, then ten 5s: the group of 8 takes five 5s, the rle-run the remaining five.
  // Group [0,1,2,5,5,5,5,5] at width 3, each value's bits LSB first from bit 3 * index.
  EXPECT_EQ(Encode({0, 1, 2, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, 3),
            (std::vector<std::uint8_t>{0x03, 0b10001000, 0b11011010, 0b10110110, 0x0A, 0x05}));
}

TEST(RleHybrid, RunExactlyFillingTheGroupLeavesNoEmptyRleRun) {
  // 1 literal + 7 equal values would borrow the whole run; 8 equal values leave one for RLE.
  const std::vector<std::uint32_t> v = {3, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(RoundTrip(v, 2), v);
  // [3,1,1,1,1,1,1,1] bit-packed, then an rle-run of one 1.
  EXPECT_EQ(Encode(v, 2), (std::vector<std::uint8_t>{0x03, 0x57, 0x55, 0x02, 0x01}));
}

TEST(RleHybrid, DefinitionLevelsHaveALengthPrefix) {
  ByteBuffer out;
  const std::vector<std::uint8_t> all_defined(1000, 1);
  AppendDefinitionLevels(all_defined, &out);
  // 1000 << 1 = 2000 = ULEB 0xD0 0x0F, then value 1.
  EXPECT_EQ(Bytes(out), (std::vector<std::uint8_t>{3, 0, 0, 0, 0xD0, 0x0F, 0x01}));

  out.clear();
  const std::vector<std::uint8_t> mixed = {1, 0, 0, 1, 1, 1, 0, 1, 0};
  AppendDefinitionLevels(mixed, &out);
  EXPECT_EQ(Bytes(out), (std::vector<std::uint8_t>{3, 0, 0, 0, 0x05, 0b10111001, 0b00000000}));
}

TEST(RleHybrid, RoundTripsRandomDataAtEveryWidth) {
  std::mt19937_64 rng(7);
  for (int width = 1; width <= 32; ++width) {
    const std::uint64_t limit = width == 32 ? 0xFFFFFFFFull : (1ull << width) - 1;
    std::vector<std::uint32_t> v;
    // Runs of random lengths, some long, some short, so both run kinds and borrowing occur.
    while (v.size() < 5000) {
      const auto value = static_cast<std::uint32_t>(rng() & limit);
      const std::size_t run = rng() % 4 == 0 ? 1 + rng() % 40 : 1 + rng() % 3;
      v.insert(v.end(), run, value);
    }
    ASSERT_EQ(RoundTrip(v, width), v) << "width " << width;
  }
}

TEST(RleHybrid, ByteLevelsRoundTrip) {
  std::mt19937_64 rng(9);
  for (int density : {0, 1, 50, 99, 100}) {
    std::vector<std::uint8_t> levels(10007);
    for (auto& l : levels) l = static_cast<std::uint8_t>(static_cast<int>(rng() % 100) < density);
    ByteBuffer out;
    AppendRleHybrid(levels, &out);
    auto decoded = testing::DecodeRleHybrid(out.view(), 1, levels.size());
    ASSERT_TRUE(decoded.ok());
    ASSERT_EQ(std::vector<std::uint8_t>(decoded.value().begin(), decoded.value().end()), levels)
        << "density " << density;
  }
}

TEST(RleHybrid, EmptyInputWritesNothing) { EXPECT_TRUE(Encode({}, 4).empty()); }

}  // namespace
}  // namespace ingot::parquet
