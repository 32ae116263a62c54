#include "model/names.h"

namespace ingot::model {

namespace {

// Length of the UTF-8 sequence that starts with byte `b` (1 for ASCII and for stray bytes, so that
// invalid UTF-8 still advances).
inline std::size_t Utf8SequenceLength(unsigned char b) {
  if (b < 0xC0) return 1;
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 3;
  return 4;
}

template <bool kAllowColon>
void AppendNormalized(std::string_view raw, std::string& out) {
  for (std::size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c + ('a' - 'A')));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
               (kAllowColon && c == ':')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('_');
      i += Utf8SequenceLength(c);
      continue;
    }
    ++i;
  }
}

}  // namespace

void AppendFormattedKey(std::string_view raw, std::string& out) {
  AppendNormalized<false>(raw, out);
}

std::string SanitizeStreamName(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  AppendNormalized<true>(raw, out);
  return out;
}

}  // namespace ingot::model
