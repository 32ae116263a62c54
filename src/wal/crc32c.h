// CRC32C (Castagnoli), the checksum of every WAL fragment (docs/wal.md).
//
// Hand-written because no Debian package available here ships a crc32c library, and zlib's
// crc32 uses the other polynomial (and no CRC instruction). It runs on the SSE4.2 `crc32`
// instruction, eight bytes per instruction, and for large buffers in three interleaved streams
// (the instruction has a latency of three cycles and a throughput of one per cycle) that are
// combined with one carry-less multiplication (PCLMUL) each. The build targets x86-64-v3, which
// guarantees both instructions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot::wal::crc32c {

// Returns the CRC32C of `data[0, n)` appended to a byte string whose CRC32C is `crc`
// (Extend(Value(a), b) == Value(a + b)).
std::uint32_t Extend(std::uint32_t crc, const void* data, std::size_t n);

// Returns the CRC32C of `data[0, n)`.
inline std::uint32_t Value(const void* data, std::size_t n) { return Extend(0, data, n); }

// A CRC stored next to the data it covers is masked: the CRC of a string that embeds CRCs of its
// own substrings is weak, and WAL payloads may contain CRCs (of WAL records or Parquet pages).
// Same rotation and constant as leveldb, so the two formats' masking is equally strong.
inline constexpr std::uint32_t kMaskDelta = 0xa282ead8u;

inline std::uint32_t Mask(std::uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

inline std::uint32_t Unmask(std::uint32_t masked) {
  const std::uint32_t rotated = masked - kMaskDelta;
  return (rotated >> 17) | (rotated << 15);
}

}  // namespace ingot::wal::crc32c
