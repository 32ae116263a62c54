#include "persist/file_name.h"

#include <unistd.h>

#include <charconv>
#include <climits>

namespace ingot::persist {

namespace {

constexpr std::string_view kSuffix = ".parquet";

bool IsNodeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

template <typename T>
bool ParseNumber(std::string_view text, T& value) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

// The next '_'-separated part of `rest` (consumed).
std::string_view NextPart(std::string_view& rest) {
  const std::size_t cut = rest.find('_');
  std::string_view part = rest.substr(0, cut);
  rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 1);
  return part;
}

}  // namespace

std::string ParquetFileName::Format() const {
  std::string name = std::to_string(created_us);
  if (has_wal_range) {
    name += "_w" + std::to_string(wal_min) + "-" + std::to_string(wal_max);
  }
  name += "_" + unique;
  if (!node.empty()) name += "_" + node;
  return name + std::string(kSuffix);
}

bool ParquetFileName::Parse(std::string_view name, ParquetFileName& out) {
  if (!name.ends_with(kSuffix)) return false;
  std::string_view rest = name.substr(0, name.size() - kSuffix.size());
  ParquetFileName parsed;
  if (!ParseNumber(NextPart(rest), parsed.created_us) || rest.empty()) return false;
  std::string_view part = NextPart(rest);
  if (part.starts_with('w')) {
    const std::size_t dash = part.find('-');
    if (dash == std::string_view::npos || !ParseNumber(part.substr(1, dash - 1), parsed.wal_min) ||
        !ParseNumber(part.substr(dash + 1), parsed.wal_max) || parsed.wal_min > parsed.wal_max) {
      return false;
    }
    parsed.has_wal_range = true;
    part = NextPart(rest);
  }
  if (part.empty()) return false;
  for (char c : part) {
    if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') && c != 'c') return false;
  }
  parsed.unique = std::string(part);
  if (!rest.empty()) {
    if (!IsValidNodeId(rest)) return false;
    parsed.node = std::string(rest);
  }
  // Only the canonical spelling (no leading zeros, no empty parts), so one file has one name.
  if (parsed.Format() != name) return false;
  out = std::move(parsed);
  return true;
}

bool IsValidNodeId(std::string_view id) {
  if (id.empty() || id.size() > 63 || id.front() == '.' || id.front() == '-') return false;
  for (char c : id) {
    if (!IsNodeChar(c)) return false;
  }
  return true;
}

std::string DefaultNodeId() {
  char host[HOST_NAME_MAX + 1] = {};
  std::string id;
  if (gethostname(host, sizeof(host) - 1) == 0) id = host;
  for (char& c : id) {
    if (!IsNodeChar(c)) c = '-';
  }
  while (!id.empty() && (id.front() == '.' || id.front() == '-')) id.erase(0, 1);
  if (id.size() > 63) id.resize(63);
  return id.empty() ? "node" : id;
}

}  // namespace ingot::persist
