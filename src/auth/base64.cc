#include "auth/base64.h"

#include <array>
#include <cstdint>

namespace ingot::auth {

namespace {

constexpr std::string_view kStandard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlSafe =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr unsigned char kInvalid = 0xff;

constexpr std::array<unsigned char, 256> MakeDecodeTable() {
  std::array<unsigned char, 256> table{};
  for (auto& v : table) v = kInvalid;
  for (std::size_t i = 0; i < kStandard.size(); ++i) {
    table[static_cast<unsigned char>(kStandard[i])] = static_cast<unsigned char>(i);
  }
  return table;
}

constexpr std::array<unsigned char, 256> kDecode = MakeDecodeTable();

// The characters of `text` that carry data: without the padding, or npos when the padding is
// malformed (more than two '=', or a length that no encoding has).
std::size_t DataLength(std::string_view text) {
  std::size_t n = text.size();
  if (n % 4 == 0 && n >= 4) {
    if (text[n - 1] == '=') --n;
    if (text[n - 1] == '=') --n;
  }
  if (n % 4 == 1) return std::string_view::npos;
  return n;
}

}  // namespace

std::string Base64Encode(std::span<const unsigned char> bytes, Base64Alphabet alphabet, bool pad) {
  const std::string_view chars = alphabet == Base64Alphabet::kStandard ? kStandard : kUrlSafe;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) |
                            std::uint32_t{bytes[i + 2]};
    out.push_back(chars[(v >> 18) & 63]);
    out.push_back(chars[(v >> 12) & 63]);
    out.push_back(chars[(v >> 6) & 63]);
    out.push_back(chars[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    if (rest == 2) v |= std::uint32_t{bytes[i + 1]} << 8;
    out.push_back(chars[(v >> 18) & 63]);
    out.push_back(chars[(v >> 12) & 63]);
    if (rest == 2) out.push_back(chars[(v >> 6) & 63]);
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

std::size_t Base64DecodedSize(std::string_view text) {
  const std::size_t n = DataLength(text);
  if (n == std::string_view::npos) return SIZE_MAX;
  for (std::size_t i = 0; i < n; ++i) {
    if (kDecode[static_cast<unsigned char>(text[i])] == kInvalid) return SIZE_MAX;
  }
  // The last character of a partial group carries bits past the end; they must be zero.
  if (n % 4 == 2 && (kDecode[static_cast<unsigned char>(text[n - 1])] & 0x0f) != 0) return SIZE_MAX;
  if (n % 4 == 3 && (kDecode[static_cast<unsigned char>(text[n - 1])] & 0x03) != 0) return SIZE_MAX;
  return n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
}

bool Base64Decode(std::string_view text, std::span<unsigned char> out) {
  const std::size_t size = Base64DecodedSize(text);
  if (size == SIZE_MAX || out.size() < size) return false;
  const std::size_t n = DataLength(text);
  std::size_t o = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc = (acc << 6) | kDecode[static_cast<unsigned char>(text[i])];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = static_cast<unsigned char>((acc >> bits) & 0xff);
    }
  }
  return o == size;
}

bool Base64Decode(std::string_view text, std::string& out) {
  const std::size_t size = Base64DecodedSize(text);
  if (size == SIZE_MAX) return false;
  out.resize(size);
  return Base64Decode(
      text, std::span<unsigned char>(reinterpret_cast<unsigned char*>(out.data()), out.size()));
}

}  // namespace ingot::auth
