#include "parquet/codec.h"

#include <lz4.h>
#include <snappy.h>
#include <zstd.h>

#include <limits>
#include <memory>
#include <string>

#include "common/ascii.h"

namespace ingot::parquet {
namespace {

struct ZstdContextDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

// One compression context per thread: creating one costs more than compressing a small page.
ZSTD_CCtx* ThreadZstdContext() {
  thread_local std::unique_ptr<ZSTD_CCtx, ZstdContextDeleter> context(ZSTD_createCCtx());
  return context.get();
}

}  // namespace

Result<Codec> ParseCodec(std::string_view name) {
  if (EqualsIgnoreCase(name, "zstd")) return Codec::kZstd;
  if (EqualsIgnoreCase(name, "snappy")) return Codec::kSnappy;
  if (EqualsIgnoreCase(name, "lz4") || EqualsIgnoreCase(name, "lz4_raw")) return Codec::kLz4Raw;
  if (EqualsIgnoreCase(name, "none") || EqualsIgnoreCase(name, "uncompressed")) {
    return Codec::kUncompressed;
  }
  return Status::InvalidInput("unknown compression '" + std::string(name) +
                              "' (expected zstd, snappy, lz4 or none)");
}

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed: return "none";
    case Codec::kSnappy: return "snappy";
    case Codec::kLz4Raw: return "lz4";
    case Codec::kZstd: return "zstd";
  }
  return "?";
}

Status Compress(Codec codec, int zstd_level, std::string_view input, ByteBuffer* out) {
  out->clear();
  switch (codec) {
    case Codec::kUncompressed: out->Append(input); return Status::Ok();
    case Codec::kSnappy: {
      out->resize(snappy::MaxCompressedLength(input.size()));
      std::size_t n = 0;
      snappy::RawCompress(input.data(), input.size(), out->data(), &n);
      out->resize(n);
      return Status::Ok();
    }
    case Codec::kLz4Raw: {
      if (input.size() > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) {
        return Status::TooLarge("page too large for LZ4");
      }
      int bound = LZ4_compressBound(static_cast<int>(input.size()));
      out->resize(static_cast<std::size_t>(bound));
      int n =
          LZ4_compress_default(input.data(), out->data(), static_cast<int>(input.size()), bound);
      if (n <= 0) return Status::Internal("LZ4 compression failed");
      out->resize(static_cast<std::size_t>(n));
      return Status::Ok();
    }
    case Codec::kZstd: {
      out->resize(ZSTD_compressBound(input.size()));
      std::size_t n = ZSTD_compressCCtx(ThreadZstdContext(), out->data(), out->size(), input.data(),
                                        input.size(), zstd_level);
      if (ZSTD_isError(n)) {
        return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      }
      out->resize(n);
      return Status::Ok();
    }
  }
  return Status::Internal("unknown codec");
}

}  // namespace ingot::parquet
