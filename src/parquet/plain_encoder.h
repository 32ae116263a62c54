// The PLAIN encoding of Parquet (Encodings.md, "PLAIN = 0") for the physical types we write:
//
//   INT64, DOUBLE   8 bytes little-endian each (IEEE 754 for DOUBLE, every bit kept: NaN payloads,
//                   -0.0)
//   BOOLEAN         1 bit each, packed from the least significant bit of each byte; the last byte
//                   is padded with zeros
//   BYTE_ARRAY      4-byte little-endian length, then the bytes
//
// Only non-null values are encoded; nulls exist only in the definition levels.
#pragma once

#include <cstdint>
#include <span>

#include "parquet/byte_buffer.h"

namespace ingot::parquet {

void AppendPlain(std::span<const std::int64_t> values, ByteBuffer* out);
void AppendPlain(std::span<const double> values, ByteBuffer* out);
// `values` holds one 0/1 byte per boolean.
void AppendPlainBooleans(std::span<const std::uint8_t> values, ByteBuffer* out);
// Byte array i is bytes[offsets[i], offsets[i+1]); offsets has one entry more than there are
// values (a Column's offsets(), possibly a sub-span of them).
void AppendPlainByteArrays(std::span<const std::uint32_t> offsets, const char* bytes,
                           ByteBuffer* out);

}  // namespace ingot::parquet
