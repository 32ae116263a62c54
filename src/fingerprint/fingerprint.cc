#include "fingerprint/fingerprint.h"

#include <xxhash.h>

#include <array>
#include <cstring>
#include <string>

namespace ingot::fingerprint {

namespace {

// Byte classes, one table lookup per byte on the scanning loop.
enum : std::uint16_t {
  kSpace = 1,      // collapsed into one ' '
  kSeparator = 2,  // , ; ( ) [ ] { } < > | = : kept as they are, end a token
  kDigit = 4,
  kHexLetter = 8,
  kLetter = 16,  // ASCII letters (hex letters included)
  kLineEnd = 32,
  kPathDelim = 64,  // / ? & # : split a token that no whole-token rule matched
  kPunct = 128,     // any other ASCII punctuation: splits a segment into pieces
  kDoubleQuote = 256,
  kAt = 512,
};
// Bytes that end a token: spaces, separators, double quotes and line ends.
constexpr std::uint16_t kTokenEnd = kSpace | kSeparator | kLineEnd | kDoubleQuote;

constexpr std::array<std::uint16_t, 256> MakeClasses() {
  std::array<std::uint16_t, 256> c{};
  for (unsigned char b : std::string_view(" \t\v\f")) c[b] |= kSpace;
  for (unsigned char b : std::string_view(",;()[]{}<>|=")) c[b] |= kSeparator;
  for (unsigned char b = '0'; b <= '9'; ++b) c[b] |= kDigit;
  for (unsigned char b = 'a'; b <= 'z'; ++b) c[b] |= kLetter;
  for (unsigned char b = 'A'; b <= 'Z'; ++b) c[b] |= kLetter;
  for (unsigned char b : std::string_view("abcdefABCDEF")) c[b] |= kHexLetter;
  c['\n'] |= kLineEnd;
  c['\r'] |= kLineEnd;
  for (unsigned char b : std::string_view("/?&#:")) c[b] |= kPathDelim;
  for (unsigned char b : std::string_view("!$%*+-.@\\^_`~'")) c[b] |= kPunct;
  c['"'] |= kDoubleQuote;
  c['@'] |= kAt;
  return c;
}
constexpr std::array<std::uint16_t, 256> kClasses = MakeClasses();

inline std::uint16_t ClassOf(char c) { return kClasses[static_cast<unsigned char>(c)]; }
inline bool IsDigit(char c) { return ClassOf(c) & kDigit; }
inline bool IsHex(char c) { return ClassOf(c) & (kDigit | kHexLetter); }
inline bool IsLetter(char c) { return ClassOf(c) & kLetter; }
inline bool IsAlnum(char c) { return ClassOf(c) & (kDigit | kLetter); }

// Between `min` and `max` digits at s[i...], not followed by another digit; advances i.
bool Digits(std::string_view s, std::size_t& i, std::size_t min, std::size_t max) {
  std::size_t n = 0;
  while (i < s.size() && n < max && IsDigit(s[i])) ++i, ++n;
  return n >= min && (i == s.size() || !IsDigit(s[i]));
}

// 8-4-4-4-12 hex digits.
bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

// "0x1f", or 16 or more hex digits (hashes, trace and span ids).
bool IsHexNumber(std::string_view s) {
  std::size_t i = 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    i = 2;
  } else if (s.size() < 16) {
    return false;
  }
  for (; i < s.size(); ++i) {
    if (!IsHex(s[i])) return false;
  }
  return true;
}

// Up to 4 bytes as one integer, to compare short names without memcmp.
constexpr std::uint32_t Pack(std::string_view s) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < s.size() && i < 4; ++i) {
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(s[i])) << (8 * i);
  }
  return v;
}

// Units a number may carry: durations, sizes, rates, percentages.
bool IsUnit(std::string_view u) {
  static constexpr std::string_view kUnits[] = {
      "ns",  "us",   "\xC2\xB5s", "ms",   "s",   "sec", "secs", "m",   "min", "mins", "h",  "hr",
      "hrs", "d",    "day",       "days", "w",   "y",   "B",    "b",   "KB",  "kB",   "MB", "GB",
      "TB",  "PB",   "KiB",       "MiB",  "GiB", "TiB", "PiB",  "K",   "k",   "M",    "G",  "T",
      "bps", "Kbps", "Mbps",      "Gbps", "%",   "x",   "rps",  "qps", "ops", "px"};
  static constexpr auto kPacked = [] {
    std::array<std::uint32_t, std::size(kUnits)> packed{};
    for (std::size_t i = 0; i < packed.size(); ++i) packed[i] = Pack(kUnits[i]);
    return packed;
  }();
  if (u.size() > 4) return false;
  const std::uint32_t v = Pack(u);
  for (std::uint32_t unit : kPacked) {
    if (v == unit) return true;
  }
  return false;
}

// [+-]digits[.digits][e[+-]digits][unit]: 42, -3.5, 1e9, 30s, 12.5ms, 4KiB, 99%.
bool IsNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  const std::size_t start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == start) return false;
  if (i + 1 < s.size() && s[i] == '.' && IsDigit(s[i + 1])) {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i + 1 < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
    if (j < s.size() && IsDigit(s[j])) {
      i = j;
      while (i < s.size() && IsDigit(s[i])) ++i;
    }
  }
  return i == s.size() || IsUnit(s.substr(i));
}

// a.b.c.d (each 0-255) with an optional ":port" or "/prefix".
bool IsIpv4(std::string_view s) {
  std::size_t i = 0;
  for (int group = 0; group < 4; ++group) {
    if (group > 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
    const std::size_t start = i;
    int value = 0;
    while (i < s.size() && IsDigit(s[i]) && i - start < 3) value = value * 10 + (s[i++] - '0');
    if (i == start || value > 255 || (i < s.size() && IsDigit(s[i]))) return false;
  }
  if (i == s.size()) return true;
  if (s[i] != ':' && s[i] != '/') return false;
  ++i;
  return Digits(s, i, 1, 5) && i == s.size();
}

// Hex groups and colons with at least two colons ("fe80::1", "2001:db8::8a2e:370:7334"),
// optionally ending in an IPv4 address ("::ffff:10.0.0.1") or a zone ("fe80::1%eth0").
bool IsIpv6(std::string_view s) {
  if (s.size() < 2) return false;
  int colons = 0;
  std::size_t group = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ':') {
      ++colons;
      group = 0;
    } else if (IsHex(s[i]) && ++group <= 4) {
      continue;
    } else if (s[i] == '%' && colons >= 2 && i + 1 < s.size()) {
      for (std::size_t j = i + 1; j < s.size(); ++j) {  // a zone: fe80::1%eth0
        if (!IsAlnum(s[j])) return false;
      }
      return true;
    } else if (s[i] == '.' && colons >= 2) {
      const std::size_t start = s.rfind(':', i) + 1;
      return IsIpv4(s.substr(start));
    } else {
      return false;
    }
  }
  return colons >= 2;
}

// Month and weekday names (English, as logs write them). Most tokens are rejected by their
// first byte and length before any comparison.
bool MayBeName(std::string_view s) {
  return s.size() >= 3 && s.size() <= 9 && s[0] >= 'A' && s[0] <= 'Z';
}
bool IsMonth(std::string_view s) {
  if (!MayBeName(s)) return false;
  static constexpr std::string_view kMonths[] = {
      "Jan",  "Feb",  "Mar",    "Apr",       "May",     "Jun",      "Jul",     "Aug",
      "Sep",  "Oct",  "Nov",    "Dec",       "January", "February", "March",   "April",
      "June", "July", "August", "September", "October", "November", "December"};
  for (std::string_view m : kMonths) {
    if (s == m) return true;
  }
  return false;
}
bool IsWeekday(std::string_view s) {
  if (!MayBeName(s)) return false;
  static constexpr std::string_view kDays[] = {
      "Mon",    "Tue",     "Wed",       "Thu",      "Fri",    "Sat",      "Sun",
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  for (std::string_view d : kDays) {
    if (s == d) return true;
  }
  return false;
}

// yyyy-mm-dd, yyyy/mm/dd, yyyy.mm.dd, dd/mm/yyyy (and with - or .), dd/Mon/yyyy; advances i.
bool ParseDate(std::string_view s, std::size_t& i) {
  std::size_t j = i;
  if (Digits(s, j, 4, 4) && j < s.size() && (s[j] == '-' || s[j] == '/' || s[j] == '.')) {
    const char sep = s[j++];
    if (Digits(s, j, 1, 2) && j < s.size() && s[j] == sep && Digits(s, ++j, 1, 2)) {
      i = j;
      return true;
    }
  }
  j = i;
  if (Digits(s, j, 1, 2) && j < s.size() && (s[j] == '-' || s[j] == '/' || s[j] == '.')) {
    const char sep = s[j++];
    const std::size_t month = j;
    bool month_ok = Digits(s, j, 1, 2);
    if (!month_ok) {
      j = month;
      while (j < s.size() && IsLetter(s[j])) ++j;
      month_ok = IsMonth(s.substr(month, j - month));
    }
    if (month_ok && j < s.size() && s[j] == sep && Digits(s, ++j, 4, 4)) {
      i = j;
      return true;
    }
  }
  return false;
}

// h:mm, hh:mm:ss, with a fraction and a zone (Z, +hh, +hhmm, +hh:mm); advances i.
bool ParseTime(std::string_view s, std::size_t& i) {
  std::size_t j = i;
  if (!Digits(s, j, 1, 2) || j >= s.size() || s[j] != ':' || !Digits(s, ++j, 2, 2)) return false;
  if (j < s.size() && s[j] == ':' && j + 1 < s.size() && IsDigit(s[j + 1])) {
    if (!Digits(s, ++j, 2, 2)) return false;
    if (j + 1 < s.size() && s[j] == '.' && IsDigit(s[j + 1])) {
      ++j;
      while (j < s.size() && IsDigit(s[j])) ++j;
    }
  }
  if (j < s.size() && (s[j] == 'Z' || s[j] == 'z')) {
    ++j;
  } else if (j + 1 < s.size() && (s[j] == '+' || s[j] == '-') && IsDigit(s[j + 1])) {
    std::size_t k = j + 1;
    if (Digits(s, k, 2, 4)) {
      std::size_t minutes = k + 1;
      if (k - j == 3 && k < s.size() && s[k] == ':' && Digits(s, minutes, 2, 2)) k = minutes;
      j = k;
    }
  }
  i = j;
  return true;
}

// A date, a time, or a date and a time joined by T, _ or : (common log format).
bool IsTime(std::string_view s) {
  std::size_t i = 0;
  if (ParseDate(s, i)) {
    if (i == s.size()) return true;
    if (s[i] != 'T' && s[i] != 't' && s[i] != '_' && s[i] != ':') return false;
    ++i;
  }
  return ParseTime(s, i) && i == s.size();
}

// local@domain.tld
bool IsEmail(std::string_view s) {
  const std::size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= s.size()) return false;
  for (std::size_t i = 0; i < at; ++i) {
    if (!IsAlnum(s[i]) && !std::strchr("._%+-", s[i])) return false;
  }
  bool dot = false;
  for (std::size_t i = at + 1; i < s.size(); ++i) {
    if (s[i] == '.') {
      dot = true;
    } else if (!IsAlnum(s[i]) && s[i] != '-') {
      return false;
    }
  }
  return dot && s.back() != '.';
}

// The placeholder for a whole token or segment, or empty when no rule matches it.
// Numbers first: they are the commonest, and a number of 16 digits or more (a nanosecond
// timestamp) is a number, not a hash.
std::string_view WholeRule(std::string_view s) {
  if (IsNumber(s)) return kNum;
  if (IsUuid(s)) return kUuid;
  if (IsTime(s)) return kTime;
  if (IsIpv4(s) || IsIpv6(s)) return kIp;
  if (IsHexNumber(s)) return kHex;
  if (IsEmail(s)) return kEmail;
  return {};
}

// Whether `s` holds no digit and cannot be a hex hash or an e-mail: a word, kept as it is.
bool IsPlainWord(std::string_view s) {
  std::size_t hex_run = 0;
  for (char c : s) {
    const std::uint16_t cls = ClassOf(c);
    if (cls & kDigit || c == '@') return false;
    hex_run = cls & kHexLetter ? hex_run + 1 : 0;
    if (hex_run >= 16) return false;
  }
  return true;
}

// The next token after position `i` (past spaces) of `line`, and where it ends.
std::string_view PeekToken(std::string_view line, std::size_t i, std::size_t& end) {
  while (i < line.size() && ClassOf(line[i]) & kSpace) ++i;
  std::size_t j = i;
  while (j < line.size() && !(ClassOf(line[j]) & kTokenEnd)) ++j;
  end = j;
  return line.substr(i, j - i);
}

// The end of a quoted string opening at `line[i]`, or npos when it is not closed on this line.
std::size_t QuoteEnd(std::string_view line, std::size_t i) {
  const char quote = line[i];
  for (std::size_t j = i + 1; j < line.size(); ++j) {
    if (line[j] == '\\') {
      ++j;
    } else if (line[j] == quote &&
               (quote == '"' || j + 1 == line.size() || !IsAlnum(line[j + 1]))) {
      return j + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view Fingerprinter::Template(std::string_view message) {
  out_.clear();
  std::string_view line = message.substr(0, kMaxMessageBytes);
  if (const void* lf = std::memchr(line.data(), '\n', line.size())) {
    line = line.substr(0, static_cast<const char*>(lf) - line.data());
  }
  if (const void* cr = std::memchr(line.data(), '\r', line.size())) {
    line = line.substr(0, static_cast<const char*>(cr) - line.data());
  }
  while (!line.empty() && ClassOf(line.front()) & kSpace) line.remove_prefix(1);
  while (!line.empty() && ClassOf(line.back()) & kSpace) line.remove_suffix(1);
  const char* p = line.data();
  const std::size_t n = line.size();
  // What stays as it is (words, separators, single spaces) is copied in spans: [kept, i) is
  // the span not appended yet.
  std::size_t kept = 0;
  auto replace = [&](std::size_t from, std::string_view with) {
    out_.append(p + kept, from - kept);
    out_ += with;
  };
  std::size_t i = 0;
  while (i < n) {
    const char c = p[i];
    const std::uint16_t cls = ClassOf(c);
    if (cls & kSpace) {
      if (c == ' ' && !(ClassOf(p[i + 1]) & kSpace)) {  // (no space ends the line)
        ++i;
        continue;
      }
      replace(i, " ");
      while (ClassOf(p[i]) & kSpace) ++i;
      kept = i;
      continue;
    }
    if (c == '"' || (c == '\'' && (i == 0 || !IsAlnum(p[i - 1])))) {
      const std::size_t end = QuoteEnd(line, i);
      if (end != std::string_view::npos) {
        replace(i, kString);
        i = kept = end;
        continue;
      }
      ++i;  // an unclosed quote is kept
      continue;
    }
    if (cls & kSeparator) {
      ++i;
      continue;
    }
    // A token: one pass for its end and what its bytes are.
    std::size_t end = i;
    std::uint16_t seen = 0;
    for (; end < n; ++end) {
      const std::uint16_t k = ClassOf(p[end]);
      if (k & kTokenEnd) break;
      seen |= k;
    }
    const std::string_view token = line.substr(i, end - i);
    if (MayBeName(token)) {
      // "Oct 10" and "Dec  3" of syslog lines; "Mon" of "Mon Dec 3 ..." (the month follows).
      std::size_t next = end;
      while (next < n && ClassOf(p[next]) & kSpace) ++next;
      std::size_t next_end;
      if (next < n && IsDigit(p[next]) && IsMonth(token)) {
        const std::string_view day = PeekToken(line, next, next_end);
        std::size_t d = 0;
        if (Digits(day, d, 1, 2) && d == day.size()) {
          replace(i, kTime);
          i = kept = next_end;
          continue;
        }
      } else if (next < n && p[next] >= 'A' && p[next] <= 'Z' && IsWeekday(token) &&
                 IsMonth(PeekToken(line, next, next_end))) {
        replace(i, kTime);
        i = kept = end;
        continue;
      }
    }
    if (!(seen & (kDigit | kAt)) && (token.size() < 16 || IsPlainWord(token))) {
      i = end;  // a word, kept
      continue;
    }
    out_.append(p + kept, i - kept);
    AppendToken(token);
    i = kept = end;
  }
  out_.append(p + kept, n - kept);
  return out_;
}

void Fingerprinter::AppendToken(std::string_view token) {
  if (IsPlainWord(token)) {
    out_ += token;
    return;
  }
  if (std::string_view rule = WholeRule(token); !rule.empty()) {
    out_ += rule;
    return;
  }
  // A path, URL or compound: each part between / ? & # : on its own.
  std::size_t start = 0;
  for (std::size_t i = 0; i <= token.size(); ++i) {
    if (i == token.size() || ClassOf(token[i]) & kPathDelim) {
      if (i > start) AppendSegment(token.substr(start, i - start));
      if (i < token.size()) out_ += token[i];
      start = i + 1;
    }
  }
}

void Fingerprinter::AppendSegment(std::string_view segment) {
  if (IsPlainWord(segment)) {
    out_ += segment;
    return;
  }
  if (std::string_view rule = WholeRule(segment); !rule.empty()) {
    out_ += rule;
    return;
  }
  // Pieces between other punctuation: words stay, numbers are <NUM>, the rest with digits <ID>.
  std::size_t start = 0;
  for (std::size_t i = 0; i <= segment.size(); ++i) {
    if (i == segment.size() || ClassOf(segment[i]) & kPunct) {
      const std::string_view piece = segment.substr(start, i - start);
      if (IsPlainWord(piece)) {
        out_ += piece;
      } else if (IsHexNumber(piece)) {
        out_ += kHex;
      } else if (IsNumber(piece)) {
        out_ += kNum;
      } else {
        out_ += kId;
      }
      if (i < segment.size()) out_ += segment[i];
      start = i + 1;
    }
  }
}

std::int64_t Fingerprinter::Hash(std::string_view template_text) {
  const XXH64_hash_t h = XXH3_64bits(template_text.data(), template_text.size());
  std::int64_t out;
  std::memcpy(&out, &h, sizeof(out));
  return out;
}

std::int64_t FingerprintMessage(std::string_view message, std::string_view& template_text) {
  thread_local Fingerprinter fingerprinter;
  template_text = fingerprinter.Template(message);
  return Fingerprinter::Hash(template_text);
}

}  // namespace ingot::fingerprint
