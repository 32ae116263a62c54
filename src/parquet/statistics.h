// Column chunk statistics, in the form Parquet's Statistics struct stores them: min_value and
// max_value PLAIN-encoded (byte arrays without their length prefix), null_count always.
//
// Orders (FileMetaData.column_orders is TYPE_ORDER for every column):
//   INT64 and TIMESTAMP   signed
//   DOUBLE                numeric; NaN is skipped (nan_count counts it), a zero minimum is
//                         written as -0.0 and a zero maximum as +0.0, as the specification asks
//   BOOLEAN               false < true
//   BYTE_ARRAY (STRING)   unsigned bytewise
// A chunk without a (non-NaN) value gets no min/max at all.
//
// Strings longer than kMaxStringStatBytes are cut so footers stay small: the minimum becomes a
// prefix (still <= every value), the maximum a prefix whose last ASCII byte is incremented (still
// >= every value); both cuts stay valid UTF-8, and is_*_value_exact says a bound was cut.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ingot::parquet {

inline constexpr std::size_t kMaxStringStatBytes = 64;

struct ColumnStatistics {
  std::int64_t null_count = 0;
  bool has_min_max = false;
  std::string min_value;  // PLAIN bytes, meaningful when has_min_max
  std::string max_value;
  bool min_exact = true;
  bool max_exact = true;
  bool has_nan_count = false;  // DOUBLE columns only
  std::int64_t nan_count = 0;
};

// Each sets min/max (and nan_count for doubles) from the non-null values given; null_count is
// the caller's.
void SetMinMax(std::span<const std::int64_t> values, ColumnStatistics* stats);
// DOUBLE values given by their bit patterns (as a FixedDictionary holds them) or as doubles.
void SetMinMax(std::span<const double> values, ColumnStatistics* stats);
void SetMinMaxOfDoubleBits(std::span<const std::uint64_t> bits, ColumnStatistics* stats);
// INT64 values given by their bit patterns.
void SetMinMaxOfInt64Bits(std::span<const std::uint64_t> bits, ColumnStatistics* stats);
// One 0/1 byte per boolean.
void SetMinMaxOfBooleans(std::span<const std::uint8_t> values, ColumnStatistics* stats);
// Byte array i is bytes[offsets[i], offsets[i+1]).
void SetMinMaxOfByteArrays(std::span<const std::uint32_t> offsets, const char* bytes,
                           ColumnStatistics* stats);

}  // namespace ingot::parquet
