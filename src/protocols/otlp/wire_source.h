// WireSource: a Source (mapper.h) over protobuf bytes, read in place. Nothing is parsed ahead:
// each message is read when the mapping reaches it, strings are views into the body, and every
// byte is checked on the way exactly as libprotobuf would (wire.h), so a request is malformed
// here when and only when it is for libprotobuf.
//
// Protobuf semantics kept: for a field given twice the last scalar wins and messages merge (the
// occurrences are read as one message, their concatenation); a oneof member replaced by another
// is still checked (wire::Validate).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "protocols/otlp/emitter.h"
#include "protocols/otlp/fields.h"
#include "protocols/otlp/mapper.h"
#include "protocols/otlp/wire.h"

namespace ingot::protocols::otlp {

class WireSource {
 public:
  // A message: its bytes and how deep it is below the request (depth 0).
  struct Msg {
    std::string_view bytes;
    int depth = 0;
  };
  // The occurrences of repeated field `field` in a message at `depth`.
  struct List {
    std::string_view bytes;
    std::uint32_t field = 0;
    int depth = 0;
  };

  using AnyValue = Msg;
  using KeyValueList = List;
  using ArrayList = List;
  using EntityRefList = List;
  using StringList = List;
  using Fixed64List = List;
  using DoubleList = List;
  using Uint64List = List;
  using ResourceLogsList = List;
  using ScopeLogsList = List;
  using LogRecordList = List;
  using ResourceSpansList = List;
  using ScopeSpansList = List;
  using SpanList = List;
  using EventList = List;
  using LinkList = List;
  using ResourceMetricsList = List;
  using ScopeMetricsList = List;
  using MetricList = List;
  using NumberPointList = List;
  using HistogramPointList = List;
  using ExponentialHistogramPointList = List;
  using SummaryPointList = List;
  using QuantileList = List;
  using ExemplarList = List;
  // Every list hands out its elements as messages.
  template <class>
  using Element = Msg;

  // `body` must stay alive while the source is used.
  explicit WireSource(std::string_view body) : body_(body) {}

  // Export{Logs,Trace,Metrics}ServiceRequest: field 1 holds the resources in all three.
  bool LogsRequest(List& list) { return Request(list); }
  bool SpansRequest(List& list) { return Request(list); }
  bool MetricsRequest(List& list) { return Request(list); }

  static std::size_t ByteSize(const Msg& m) { return m.bytes.size(); }

  template <class F>
  bool ForEach(const List& list, F&& f) {
    const std::uint32_t want = wire::Tag(list.field, wire::kLen);
    return ReadFields(list.bytes, [&](wire::Reader& r, std::uint32_t tag, const char*) {
      if (tag != want) return r.SkipField(tag, list.depth);
      std::string_view v;
      if (!r.ReadBytes(v)) return false;
      if (list.depth + 1 > wire::kMaxDepth) return Fail(wire::Error::kTooDeep);
      return f(Msg{v, list.depth + 1});
    });
  }

  // KeyValue: key = 1, value = 2 (AnyValue), key_strindex = 3 (profiles only, ignored).
  template <class F>
  bool ForEachKeyValue(const List& list, F&& f) {
    return ForEach(list, [&](const Msg& kv) {
      // Fast path: `key` then `value`, each shorter than 128 bytes, and nothing else (what SDKs
      // send). Anything else, malformed input included, takes the general path below.
      const char* p = kv.bytes.data();
      const std::size_t n = kv.bytes.size();
      if (n >= 4 && p[0] == wire::Tag(1, wire::kLen) && static_cast<unsigned char>(p[1]) < 0x80) {
        const std::size_t key_size = static_cast<unsigned char>(p[1]);
        if (key_size + 4 <= n && p[key_size + 2] == wire::Tag(2, wire::kLen) &&
            static_cast<unsigned char>(p[key_size + 3]) < 0x80 &&
            key_size + 4 + static_cast<unsigned char>(p[key_size + 3]) == n) {
          const std::string_view key(p + 2, key_size);
          if (!wire::ValidUtf8(key)) return Fail(wire::Error::kBadUtf8);
          if (kv.depth + 1 > wire::kMaxDepth) return Fail(wire::Error::kTooDeep);
          return f(key, Msg{kv.bytes.substr(key_size + 4), kv.depth + 1});
        }
      }
      std::string_view key;
      Merged value;
      const bool ok = ReadFields(kv.bytes, [&](wire::Reader& r, std::uint32_t tag, const char*) {
        if (tag == wire::Tag(1, wire::kLen)) return r.ReadString(key);
        if (tag != wire::Tag(2, wire::kLen)) return r.SkipField(tag, kv.depth);
        std::string_view v;
        if (!r.ReadBytes(v)) return false;
        Merge(value, v);
        return true;
      });
      Msg v;
      if (!ok || !Sub(value, kv.depth, v)) return false;
      return f(key, v);
    });
  }

  template <class F>
  bool ForEachArrayValue(const List& list, F&& f) {
    return ForEach(list, f);
  }

  template <class F>
  bool ForEachString(const List& list, F&& f) {
    const std::uint32_t want = wire::Tag(list.field, wire::kLen);
    return ReadFields(list.bytes, [&](wire::Reader& r, std::uint32_t tag, const char*) {
      if (tag != want) return r.SkipField(tag, list.depth);
      std::string_view v;
      return r.ReadString(v) && f(v);
    });
  }

  // Repeated fixed64 / double: one per field (wire type 1) or packed (wire type 2).
  template <class F>
  bool ForEachFixed64(const List& list, F&& f) {
    return ReadFields(list.bytes, [&](wire::Reader& r, std::uint32_t tag, const char*) {
      std::uint64_t v;
      if (tag == wire::Tag(list.field, wire::kFixed64)) return r.ReadFixed64(v) && f(v);
      if (tag != wire::Tag(list.field, wire::kLen)) return r.SkipField(tag, list.depth);
      std::string_view packed;
      if (!r.ReadBytes(packed)) return false;
      if (packed.size() % 8 != 0) return Fail(wire::Error::kBadPacked);
      for (std::size_t i = 0; i < packed.size(); i += 8) {
        std::memcpy(&v, packed.data() + i, 8);
        if (!f(v)) return false;
      }
      return true;
    });
  }
  template <class F>
  bool ForEachDouble(const List& list, F&& f) {
    return ForEachFixed64(list, [&](std::uint64_t bits) {
      double v;
      std::memcpy(&v, &bits, 8);
      return f(v);
    });
  }
  // Repeated uint64 (varints): one per field (wire type 0) or packed (wire type 2).
  template <class F>
  bool ForEachUint64(const List& list, F&& f) {
    return ReadFields(list.bytes, [&](wire::Reader& r, std::uint32_t tag, const char*) {
      std::uint64_t v;
      if (tag == wire::Tag(list.field, wire::kVarint)) return r.ReadVarint(v) && f(v);
      if (tag != wire::Tag(list.field, wire::kLen)) return r.SkipField(tag, list.depth);
      std::string_view packed;
      if (!r.ReadBytes(packed)) return false;
      wire::Reader p(packed);
      while (!p.done()) {
        if (!p.ReadVarint(v)) return Fail(wire::Error::kBadPacked);
        if (!f(v)) return false;
      }
      return true;
    });
  }

  // AnyValue: a oneof of string (1), bool (2), int64 (3), double (4), ArrayValue (5),
  // KeyValueList (6), bytes (7), string_value_strindex (8, profiles only: read as empty).
  template <class V>
  bool VisitAnyValue(const Msg& value, V& visitor) {
    // Fast path: a value that is one scalar field and nothing else (what SDKs send). Anything
    // else, malformed input included, takes the general path.
    if (value.bytes.size() >= 2) {
      const char* p = value.bytes.data();
      const std::size_t n = value.bytes.size();
      const auto first = static_cast<unsigned char>(p[0]);
      const auto second = static_cast<unsigned char>(p[1]);
      if (first == wire::Tag(1, wire::kLen) && second < 0x80 && n == 2u + second) {
        const std::string_view s(p + 2, second);
        if (!wire::ValidUtf8(s)) return Fail(wire::Error::kBadUtf8);
        return visitor.String(s);
      }
      if (first == wire::Tag(4, wire::kFixed64) && n == 9) {
        double d;
        std::memcpy(&d, p + 1, 8);
        return visitor.Double(d);
      }
      if (first == wire::Tag(3, wire::kVarint) || first == wire::Tag(2, wire::kVarint)) {
        wire::Reader r(value.bytes.substr(1));
        std::uint64_t v;
        if (r.ReadVarint(v) && r.done()) {
          return first == wire::Tag(3, wire::kVarint) ? visitor.Int(static_cast<std::int64_t>(v))
                                                      : visitor.Bool(v != 0);
        }
      }
    }
    AnyValueParts parts;
    if (!ReadAnyValue(value, parts)) return false;
    switch (parts.field) {
      case 1: return visitor.String(parts.text);
      case 2: return visitor.Bool(parts.number != 0);
      case 3: return visitor.Int(static_cast<std::int64_t>(parts.number));
      case 4: {
        double d;
        std::memcpy(&d, &parts.number, 8);
        return visitor.Double(d);
      }
      case 5: return visitor.Array(List{parts.message.bytes, 1, value.depth + 1});
      case 6: return visitor.KvList(List{parts.message.bytes, 1, value.depth + 1});
      case 7: return visitor.Bytes(parts.text);
      default: return visitor.Empty();
    }
  }

  bool Read(const Msg& m, ResourceEnvelopeFields<WireSource, List>& f);
  bool Read(const Msg& m, ScopeEnvelopeFields<WireSource, List>& f);
  bool Read(const Msg& m, EntityRefFields<WireSource>& f);
  bool Read(const Msg& m, LogRecordFields<WireSource>& f);
  bool Read(const Msg& m, SpanFields<WireSource>& f);
  bool Read(const Msg& m, EventFields<WireSource>& f);
  bool Read(const Msg& m, LinkFields<WireSource>& f);
  bool Read(const Msg& m, MetricFields<WireSource>& f);
  bool Read(const Msg& m, NumberPointFields<WireSource>& f);
  bool Read(const Msg& m, HistogramPointFields<WireSource>& f);
  bool Read(const Msg& m, ExponentialHistogramPointFields<WireSource>& f);
  bool Read(const Msg& m, SummaryPointFields<WireSource>& f);
  bool Read(const Msg& m, QuantileFields& f);
  bool Read(const Msg& m, ExemplarFields<WireSource>& f);

  static void AppendIdHex(IdView id, std::string& out) { AppendHex(id, out); }
  static std::size_t IdBytes(IdView id) { return id.size(); }
  static void AppendBase64(std::string_view bytes, std::string& out) {
    otlp::AppendBase64(bytes, out);
  }

  const std::string& error() const { return error_; }

 private:
  // The occurrences of a singular message field seen so far, merged.
  struct Merged {
    std::string_view bytes;
    bool present = false;
  };
  struct AnyValueParts {
    std::uint32_t field = 0;   // the oneof member set last (0: none)
    std::string_view text;     // string, bytes
    std::uint64_t number = 0;  // bool, int, double bits
    Merged message;            // array, kvlist
  };

  bool Request(List& list) {
    list = List{body_, 1, 0};
    return true;
  }
  bool Fail(const wire::Reader& r) { return Fail(r.error()); }
  // Reads the fields of a message one by one, the shape every message and list here shares:
  // field(r, tag, start) is called once the field's tag is read (`start`: where the field began)
  // to read its value, or to skip it with r.SkipField(tag, depth) when it is not one it knows,
  // and returns false when that fails. A failure of the reader is reported here (Fail(r)); one
  // field() reported itself (Fail(e)), or a false from a caller's callback, is passed on as is.
  template <class F>
  bool ReadFields(std::string_view bytes, F&& field) {
    wire::Reader r(bytes);
    while (!r.done()) {
      const char* start = r.position();
      std::uint32_t tag;
      if (!r.ReadTag(tag) || !field(r, tag, start)) {
        return r.error() != wire::Error::kNone ? Fail(r) : false;
      }
    }
    return true;
  }
  bool Fail(wire::Error e);
  // Adds an occurrence of a singular message field: protobuf merges repeated occurrences, which
  // reads the same as one message made of their bytes one after the other.
  void Merge(Merged& m, std::string_view occurrence) {
    if (!m.present) {
      m.bytes = occurrence;
      m.present = true;
    } else {
      MergeSlow(m, occurrence);
    }
  }
  void MergeSlow(Merged& m, std::string_view occurrence);
  // The merged message as a child of a message at `depth` (checking the nesting limit).
  bool Sub(const Merged& m, int depth, Msg& out) {
    if (!m.present) {
      out = Msg{};
      return true;
    }
    if (depth + 1 > wire::kMaxDepth) return Fail(wire::Error::kTooDeep);
    out = Msg{m.bytes, depth + 1};
    return true;
  }
  bool ReadAnyValue(const Msg& value, AnyValueParts& parts);
  bool ReadResource(const Msg& m, ResourceFields<WireSource>& f);
  bool ReadScope(const Msg& m, ScopeFields<WireSource>& f);
  bool ReadBuckets(const Msg& m, BucketsFields<WireSource>& f);

  std::string_view body_;
  std::deque<std::string> merged_;  // bytes of merged messages (rare), alive as long as the source
  std::string error_;
};

static_assert(Source<WireSource>);

}  // namespace ingot::protocols::otlp
