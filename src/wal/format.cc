#include "wal/format.h"

#include <charconv>

namespace ingot::wal {

namespace {
constexpr std::size_t kSeqDigits = 20;  // enough for any u64
constexpr std::string_view kSegmentSuffix = ".wal";
}  // namespace

std::string SegmentFileName(std::uint64_t first_seq) {
  std::string name(kSeqDigits, '0');
  for (std::size_t i = kSeqDigits; first_seq != 0; first_seq /= 10) {
    name[--i] = static_cast<char>('0' + first_seq % 10);
  }
  return name.append(kSegmentSuffix);
}

std::optional<std::uint64_t> ParseSegmentFileName(std::string_view name) {
  if (name.size() != kSeqDigits + kSegmentSuffix.size() || !name.ends_with(kSegmentSuffix)) {
    return std::nullopt;
  }
  std::uint64_t seq = 0;
  const char* end = name.data() + kSeqDigits;
  for (const char* p = name.data(); p != end; ++p) {
    if (*p < '0' || *p > '9') return std::nullopt;
  }
  auto [ptr, ec] = std::from_chars(name.data(), end, seq);
  if (ec != std::errc() || ptr != end) return std::nullopt;  // out of range for u64
  return seq;
}

}  // namespace ingot::wal
