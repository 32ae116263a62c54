// What ingot-load's protobuf bodies share (otlp_body.cc, prom_rw_body.cc): a small JSON reader
// for the generators' records, and protobuf wire-format writers. Internal to the load tool.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ingot::load::record_wire {

// ---- A small JSON reader for the generators' records (objects, arrays, strings with escapes,
// numbers, true/false/null). Built once per record before the run: clarity over speed.

struct JValue {
  enum Kind : unsigned char { kNull, kBool, kInt, kDouble, kString, kObject, kArray } kind = kNull;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string number;  // kDouble: the token as written
  std::string raw;     // kString: as written between the quotes (escaped), for JSON output
  std::string text;    // kString: unescaped, for protobuf
  std::vector<std::pair<JValue, JValue>> members;  // kObject: (key string, value)
  std::vector<JValue> items;                       // kArray
};

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  bool Value(JValue& v, int depth = 0) {
    if (depth > 32) return false;
    Ws();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '"') {
      v.kind = JValue::kString;
      return String(v.raw, v.text);
    }
    if (c == '{') {
      v.kind = JValue::kObject;
      ++i_;
      Ws();
      if (Eat('}')) return true;
      do {
        Ws();
        JValue key, value;
        key.kind = JValue::kString;
        if (!Peek('"') || !String(key.raw, key.text)) return false;
        Ws();
        if (!Eat(':') || !Value(value, depth + 1)) return false;
        v.members.emplace_back(std::move(key), std::move(value));
        Ws();
      } while (Eat(','));
      return Eat('}');
    }
    if (c == '[') {
      v.kind = JValue::kArray;
      ++i_;
      Ws();
      if (Eat(']')) return true;
      do {
        v.items.emplace_back();
        if (!Value(v.items.back(), depth + 1)) return false;
        Ws();
      } while (Eat(','));
      return Eat(']');
    }
    if (Literal("true")) {
      v.kind = JValue::kBool;
      v.boolean = true;
      return true;
    }
    if (Literal("false")) {
      v.kind = JValue::kBool;
      return true;
    }
    if (Literal("null")) return true;
    return Number(v);
  }

  bool AtEnd() {
    Ws();
    return i_ == s_.size();
  }

 private:
  void Ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool Peek(char c) const { return i_ < s_.size() && s_[i_] == c; }
  bool Eat(char c) {
    if (!Peek(c)) return false;
    ++i_;
    return true;
  }
  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool Hex4(std::uint32_t& out) {
    if (i_ + 4 > s_.size()) return false;
    out = 0;
    for (int k = 0; k < 4; ++k) {
      const int h = Hex(s_[i_++]);
      if (h < 0) return false;
      out = out << 4 | static_cast<std::uint32_t>(h);
    }
    return true;
  }
  static void Utf8(std::uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | cp >> 6);
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | cp >> 12);
      out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | cp >> 18);
      out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
      out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // At a '"': the string's escaped bytes to `raw`, its unescaped text to `text`.
  bool String(std::string& raw, std::string& text) {
    ++i_;
    const std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      const char c = s_[i_++];
      if (c != '\\') {
        text += c;
        continue;
      }
      if (i_ >= s_.size()) return false;
      const char e = s_[i_++];
      switch (e) {
        case '"': text += '"'; break;
        case '\\': text += '\\'; break;
        case '/': text += '/'; break;
        case 'b': text += '\b'; break;
        case 'f': text += '\f'; break;
        case 'n': text += '\n'; break;
        case 'r': text += '\r'; break;
        case 't': text += '\t'; break;
        case 'u': {
          std::uint32_t cp;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(i_, 2) == "\\u") {
            i_ += 2;
            std::uint32_t lo;
            if (!Hex4(lo) || lo < 0xDC00 || lo >= 0xE000) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          Utf8(cp, text);
          break;
        }
        default: return false;
      }
    }
    if (i_ >= s_.size()) return false;
    raw.assign(s_.substr(start, i_ - start));
    ++i_;
    return true;
  }

  bool Number(JValue& v) {
    const std::size_t start = i_;
    bool fraction = false;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '.' || c == 'e' || c == 'E') {
        fraction = true;
      } else if (!((c >= '0' && c <= '9') || c == '-' || c == '+')) {
        break;
      }
      ++i_;
    }
    const std::string_view token = s_.substr(start, i_ - start);
    if (token.empty()) return false;
    if (!fraction) {
      const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v.integer);
      if (ec == std::errc() && end == token.data() + token.size()) {
        v.kind = JValue::kInt;
        return true;
      }
    }
    double d;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), d);
    if (ec != std::errc() || end != token.data() + token.size()) return false;
    v.kind = JValue::kDouble;
    v.number.assign(token);
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// ---- Protobuf wire format.

inline void PutVarint(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out += static_cast<char>(v | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
inline void PutTag(int field, int wire_type, std::string& out) {
  PutVarint(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire_type), out);
}
inline void PutBytes(int field, std::string_view bytes, std::string& out) {
  PutTag(field, 2, out);
  PutVarint(bytes.size(), out);
  out += bytes;
}
inline void PutFixed64(int field, std::uint64_t v, std::string& out) {
  PutTag(field, 1, out);
  for (int k = 0; k < 8; ++k) out += static_cast<char>(v >> (8 * k));
}

}  // namespace ingot::load::record_wire
