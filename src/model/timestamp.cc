#include "model/timestamp.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

namespace ingot::model {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

static_assert(kMinTimestampMicros == DaysFromCivil(1, 1, 1) * 86400 * kMicrosPerSecond);
static_assert(kMaxTimestampMicros == DaysFromCivil(10000, 1, 1) * 86400 * kMicrosPerSecond - 1);

struct Cursor {
  std::string_view s;
  std::size_t pos = 0;

  bool done() const { return pos >= s.size(); }
  char peek() const { return done() ? '\0' : s[pos]; }
  // Reads exactly `n` digits.
  bool Digits(int n, int& out) {
    out = 0;
    for (int i = 0; i < n; ++i) {
      if (done() || s[pos] < '0' || s[pos] > '9') return false;
      out = out * 10 + (s[pos++] - '0');
    }
    return true;
  }
  bool Expect(char c) {
    if (peek() != c) return false;
    ++pos;
    return true;
  }
};

// Whether `s` is 1 to 19 decimal digits after an optional '-' (19 digits always fit in uint64).
bool AllDigits(std::string_view s) {
  std::size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (i == s.size() || s.size() - i > 19) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

std::int64_t EpochToMicros(std::int64_t v) {
  // Unsigned: -INT64_MIN does not fit in int64.
  const std::uint64_t magnitude =
      v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  if (magnitude < 10'000'000'000ULL) return v * kMicrosPerSecond;
  if (magnitude < 10'000'000'000'000ULL) return v * 1000;
  if (magnitude < 10'000'000'000'000'000ULL) return v;
  return v / 1000;
}

std::optional<std::int64_t> EpochToMicros(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  const double magnitude = std::fabs(v);
  double micros;
  if (magnitude < 1e10) {
    micros = v * 1e6;
  } else if (magnitude < 1e13) {
    micros = v * 1e3;
  } else if (magnitude < 1e16) {
    micros = v;
  } else {
    micros = v / 1e3;
  }
  if (std::fabs(micros) >= 9.2e18) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(micros));
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

std::int64_t CivilToMicros(int year, int month, int day, int hour, int minute, int second) {
  const std::int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60 * kMicrosPerSecond + second * kMicrosPerSecond;
}

std::optional<std::int64_t> ParseTimestamp(std::string_view text) {
  if (AllDigits(text)) {
    std::uint64_t v = 0;
    const bool negative = text[0] == '-';
    for (char c : text.substr(negative ? 1 : 0)) v = v * 10 + static_cast<unsigned>(c - '0');
    // Beyond int64: a double, as a JSON number of that size would be.
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      const double d = static_cast<double>(v);
      return EpochToMicros(negative ? -d : d);
    }
    const auto i = static_cast<std::int64_t>(v);
    return EpochToMicros(negative ? -i : i);
  }
  Cursor c{text};
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!c.Digits(4, year) || !c.Expect('-') || !c.Digits(2, month) || !c.Expect('-') ||
      !c.Digits(2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  std::int64_t fraction_us = 0;
  std::int64_t offset_seconds = 0;
  if (!c.done()) {
    if (c.peek() != 'T' && c.peek() != 't' && c.peek() != ' ') return std::nullopt;
    ++c.pos;
    if (!c.Digits(2, hour) || !c.Expect(':') || !c.Digits(2, minute)) return std::nullopt;
    if (c.Expect(':') && !c.Digits(2, second)) return std::nullopt;
    // 60 is allowed for leap seconds; it rolls into the next minute like most parsers do.
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (c.peek() == '.' || c.peek() == ',') {
      ++c.pos;
      int digits = 0;
      while (!c.done() && c.peek() >= '0' && c.peek() <= '9') {
        if (digits < 6) fraction_us = fraction_us * 10 + (c.peek() - '0');
        ++digits;
        ++c.pos;
      }
      if (digits == 0) return std::nullopt;
      for (int i = digits; i < 6; ++i) fraction_us *= 10;
    }
    if (c.peek() == 'Z' || c.peek() == 'z') {
      ++c.pos;
    } else if (c.peek() == '+' || c.peek() == '-') {
      const int sign = c.peek() == '-' ? -1 : 1;
      ++c.pos;
      int oh, om = 0;
      if (!c.Digits(2, oh)) return std::nullopt;
      if (c.Expect(':')) {
        if (!c.Digits(2, om)) return std::nullopt;
      } else if (!c.done()) {
        if (!c.Digits(2, om)) return std::nullopt;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset_seconds = sign * (oh * 3600 + om * 60);
    }
    if (!c.done()) return std::nullopt;
  }
  return CivilToMicros(year, month, day, hour, minute, second) + fraction_us -
         offset_seconds * kMicrosPerSecond;
}

std::string FormatTimestamp(std::int64_t micros) {
  std::int64_t seconds = micros / kMicrosPerSecond;
  std::int64_t frac = micros % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --seconds;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // civil_from_days (H. Hinnant).
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60),
                static_cast<long long>(frac));
  return buf;
}

std::string StorableRangeText() {
  return "[" + FormatTimestamp(kMinTimestampMicros) + ", " + FormatTimestamp(kMaxTimestampMicros) +
         "]";
}

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ingot::model
