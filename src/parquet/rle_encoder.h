// The RLE / bit-packing hybrid encoding of Parquet (Encodings.md, "RLE = 3"), used for definition
// levels and dictionary indices:
//
//   run          := rle-run | bit-packed-run
//   rle-run      := ULEB128(count << 1)          value in ceil(bit_width / 8) bytes, little-endian
//   bit-packed   := ULEB128(groups << 1 | 1)     groups * 8 values, bit_width bits each, packed
//                                                from the least significant bit of each byte
//
// A run of 8 or more equal values becomes an rle-run; everything else is bit-packed in groups of
// 8. A bit-packed run in the middle must hold a multiple of 8 values, so it borrows the first
// values of the following rle-run to fill its last group; only the final run is padded (with
// zeros), which readers ignore because they know the value count from the page header.
#pragma once

#include <cstdint>
#include <span>

#include "parquet/byte_buffer.h"

namespace ingot::parquet {

// Bits needed to store every value in [0, max_value]; at least 1 (some readers mishandle 0).
int BitWidthFor(std::uint32_t max_value);

// Appends the hybrid encoding of `values` (each < 2^bit_width, 1 <= bit_width <= 32) to `out`,
// without any length prefix.
void AppendRleHybrid(std::span<const std::uint32_t> values, int bit_width, ByteBuffer* out);
// Same for 0/1 bytes at bit width 1 (a Column's definition bytes).
void AppendRleHybrid(std::span<const std::uint8_t> bits, ByteBuffer* out);

// Data page v1 definition levels of an OPTIONAL top-level column: a 4-byte little-endian length,
// then the hybrid encoding of the levels (1 = value present, 0 = null) at bit width 1.
void AppendDefinitionLevels(std::span<const std::uint8_t> defined, ByteBuffer* out);

// Appends v as ULEB128.
void AppendUleb128(std::uint64_t v, ByteBuffer* out);

}  // namespace ingot::parquet
