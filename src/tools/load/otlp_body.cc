#include "tools/load/otlp_body.h"

#include <charconv>
#include <cstring>
#include <memory>

#include "tools/load/body_pool.h"

namespace ingot::load {

namespace {

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

void PutVarint(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out += static_cast<char>(v | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void PutTag(int field, int wire_type, std::string& out) {
  PutVarint(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire_type), out);
}
void PutBytes(int field, std::string_view bytes, std::string& out) {
  PutTag(field, 2, out);
  PutVarint(bytes.size(), out);
  out += bytes;
}
void PutFixed64(int field, std::uint64_t v, std::string& out) {
  PutTag(field, 1, out);
  for (int k = 0; k < 8; ++k) out += static_cast<char>(v >> (8 * k));
}

// AnyValue (string 1, bool 2, int 3, double 4, array 5, kvlist 6) of `v`.
std::string ProtoAnyValue(const JValue& v);

// KeyValue {key 1, value 2}.
std::string ProtoKeyValue(std::string_view key, const JValue& value) {
  std::string kv;
  PutBytes(1, key, kv);
  PutBytes(2, ProtoAnyValue(value), kv);
  return kv;
}

std::string ProtoAnyValue(const JValue& v) {
  std::string out;
  switch (v.kind) {
    case JValue::kNull: break;
    case JValue::kBool:
      PutTag(2, 0, out);
      PutVarint(v.boolean ? 1 : 0, out);
      break;
    case JValue::kInt:
      PutTag(3, 0, out);
      PutVarint(static_cast<std::uint64_t>(v.integer), out);
      break;
    case JValue::kDouble: {
      double d = 0;
      std::from_chars(v.number.data(), v.number.data() + v.number.size(), d);
      std::uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      PutFixed64(4, bits, out);
      break;
    }
    case JValue::kString: PutBytes(1, v.text, out); break;
    case JValue::kObject: {
      std::string list;  // KeyValueList {values 1}
      for (const auto& [k, member] : v.members) PutBytes(1, ProtoKeyValue(k.text, member), list);
      PutBytes(6, list, out);
      break;
    }
    case JValue::kArray: {
      std::string list;  // ArrayValue {values 1}
      for (const JValue& item : v.items) PutBytes(1, ProtoAnyValue(item), list);
      PutBytes(5, list, out);
      break;
    }
  }
  return out;
}

// ---- OTLP/JSON.

void JsonAnyValue(const JValue& v, std::string& out);

void JsonKeyValue(std::string_view raw_key, const JValue& value, std::string& out) {
  out += "{\"key\":\"";
  out += raw_key;
  out += "\",\"value\":";
  JsonAnyValue(value, out);
  out += '}';
}

void JsonAnyValue(const JValue& v, std::string& out) {
  switch (v.kind) {
    case JValue::kNull: out += "{}"; break;
    case JValue::kBool: out += v.boolean ? "{\"boolValue\":true}" : "{\"boolValue\":false}"; break;
    case JValue::kInt:  // int64 as a decimal string, as the protobuf JSON mapping writes it
      out += "{\"intValue\":\"" + std::to_string(v.integer) + "\"}";
      break;
    case JValue::kDouble: out += "{\"doubleValue\":" + v.number + "}"; break;
    case JValue::kString: out += "{\"stringValue\":\"" + v.raw + "\"}"; break;
    case JValue::kObject: {
      out += "{\"kvlistValue\":{\"values\":[";
      bool first = true;
      for (const auto& [k, member] : v.members) {
        if (!first) out += ',';
        first = false;
        JsonKeyValue(k.raw, member, out);
      }
      out += "]}}";
      break;
    }
    case JValue::kArray: {
      out += "{\"arrayValue\":{\"values\":[";
      bool first = true;
      for (const JValue& item : v.items) {
        if (!first) out += ',';
        first = false;
        JsonAnyValue(item, out);
      }
      out += "]}}";
      break;
    }
  }
}

int SeverityNumber(std::string_view level) {
  auto is = [level](std::string_view name) {
    if (level.size() != name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if ((level[i] & ~0x20) != name[i]) return false;
    }
    return true;
  };
  if (is("TRACE")) return 1;
  if (is("DEBUG")) return 5;
  if (is("INFO")) return 9;
  if (is("WARN") || is("WARNING")) return 13;
  if (is("ERROR")) return 17;
  if (is("FATAL")) return 21;
  return 0;
}

constexpr std::string_view kName = "ingot-load";

}  // namespace

OtlpLogsBody::OtlpLogsBody(bool json, std::string run_id)
    : json_(json), run_id_(std::move(run_id)) {}

Status OtlpLogsBody::Add(std::string_view record) {
  JValue root;
  Reader reader(record);
  if (!reader.Value(root) || !reader.AtEnd() || root.kind != JValue::kObject) {
    return Status::InvalidInput("not a JSON object: " + std::string(record.substr(0, 80)));
  }
  const JValue* timestamp = nullptr;
  const JValue* level = nullptr;
  const JValue* message = nullptr;
  for (const auto& [k, v] : root.members) {
    if (k.text == "timestamp" && v.kind == JValue::kInt && timestamp == nullptr) {
      timestamp = &v;
    } else if (k.text == "level" && v.kind == JValue::kString && level == nullptr) {
      level = &v;
    } else if (k.text == "message" && message == nullptr) {
      message = &v;
    }
  }
  const std::string id_text = run_id_.empty() ? "" : run_id_ + '-' + std::string(kIdDigits, '0');
  const std::size_t id_digits_in_text = run_id_.size() + 1;

  if (!json_) {
    // Attributes first (their length is needed before the record's header), load_id leading.
    attrs_.clear();
    std::size_t id_in_attrs = 0;
    if (!run_id_.empty()) {
      JValue id;
      id.kind = JValue::kString;
      id.text = id_text;
      const std::string kv = ProtoKeyValue("load_id", id);
      PutTag(6, 2, attrs_);
      PutVarint(kv.size(), attrs_);
      // The digits are the last bytes of the KeyValue (key, then value {string_value}).
      id_in_attrs = attrs_.size() + kv.size() - kIdDigits;
      attrs_ += kv;
    }
    for (const auto& [k, v] : root.members) {
      if (&v == timestamp || &v == level || &v == message) continue;
      PutBytes(6, ProtoKeyValue(k.text, v), attrs_);
    }
    scratch_.clear();  // LogRecord
    if (timestamp != nullptr) {
      PutFixed64(1, static_cast<std::uint64_t>(timestamp->integer) * 1'000'000, scratch_);
    }
    if (level != nullptr) {
      if (const int n = SeverityNumber(level->text); n != 0) {
        PutTag(2, 0, scratch_);
        PutVarint(static_cast<std::uint64_t>(n), scratch_);
      }
      PutBytes(3, level->text, scratch_);
    }
    if (message != nullptr) PutBytes(5, ProtoAnyValue(*message), scratch_);
    const std::size_t attrs_at = scratch_.size();
    scratch_ += attrs_;
    PutTag(2, 2, records_);  // ScopeLogs.log_records
    PutVarint(scratch_.size(), records_);
    if (!run_id_.empty()) {
      id_at_.push_back(static_cast<std::uint32_t>(records_.size() + attrs_at + id_in_attrs));
    }
    records_ += scratch_;
    return Status::Ok();
  }

  if (!records_.empty()) records_ += ',';
  records_ += '{';
  bool first = true;
  auto sep = [&] {
    if (!first) records_ += ',';
    first = false;
  };
  if (timestamp != nullptr) {
    sep();
    records_ += "\"timeUnixNano\":\"" + std::to_string(timestamp->integer) + "000000\"";
  }
  if (level != nullptr) {
    if (const int n = SeverityNumber(level->text); n != 0) {
      sep();
      records_ += "\"severityNumber\":" + std::to_string(n);
    }
    sep();
    records_ += "\"severityText\":\"" + level->raw + '"';
  }
  if (message != nullptr) {
    sep();
    records_ += "\"body\":";
    JsonAnyValue(*message, records_);
  }
  sep();
  records_ += "\"attributes\":[";
  bool first_attr = true;
  if (!run_id_.empty()) {
    records_ += "{\"key\":\"load_id\",\"value\":{\"stringValue\":\"";
    id_at_.push_back(static_cast<std::uint32_t>(records_.size() + id_digits_in_text));
    records_ += id_text;
    records_ += "\"}}";
    first_attr = false;
  }
  for (const auto& [k, v] : root.members) {
    if (&v == timestamp || &v == level || &v == message) continue;
    if (!first_attr) records_ += ',';
    first_attr = false;
    JsonKeyValue(k.raw, v, records_);
  }
  records_ += "]}";
  return Status::Ok();
}

void OtlpLogsBody::Finish(std::string& out, std::vector<std::uint32_t>& id_offsets) {
  std::size_t records_at;
  if (json_) {
    out += R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":)"
           R"({"stringValue":"ingot-load"}}]},"scopeLogs":[{"scope":{"name":"ingot-load"},)"
           R"("logRecords":[)";
    records_at = out.size();
    out += records_;
    out += "]}]}]}";
  } else {
    std::string resource;  // Resource {attributes 1: service.name}
    JValue name;
    name.kind = JValue::kString;
    name.text = kName;
    PutBytes(1, ProtoKeyValue("service.name", name), resource);
    std::string scope;  // InstrumentationScope {name 1}
    PutBytes(1, kName, scope);
    std::string scope_head;  // ScopeLogs {scope 1, then the log_records (field 2) follow}
    PutBytes(1, scope, scope_head);
    const std::size_t scope_logs_size = scope_head.size() + records_.size();
    std::string resource_logs_head;  // ResourceLogs {resource 1, scope_logs 2}
    PutBytes(1, resource, resource_logs_head);
    PutTag(2, 2, resource_logs_head);
    PutVarint(scope_logs_size, resource_logs_head);
    const std::size_t resource_logs_size = resource_logs_head.size() + scope_logs_size;
    PutTag(1, 2, out);  // ExportLogsServiceRequest.resource_logs
    PutVarint(resource_logs_size, out);
    out += resource_logs_head;
    out += scope_head;
    records_at = out.size();
    out += records_;
  }
  for (std::uint32_t at : id_at_) id_offsets.push_back(static_cast<std::uint32_t>(records_at + at));
  records_.clear();
  id_at_.clear();
}

}  // namespace ingot::load
