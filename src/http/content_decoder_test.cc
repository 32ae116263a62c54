#include "http/content_decoder.h"

#include <gtest/gtest.h>
#include <libdeflate.h>
#include <zstd.h>

#include <string>

namespace ingot::http {
namespace {

std::string Gzip(std::string_view in) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(6);
  std::string out(libdeflate_gzip_compress_bound(c, in.size()), '\0');
  out.resize(libdeflate_gzip_compress(c, in.data(), in.size(), out.data(), out.size()));
  libdeflate_free_compressor(c);
  return out;
}

std::string Zstd(std::string_view in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

// A zstd frame without a declared content size, as streaming encoders write it.
std::string ZstdStreamed(std::string_view in) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  std::string out(ZSTD_compressBound(in.size()) + 64, '\0');
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  ZSTD_outBuffer dst{out.data(), out.size(), 0};
  while (ZSTD_compressStream2(c, &dst, &src, ZSTD_e_end) != 0) {
  }
  out.resize(dst.pos);
  ZSTD_freeCCtx(c);
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
}

}  // namespace
}  // namespace ingot::http
