#include "parquet/plain_encoder.h"

#include <bit>
#include <cstring>

namespace ingot::parquet {

static_assert(std::endian::native == std::endian::little,
              "PLAIN is little-endian; big-endian hosts would need byte swaps here");

void AppendPlain(std::span<const std::int64_t> values, ByteBuffer* out) {
  out->Append(values.data(), values.size_bytes());
}

void AppendPlain(std::span<const double> values, ByteBuffer* out) {
  out->Append(values.data(), values.size_bytes());
}

void AppendPlainBooleans(std::span<const std::uint8_t> values, ByteBuffer* out) {
  const std::size_t bytes = (values.size() + 7) / 8;
  char* dst = out->AppendSpace(bytes);
  std::memset(dst, 0, bytes);
  for (std::size_t i = 0; i < values.size(); ++i) {
    dst[i / 8] = static_cast<char>(dst[i / 8] | ((values[i] & 1) << (i % 8)));
  }
  out->resize(out->size() + bytes);
}

void AppendPlainByteArrays(std::span<const std::uint32_t> offsets, const char* bytes,
                           ByteBuffer* out) {
  if (offsets.size() < 2) return;
  const std::size_t n = offsets.size() - 1;
  const std::size_t total = 4 * n + (offsets[n] - offsets[0]);
  char* dst = out->AppendSpace(total);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t length = offsets[i + 1] - offsets[i];
    std::memcpy(dst, &length, 4);
    std::memcpy(dst + 4, bytes + offsets[i], length);
    dst += 4 + length;
  }
  out->resize(out->size() + total);
}

}  // namespace ingot::parquet
