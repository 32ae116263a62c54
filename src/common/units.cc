#include "common/units.h"

#include <cctype>
#include <charconv>
#include <string>

namespace ingot {

namespace {

// Splits "64MiB" into 64 and "mib" (lowercased); fails on a missing or malformed number.
bool SplitNumber(std::string_view text, double& number, std::string& unit) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, number);
  if (ec != std::errc() || number < 0) return false;
  unit.clear();
  for (; p != end; ++p) {
    if (!std::isspace(static_cast<unsigned char>(*p))) {
      unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(*p))));
    }
  }
  return true;
}

}  // namespace

Result<std::uint64_t> ParseBytes(std::string_view text) {
  double number;
  std::string unit;
  if (!SplitNumber(text, number, unit)) {
    return Status::InvalidInput("not a size: \"" + std::string(text) + "\" (e.g. 64MiB)");
  }
  struct Unit {
    const char* name;
    double factor;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},
      {"b", 1},
      {"k", 1024},
      {"kib", 1024},
      {"kb", 1e3},
      {"m", 1048576.0},
      {"mib", 1048576.0},
      {"mb", 1e6},
      {"g", 1073741824.0},
      {"gib", 1073741824.0},
      {"gb", 1e9},
      {"t", 1099511627776.0},
      {"tib", 1099511627776.0},
      {"tb", 1e12},
  };
  for (const Unit& u : kUnits) {
    if (unit == u.name) return static_cast<std::uint64_t>(number * u.factor);
  }
  return Status::InvalidInput("unknown size unit \"" + unit + "\" in \"" + std::string(text) +
                              "\" (use B, KiB, MiB, GiB, KB, MB, GB)");
}

Result<std::int64_t> ParseDurationMicros(std::string_view text) {
  double number;
  std::string unit;
  if (!SplitNumber(text, number, unit)) {
    return Status::InvalidInput("not a duration: \"" + std::string(text) + "\" (e.g. 60s)");
  }
  struct Unit {
    const char* name;
    double micros;
  };
  static constexpr Unit kUnits[] = {
      {"us", 1}, {"ms", 1e3}, {"", 1e6}, {"s", 1e6}, {"m", 60e6}, {"h", 3600e6}, {"d", 86400e6},
  };
  for (const Unit& u : kUnits) {
    if (unit == u.name) return static_cast<std::int64_t>(number * u.micros);
  }
  return Status::InvalidInput("unknown duration unit \"" + unit + "\" in \"" + std::string(text) +
                              "\" (use ms, s, m, h, d)");
}

}  // namespace ingot
