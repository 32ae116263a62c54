#include "parquet/rle_encoder.h"

#include <bit>
#include <cstring>

namespace ingot::parquet {
namespace {

// Shorter runs of equal values cost less bit-packed than as a run of their own.
constexpr std::size_t kMinRleRun = 8;

// Length of the run of values equal to v[i], starting at i.
template <typename T>
std::size_t RunLength(const T* v, std::size_t i, std::size_t n) {
  const T first = v[i];
  std::size_t j = i + 1;
  if constexpr (sizeof(T) == 1) {
    // Definition levels are usually all ones: compare 8 at a time.
    const std::uint64_t pattern = 0x0101010101010101ull * first;
    while (j + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, v + j, 8);
      if (word != pattern) break;
      j += 8;
    }
  }
  while (j < n && v[j] == first) ++j;
  return j - i;
}

void AppendRleRun(std::uint32_t value, std::size_t count, int bit_width, ByteBuffer* out) {
  AppendUleb128(static_cast<std::uint64_t>(count) << 1, out);
  const int value_bytes = (bit_width + 7) / 8;
  for (int b = 0; b < value_bytes; ++b) out->PushBack(static_cast<std::uint8_t>(value >> (8 * b)));
}

// Bit-packs count values, padded with zeros to a multiple of 8.
template <typename T>
void AppendBitPackedRun(const T* v, std::size_t count, int bit_width, ByteBuffer* out) {
  const std::size_t groups = (count + 7) / 8;
  AppendUleb128((static_cast<std::uint64_t>(groups) << 1) | 1, out);
  const std::size_t bytes = groups * static_cast<std::size_t>(bit_width);
  char* dst = out->AppendSpace(bytes);
  // Values enter the accumulator at its high end and leave 32 bits at a time from its low end:
  // that is the LSB-first order the format wants, written as little-endian words.
  std::uint64_t acc = 0;
  int bits = 0;
  std::size_t written = 0;
  const std::size_t padded = groups * 8;
  for (std::size_t k = 0; k < padded; ++k) {
    const std::uint64_t value = k < count ? static_cast<std::uint64_t>(v[k]) : 0;
    acc |= value << bits;
    bits += bit_width;
    if (bits >= 32) {
      const auto word = static_cast<std::uint32_t>(acc);
      std::memcpy(dst + written, &word, 4);
      written += 4;
      acc >>= 32;
      bits -= 32;
    }
  }
  // 8 * bit_width bits per group: whatever is left is a whole number of bytes.
  for (; bits > 0; bits -= 8) {
    dst[written++] = static_cast<char>(acc & 0xff);
    acc >>= 8;
  }
  out->resize(out->size() + bytes);
}

template <typename T>
void AppendHybrid(const T* v, std::size_t n, int bit_width, ByteBuffer* out) {
  std::size_t literal_start = 0;
  std::size_t i = 0;
  while (i < n) {
    const std::size_t run = RunLength(v, i, n);
    if (run >= kMinRleRun) {
      const std::size_t literals = i - literal_start;
      // Complete the literals' last group of 8 with values of this run.
      const std::size_t borrowed = (8 - literals % 8) % 8;
      if (literals > 0) AppendBitPackedRun(v + literal_start, literals + borrowed, bit_width, out);
      AppendRleRun(static_cast<std::uint32_t>(v[i]), run - borrowed, bit_width, out);
      literal_start = i + run;
    }
    i += run;
  }
  if (literal_start < n) AppendBitPackedRun(v + literal_start, n - literal_start, bit_width, out);
}

}  // namespace

int BitWidthFor(std::uint32_t max_value) {
  return max_value == 0 ? 1 : static_cast<int>(std::bit_width(max_value));
}

void AppendUleb128(std::uint64_t v, ByteBuffer* out) {
  while (v >= 0x80) {
    out->PushBack(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out->PushBack(static_cast<std::uint8_t>(v));
}

void AppendRleHybrid(std::span<const std::uint32_t> values, int bit_width, ByteBuffer* out) {
  AppendHybrid(values.data(), values.size(), bit_width, out);
}

void AppendRleHybrid(std::span<const std::uint8_t> bits, ByteBuffer* out) {
  AppendHybrid(bits.data(), bits.size(), 1, out);
}

void AppendDefinitionLevels(std::span<const std::uint8_t> defined, ByteBuffer* out) {
  const std::size_t length_at = out->size();
  out->AppendLittleEndian<std::uint32_t>(0);
  AppendRleHybrid(defined, out);
  const auto length = static_cast<std::uint32_t>(out->size() - length_at - 4);
  std::memcpy(out->data() + length_at, &length, 4);
}

}  // namespace ingot::parquet
