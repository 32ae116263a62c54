#include "parquet/statistics.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace ingot::parquet {
namespace {

template <typename T>
std::string PlainBytes(T v) {
  std::string s(sizeof v, '\0');
  std::memcpy(s.data(), &v, sizeof v);
  return s;
}

void SetInt64Range(std::int64_t lo, std::int64_t hi, ColumnStatistics* stats) {
  stats->has_min_max = true;
  stats->min_value = PlainBytes(lo);
  stats->max_value = PlainBytes(hi);
  stats->min_exact = stats->max_exact = true;
}

template <typename GetDouble>
void SetDoubleRange(std::size_t n, GetDouble&& get, ColumnStatistics* stats) {
  double lo = 0, hi = 0;
  bool any = false;
  std::int64_t nans = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = get(i);
    if (std::isnan(v)) {
      ++nans;
      continue;
    }
    if (!any) {
      lo = hi = v;
      any = true;
    } else {
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
  }
  stats->has_nan_count = true;
  stats->nan_count = nans;
  stats->has_min_max = any;
  if (!any) return;
  // -0.0 == +0.0, so which zero survived the loop is arbitrary; the specification fixes it so a
  // reader's range check works for both zeros.
  if (lo == 0) lo = -0.0;
  if (hi == 0) hi = +0.0;
  stats->min_value = PlainBytes(lo);
  stats->max_value = PlainBytes(hi);
  stats->min_exact = stats->max_exact = true;
}

// Index just past the last whole UTF-8 character within s[0, limit).
std::size_t Utf8Boundary(std::string_view s, std::size_t limit) {
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

void SetMinString(std::string_view v, ColumnStatistics* stats) {
  if (v.size() <= kMaxStringStatBytes) {
    stats->min_value.assign(v);
    stats->min_exact = true;
    return;
  }
  stats->min_value.assign(v.substr(0, Utf8Boundary(v, kMaxStringStatBytes)));
  stats->min_exact = false;
}

void SetMaxString(std::string_view v, ColumnStatistics* stats) {
  stats->max_value.assign(v);
  stats->max_exact = true;
  if (v.size() <= kMaxStringStatBytes) return;
  // The prefix up to and including an ASCII byte below 0x7F, with that byte incremented, sorts
  // after v and is still UTF-8. Without such a byte the exact value is kept.
  for (std::size_t i = kMaxStringStatBytes; i-- > 0;) {
    const auto b = static_cast<unsigned char>(v[i]);
    if (b < 0x7F) {
      stats->max_value.assign(v.substr(0, i + 1));
      stats->max_value[i] = static_cast<char>(b + 1);
      stats->max_exact = false;
      return;
    }
  }
}

// The first 8 bytes of s as a big-endian integer, zero-padded: if two keys differ, the strings
// compare the same way (a zero pad sorts like the end of the shorter string, which is a prefix).
std::uint64_t PrefixKey(std::string_view s) {
  std::uint64_t word = 0;
  if (!s.empty()) std::memcpy(&word, s.data(), s.size() < 8 ? s.size() : 8);
  return __builtin_bswap64(word);
}

}  // namespace

void SetMinMax(std::span<const std::int64_t> values, ColumnStatistics* stats) {
  if (values.empty()) {
    stats->has_min_max = false;
    return;
  }
  std::int64_t lo = values[0], hi = values[0];
  for (std::int64_t v : values) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  SetInt64Range(lo, hi, stats);
}

void SetMinMaxOfInt64Bits(std::span<const std::uint64_t> bits, ColumnStatistics* stats) {
  SetMinMax(std::span<const std::int64_t>(reinterpret_cast<const std::int64_t*>(bits.data()),
                                          bits.size()),
            stats);
}

void SetMinMax(std::span<const double> values, ColumnStatistics* stats) {
  SetDoubleRange(
      values.size(), [&](std::size_t i) { return values[i]; }, stats);
}

void SetMinMaxOfDoubleBits(std::span<const std::uint64_t> bits, ColumnStatistics* stats) {
  SetDoubleRange(
      bits.size(), [&](std::size_t i) { return std::bit_cast<double>(bits[i]); }, stats);
}

void SetMinMaxOfBooleans(std::span<const std::uint8_t> values, ColumnStatistics* stats) {
  if (values.empty()) {
    stats->has_min_max = false;
    return;
  }
  bool any_true = false, any_false = false;
  for (std::uint8_t v : values) {
    any_true |= v != 0;
    any_false |= v == 0;
  }
  stats->has_min_max = true;
  stats->min_value.assign(1, any_false ? '\0' : '\1');
  stats->max_value.assign(1, any_true ? '\1' : '\0');
  stats->min_exact = stats->max_exact = true;
}

void SetMinMaxOfByteArrays(std::span<const std::uint32_t> offsets, const char* bytes,
                           ColumnStatistics* stats) {
  if (offsets.size() < 2) {
    stats->has_min_max = false;
    return;
  }
  auto at = [&](std::size_t i) {
    return std::string_view(bytes + offsets[i], offsets[i + 1] - offsets[i]);
  };
  // string_view compares with char_traits<char>, which orders bytes as unsigned char: the
  // bytewise order Parquet specifies for BYTE_ARRAY. Most values lose to the current bounds on
  // their first 8 bytes, so those are compared as an integer first and memcmp runs only on ties.
  std::string_view lo = at(0), hi = lo;
  std::uint64_t lo_key = PrefixKey(lo), hi_key = lo_key;
  for (std::size_t i = 1; i + 1 < offsets.size(); ++i) {
    const std::string_view v = at(i);
    const std::uint64_t key = PrefixKey(v);
    if (key < lo_key || (key == lo_key && v < lo)) {
      lo = v;
      lo_key = key;
    }
    if (key > hi_key || (key == hi_key && v > hi)) {
      hi = v;
      hi_key = key;
    }
  }
  stats->has_min_max = true;
  SetMinString(lo, stats);
  SetMaxString(hi, stats);
}

}  // namespace ingot::parquet
