// JsonSource: the Source (mapper.h) over OTLP/JSON, a document parsed by simdjson's DOM parser
// (the mapping reads a resource before its scopes whatever the key order, which a forward-only
// parser cannot do without buffering).
//
// OTLP/JSON is the protobuf JSON mapping with OTLP's deviations: lowerCamelCase keys (the proto
// names are accepted too), trace/span ids in hex, enums as integers (names accepted too), 64-bit
// integers as numbers or strings. Unknown keys are ignored; null means "not set"; a key given
// twice counts once, the last one. Nesting is bounded as for protobuf (100 messages).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "protocols/otlp/emitter.h"
#include "protocols/otlp/fields.h"
#include "protocols/otlp/mapper.h"

namespace ingot::protocols::otlp {

class JsonSource {
 public:
  // A message (an object; absent when !present) and how deep it is below the request.
  struct Msg {
    simdjson::dom::element element;
    int depth = 0;
    bool present = false;
  };
  // A JSON array of the message at `depth` (its elements are at depth + 1).
  struct List {
    simdjson::dom::array array;
    int depth = 0;
    bool present = false;
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

  // `root` is the parsed request; the document must outlive the source.
  explicit JsonSource(simdjson::dom::element root) : root_(root) {}

  bool LogsRequest(List& list) {
    names_ = {"scopeLogs", "scope_logs", "logRecords", "log_records"};
    return Request("resourceLogs", "resource_logs", list);
  }
  bool SpansRequest(List& list) {
    names_ = {"scopeSpans", "scope_spans", "spans", "spans"};
    return Request("resourceSpans", "resource_spans", list);
  }
  bool MetricsRequest(List& list) {
    names_ = {"scopeMetrics", "scope_metrics", "metrics", "metrics"};
    return Request("resourceMetrics", "resource_metrics", list);
  }

  // Unknown in a DOM: the mapping gives the builder no size hint for JSON.
  static std::size_t ByteSize(const Msg&) { return 0; }

  template <class F>
  bool ForEach(const List& list, F&& f) {
    if (!list.present) return true;
    for (simdjson::dom::element e : list.array) {
      Msg m;
      if (!Child(e, list.depth, m)) return false;
      if (!m.present) return Fail("null in a list of messages");
      if (!f(m)) return false;
    }
    return true;
  }

  template <class F>
  bool ForEachKeyValue(const List& list, F&& f) {
    return ForEach(list, [&](const Msg& kv) {
      std::string_view key;
      Msg value;
      if (!ReadKeyValue(kv, key, value)) return false;
      return f(key, value);
    });
  }
  template <class F>
  bool ForEachArrayValue(const List& list, F&& f) {
    if (!list.present) return true;
    for (simdjson::dom::element e : list.array) {
      Msg m;
      if (!Child(e, list.depth, m)) return false;
      if (!f(m)) return false;  // a null element is an empty value
    }
    return true;
  }
  template <class F>
  bool ForEachString(const List& list, F&& f) {
    if (!list.present) return true;
    for (simdjson::dom::element e : list.array) {
      std::string_view s;
      if (e.get_string().get(s) != simdjson::SUCCESS) return Fail("expected a list of strings");
      if (!f(s)) return false;
    }
    return true;
  }
  template <class F>
  bool ForEachFixed64(const List& list, F&& f) {
    return ForEachUint64(list, f);
  }
  template <class F>
  bool ForEachUint64(const List& list, F&& f) {
    if (!list.present) return true;
    for (simdjson::dom::element e : list.array) {
      std::uint64_t v;
      if (!Uint64(e, "bucketCounts", v)) return false;
      if (!f(v)) return false;
    }
    return true;
  }
  template <class F>
  bool ForEachDouble(const List& list, F&& f) {
    if (!list.present) return true;
    for (simdjson::dom::element e : list.array) {
      double v;
      if (!Double(e, "explicitBounds", v)) return false;
      if (!f(v)) return false;
    }
    return true;
  }

  template <class V>
  bool VisitAnyValue(const Msg& value, V& visitor) {
    AnyValueParts parts;
    if (!ReadAnyValue(value, parts)) return false;
    switch (parts.kind) {
      case AnyKind::kString: return visitor.String(parts.text);
      case AnyKind::kBool: return visitor.Bool(parts.boolean);
      case AnyKind::kInt: return visitor.Int(parts.integer);
      case AnyKind::kDouble: return visitor.Double(parts.number);
      case AnyKind::kBytes: return visitor.Bytes(parts.text);
      case AnyKind::kArray: return visitor.Array(parts.list);
      case AnyKind::kKvList: return visitor.KvList(parts.list);
      case AnyKind::kEmpty: break;
    }
    return visitor.Empty();
  }

  bool Read(const Msg& m, ResourceEnvelopeFields<JsonSource, List>& f);
  bool Read(const Msg& m, ScopeEnvelopeFields<JsonSource, List>& f);
  bool Read(const Msg& m, EntityRefFields<JsonSource>& f);
  bool Read(const Msg& m, LogRecordFields<JsonSource>& f);
  bool Read(const Msg& m, SpanFields<JsonSource>& f);
  bool Read(const Msg& m, EventFields<JsonSource>& f);
  bool Read(const Msg& m, LinkFields<JsonSource>& f);
  bool Read(const Msg& m, MetricFields<JsonSource>& f);
  bool Read(const Msg& m, NumberPointFields<JsonSource>& f);
  bool Read(const Msg& m, HistogramPointFields<JsonSource>& f);
  bool Read(const Msg& m, ExponentialHistogramPointFields<JsonSource>& f);
  bool Read(const Msg& m, SummaryPointFields<JsonSource>& f);
  bool Read(const Msg& m, QuantileFields& f);
  bool Read(const Msg& m, ExemplarFields<JsonSource>& f);

  // Ids are the hex text as sent (checked to be hex).
  static void AppendIdHex(IdView id, std::string& out) { AppendLowerHex(id, out); }
  static std::size_t IdBytes(IdView id) { return id.size() / 2; }
  // Bytes values are the base64 text as sent (checked): re-encoded in the one canonical form.
  static void AppendBase64(std::string_view text, std::string& out);

  const std::string& error() const { return error_; }

 private:
  enum class AnyKind : std::uint8_t {
    kEmpty,
    kString,
    kBool,
    kInt,
    kDouble,
    kBytes,
    kArray,
    kKvList
  };
  struct AnyValueParts {
    AnyKind kind = AnyKind::kEmpty;
    std::string_view text;
    bool boolean = false;
    std::int64_t integer = 0;
    double number = 0;
    List list;
  };

  // The keys of the signal's lists: ResourceX.scope_x and ScopeX.<items>.
  struct SignalNames {
    std::string_view scopes_camel, scopes_snake, items_camel, items_snake;
  };

  bool Request(std::string_view camel, std::string_view snake, List& list);
  // Calls f(key, value) for each member of message `m` (nothing when it is absent).
  template <class F>
  bool Members(const Msg& m, F&& f);
  // Member `key` as a sub-message of a message at `depth` (null: absent).
  bool Sub(simdjson::dom::element e, std::string_view key, int depth, Msg& out);
  bool Fail(std::string_view message);
  bool Fail(std::string_view key, std::string_view expected);
  // `e` as the message child of a message at `depth` (null: absent).
  bool Child(simdjson::dom::element e, int depth, Msg& out);
  // `e` as a list held by a message at `depth` (null: empty).
  bool ListOf(simdjson::dom::element e, std::string_view key, int depth, List& out);
  bool Object(const Msg& m, simdjson::dom::object& out);
  bool ReadKeyValue(const Msg& kv, std::string_view& key, Msg& value);
  bool ReadAnyValue(const Msg& value, AnyValueParts& parts);
  bool ReadResource(const Msg& m, ResourceFields<JsonSource>& f);
  bool ReadScope(const Msg& m, ScopeFields<JsonSource>& f);
  bool ReadBuckets(const Msg& m, BucketsFields<JsonSource>& f);

  // Scalars; null reads as the default value.
  bool Uint64(simdjson::dom::element e, std::string_view key, std::uint64_t& out);
  bool Int64(simdjson::dom::element e, std::string_view key, std::int64_t& out);
  bool Int32(simdjson::dom::element e, std::string_view key, std::int32_t& out);
  bool Uint32(simdjson::dom::element e, std::string_view key, std::uint32_t& out);
  bool Double(simdjson::dom::element e, std::string_view key, double& out);
  // An `optional double`: `has` unless null.
  bool OptionalDouble(simdjson::dom::element e, std::string_view key, bool& has, double& out);
  bool Bool(simdjson::dom::element e, std::string_view key, bool& out);
  bool String(simdjson::dom::element e, std::string_view key, std::string_view& out);
  bool Id(simdjson::dom::element e, std::string_view key, IdView& out);
  // An enum: its number, or one of `names` (index = value).
  bool Enum(simdjson::dom::element e, std::string_view key, const std::string_view* names,
            std::size_t count, std::int32_t& out);

  simdjson::dom::element root_;
  SignalNames names_;
  std::string scratch_;  // decoded base64, to check it
  std::string error_;
};

static_assert(Source<JsonSource>);

// The thread's DOM parser for OTLP/JSON bodies, reused across requests; TrimJsonParser() frees
// its buffers after a large body (they take several times the body's size).
simdjson::dom::parser& ThreadJsonParser();
void TrimJsonParser();

}  // namespace ingot::protocols::otlp
