#include "wal/crc32c.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ingot::wal::crc32c {
namespace {

// Bit-at-a-time reference, straight from the definition.
std::uint32_t Reference(const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint32_t crc = 0xffffffffu;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? 0x82f63b78u : 0);
  }
  return ~crc;
}

TEST(Crc32c, Rfc3720Vectors) {
  std::vector<unsigned char> buf(32, 0);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x8a9136aau);
  buf.assign(32, 0xff);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x62a8ab43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<unsigned char>(i);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x46dd794eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<unsigned char>(31 - i);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x113fdb5cu);
  // An iSCSI SCSI Read (10) command PDU.
  const unsigned char pdu[48] = {
      0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
      0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  EXPECT_EQ(Value(pdu, sizeof pdu), 0xd9963a56u);
  EXPECT_EQ(Value("123456789", 9), 0xe3069283u);
  EXPECT_EQ(Value("", 0), 0u);
}

// Covers every code path: unaligned heads, the short and long three-stream loops, 8-byte and
// single-byte tails.
TEST(Crc32c, MatchesReferenceAtEveryLengthAndAlignment) {
  std::mt19937_64 rng(7);
  std::vector<unsigned char> buf(3 * 3 * 8192 + 3 * 256 + 64);
  for (auto& b : buf) b = static_cast<unsigned char>(rng());
  const std::size_t lengths[] = {
      0,   1,    7,    8,    9,     63,    255,   767,   768,           769,
      800, 1536, 4095, 8191, 24575, 24576, 24577, 50000, buf.size() - 8};
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t n : lengths) {
      ASSERT_EQ(Value(buf.data() + offset, n), Reference(buf.data() + offset, n))
          << "offset " << offset << " length " << n;
    }
  }
}

TEST(Crc32c, ExtendEqualsValueOfConcatenation) {
  std::string a(30000, 'a');
  std::string b = "hello, write-ahead log";
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<char>(i * 31);
  const std::string ab = a + b;
  EXPECT_EQ(Extend(Value(a.data(), a.size()), b.data(), b.size()), Value(ab.data(), ab.size()));
  for (std::size_t split : {0ul, 1ul, 100ul, 25000ul, ab.size()}) {
    EXPECT_EQ(Extend(Value(ab.data(), split), ab.data() + split, ab.size() - split),
              Value(ab.data(), ab.size()));
  }
}

TEST(Crc32c, Mask) {
  const std::uint32_t crc = Value("foo", 3);
  EXPECT_NE(crc, Mask(crc));
  EXPECT_NE(crc, Mask(Mask(crc)));
  EXPECT_EQ(crc, Unmask(Mask(crc)));
  EXPECT_EQ(crc, Unmask(Unmask(Mask(Mask(crc)))));
}

}  // namespace
}  // namespace ingot::wal::crc32c
