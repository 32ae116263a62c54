#include "wal/crc32c.h"

#include <nmmintrin.h>  // _mm_crc32_*
#include <wmmintrin.h>  // _mm_clmulepi64_si128

#include <cstring>

namespace ingot::wal::crc32c {

namespace {

// Polynomials below are bit-reflected, as the crc32 instruction sees them: bit 31 holds the
// coefficient of x^0, bit 0 that of x^31.
constexpr std::uint32_t kPolynomial = 0x82f63b78u;

// a(x) * b(x) mod P(x).
constexpr std::uint32_t MultiplyModP(std::uint32_t a, std::uint32_t b) {
  std::uint32_t product = 0;
  for (std::uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {
    if (a & bit) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// x^n mod P(x), by square and multiply.
constexpr std::uint32_t XPowerModP(std::uint64_t n) {
  std::uint32_t result = 1u << 31;  // x^0
  std::uint32_t square = 1u << 30;  // x^1
  for (; n != 0; n >>= 1) {
    if (n & 1) result = MultiplyModP(result, square);
    square = MultiplyModP(square, square);
  }
  return result;
}

// The constant that ShiftBytes() multiplies by to append `bytes` zero bytes to a CRC register.
// The carry-less product of two 32-bit reflected values is a 63-bit reflected value whose
// exponents sit 33 places lower than a 64-bit crc32 operand expects, and crc32 of a 64-bit
// operand multiplies by x^32 more: hence x^(8 * bytes - 33) rather than x^(8 * bytes).
constexpr std::uint32_t ShiftConstant(std::uint64_t bytes) { return XPowerModP(8 * bytes - 33); }

// Returns the CRC register after `crc` has absorbed as many zero bytes as `constant` stands for:
// since the register update is linear, crc(A || B) = shift(crc(A), |B|) ^ crc_from_zero(B).
inline std::uint32_t ShiftBytes(std::uint32_t crc, std::uint32_t constant) {
  const __m128i product = _mm_clmulepi64_si128(_mm_cvtsi32_si128(static_cast<int>(crc)),
                                               _mm_cvtsi32_si128(static_cast<int>(constant)), 0);
  return static_cast<std::uint32_t>(
      _mm_crc32_u64(0, static_cast<std::uint64_t>(_mm_cvtsi128_si64(product))));
}

inline std::uint64_t Load64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Stream lengths of the three-way loop: long streams for big buffers (two combines per 24 KiB),
// short ones so that buffers from 768 bytes up still use all three.
constexpr std::size_t kLongStream = 8192;
constexpr std::size_t kShortStream = 256;
constexpr std::uint32_t kLongShift = ShiftConstant(kLongStream);
constexpr std::uint32_t kShortShift = ShiftConstant(kShortStream);

// Absorbs 3 * stream bytes at p into the register `crc`.
template <std::size_t stream>
inline std::uint64_t ThreeStreams(std::uint64_t crc, const unsigned char* p, std::uint32_t shift) {
  std::uint64_t crc1 = 0;
  std::uint64_t crc2 = 0;
  for (std::size_t i = 0; i < stream; i += 8) {
    crc = _mm_crc32_u64(crc, Load64(p + i));
    crc1 = _mm_crc32_u64(crc1, Load64(p + stream + i));
    crc2 = _mm_crc32_u64(crc2, Load64(p + 2 * stream + i));
  }
  crc = ShiftBytes(static_cast<std::uint32_t>(crc), shift) ^ crc1;
  return ShiftBytes(static_cast<std::uint32_t>(crc), shift) ^ crc2;
}

}  // namespace

std::uint32_t Extend(std::uint32_t crc, const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t reg = ~crc;
  while (n > 0 && (reinterpret_cast<std::uintptr_t>(p) & 7) != 0) {
    reg = _mm_crc32_u8(static_cast<std::uint32_t>(reg), *p++);
    --n;
  }
  for (; n >= 3 * kLongStream; p += 3 * kLongStream, n -= 3 * kLongStream) {
    reg = ThreeStreams<kLongStream>(reg, p, kLongShift);
  }
  for (; n >= 3 * kShortStream; p += 3 * kShortStream, n -= 3 * kShortStream) {
    reg = ThreeStreams<kShortStream>(reg, p, kShortShift);
  }
  for (; n >= 8; p += 8, n -= 8) reg = _mm_crc32_u64(reg, Load64(p));
  for (; n > 0; --n) reg = _mm_crc32_u8(static_cast<std::uint32_t>(reg), *p++);
  return ~static_cast<std::uint32_t>(reg);
}

}  // namespace ingot::wal::crc32c
