#include "protocols/influx/line_protocol.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <vector>

#include "common/ascii.h"
#include "model/names.h"

namespace ingot::protocols::influx {

namespace {

using model::BatchBuilder;

enum class Kind : std::uint8_t { kTag, kString, kFloat, kInt, kUint, kBool };

// A tag or a field of the line being parsed: views into the body, escapes not yet undone.
struct Pair {
  std::string_view key;
  std::string_view value;  // a tag's value; a string field's text between the quotes
  Kind kind = Kind::kTag;
  bool key_escaped = false;
  bool value_escaped = false;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
};

// How many bytes of a bad line its error message quotes.
constexpr std::size_t kQuotedBytes = 64;

bool AtLineEnd(const char* q, const char* end) {
  return q == end || *q == '\n' || (*q == '\r' && (q + 1 == end || q[1] == '\n'));
}

// Which bytes end a token, one table per kind of token: a lookup per byte instead of a comparison
// per delimiter. Every table also stops at the bytes ScanToken looks at more closely: a backslash
// (an escape), LF and CR (the line end).
using StopTable = std::array<bool, 256>;
constexpr StopTable Stops(std::string_view delimiters) {
  StopTable t{};
  for (char c : delimiters) t[static_cast<unsigned char>(c)] = true;
  t['\\'] = t['\n'] = t['\r'] = true;
  return t;
}
constexpr StopTable kMeasurementStops = Stops(", ");
constexpr StopTable kKeyStops = Stops("=, ");  // tag and field keys
constexpr StopTable kTagValueStops = Stops(", ");
constexpr StopTable kValueStops = Stops(", ");  // unquoted field values: no escapes in them

// From `q` to the first byte of `stops` that no backslash escapes, or to the line end. `escaped`
// is set when the token holds a backslash (Unescape then has work to do).
const char* ScanToken(const char* q, const char* end, const StopTable& stops, bool& escaped) {
  for (;;) {
    while (q < end && !stops[static_cast<unsigned char>(*q)]) ++q;
    if (q == end) return q;
    const char c = *q;
    if (c == '\\') {
      if (q + 1 < end && q[1] != '\n') {
        escaped = true;
        q += 2;
      } else {
        ++q;
      }
      continue;
    }
    if (c == '\r' && !AtLineEnd(q, end)) {  // a CR inside a token is a byte like any other
      ++q;
      continue;
    }
    return q;
  }
}

// Measurement, tag keys and values, field keys: `\,` `\ ` `\=` `\\` are the character; any other
// backslash is itself.
void UnescapeName(std::string_view raw, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      const char n = raw[i + 1];
      if (n == ',' || n == ' ' || n == '=' || n == '\\') {
        out.push_back(n);
        ++i;
        continue;
      }
    }
    out.push_back(c);
  }
}

// String field values: `\"` and `\\` are the character; any other backslash is itself.
void UnescapeString(std::string_view raw, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size() && (raw[i + 1] == '"' || raw[i + 1] == '\\')) {
      out.push_back(raw[++i]);
      continue;
    }
    out.push_back(c);
  }
}

// Parses an unquoted field value: float, `i` integer, `u` unsigned, boolean. Returns why not.
const char* ParseValue(std::string_view v, Pair& f) {
  const char c = v.front();
  if (c == 't' || c == 'T' || c == 'f' || c == 'F') {
    f.kind = Kind::kBool;
    if (v == "t" || v == "T" || v == "true" || v == "True" || v == "TRUE") {
      f.b = true;
      return nullptr;
    }
    if (v == "f" || v == "F" || v == "false" || v == "False" || v == "FALSE") {
      f.b = false;
      return nullptr;
    }
    return "invalid boolean";
  }
  const char last = v.back();
  if (last == 'i' || last == 'u') {
    const char* first = v.data();
    const char* stop = v.data() + v.size() - 1;
    if (first == stop) return "invalid number";
    std::from_chars_result r;
    if (last == 'i') {
      f.kind = Kind::kInt;
      r = std::from_chars(first, stop, f.i);
    } else {
      f.kind = Kind::kUint;
      r = std::from_chars(first, stop, f.u);
    }
    if (r.ec == std::errc::result_out_of_range) {
      return last == 'i' ? "integer out of range" : "unsigned integer out of range";
    }
    if (r.ec != std::errc() || r.ptr != stop) return "invalid number";
    return nullptr;
  }
  // A float: digits, an optional fraction and exponent; no `inf`, `nan`, `+` or hex.
  const std::size_t digits_at = c == '-' ? 1 : 0;
  if (v.size() <= digits_at ||
      !((v[digits_at] >= '0' && v[digits_at] <= '9') || v[digits_at] == '.')) {
    return "invalid field value";
  }
  f.kind = Kind::kFloat;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), f.d, std::chars_format::general);
  if (r.ec == std::errc::result_out_of_range) return "float out of range";
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) return "invalid number";
  return nullptr;
}

// `ts` in `precision` as microseconds (floor for nanoseconds); false when it does not fit.
bool ToMicros(std::int64_t ts, Precision precision, std::int64_t& micros) {
  std::int64_t factor = 1;
  switch (precision) {
    case Precision::kNanoseconds: micros = ts / 1000 - (ts % 1000 < 0 ? 1 : 0); return true;
    case Precision::kMicroseconds: micros = ts; return true;
    case Precision::kMilliseconds: factor = 1000; break;
    case Precision::kSeconds: factor = 1'000'000; break;
    case Precision::kMinutes: factor = 60'000'000; break;
    case Precision::kHours: factor = 3'600'000'000; break;
  }
  return !__builtin_mul_overflow(ts, factor, &micros);
}

class Parser {
 public:
  Parser(std::string_view body, Precision precision, Decoded& out, LineErrors& errors)
      : begin_(body.data()),
        end_(body.data() + body.size()),
        precision_(precision),
        out_(out),
        errors_(errors),
        valid_utf8_(simdjson::validate_utf8(body.data(), body.size())) {}

  // Decodes every line; the number of points stored.
  std::size_t Run() {
    const char* p = begin_;
    std::size_t line = 0;
    while (p < end_) {
      ++line;
      while (p < end_ && (*p == ' ' || *p == '\t')) ++p;
      if (AtLineEnd(p, end_) || *p == '#') {  // blank line or comment
        const auto* newline = static_cast<const char*>(std::memchr(p, '\n', end_ - p));
        p = newline ? newline + 1 : end_;
        continue;
      }
      const char* start = p;
      newlines_ = 0;
      const char* why = ParseLine(p);
      if (why == nullptr) why = Store(start, p, line);
      if (why != nullptr) errors_.Add(line, Quote(start), why);
      // Past the line end (or, after an error, the next newline).
      const auto* newline = static_cast<const char*>(std::memchr(p, '\n', end_ - p));
      p = newline ? newline + 1 : end_;
      line += newlines_;
    }
    return stored_;
  }

 private:
  // Parses the point at `q` into measurement_, pairs_ and timestamp_us_, leaving `q` at its line
  // end; on failure returns why, with `q` where the line stopped making sense.
  const char* ParseLine(const char*& q) {
    pairs_.clear();
    measurement_escaped_ = false;
    const char* m_end = ScanToken(q, end_, kMeasurementStops, measurement_escaped_);
    if (m_end == q) return "missing measurement";
    measurement_ = {q, static_cast<std::size_t>(m_end - q)};
    q = m_end;
    while (q < end_ && *q == ',') {
      Pair& tag = pairs_.emplace_back();
      const char* k_end = ScanToken(++q, end_, kKeyStops, tag.key_escaped);
      if (k_end == q) return "missing tag key";
      if (k_end == end_ || *k_end != '=') {
        q = k_end;
        return "missing tag value";
      }
      tag.key = {q, static_cast<std::size_t>(k_end - q)};
      q = k_end + 1;
      const char* v_end = ScanToken(q, end_, kTagValueStops, tag.value_escaped);
      if (v_end == q) return "missing tag value";
      tag.value = {q, static_cast<std::size_t>(v_end - q)};
      q = v_end;
    }
    while (q < end_ && *q == ' ') ++q;
    if (AtLineEnd(q, end_)) return "missing fields";
    for (;;) {
      Pair& field = pairs_.emplace_back();
      const char* k_end = ScanToken(q, end_, kKeyStops, field.key_escaped);
      if (k_end == q) return "missing field key";
      if (k_end == end_ || *k_end != '=') {
        q = k_end;
        return "missing field value";
      }
      field.key = {q, static_cast<std::size_t>(k_end - q)};
      q = k_end + 1;
      if (q < end_ && *q == '"') {
        const char* s = ++q;
        for (;;) {
          if (q == end_) {
            // Not a string spanning lines after all: the next line starts after the quote's.
            q = s;
            newlines_ = 0;
            return "unterminated string field value";
          }
          const char c = *q;
          if (c == '\\' && q + 1 < end_ && (q[1] == '"' || q[1] == '\\')) {
            field.value_escaped = true;
            q += 2;
            continue;
          }
          if (c == '"') break;
          if (c == '\n') ++newlines_;  // a string may span lines
          ++q;
        }
        field.kind = Kind::kString;
        field.value = {s, static_cast<std::size_t>(q - s)};
        ++q;
      } else {
        const char* v_end = q;
        for (;;) {
          while (v_end < end_ && !kValueStops[static_cast<unsigned char>(*v_end)]) ++v_end;
          // A backslash or a CR inside the line is a byte of the value (then not a number).
          if (v_end == end_ || *v_end == ',' || *v_end == ' ' || AtLineEnd(v_end, end_)) break;
          ++v_end;
        }
        if (v_end == q) return "missing field value";
        if (const char* why = ParseValue({q, static_cast<std::size_t>(v_end - q)}, field)) {
          return why;
        }
        q = v_end;
      }
      if (q < end_ && *q == ',') {
        ++q;
        continue;
      }
      break;
    }
    has_timestamp_ = false;
    if (AtLineEnd(q, end_)) return nullptr;
    if (*q != ' ')
      return pairs_.back().kind == Kind::kString ? "invalid field format" : "invalid field value";
    while (q < end_ && *q == ' ') ++q;
    if (AtLineEnd(q, end_)) return nullptr;
    const char* t_end = q;
    while (!AtLineEnd(t_end, end_) && *t_end != ' ') ++t_end;
    std::int64_t ts = 0;
    const auto r = std::from_chars(q, t_end, ts);
    if (r.ec == std::errc::result_out_of_range) return "timestamp out of range";
    if (r.ec != std::errc() || r.ptr != t_end) return "invalid timestamp";
    if (!ToMicros(ts, precision_, timestamp_us_)) return "timestamp out of range";
    has_timestamp_ = true;
    q = t_end;
    while (q < end_ && *q == ' ') ++q;
    if (!AtLineEnd(q, end_)) return "unexpected text after the timestamp";
    return nullptr;
  }

  // Adds the parsed point (from `start` to `stop`, on line `line`) to its measurement's stream;
  // why not when it cannot be.
  const char* Store(const char* start, const char* stop, std::size_t line) {
    const std::uint64_t max_bytes = out_.options().max_record_bytes;
    if (max_bytes != 0 && static_cast<std::uint64_t>(stop - start) > max_bytes) {
      message_ = "the line is " + std::to_string(stop - start) + " bytes, over the limit of " +
                 std::to_string(max_bytes) + " (--max-record-size)";
      return message_.c_str();
    }
    if (!valid_utf8_ && !simdjson::validate_utf8(start, static_cast<std::size_t>(stop - start))) {
      return "invalid UTF-8";
    }
    const Measurement& m = StreamOf(measurement_, measurement_escaped_);
    if (m.stream == nullptr) return m.error.c_str();
    BatchBuilder& b = m.stream->builder;
    b.BeginRecord();
    b.SetTimestamp(has_timestamp_ ? timestamp_us_ : out_.options().now_us);
    for (const Pair& pair : pairs_) {
      std::string_view key = pair.key;
      if (pair.key_escaped) {
        UnescapeName(key, key_);
        key = key_;
      }
      const BatchBuilder::FieldId id = b.Child(BatchBuilder::kRoot, key);
      switch (pair.kind) {
        case Kind::kTag:
        case Kind::kString: {
          std::string_view value = pair.value;
          if (pair.value_escaped) {
            if (pair.kind == Kind::kTag) {
              UnescapeName(value, value_);
            } else {
              UnescapeString(value, value_);
            }
            value = value_;
          }
          b.AddString(id, value);
          break;
        }
        case Kind::kFloat: b.AddDouble(id, pair.d); break;
        case Kind::kInt: b.AddInt(id, pair.i); break;
        case Kind::kUint: b.AddUint(id, pair.u); break;
        case Kind::kBool: b.AddBool(id, pair.b); break;
      }
    }
    if (!b.EndRecord(&message_)) {
      m.stream->RecordFailure("line " + std::to_string(line) + ": " + message_);
      return message_.c_str();
    }
    ++stored_;
    return nullptr;
  }

  struct Measurement {
    std::string raw;  // as the line spells it
    StreamRecords* stream = nullptr;
    std::string error;  // why there is no stream
  };

  // The stream of the measurement spelled `raw`: the last few are remembered, so the name is
  // unescaped and checked once per request, not once per line.
  const Measurement& StreamOf(std::string_view raw, bool escaped) {
    for (const Measurement& m : measurements_) {
      if (m.raw == raw) return m;
    }
    Measurement& m = measurements_.size() < kRemembered
                         ? measurements_.emplace_back()
                         : measurements_[next_evicted_++ % kRemembered];
    m.raw = raw;
    m.stream = nullptr;
    m.error.clear();
    if (escaped) {
      UnescapeName(raw, key_);
      raw = key_;
    }
    Result<std::string> name = model::StreamName(raw, "measurement");
    if (!name.ok()) {
      m.error = name.status().message();
      return m;
    }
    m.stream = &out_.Stream(*name);
    if (!expected_) {
      // Most bodies are mostly one measurement: room for every line in the first one's columns.
      expected_ = true;
      const std::string_view body(begin_, static_cast<std::size_t>(end_ - begin_));
      m.stream->builder.ExpectRecords(CountLines(body) + 1, body.size());
    }
    return m;
  }

  // The start of the line at `start` for a message: at most kQuotedBytes, up to its end, cut at a
  // character boundary; bytes that are not ASCII become '?' in a body that is not valid UTF-8.
  std::string Quote(const char* start) const {
    const char* stop = start;
    while (stop < end_ && *stop != '\n' &&
           stop - start < static_cast<std::ptrdiff_t>(kQuotedBytes)) {
      ++stop;
    }
    // Cut at a character boundary: the quote goes into a JSON answer.
    while (stop > start && stop < end_ && (static_cast<unsigned char>(*stop) & 0xC0) == 0x80) {
      --stop;
    }
    if (stop > start && stop[-1] == '\r') --stop;
    std::string text(start, stop);
    if (!valid_utf8_) {
      for (char& c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) c = '?';
      }
    }
    if (stop < end_ && *stop != '\n' && *stop != '\r') text += "...";
    return text;
  }

  static constexpr std::size_t kRemembered = 16;

  const char* begin_;
  const char* end_;
  const Precision precision_;
  Decoded& out_;
  LineErrors& errors_;
  const bool valid_utf8_;
  std::size_t stored_ = 0;
  std::size_t newlines_ = 0;  // newlines inside the string values of the line being parsed
  // The line being parsed.
  std::string_view measurement_;
  bool measurement_escaped_ = false;
  std::vector<Pair> pairs_;
  bool has_timestamp_ = false;
  std::int64_t timestamp_us_ = 0;
  // Scratch, reused from line to line.
  std::string key_, value_, message_;
  std::vector<Measurement> measurements_;
  std::size_t next_evicted_ = 0;
  bool expected_ = false;
};

}  // namespace

std::optional<Precision> ParsePrecision(std::string_view text) {
  if (text.empty() || text == "ns" || text == "n") return Precision::kNanoseconds;
  if (text == "us" || text == "u") return Precision::kMicroseconds;
  if (text == "ms") return Precision::kMilliseconds;
  if (text == "s") return Precision::kSeconds;
  if (text == "m") return Precision::kMinutes;
  if (text == "h") return Precision::kHours;
  return std::nullopt;
}

void LineErrors::Add(std::size_t line, std::string_view text, std::string_view why) {
  if (bad++ != 0) return;
  first = "line " + std::to_string(line) + ": unable to parse '";
  first += text;
  first += "': ";
  first += why;
}

Status DecodeLineProtocol(std::string_view body, Precision precision, Decoded& out,
                          LineErrors& errors) {
  Parser parser(body, precision, out, errors);
  const std::size_t stored = parser.Run();
  if (stored == 0 && !errors.ok()) return Status::InvalidInput(errors.first);
  return Status::Ok();
}

}  // namespace ingot::protocols::influx
