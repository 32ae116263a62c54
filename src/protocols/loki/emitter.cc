#include "protocols/loki/emitter.h"

#include <algorithm>

#include "protocols/otlp/wire.h"

namespace ingot::protocols::loki {

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The label string as quoted in a message: at most 200 bytes, cut at a UTF-8 character boundary.
std::string Quote(std::string_view text) {
  constexpr std::size_t kMax = 200;
  if (text.size() <= kMax) return std::string(text);
  std::size_t n = kMax;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return std::string(text.substr(0, n)) + "...";
}

// Reads a quoted value at text[i] (the opening quote) into `out`, Go's string literal rules (as
// Loki's label parser): "..." with escapes, or `...` raw (carriage returns dropped). Leaves `i`
// after the closing quote.
bool ReadValue(std::string_view text, std::size_t& i, std::string& out, std::string& why) {
  const std::size_t start = i;
  const char quote = text[i++];
  if (quote == '`') {
    const std::size_t end = text.find('`', i);
    if (end == std::string_view::npos) {
      why = "unterminated raw string at byte " + std::to_string(start);
      return false;
    }
    for (; i < end; ++i) {
      if (text[i] != '\r') out.push_back(text[i]);
    }
    ++i;
    return true;
  }
  while (true) {
    if (i >= text.size()) {
      why = "unterminated string at byte " + std::to_string(start);
      return false;
    }
    const char c = text[i];
    if (c == '"') break;
    if (c == '\n') {
      why = "newline in string at byte " + std::to_string(i);
      return false;
    }
    if (c != '\\') {
      out.push_back(c);
      ++i;
      continue;
    }
    const std::size_t escape = i++;
    if (i >= text.size()) continue;  // unterminated: reported above
    const char e = text[i++];
    int digits = 0, base = 16;
    switch (e) {
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'v': out.push_back('\v'); break;
      case '\\': out.push_back('\\'); break;
      case '"': out.push_back('"'); break;
      case 'x': digits = 2; break;
      case 'u': digits = 4; break;
      case 'U': digits = 8; break;
      default:
        if (e >= '0' && e <= '7') {
          digits = 3;
          base = 8;
          --i;  // the first octal digit
          break;
        }
        why = "unknown escape at byte " + std::to_string(escape);
        return false;
    }
    if (digits == 0) continue;
    std::uint32_t v = 0;
    for (int d = 0; d < digits; ++d, ++i) {
      const int h = i < text.size() ? HexValue(text[i]) : -1;
      if (h < 0 || h >= base) {
        why = "bad escape at byte " + std::to_string(escape);
        return false;
      }
      v = v * static_cast<std::uint32_t>(base) + static_cast<std::uint32_t>(h);
    }
    if (e == 'u' || e == 'U') {
      if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        why = "escape of an invalid code point at byte " + std::to_string(escape);
        return false;
      }
      AppendUtf8(v, out);
    } else if (v > 0xFF) {
      why = "octal escape above \\377 at byte " + std::to_string(escape);
      return false;
    } else {
      out.push_back(static_cast<char>(v));  // \x and octal escapes are bytes
    }
  }
  ++i;
  return true;
}

}  // namespace

std::string StreamPath(std::size_t index) { return "streams[" + std::to_string(index) + "]"; }

bool ValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(), IsNameChar);
}

void LabelSet::Clear() {
  labels_.clear();
  parsed_.clear();
  values_.clear();
}

bool LabelSet::Parse(std::string_view text, std::string& why) {
  Clear();
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && IsSpace(text[i])) ++i;
  };
  auto expected = [&](std::string_view what) {
    why = "expected " + std::string(what) + " at byte " + std::to_string(i);
    return false;
  };
  skip_space();
  if (i >= text.size() || text[i] != '{') return expected("'{'");
  ++i;
  skip_space();
  if (i < text.size() && text[i] == '}') {
    ++i;
  } else {
    while (true) {
      skip_space();
      const std::size_t name_start = i;
      if (i >= text.size() || !IsNameStart(text[i])) return expected("a label name");
      while (i < text.size() && IsNameChar(text[i])) ++i;
      const std::string_view name = text.substr(name_start, i - name_start);
      skip_space();
      if (i >= text.size() || text[i] != '=') return expected("'='");
      ++i;
      // `!=`, `=~`, `!~` are selectors, not labels.
      if (i < text.size() && text[i] == '~') return expected("a quoted value");
      skip_space();
      if (i >= text.size() || (text[i] != '"' && text[i] != '`')) {
        return expected("a quoted value");
      }
      const std::size_t offset = values_.size();
      if (!ReadValue(text, i, values_, why)) return false;
      parsed_.push_back({name, offset, values_.size() - offset});
      skip_space();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '}') {
        ++i;
        break;
      }
      return expected("',' or '}'");
    }
  }
  skip_space();
  if (i != text.size()) return expected("the end");
  for (const Parsed& p : parsed_) {
    const std::string_view value(values_.data() + p.offset, p.size);
    // \x and octal escapes make bytes: the value must still be text.
    if (!otlp::wire::ValidUtf8(value)) {
      why = "the value of label " + std::string(p.name) + " is not valid UTF-8";
      return false;
    }
    labels_.push_back({p.name, value});
  }
  return true;
}

bool LabelSet::Add(std::string_view name, std::string_view value, std::string& why) {
  if (!ValidLabelName(name)) {
    why = "invalid label name \"" + Quote(name) + "\" (expected [a-zA-Z_][a-zA-Z0-9_]*)";
    return false;
  }
  labels_.push_back({name, value});
  return true;
}

bool LabelSet::Check(std::string& why) {
  if (labels_.empty()) {
    why = "at least one label is required";
    return false;
  }
  sorted_.clear();
  for (const Label& l : labels_) sorted_.push_back(l.name);
  std::sort(sorted_.begin(), sorted_.end());
  const auto twice = std::adjacent_find(sorted_.begin(), sorted_.end());
  if (twice != sorted_.end()) {
    why = "label " + std::string(*twice) + " appears twice";
    return false;
  }
  return true;
}

Emitter::Emitter(StreamRecords& out)
    : out_(out),
      builder_(out.builder),
      time_unix_nano_(builder_.Child(model::BatchBuilder::kRoot, "time_unix_nano")),
      body_(builder_.Child(model::BatchBuilder::kRoot, "body")) {}

Status Emitter::BeginStreamText(std::string_view labels, std::size_t stream) {
  std::string why;
  if (!set_.Parse(labels, why) || !set_.Check(why)) {
    return Status::InvalidInput(StreamPath(stream) + ": malformed labels \"" + Quote(labels) +
                                "\": " + why);
  }
  return StartStream(stream);
}

Status Emitter::AddLabel(std::string_view name, std::string_view value, std::size_t stream) {
  std::string why;
  if (!set_.Add(name, value, why)) return Status::InvalidInput(StreamPath(stream) + ": " + why);
  return Status::Ok();
}

Status Emitter::EndLabels(std::size_t stream) { return StartStream(stream); }

Status Emitter::StartStream(std::size_t stream) {
  std::string why;
  if (!set_.Check(why)) return Status::InvalidInput(StreamPath(stream) + ": " + why);
  label_fields_.clear();
  for (const LabelSet::Label& l : set_.labels()) {
    label_fields_.push_back(builder_.Child(model::BatchBuilder::kRoot, l.name));
  }
  return Status::Ok();
}

void Emitter::BeginEntry(std::int64_t seconds, std::int32_t nanos) {
  std::int64_t ns;
  if (nanos < 0 || nanos >= kNanosPerSecond ||
      __builtin_mul_overflow(seconds, kNanosPerSecond, &ns) ||
      __builtin_add_overflow(ns, nanos, &ns)) {
    builder_.BeginRecord();
    open_ = true;
    builder_.SetTimestamp(builder_.options().now_us);
    builder_.FailRecord("entry timestamp " + std::to_string(seconds) + "s " +
                        std::to_string(nanos) +
                        "ns is not a time in int64 nanoseconds (nanos must be 0..999999999)");
    return;
  }
  BeginEntryNanos(ns);
}

void Emitter::BeginEntryNanos(std::int64_t unix_nanos) {
  builder_.BeginRecord();
  open_ = true;
  // Floored: a time before 1970 belongs to the microsecond that contains it.
  std::int64_t micros = unix_nanos / 1000;
  if (unix_nanos % 1000 < 0) --micros;
  builder_.SetTimestamp(micros);
  builder_.AddInt(time_unix_nano_, unix_nanos);
}

void Emitter::AddLine(std::string_view line) {
  builder_.AddString(body_, line);
  const std::vector<LabelSet::Label>& labels = set_.labels();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    builder_.AddString(label_fields_[i], labels[i].value);
  }
}

void Emitter::EndEntry() {
  open_ = false;
  if (!builder_.EndRecord(&error_)) out_.RecordFailure(error_);
}

}  // namespace ingot::protocols::loki
