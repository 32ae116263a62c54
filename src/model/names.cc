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

Result<std::string> StreamName(std::string_view raw, std::string_view what) {
  std::string name = SanitizeStreamName(raw);
  if (Status st = CheckStoredStreamName(name, what); !st.ok()) return st;
  return name;
}

Status CheckStoredStreamName(std::string_view name, std::string_view what) {
  if (name.empty()) return Status::InvalidInput(std::string(what) + " name is empty");
  if (name.size() > kMaxStreamNameBytes) {
    // The sanitized prefix is ASCII, safe in any answer or log line.
    return Status::InvalidInput(std::string(what) + " name \"" + std::string(name.substr(0, 32)) +
                                "...\" is " + std::to_string(name.size()) +
                                " bytes, over the limit of " + std::to_string(kMaxStreamNameBytes));
  }
  if (SanitizeStreamName(name) != name) {
    return Status::InvalidInput(std::string(what) + " name \"" + SanitizeStreamName(name) +
                                "\" has characters outside [a-z0-9_:]");
  }
  return Status::Ok();
}

}  // namespace ingot::model
