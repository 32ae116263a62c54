// The differential test: the hand-written Reader against msgpack-cxx (reference.h) on random
// documents of every type and length encoding, their truncations and byte flips, and edge cases.
#include "protocols/msgpack/reader.h"

#include <gtest/gtest.h>

#include <bit>
#include <limits>
#include <random>

#include "protocols/msgpack/reference.h"
#include "protocols/msgpack/test_pack.h"

namespace ingot::protocols::msgpack {
namespace {

// Both read `bytes` alike: accept or reject it together, and when they accept it, read the same
// value from the same bytes.
void ExpectSameReading(const std::string& bytes) {
  const Canonical want = ReferenceDump(bytes);
  const Canonical got = ReaderDump(bytes);
  if (want.too_deep || got.too_deep) return;
  ASSERT_EQ(got.ok, want.ok) << testing::PrintToString(bytes);
  EXPECT_EQ(got.text, want.text) << testing::PrintToString(bytes);
  EXPECT_EQ(got.consumed, want.consumed) << testing::PrintToString(bytes);
}

// A random value: every type, with lengths and magnitudes around each encoding's boundaries.
void RandomValue(std::mt19937_64& rng, Pack& p, int depth) {
  auto pick = [&](auto n) {
    return static_cast<decltype(n)>(rng() % static_cast<std::uint64_t>(n));
  };
  static constexpr std::uint32_t kLengths[] = {0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536};
  auto length = [&](std::uint32_t cap) {
    return std::min(kLengths[pick(std::size(kLengths))], cap);
  };
  switch (pick(depth < 4 ? 12 : 10)) {
    case 0: p.Nil(); break;
    case 1: p.V(pick(2) == 1); break;
    case 2: {  // integers of every width and sign
      static constexpr std::int64_t kInts[] = {0,
                                               1,
                                               127,
                                               128,
                                               -1,
                                               -32,
                                               -33,
                                               -128,
                                               -129,
                                               255,
                                               256,
                                               32767,
                                               -32768,
                                               65535,
                                               65536,
                                               -2147483648LL,
                                               4294967295LL,
                                               4294967296LL,
                                               std::numeric_limits<std::int64_t>::min(),
                                               std::numeric_limits<std::int64_t>::max()};
      p.V(kInts[pick(std::size(kInts))] + static_cast<std::int64_t>(pick(3)) - 1);
      break;
    }
    case 3: p.V(std::numeric_limits<std::uint64_t>::max() - pick(std::uint64_t{1} << 62)); break;
    case 4: p.V(static_cast<float>(rng()) / 7.0f); break;
    case 5: p.V(std::bit_cast<double>(rng())); break;  // any bit pattern, NaNs included
    case 6: {
      std::string s(length(70000), static_cast<char>(rng()));
      for (std::size_t k = 0; k < std::min<std::size_t>(s.size(), 40); ++k) {
        s[k] = static_cast<char>(rng());
      }
      p.Str(s);
      break;
    }
    case 7: {
      std::string s(length(300), 'b');
      p.Raw(std::string("\xc6", 1));  // bin 32 (msgpack-cxx's packer picks the shortest)
      for (int k = 3; k >= 0; --k) p.Raw(std::string(1, static_cast<char>(s.size() >> (8 * k))));
      p.Raw(s);
      break;
    }
    case 8: {  // fixext 1/2/4/8/16 and ext 8
      static constexpr std::pair<char, std::size_t> kExt[] = {
          {'\xd4', 1}, {'\xd5', 2}, {'\xd6', 4}, {'\xd7', 8}, {'\xd8', 16}};
      const auto [tag, n] = kExt[pick(std::size(kExt))];
      p.Raw(std::string{tag, static_cast<char>(rng())}).Raw(std::string(n, 'e'));
      break;
    }
    case 9: p.Raw(std::string{'\xc7', '\x03', '\xff', 'x', 'y', 'z'}); break;
    case 10: {
      const std::uint32_t n = length(20);
      p.Array(n);
      for (std::uint32_t i = 0; i < n; ++i) RandomValue(rng, p, depth + 1);
      break;
    }
    default: {
      const std::uint32_t n = length(17);
      p.Map(n);
      for (std::uint32_t i = 0; i < n; ++i) {
        RandomValue(rng, p, depth + 1);
        RandomValue(rng, p, depth + 1);
      }
      break;
    }
  }
}

TEST(MsgpackReader, ReadsRandomDocumentsAsMsgpackCxxDoes) {
  std::mt19937_64 rng(12);
  for (int i = 0; i < 3000; ++i) {
    Pack p;
    RandomValue(rng, p, 0);
    const std::string bytes = p.bytes();
    ASSERT_TRUE(ReferenceDump(bytes).ok);
    ExpectSameReading(bytes);
    // Truncated anywhere, and with a byte changed: both refuse or both read the same.
    if (bytes.size() > 1) {
      ExpectSameReading(bytes.substr(0, rng() % bytes.size()));
      std::string flipped = bytes;
      flipped[rng() % flipped.size()] = static_cast<char>(rng());
      ExpectSameReading(flipped);
    }
    ExpectSameReading(bytes + "\x01");  // a trailing byte is not read
  }
}

TEST(MsgpackReader, EdgeCases) {
  for (const std::string& bytes : {
           std::string(""),
           std::string("\xc1"),
           std::string("\xc0"),
           std::string("\xd9"),
           std::string("\xd9\x02z"),
           std::string("\xdb\xff\xff\xff\xffz"),
           std::string("\xdd\xff\xff\xff\xff\xc0"),
           std::string("\xdf\x80\x00\x00\x00"),
           std::string("\xcf\xff\xff\xff\xff\xff\xff\xff\xff"),
           std::string("\xd3\x80\x00\x00\x00\x00\x00\x00\x00"),
           std::string("\xca\x7f\xc0\x00\x00"),
           std::string("\xc7\x00\x05"),
           std::string("\xc9\x00\x00\x00\x01\x05z"),
           std::string("\x92\x90\x80"),
           std::string("\x81\xc0\xc0"),
           std::string(1, '\0'),
       }) {
    ExpectSameReading(bytes);
  }
}

TEST(MsgpackReader, SkipPassesOverWholeValues) {
  Pack p;
  p.Array(2).Map(1).Str("k").Array(3).V(1).V(2).V(3).Str("after");
  const std::string bytes = p.bytes();
  Reader r(bytes);
  Value v;
  ASSERT_TRUE(r.Read(v));
  ASSERT_EQ(v.type, Type::kArray);
  ASSERT_TRUE(r.Skip(1));
  ASSERT_TRUE(r.Read(v));
  EXPECT_EQ(v.type, Type::kStr);
  EXPECT_EQ(v.bytes, "after");
  EXPECT_TRUE(r.at_end());
  Reader truncated(std::string_view("\x91\x92\x01", 3));  // [[1, <missing>]]
  ASSERT_TRUE(truncated.Read(v));
  EXPECT_FALSE(truncated.Skip(1));
  EXPECT_EQ(truncated.error(), "truncated");
}

}  // namespace
}  // namespace ingot::protocols::msgpack
