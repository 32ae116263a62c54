// The WAL's on-disk format, version 1: the constants of docs/wal.md and the segment file names.
//
//   fragment = crc:u32 (masked CRC32C of everything after it) | len:u16 | type:u8 | version:u8
//              | data[len]
//   record   = seq:u64 | length:u32 | payload[length], cut into FULL or FIRST, MIDDLE..., LAST
//   segment  = SEGMENT_HEADER("INGOTWAL") | fragments..., in 32 KiB blocks no fragment crosses
//
// All integers are little-endian.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace ingot::wal {

inline constexpr std::uint8_t kFormatVersion = 1;

inline constexpr std::size_t kBlockSize = 32768;
inline constexpr std::size_t kHeaderSize = 8;         // crc, len, type, version
inline constexpr std::size_t kRecordPrefixSize = 12;  // seq, length
// A record starts only where the block has room for a header and the whole prefix; fewer bytes
// left are the block's trailer, written as zeros.
inline constexpr std::size_t kMinRecordStart = kHeaderSize + kRecordPrefixSize;
inline constexpr std::size_t kMaxFragmentData = kBlockSize - kHeaderSize;
inline constexpr std::uint64_t kMaxRecordSize = 0xffffffffu;  // the prefix's u32 length

enum class FragmentType : std::uint8_t {
  kZero = 0,  // never written: preallocated space or a block trailer
  kFull = 1,
  kFirst = 2,
  kMiddle = 3,
  kLast = 4,
  kSegmentHeader = 5,
};
inline constexpr std::uint8_t kMaxFragmentType = 5;

inline constexpr std::string_view kSegmentMagic = "INGOTWAL";
inline constexpr std::size_t kSegmentHeaderSize = kHeaderSize + kSegmentMagic.size();

// Offsets of the header fields, and of the span the CRC covers.
inline constexpr std::size_t kCrcOffset = 0;
inline constexpr std::size_t kLengthOffset = 4;
inline constexpr std::size_t kTypeOffset = 6;
inline constexpr std::size_t kVersionOffset = 7;
inline constexpr std::size_t kCrcCoverageStart = 4;

// "00000000000000000042.wal" for a segment whose first record has sequence 42.
std::string SegmentFileName(std::uint64_t first_seq);
// The first sequence in a segment file's name, or nothing if `name` is not a segment's name.
std::optional<std::uint64_t> ParseSegmentFileName(std::string_view name);
// Where a writer prepares its next segment before it knows the segment's first sequence.
inline constexpr std::string_view kPreparedSegmentName = "prepared-segment.tmp";

inline void EncodeFixed16(char* p, std::uint16_t v) {
  p[0] = static_cast<char>(v);
  p[1] = static_cast<char>(v >> 8);
}
inline void EncodeFixed32(char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
inline void EncodeFixed64(char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
inline std::uint16_t DecodeFixed16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>(u[0] | (u[1] << 8));
}
inline std::uint32_t DecodeFixed32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | u[i];
  return v;
}
inline std::uint64_t DecodeFixed64(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | u[i];
  return v;
}

}  // namespace ingot::wal
