#include "parquet/codec.h"

#include <gtest/gtest.h>
#include <lz4.h>
#include <snappy.h>
#include <zstd.h>

#include <string>
#include <thread>
#include <vector>

namespace ingot::parquet {
namespace {

std::string Decompress(Codec codec, std::string_view in, std::size_t n) {
  std::string out(n, '\0');
  switch (codec) {
    case Codec::kUncompressed: return std::string(in);
    case Codec::kSnappy:
      EXPECT_TRUE(snappy::RawUncompress(in.data(), in.size(), out.data()));
      return out;
    case Codec::kLz4Raw:
      EXPECT_EQ(LZ4_decompress_safe(in.data(), out.data(), static_cast<int>(in.size()),
                                    static_cast<int>(n)),
                static_cast<int>(n));
      return out;
    case Codec::kZstd:
      EXPECT_EQ(ZSTD_decompress(out.data(), n, in.data(), in.size()), n);
      return out;
  }
  return {};
}

std::string SampleText() {
  std::string s;
  for (int i = 0; i < 20000; ++i) s += "level=INFO host=web-" + std::to_string(i % 50) + " ";
  return s;
}

TEST(Codec, ParsesTheFlagSpellings) {
  EXPECT_EQ(ParseCodec("zstd").value(), Codec::kZstd);
  EXPECT_EQ(ParseCodec("ZSTD").value(), Codec::kZstd);
  EXPECT_EQ(ParseCodec("snappy").value(), Codec::kSnappy);
  EXPECT_EQ(ParseCodec("lz4").value(), Codec::kLz4Raw);
  EXPECT_EQ(ParseCodec("lz4_raw").value(), Codec::kLz4Raw);
  EXPECT_EQ(ParseCodec("none").value(), Codec::kUncompressed);
  EXPECT_EQ(ParseCodec("uncompressed").value(), Codec::kUncompressed);
  Result<Codec> bad = ParseCodec("gzip");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  for (Codec c : {Codec::kZstd, Codec::kSnappy, Codec::kLz4Raw, Codec::kUncompressed}) {
    EXPECT_EQ(ParseCodec(CodecName(c)).value(), c);
  }
}

TEST(Codec, EveryCodecRoundTrips) {
  const std::string input = SampleText();
  for (Codec c : {Codec::kZstd, Codec::kSnappy, Codec::kLz4Raw, Codec::kUncompressed}) {
    ByteBuffer out;
    out.Append("stale");  // Compress replaces, never appends
    ASSERT_TRUE(Compress(c, 1, input, &out).ok());
    if (c != Codec::kUncompressed) {
      EXPECT_LT(out.size(), input.size() / 4) << CodecName(c);
    }
    EXPECT_EQ(Decompress(c, out.view(), input.size()), input) << CodecName(c);
  }
}

TEST(Codec, EmptyInput) {
  for (Codec c : {Codec::kZstd, Codec::kSnappy, Codec::kLz4Raw, Codec::kUncompressed}) {
    ByteBuffer out;
    ASSERT_TRUE(Compress(c, 3, "", &out).ok());
    EXPECT_EQ(Decompress(c, out.view(), 0), "");
  }
}

TEST(Codec, ThreadsCompressConcurrently) {
  const std::string input = SampleText();
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ByteBuffer out;
      for (int i = 0; i < 20; ++i) {
        if (!Compress(Codec::kZstd, 1 + t, input, &out).ok()) return;
        if (Decompress(Codec::kZstd, out.view(), input.size()) != input) return;
      }
      ok[static_cast<std::size_t>(t)] = 1;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, (std::vector<int>{1, 1, 1, 1}));
}

}  // namespace
}  // namespace ingot::parquet
