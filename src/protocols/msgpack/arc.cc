#include "protocols/msgpack/arc.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "common/json_escape.h"
#include "model/column.h"
#include "model/names.h"
#include "protocols/msgpack/reader.h"

namespace ingot::protocols::msgpack {

namespace {

using model::BatchBuilder;
using FieldId = BatchBuilder::FieldId;

// Maps and arrays nested in a field value, at most (as protobuf's limit, far beyond any metric).
constexpr int kMaxNesting = 100;
constexpr std::size_t kAbsent = std::numeric_limits<std::size_t>::max();

// Arc's guess of an epoch time's unit from its magnitude.
enum class Unit : std::uint8_t { kUnknown, kSeconds, kMillis, kMicros, kNanos };

Unit GuessUnit(std::int64_t v) {
  if (v < 10'000'000'000) return Unit::kSeconds;
  if (v < 10'000'000'000'000) return Unit::kMillis;
  if (v < 10'000'000'000'000'000) return Unit::kMicros;
  return Unit::kNanos;
}

// `v` in `unit` as microseconds; false when no int64 holds it.
bool ToMicros(std::int64_t v, Unit unit, std::int64_t& out) {
  switch (unit) {
    case Unit::kSeconds: return !__builtin_mul_overflow(v, std::int64_t{1'000'000}, &out);
    case Unit::kMillis: return !__builtin_mul_overflow(v, std::int64_t{1'000}, &out);
    case Unit::kNanos: out = v / 1000; return true;
    default: out = v; return true;
  }
}

// The MessagePack timestamp extension (type -1): 32-bit seconds, 64-bit (30-bit ns, 34-bit s) or
// 96-bit (32-bit ns, 64-bit signed s), big-endian; as microseconds. False when malformed or out
// of the int64 range.
bool TimestampExtension(std::string_view data, std::int64_t& micros) {
  auto big = [&](std::size_t at, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t k = 0; k < n; ++k) v = v << 8 | static_cast<std::uint8_t>(data[at + k]);
    return v;
  };
  std::int64_t seconds = 0;
  std::uint64_t nanos = 0;
  if (data.size() == 4) {
    seconds = static_cast<std::int64_t>(big(0, 4));
  } else if (data.size() == 8) {
    const std::uint64_t v = big(0, 8);
    nanos = v >> 34;
    seconds = static_cast<std::int64_t>(v & ((std::uint64_t{1} << 34) - 1));
  } else if (data.size() == 12) {
    nanos = big(0, 4);
    seconds = static_cast<std::int64_t>(big(4, 8));
  } else {
    return false;
  }
  if (nanos > 999'999'999) return false;
  return !__builtin_mul_overflow(seconds, std::int64_t{1'000'000}, &micros) &&
         !__builtin_add_overflow(micros, static_cast<std::int64_t>(nanos / 1000), &micros);
}

// Tags and most values are short ASCII: checked here a word at a time, simdjson for the rest.
bool ValidUtf8(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  if (n <= 64) {
    std::uint64_t high = 0;
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      high |= w;
    }
    for (; n > 0; ++p, --n) high |= static_cast<std::uint8_t>(*p);
    if ((high & 0x8080808080808080ULL) == 0) return true;
  }
  return simdjson::validate_utf8(s.data(), s.size());
}

// Positions (byte offsets in the body) of an item's values, kAbsent for keys it does not have.
struct ItemKeys {
  std::size_t m = kAbsent, t = kAbsent, h = kAbsent, tags = kAbsent, fields = kAbsent, f = kAbsent,
              columns = kAbsent, tag_keys = kAbsent, batch = kAbsent;
};

// One column of a columnar item, read row by row with its own cursor.
struct Column {
  std::string_view name;
  Reader cursor;
  FieldId field = 0;
  bool time = false;
  bool tag = false;
};

class ArcDecoder {
 public:
  ArcDecoder(std::string_view body, Decoded& out) : body_(body), out_(out) {}

  Status Run() {
    if (body_.empty())
      return Status::InvalidInput("empty body: expected a MessagePack map or array");
    Reader r(body_);
    Value v;
    if (!r.Read(v)) return Malformed(r);
    if (v.type == Type::kMap) {
      ItemKeys keys;
      INGOT_RETURN_IF_ERROR(ScanItem(r, v.count, keys));
      if (keys.batch != kAbsent) {
        // {"batch": [...]}: the items; other keys are ignored, as Arc does.
        Reader items = At(keys.batch);
        if (!items.Read(v)) return Malformed(items);
        if (v.type != Type::kArray) {
          return Status::InvalidInput("batch must be an array of items, not " +
                                      std::string(TypeName(v.type)));
        }
        INGOT_RETURN_IF_ERROR(Items(items, v.count));
      } else {
        items_ = 1;
        INGOT_RETURN_IF_ERROR(Item(keys, 0));
      }
    } else if (v.type == Type::kArray) {
      INGOT_RETURN_IF_ERROR(Items(r, v.count));
    } else {
      return Status::InvalidInput("the body must be a MessagePack map or array of maps, not " +
                                  std::string(TypeName(v.type)));
    }
    if (!r.at_end()) {
      return Status::InvalidInput("trailing bytes after the MessagePack document at byte " +
                                  std::to_string(r.offset()));
    }
    return Status::Ok();
  }

 private:
  Reader At(std::size_t offset) const { return Reader(body_, offset); }

  Status Malformed(const Reader& r) const {
    return Status::InvalidInput("malformed MessagePack at byte " + std::to_string(r.offset()) +
                                ": " + std::string(r.error()));
  }
  // "item 3: <what>" (row R of a columnar item: "item 3, row 17: <what>").
  Status Invalid(std::string_view what) const {
    std::string m = "item " + std::to_string(item_);
    if (row_ != kAbsent) m += ", row " + std::to_string(row_);
    m += ": ";
    m += what;
    return Status::InvalidInput(m);
  }
  // Keeps `error` for the caller of a function that returns false.
  bool Fail(Status error) {
    error_ = std::move(error);
    return false;
  }
  Status MalformedIn(const Reader& r) const {
    return Invalid("malformed MessagePack at byte " + std::to_string(r.offset()) + ": " +
                   std::string(r.error()));
  }

  Status Items(Reader& r, std::uint32_t count) {
    items_ = count;
    Value v;
    for (std::uint32_t i = 0; i < count; ++i) {
      item_ = i;
      if (!r.Read(v)) return MalformedIn(r);
      if (v.type != Type::kMap) {
        return Invalid("an item must be a map, not " + std::string(TypeName(v.type)));
      }
      const std::size_t start = r.offset();
      ItemKeys keys;
      INGOT_RETURN_IF_ERROR(ScanItem(r, v.count, keys));
      if (keys.batch != kAbsent) return Invalid("batch inside a batch");
      const std::uint64_t limit = out_.options().max_record_bytes;
      if (limit != 0 && keys.columns == kAbsent && r.offset() - start > limit) {
        return Invalid("the record is " + std::to_string(r.offset() - start) +
                       " bytes, more than " + std::to_string(limit) + " (--max-record-bytes)");
      }
      INGOT_RETURN_IF_ERROR(Item(keys, i));
    }
    return Status::Ok();
  }

  // Reads an item's `pairs` keys, noting where the values of the keys it knows start and
  // skipping every value: keys may come in any order, and `m` and `t` must be known first.
  Status ScanItem(Reader& r, std::uint32_t pairs, ItemKeys& keys) {
    Value key;
    for (std::uint32_t p = 0; p < pairs; ++p) {
      if (!r.Read(key)) return MalformedIn(r);
      if (key.type != Type::kStr) {
        return Invalid("keys must be strings, not " + std::string(TypeName(key.type)));
      }
      const std::size_t at = r.offset();
      const std::string_view k = key.bytes;
      std::size_t* slot = k == "m"          ? &keys.m
                          : k == "t"        ? &keys.t
                          : k == "h"        ? &keys.h
                          : k == "tags"     ? &keys.tags
                          : k == "fields"   ? &keys.fields
                          : k == "f"        ? &keys.f
                          : k == "columns"  ? &keys.columns
                          : k == "tag_keys" ? &keys.tag_keys
                          : k == "batch"    ? &keys.batch
                                            : nullptr;
      if (slot != nullptr) *slot = at;  // the last of repeated keys wins
      if (!r.Skip(1)) return MalformedIn(r);
    }
    return Status::Ok();
  }

  Status Item(const ItemKeys& keys, std::size_t index) {
    item_ = index;
    row_ = kAbsent;
    StreamRecords* stream = nullptr;
    INGOT_RETURN_IF_ERROR(StreamOf(keys, stream));
    if (keys.columns != kAbsent) return Columnar(keys, stream->builder);
    return Row(keys, stream->builder);
  }

  // The stream of the item's measurement `m`; the previous item's when it names the same.
  Status StreamOf(const ItemKeys& keys, StreamRecords*& stream) {
    if (keys.m == kAbsent) return Invalid("missing m (the measurement)");
    Reader r = At(keys.m);
    Value v;
    if (!r.Read(v)) return MalformedIn(r);
    std::string_view raw;
    if (v.type == Type::kStr) {
      raw = v.bytes;
    } else if (v.type == Type::kInt) {  // Arc names a numeric measurement measurement_<n>
      numbered_ = "measurement_" + std::to_string(v.i);
      raw = numbered_;
    } else {
      return Invalid("m (the measurement) must be a string, not " + std::string(TypeName(v.type)));
    }
    if (last_stream_ != nullptr && raw == last_raw_) {
      stream = last_stream_;
      return Status::Ok();
    }
    Result<std::string> name = model::StreamName(raw, "measurement");
    if (!name.ok()) return Invalid(name.status().message());
    stream = &out_.Stream(*name);
    // numbered_ is overwritten by the next numeric measurement: only names in the body are kept.
    last_stream_ = v.type == Type::kStr ? stream : nullptr;
    last_raw_ = raw;
    return Status::Ok();
  }

  // A time value as microseconds: integers and floats by Arc's guess of their unit (`unit`, set
  // from this value when still unknown), the timestamp extension exactly. False with `why` set
  // when it is no time.
  bool TimeOf(const Value& v, Unit& unit, std::int64_t& micros, std::string& why) {
    std::int64_t n = 0;
    switch (v.type) {
      case Type::kInt: n = v.i; break;
      case Type::kFloat:
        // Truncated to an integer, as Arc does.
        if (!std::isfinite(v.d) || v.d >= 9.2e18 || v.d <= -9.2e18) {
          why = "time " + std::to_string(v.d) + " is out of range";
          return false;
        }
        n = static_cast<std::int64_t>(v.d);
        break;
      case Type::kExt:
        if (v.ext_type == -1 && TimestampExtension(v.bytes, micros)) return true;
        why = "time must be a number or a MessagePack timestamp";
        return false;
      case Type::kUint: why = "time " + std::to_string(v.u) + " is out of range"; return false;
      default: why = "time must be a number, not " + std::string(TypeName(v.type)); return false;
    }
    if (unit == Unit::kUnknown) unit = GuessUnit(n);
    if (!ToMicros(n, unit, micros)) {
      why = "time " + std::to_string(n) + " is out of range";
      return false;
    }
    return true;
  }

  Status Row(const ItemKeys& keys, BatchBuilder& b) {
    if (b.records() == 0 && items_ > 1) b.ExpectRecords(items_, body_.size());
    b.BeginRecord();
    Value v;
    if (keys.t != kAbsent) {
      Reader r = At(keys.t);
      if (!r.Read(v)) return MalformedIn(r);
      if (v.type != Type::kNil) {
        Unit unit = Unit::kUnknown;  // guessed per value
        std::int64_t micros;
        if (!TimeOf(v, unit, micros, scratch_)) return Invalid("t: " + scratch_);
        b.SetTimestamp(micros);
      }
    }
    if (keys.h != kAbsent) {
      Reader r = At(keys.h);
      if (!r.Read(v)) return MalformedIn(r);
      const FieldId host = b.Child(BatchBuilder::kRoot, "host");
      if (v.type == Type::kStr) {
        if (!ValidUtf8(v.bytes)) return Invalid("h is not valid UTF-8");
        b.AddString(host, v.bytes);
      } else if (v.type == Type::kInt) {  // as Arc: host_<n>
        scratch_ = "host_";
        model::AppendIntText(v.i, scratch_);
        b.AddString(host, scratch_);
      } else if (v.type != Type::kNil) {
        return Invalid("h (the host) must be a string, not " + std::string(TypeName(v.type)));
      }
    }
    if (keys.tags != kAbsent) {
      Reader r = At(keys.tags);
      if (!r.Read(v)) return MalformedIn(r);
      if (v.type == Type::kMap) {
        Value key, value;
        for (std::uint32_t p = 0; p < v.count; ++p) {
          if (!Key(r, key, "tags")) return error_;
          if (!r.Read(value)) return MalformedIn(r);
          if (!AddTag(b, b.Child(BatchBuilder::kRoot, key.bytes), r, value)) return error_;
        }
      } else if (v.type != Type::kNil) {
        return Invalid("tags must be a map, not " + std::string(TypeName(v.type)));
      }
    }
    if (keys.fields != kAbsent) {
      Reader r = At(keys.fields);
      if (!r.Read(v)) return MalformedIn(r);
      if (v.type != Type::kMap) {
        return Invalid("fields must be a map, not " + std::string(TypeName(v.type)));
      }
      Value key, value;
      for (std::uint32_t p = 0; p < v.count; ++p) {
        if (!Key(r, key, "fields")) return error_;
        if (!r.Read(value)) return MalformedIn(r);
        if (!AddField(b, b.Child(BatchBuilder::kRoot, key.bytes), r, value, 1)) return error_;
      }
    } else if (keys.f != kAbsent) {
      // Arc's compact form: values named field_0, field_1, ...
      Reader r = At(keys.f);
      if (!r.Read(v)) return MalformedIn(r);
      if (v.type != Type::kArray) {
        return Invalid("f must be an array, not " + std::string(TypeName(v.type)));
      }
      Value value;
      char name[32] = "field_";
      for (std::uint32_t i = 0; i < v.count; ++i) {
        const auto end = std::to_chars(name + 6, name + sizeof name, i).ptr;
        if (!r.Read(value)) return MalformedIn(r);
        const FieldId field = b.Child(BatchBuilder::kRoot,
                                      std::string_view(name, static_cast<std::size_t>(end - name)));
        if (!AddField(b, field, r, value, 1)) return error_;
      }
    } else {
      return Invalid(
          "a row needs fields (a map) or f (an array), or columns for the columnar form");
    }
    if (!b.EndRecord(&scratch_)) return Invalid(scratch_);
    return Status::Ok();
  }

  Status Columnar(const ItemKeys& keys, BatchBuilder& b) {
    Reader r = At(keys.columns);
    Value v;
    if (!r.Read(v)) return MalformedIn(r);
    if (v.type != Type::kMap) {
      return Invalid("columns must be a map of arrays, not " + std::string(TypeName(v.type)));
    }
    if (v.count == 0) return Invalid("columns is empty");
    columns_.clear();
    std::size_t rows = 0;
    Value key;
    for (std::uint32_t c = 0; c < v.count; ++c) {
      if (!Key(r, key, "columns")) return error_;
      Value array;
      if (!r.Read(array)) return MalformedIn(r);
      if (array.type != Type::kArray) {
        return Invalid("column \"" + Printable(key.bytes) + "\" must be an array, not " +
                       std::string(TypeName(array.type)));
      }
      if (c == 0) {
        rows = array.count;
      } else if (array.count != rows) {
        return Invalid("columns have unequal lengths: \"" + Printable(columns_[0].name) +
                       "\" has " + std::to_string(rows) + " values, \"" + Printable(key.bytes) +
                       "\" has " + std::to_string(array.count));
      }
      columns_.push_back(Column{.name = key.bytes, .cursor = Reader(body_, r.offset())});
      columns_.back().time = key.bytes == "time";
      if (!r.Skip(array.count)) return MalformedIn(r);
    }
    if (keys.tag_keys != kAbsent) INGOT_RETURN_IF_ERROR(MarkTags(keys.tag_keys));
    // Names are resolved once per item, not per row.
    for (Column& c : columns_) {
      if (!c.time) c.field = b.Child(BatchBuilder::kRoot, c.name);
    }
    if (b.records() == 0) b.ExpectRecords(rows, body_.size());
    Unit unit = Unit::kUnknown;  // from the first time value, for the whole column (as Arc)
    for (row_ = 0; row_ < rows; ++row_) {
      b.BeginRecord();
      for (Column& c : columns_) {
        if (!c.cursor.Read(v)) return MalformedIn(c.cursor);
        if (v.type == Type::kNil) continue;  // no value in this row
        if (c.time) {
          std::int64_t micros;
          if (!TimeOf(v, unit, micros, scratch_)) return Invalid(scratch_);
          b.SetTimestamp(micros);
        } else if (c.tag) {
          if (!AddTag(b, c.field, c.cursor, v)) return error_;
        } else {
          if (!AddField(b, c.field, c.cursor, v, 1)) return error_;
        }
      }
      if (!b.EndRecord(&scratch_)) return Invalid(scratch_);
    }
    row_ = kAbsent;
    return Status::Ok();
  }

  // Arc's tag_keys: the columns that are tags, stored as strings whatever their values.
  Status MarkTags(std::size_t at) {
    Reader r = At(at);
    Value v, name;
    if (!r.Read(v)) return MalformedIn(r);
    if (v.type == Type::kNil) return Status::Ok();
    if (v.type != Type::kArray) {
      return Invalid("tag_keys must be an array of strings, not " + std::string(TypeName(v.type)));
    }
    for (std::uint32_t i = 0; i < v.count; ++i) {
      if (!Key(r, name, "tag_keys")) return error_;
      for (Column& c : columns_) c.tag = c.tag || c.name == name.bytes;
    }
    return Status::Ok();
  }

  // Reads a string key (of `where`: "tags", "fields", ...).
  bool Key(Reader& r, Value& key, std::string_view where) {
    if (!r.Read(key)) return Fail(MalformedIn(r));
    if (key.type != Type::kStr) {
      return Fail(Invalid(std::string(where) + ": keys must be strings, not " +
                          std::string(TypeName(key.type))));
    }
    return true;
  }

  // A tag: a string column; numbers and booleans as their text, maps and arrays as JSON text.
  bool AddTag(BatchBuilder& b, FieldId field, Reader& r, const Value& v) {
    switch (v.type) {
      case Type::kNil: return true;
      case Type::kStr:
        if (!ValidUtf8(v.bytes)) return Fail(Invalid("a tag value is not valid UTF-8"));
        b.AddString(field, v.bytes);
        return true;
      default:
        scratch_.clear();
        if (!AppendJson(r, v, scratch_, 1)) return false;
        if (v.type == Type::kArray || v.type == Type::kMap) {
          b.AddJsonText(field, scratch_);
        } else {
          b.AddString(field, scratch_);
        }
        return true;
    }
  }

  // A field: typed by its value; maps flatten into columns like JSON objects (to the depth
  // limit, then JSON text), arrays are JSON text.
  bool AddField(BatchBuilder& b, FieldId field, Reader& r, const Value& v, int depth) {
    switch (v.type) {
      case Type::kNil: return true;
      case Type::kBool: b.AddBool(field, v.b); return true;
      case Type::kInt: b.AddInt(field, v.i); return true;
      case Type::kUint: b.AddUint(field, v.u); return true;
      case Type::kFloat: b.AddDouble(field, v.d); return true;
      case Type::kStr:
        if (!ValidUtf8(v.bytes)) return Fail(Invalid("a field value is not valid UTF-8"));
        b.AddString(field, v.bytes);
        return true;
      case Type::kMap:
        if (b.Flattens(field)) {
          if (depth >= kMaxNesting) return Fail(Invalid("values nest more than 100 levels deep"));
          Value key, value;
          for (std::uint32_t p = 0; p < v.count; ++p) {
            if (!Key(r, key, "a map value")) return false;
            if (!r.Read(value)) return Fail(MalformedIn(r));
            if (!AddField(b, b.Child(field, key.bytes), r, value, depth + 1)) return false;
          }
          return true;
        }
        [[fallthrough]];
      case Type::kArray:
        json_.clear();
        if (!AppendJson(r, v, json_, depth)) return false;
        b.AddJsonText(field, json_);
        return true;
      case Type::kBin: return Fail(Invalid("binary values are not supported"));
      case Type::kExt:
        return Fail(Invalid("extension values (type " + std::to_string(v.ext_type) +
                            ") are not supported in fields"));
    }
    return true;
  }

  // The JSON text of `v` (and what nests in it, read from `r`).
  bool AppendJson(Reader& r, const Value& v, std::string& out, int depth) {
    switch (v.type) {
      case Type::kNil: out += "null"; break;
      case Type::kBool: out += v.b ? "true" : "false"; break;
      case Type::kInt: model::AppendIntText(v.i, out); break;
      case Type::kUint: {
        char buf[24];
        out.append(buf, std::to_chars(buf, buf + sizeof buf, v.u).ptr);
        break;
      }
      case Type::kFloat:
        if (std::isfinite(v.d)) {
          model::AppendDoubleText(v.d, out);
        } else {
          out += "null";  // JSON has no NaN or infinity
        }
        break;
      case Type::kStr:
        if (!ValidUtf8(v.bytes)) return Fail(Invalid("a string is not valid UTF-8"));
        AppendJsonString(v.bytes, out);
        break;
      case Type::kArray:
      case Type::kMap: {
        if (depth >= kMaxNesting) return Fail(Invalid("values nest more than 100 levels deep"));
        const bool map = v.type == Type::kMap;
        out.push_back(map ? '{' : '[');
        Value element;
        for (std::uint32_t i = 0; i < v.count; ++i) {
          if (i > 0) out.push_back(',');
          if (map) {
            if (!Key(r, element, "a map value")) return false;
            if (!ValidUtf8(element.bytes)) return Fail(Invalid("a key is not valid UTF-8"));
            AppendJsonString(element.bytes, out);
            out.push_back(':');
          }
          if (!r.Read(element)) return Fail(MalformedIn(r));
          if (!AppendJson(r, element, out, depth + 1)) return false;
        }
        out.push_back(map ? '}' : ']');
        break;
      }
      case Type::kBin: return Fail(Invalid("binary values are not supported"));
      case Type::kExt:
        return Fail(Invalid("extension values (type " + std::to_string(v.ext_type) +
                            ") are not supported in fields"));
    }
    return true;
  }

  // A column name for a message: at most 64 bytes, with what JSON would escape escaped.
  static std::string Printable(std::string_view s) {
    std::string out;
    AppendJsonString(s.substr(0, 64), out);
    return out.substr(1, out.size() - 2);
  }

  std::string_view body_;
  Decoded& out_;
  std::size_t items_ = 0;      // items in the body
  std::size_t item_ = 0;       // the item being decoded, for messages
  std::size_t row_ = kAbsent;  // the row of a columnar item being decoded, for messages
  StreamRecords* last_stream_ = nullptr;
  std::string_view last_raw_;  // the measurement last_stream_ was found for
  std::string numbered_;       // measurement_<n>
  std::vector<Column> columns_;
  std::string scratch_, json_;
  Status error_;  // why the last function returning false failed
};

}  // namespace

Status DecodeArc(std::string_view body, Decoded& out) { return ArcDecoder(body, out).Run(); }

}  // namespace ingot::protocols::msgpack
