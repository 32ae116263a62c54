#include "http/content_decoder.h"

#include <gtest/gtest.h>

#include <string>

#include "common/memory_budget.h"
#include "http/test_compression.h"

namespace ingot::http {
namespace {

using testing::Gzip;
using testing::Zlib;
using testing::Zstd;
using testing::ZstdStreamed;

// A 17-byte zstd frame that declares `declared` bytes of content and holds one RLE block of
// 128 KiB: more than zstd can expand to from 17 bytes when `declared` is large.
std::string LyingZstdFrame(std::uint64_t declared) {
  std::string f = "\x28\xb5\x2f\xfd";  // magic
  f += '\xe0';                         // single segment, 8-byte content size
  for (int i = 0; i < 8; ++i) f += static_cast<char>(declared >> (8 * i));
  const std::uint32_t block = 1 | 1 << 1 | (128 << 10) << 3;  // last, RLE, 128 KiB
  for (int i = 0; i < 3; ++i) f += static_cast<char>(block >> (8 * i));
  f += 'x';
  return f;
}

// `n` bytes of zeros as gzip members of 64 KiB each (each trailer harmless) without ever holding
// `n` bytes.
std::string GzipMembersOfZeros(std::size_t n) {
  const std::string member = Gzip(std::string(64 << 10, '\0'));
  std::string out;
  for (std::size_t i = 0; i < n / (64 << 10); ++i) out += member;
  return out;
}

std::string Text(std::size_t n) {
  std::string s;
  while (s.size() < n) s += "{\"msg\":\"line " + std::to_string(s.size()) + "\"}\n";
  s.resize(n);
  return s;
}

TEST(ContentEncoding, Parses) {
  EXPECT_EQ(ParseContentEncoding(""), ContentEncoding::kIdentity);
  EXPECT_EQ(ParseContentEncoding(" Identity "), ContentEncoding::kIdentity);
  EXPECT_EQ(ParseContentEncoding("GZIP"), ContentEncoding::kGzip);
  EXPECT_EQ(ParseContentEncoding("x-gzip"), ContentEncoding::kGzip);
  EXPECT_EQ(ParseContentEncoding("zstd"), ContentEncoding::kZstd);
  EXPECT_EQ(ParseContentEncoding("br"), std::nullopt);
  EXPECT_EQ(ParseContentEncoding("gzip, zstd"), std::nullopt);
}

TEST(ContentEncoding, SniffsGzipAndZstdByTheirMagicBytes) {
  EXPECT_EQ(SniffCompression(Gzip("x")), ContentEncoding::kGzip);
  EXPECT_EQ(SniffCompression(Zstd("x")), ContentEncoding::kZstd);
  EXPECT_EQ(SniffCompression(ZstdStreamed("x")), ContentEncoding::kZstd);
  EXPECT_EQ(SniffCompression(""), std::nullopt);
  EXPECT_EQ(SniffCompression("\x1f"), std::nullopt);
  EXPECT_EQ(SniffCompression("\x28\xb5\x2f"), std::nullopt);
  EXPECT_EQ(SniffCompression("\x81\xa1m"), std::nullopt);  // MessagePack: a map
  EXPECT_EQ(SniffCompression(Zlib("x")), std::nullopt);
}

TEST(ContentDecoder, RoundTripsGzipAndZstd) {
  ContentDecoder d;
  PaddedBuffer out;
  const std::string a = Text(300000);
  const std::string b = Text(12345);
  ASSERT_TRUE(d.Decode(ContentEncoding::kGzip, Gzip(a), 1 << 20, out).ok());
  EXPECT_EQ(out.view(), a);
  // Multi-member: the trailer's size hint covers only the last (small) member, so the buffer
  // must grow while inflating.
  ASSERT_TRUE(d.Decode(ContentEncoding::kGzip, Gzip(a) + Gzip(b) + Gzip(b), 1 << 20, out).ok());
  EXPECT_EQ(out.view(), a + b + b);
  ASSERT_TRUE(d.Decode(ContentEncoding::kZstd, Zstd(a), 1 << 20, out).ok());
  EXPECT_EQ(out.view(), a);
  ASSERT_TRUE(d.Decode(ContentEncoding::kZstd, ZstdStreamed(a), 1 << 20, out).ok());
  EXPECT_EQ(out.view(), a);
  ASSERT_TRUE(d.Decode(ContentEncoding::kZstd, Zstd(b) + ZstdStreamed(a), 1 << 20, out).ok());
  EXPECT_EQ(out.view(), b + a);
  ASSERT_TRUE(d.Decode(ContentEncoding::kDeflate, Zlib(a), 1 << 20, out).ok());
  EXPECT_EQ(out.view(), a);
  ASSERT_TRUE(d.Decode(ContentEncoding::kGzip, "", 1 << 20, out).ok());
  EXPECT_EQ(out.size(), 0u);
}

TEST(ContentDecoder, ExactLimitFitsOneMoreByteDoesNot) {
  ContentDecoder d;
  PaddedBuffer out;
  const std::string a = Text(100000);
  EXPECT_TRUE(d.Decode(ContentEncoding::kGzip, Gzip(a), a.size(), out).ok());
  EXPECT_EQ(d.Decode(ContentEncoding::kGzip, Gzip(a), a.size() - 1, out).code(),
            StatusCode::kTooLarge);
  EXPECT_TRUE(d.Decode(ContentEncoding::kZstd, ZstdStreamed(a), a.size(), out).ok());
  EXPECT_EQ(d.Decode(ContentEncoding::kZstd, ZstdStreamed(a), a.size() - 1, out).code(),
            StatusCode::kTooLarge);
  EXPECT_EQ(d.Decode(ContentEncoding::kZstd, Zstd(a), a.size() - 1, out).code(),
            StatusCode::kTooLarge);
  EXPECT_TRUE(d.Decode(ContentEncoding::kDeflate, Zlib(a), a.size(), out).ok());
  EXPECT_EQ(d.Decode(ContentEncoding::kDeflate, Zlib(a), a.size() - 1, out).code(),
            StatusCode::kTooLarge);
}

TEST(ContentDecoder, BombsAreRefusedWithinTheLimit) {
  ContentDecoder d;
  const std::string zeros(64 << 20, '\0');
  const std::size_t limit = 1 << 20;
  {
    // Single member: the trailer says 64 MiB, refused before inflating anything.
    PaddedBuffer out;
    EXPECT_EQ(d.Decode(ContentEncoding::kGzip, Gzip(zeros), limit, out).code(),
              StatusCode::kTooLarge);
    EXPECT_LE(out.capacity(), limit);
  }
  {
    // Many members of 64 KiB each: every trailer looks harmless; growth stops at the limit.
    std::string bomb;
    const std::string member = Gzip(std::string_view(zeros).substr(0, 64 << 10));
    for (int i = 0; i < 1024; ++i) bomb += member;
    PaddedBuffer out;
    EXPECT_EQ(d.Decode(ContentEncoding::kGzip, bomb, limit, out).code(), StatusCode::kTooLarge);
    EXPECT_LE(out.capacity(), limit + 4096);
  }
  {
    PaddedBuffer out;
    EXPECT_EQ(d.Decode(ContentEncoding::kZstd, Zstd(zeros), limit, out).code(),
              StatusCode::kTooLarge);
    EXPECT_EQ(out.capacity(), 0u);  // declared size checked first
    EXPECT_EQ(d.Decode(ContentEncoding::kZstd, ZstdStreamed(zeros), limit, out).code(),
              StatusCode::kTooLarge);
    EXPECT_LE(out.capacity(), limit + 4096);
  }
}

TEST(ContentDecoder, ZstdFrameClaimingMoreThanItCanHoldIsRefusedWithoutAllocating) {
  ContentDecoder d;
  PaddedBuffer out;
  const std::string frame = LyingZstdFrame(200 << 20);
  ASSERT_EQ(frame.size(), 17u);
  // Within the limit, the claim is impossible for 17 bytes: corrupt, and nothing is allocated
  // for it (the claim alone used to reserve 200 MiB).
  const Status s = d.Decode(ContentEncoding::kZstd, frame, 256 << 20, out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput) << s.ToString();
  EXPECT_EQ(out.capacity(), 0u);
  // Over the limit it is too large, whatever it holds.
  EXPECT_EQ(d.Decode(ContentEncoding::kZstd, frame, 4 << 20, out).code(), StatusCode::kTooLarge);
  EXPECT_EQ(out.capacity(), 0u);
  // A claim the frame can back is decoded (and fails only because it holds less).
  EXPECT_EQ(d.Decode(ContentEncoding::kZstd, LyingZstdFrame(256 << 10), 4 << 20, out).code(),
            StatusCode::kInvalidInput);
}

// Under a memory budget that refuses room, a body over the limit must still be told apart from
// one that would fit: 413 (kTooLarge) for the first, 503 (kResourceExhausted) only for the second.
TEST(ContentDecoder, OverTheLimitIsTooLargeEvenWhenTheBudgetRefusesFirst) {
  ContentDecoder d;
  const std::size_t limit = 4 << 20;
  MemoryBudget budget(1 << 20);
  auto decode = [&](ContentEncoding e, const std::string& in) {
    PaddedBuffer out;
    out.set_budget(&budget);
    const Status s = d.Decode(e, in, limit, out);
    EXPECT_LE(out.allocated(), budget.limit());
    return s.code();
  };
  const std::string zeros(8 << 20, '\0');  // twice the limit
  const std::string fits(2 << 20, '\0');   // within the limit, over the budget
  // Streamed zstd (no declared size): the budget refuses growth at 1 MiB, long before the limit.
  EXPECT_EQ(decode(ContentEncoding::kZstd, ZstdStreamed(zeros)), StatusCode::kTooLarge);
  EXPECT_EQ(decode(ContentEncoding::kZstd, ZstdStreamed(fits)), StatusCode::kResourceExhausted);
  // Declared sizes: known before allocating.
  EXPECT_EQ(decode(ContentEncoding::kZstd, Zstd(zeros)), StatusCode::kTooLarge);
  EXPECT_EQ(decode(ContentEncoding::kZstd, Zstd(fits)), StatusCode::kResourceExhausted);
  // Multi-member gzip: only the last member's size is known up front.
  EXPECT_EQ(decode(ContentEncoding::kGzip, GzipMembersOfZeros(zeros.size())),
            StatusCode::kTooLarge);
  EXPECT_EQ(decode(ContentEncoding::kGzip, GzipMembersOfZeros(fits.size())),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(decode(ContentEncoding::kGzip, Gzip(zeros)), StatusCode::kTooLarge);
  EXPECT_EQ(decode(ContentEncoding::kGzip, Gzip(fits)), StatusCode::kResourceExhausted);
  EXPECT_EQ(decode(ContentEncoding::kDeflate, Zlib(zeros)), StatusCode::kTooLarge);
  EXPECT_EQ(decode(ContentEncoding::kDeflate, Zlib(fits)), StatusCode::kResourceExhausted);
  // Within the budget, everything decodes.
  const std::string small(512 << 10, 'a');
  EXPECT_EQ(decode(ContentEncoding::kZstd, ZstdStreamed(small)), StatusCode::kOk);
  EXPECT_EQ(decode(ContentEncoding::kGzip, GzipMembersOfZeros(512 << 10)), StatusCode::kOk);
  EXPECT_EQ(budget.used(), 0u);
}

TEST(ContentDecoder, CorruptOrTruncatedIsInvalidInput) {
  ContentDecoder d;
  PaddedBuffer out;
  const std::string a = Text(50000);
  const std::string gz = Gzip(a);
  Status s = d.Decode(ContentEncoding::kGzip, gz.substr(0, gz.size() / 2), 1 << 20, out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(s.message(), "gzip body is corrupt or truncated");
  std::string flipped = gz;
  flipped[flipped.size() / 2] ^= 0x55;
  EXPECT_EQ(d.Decode(ContentEncoding::kGzip, flipped, 1 << 20, out).code(),
            StatusCode::kInvalidInput);
  EXPECT_EQ(d.Decode(ContentEncoding::kGzip, "not gzip at all, not at all", 1 << 20, out).code(),
            StatusCode::kInvalidInput);
  EXPECT_EQ(d.Decode(ContentEncoding::kGzip, gz + "trailing", 1 << 20, out).code(),
            StatusCode::kInvalidInput);

  const std::string zs = ZstdStreamed(a);
  s = d.Decode(ContentEncoding::kZstd, zs.substr(0, zs.size() - 5), 1 << 20, out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("zstd body is corrupt or truncated"), std::string::npos);
  const std::string zk = Zstd(a);
  EXPECT_EQ(d.Decode(ContentEncoding::kZstd, zk.substr(0, zk.size() - 5), 1 << 20, out).code(),
            StatusCode::kInvalidInput);
  const std::string zl = Zlib(a);
  EXPECT_EQ(d.Decode(ContentEncoding::kDeflate, zl.substr(0, zl.size() - 5), 1 << 20, out).code(),
            StatusCode::kInvalidInput);
  EXPECT_EQ(d.Decode(ContentEncoding::kDeflate, gz, 1 << 20, out).code(),
            StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace ingot::http
