// Page compression codecs: which ones we write, their names on the command line, and the call
// that compresses one page body.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "parquet/byte_buffer.h"

namespace ingot::parquet {

// Codecs a file can be written with. Every column chunk of a file uses the same one.
enum class Codec : std::uint8_t {
  kUncompressed,
  kSnappy,
  kLz4Raw,  // the LZ4 block format (Parquet LZ4_RAW), not the deprecated Hadoop-framed LZ4
  kZstd,
};

// Parses the --compression flag: "zstd", "snappy", "lz4" (or "lz4_raw"), "none" (or
// "uncompressed"). Case-insensitive.
Result<Codec> ParseCodec(std::string_view name);
// The spelling ParseCodec accepts first ("zstd", "snappy", "lz4", "none").
std::string_view CodecName(Codec codec);

// Compresses `input` with `codec` into `out`, replacing its contents. `zstd_level` is used by
// kZstd only. Compression contexts are per thread and reused, so concurrent calls from different
// threads are safe and a call allocates nothing once `out` has grown to the page size.
Status Compress(Codec codec, int zstd_level, std::string_view input, ByteBuffer* out);

}  // namespace ingot::parquet
