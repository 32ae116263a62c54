#include "parquet/plain_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace ingot::parquet {
namespace {

std::vector<std::uint8_t> Bytes(const ByteBuffer& b) {
  return {reinterpret_cast<const std::uint8_t*>(b.data()),
          reinterpret_cast<const std::uint8_t*>(b.data()) + b.size()};
}

TEST(PlainEncoder, Int64IsEightBytesLittleEndian) {
  ByteBuffer out;
  const std::vector<std::int64_t> v = {1, -2, std::numeric_limits<std::int64_t>::min()};
  AppendPlain(v, &out);
  EXPECT_EQ(Bytes(out),
            (std::vector<std::uint8_t>{1,    0,    0,    0,    0,    0,    0,    0,     //
                                       0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  //
                                       0,    0,    0,    0,    0,    0,    0,    0x80}));
}

TEST(PlainEncoder, DoubleKeepsEveryBit) {
  ByteBuffer out;
  const std::vector<double> v = {1.0, -0.0, std::numeric_limits<double>::infinity()};
  AppendPlain(v, &out);
  EXPECT_EQ(Bytes(out), (std::vector<std::uint8_t>{0, 0, 0, 0, 0, 0, 0xF0, 0x3F,  //
                                                   0, 0, 0, 0, 0, 0, 0,    0x80,  //
                                                   0, 0, 0, 0, 0, 0, 0xF0, 0x7F}));
}

TEST(PlainEncoder, BooleansAreBitPackedLsbFirst) {
  ByteBuffer out;
  const std::vector<std::uint8_t> v = {1, 0, 1, 1, 0, 0, 0, 0, 1};
  AppendPlainBooleans(v, &out);
  EXPECT_EQ(Bytes(out), (std::vector<std::uint8_t>{0b00001101, 0b00000001}));
}

TEST(PlainEncoder, ByteArraysHaveALengthPrefix) {
  ByteBuffer out;
  const char bytes[] = "ignoredaxyz";
  // Values "a", "", "xyz" starting at offset 7 (a sub-span of a column's offsets).
  const std::vector<std::uint32_t> offsets = {7, 8, 8, 11};
  AppendPlainByteArrays(offsets, bytes, &out);
  EXPECT_EQ(Bytes(out), (std::vector<std::uint8_t>{1, 0, 0, 0, 'a',  //
                                                   0, 0, 0, 0,       //
                                                   3, 0, 0, 0, 'x', 'y', 'z'}));
}

TEST(PlainEncoder, EmptyInputsWriteNothing) {
  ByteBuffer out;
  AppendPlain(std::vector<std::int64_t>{}, &out);
  AppendPlainBooleans(std::vector<std::uint8_t>{}, &out);
  AppendPlainByteArrays(std::vector<std::uint32_t>{0}, nullptr, &out);
  AppendPlainByteArrays(std::vector<std::uint32_t>{0, 0}, nullptr, &out);  // one empty string
  EXPECT_EQ(Bytes(out), (std::vector<std::uint8_t>{0, 0, 0, 0}));
}

}  // namespace
}  // namespace ingot::parquet
