// The OTLP mapping (docs/schema-otlp.md), written once for every encoding: Mapper<S> walks an
// Export*ServiceRequest through a Source S and writes one row per log record, span or data point
// into the Emitter's builder. Sources (each static_asserts the Source concept below):
//   WireSource     protobuf bytes, read in place (wire_source.h) — what requests use
//   JsonSource     OTLP/JSON, a parsed simdjson document (json_source.h)
//   MessageSource  libprotobuf messages (reference.cc) — the reference the fuzzer compares with
//
// Every bool a Source returns is false on malformed input, which fails the request (error() says
// why). A source bounds nesting (100 messages, as libprotobuf), so the recursion here is bounded.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "common/json_escape.h"
#include "protocols/otlp/emitter.h"
#include "protocols/otlp/fields.h"

namespace ingot::protocols::otlp {

namespace source_archetypes {
// Callbacks of the shapes the mapping hands a Source, for checking the Source concept: each
// returns false to stop the walk.
struct Element {  // f(const Element&), per element of a list
  template <class E>
  bool operator()(const E&) const;
};
template <class S>
struct KeyValue {  // f(std::string_view key, const S::AnyValue&)
  bool operator()(std::string_view, const typename S::AnyValue&) const;
};
template <class S>
struct Value {  // f(const S::AnyValue&)
  bool operator()(const typename S::AnyValue&) const;
};
template <class T>
struct Scalar {  // f(T), per string or number of a list
  bool operator()(T) const;
};
template <class S>
struct AnyValueVisitor {  // one of these per value, by its kind
  bool Empty();
  bool String(std::string_view);
  bool Bool(bool);
  bool Int(std::int64_t);
  bool Double(double);
  bool Bytes(std::string_view);
  bool Array(const typename S::ArrayList&);
  bool KvList(const typename S::KeyValueList&);
};
}  // namespace source_archetypes

// What a list of type `List` of source S hands ForEach's callback.
template <class S, class List>
using SourceElement = typename S::template Element<List>;

// A Source: the handle types the mapping passes around (one per repeated message, the AnyValue
// and the lists of values), with
//   LogsRequest / SpansRequest / MetricsRequest(ResourceList&)  the request's resources
//   ForEach(list, f)                    f(const Element&) per element (S::Element<List>)
//   ByteSize(const Element&)            its encoded size (0: unknown), a size hint
//   Read(const Element&, XFields&)      fills fields.h's struct of that message
//   ForEachKeyValue(kvs, f)             f(std::string_view key, const S::AnyValue&)
//   ForEachArrayValue(array, f)         f(const S::AnyValue&)
//   ForEachString / ForEachFixed64 / ForEachDouble / ForEachUint64(list, f)  f(value)
//   VisitAnyValue(value, visitor)       calls one of visitor.Empty(), String(sv), Bool(b), Int(i),
//                                       Double(d), Bytes(b), Array(S::ArrayList),
//                                       KvList(S::KeyValueList)
//   static AppendIdHex(IdView, std::string&)     an id as lower-case hex
//   static IdBytes(IdView)                       how many bytes the id has
//   static AppendBase64(std::string_view, std::string&)  a Bytes() value as base64
//   error()                             why the last false was returned
template <class S>
concept Source = requires(
    S& s, const typename S::AnyValue& value, const typename S::KeyValueList& kvs,
    const typename S::ArrayList& array, const typename S::StringList& strings,
    const typename S::Fixed64List& fixed64s, const typename S::DoubleList& doubles,
    const typename S::Uint64List& uint64s, typename S::ResourceLogsList& resource_logs,
    typename S::ResourceSpansList& resource_spans,
    typename S::ResourceMetricsList& resource_metrics,
    const SourceElement<S, typename S::ResourceLogsList>& resource_log,
    const SourceElement<S, typename S::ResourceSpansList>& resource_span,
    const SourceElement<S, typename S::ResourceMetricsList>& resource_metric,
    const SourceElement<S, typename S::ScopeLogsList>& scope_log,
    const SourceElement<S, typename S::ScopeSpansList>& scope_span,
    const SourceElement<S, typename S::ScopeMetricsList>& scope_metric,
    const SourceElement<S, typename S::EntityRefList>& entity_ref,
    const SourceElement<S, typename S::LogRecordList>& log_record,
    const SourceElement<S, typename S::SpanList>& span,
    const SourceElement<S, typename S::EventList>& event,
    const SourceElement<S, typename S::LinkList>& link,
    const SourceElement<S, typename S::MetricList>& metric,
    const SourceElement<S, typename S::NumberPointList>& number_point,
    const SourceElement<S, typename S::HistogramPointList>& histogram_point,
    const SourceElement<S, typename S::ExponentialHistogramPointList>& exponential_point,
    const SourceElement<S, typename S::SummaryPointList>& summary_point,
    const SourceElement<S, typename S::QuantileList>& quantile,
    const SourceElement<S, typename S::ExemplarList>& exemplar,
    source_archetypes::Element element_f, source_archetypes::KeyValue<S> key_value_f,
    source_archetypes::Value<S> value_f, source_archetypes::Scalar<std::string_view> string_f,
    source_archetypes::Scalar<std::uint64_t> uint64_f, source_archetypes::Scalar<double> double_f,
    source_archetypes::AnyValueVisitor<S>& visitor, IdView id, std::string& out) {
  { s.LogsRequest(resource_logs) } -> std::same_as<bool>;
  { s.SpansRequest(resource_spans) } -> std::same_as<bool>;
  { s.MetricsRequest(resource_metrics) } -> std::same_as<bool>;

  { s.ForEach(resource_logs, element_f) } -> std::same_as<bool>;
  { s.ForEach(resource_spans, element_f) } -> std::same_as<bool>;
  { s.ForEach(resource_metrics, element_f) } -> std::same_as<bool>;
  { s.ForEach(std::declval<const typename S::ScopeLogsList&>(), element_f) } -> std::same_as<bool>;
  { s.ForEach(std::declval<const typename S::ScopeSpansList&>(), element_f) } -> std::same_as<bool>;
  {
    s.ForEach(std::declval<const typename S::ScopeMetricsList&>(), element_f)
    } -> std::same_as<bool>;
  { s.ForEach(std::declval<const typename S::EntityRefList&>(), element_f) } -> std::same_as<bool>;
  { s.ForEach(std::declval<const typename S::LogRecordList&>(), element_f) } -> std::same_as<bool>;
  { s.ForEach(std::declval<const typename S::SpanList&>(), element_f) } -> std::same_as<bool>;
  { s.ForEach(std::declval<const typename S::EventList&>(), element_f) } -> std::same_as<bool>;
  { s.ForEach(std::declval<const typename S::LinkList&>(), element_f) } -> std::same_as<bool>;
  { s.ForEach(std::declval<const typename S::MetricList&>(), element_f) } -> std::same_as<bool>;
  {
    s.ForEach(std::declval<const typename S::NumberPointList&>(), element_f)
    } -> std::same_as<bool>;
  {
    s.ForEach(std::declval<const typename S::HistogramPointList&>(), element_f)
    } -> std::same_as<bool>;
  {
    s.ForEach(std::declval<const typename S::ExponentialHistogramPointList&>(), element_f)
    } -> std::same_as<bool>;
  {
    s.ForEach(std::declval<const typename S::SummaryPointList&>(), element_f)
    } -> std::same_as<bool>;
  { s.ForEach(std::declval<const typename S::QuantileList&>(), element_f) } -> std::same_as<bool>;
  { s.ForEach(std::declval<const typename S::ExemplarList&>(), element_f) } -> std::same_as<bool>;

  { s.ByteSize(log_record) } -> std::convertible_to<std::size_t>;
  { s.ByteSize(span) } -> std::convertible_to<std::size_t>;
  { s.ByteSize(metric) } -> std::convertible_to<std::size_t>;

  {
    s.Read(resource_log, std::declval<ResourceEnvelopeFields<S, typename S::ScopeLogsList>&>())
    } -> std::same_as<bool>;
  {
    s.Read(resource_span, std::declval<ResourceEnvelopeFields<S, typename S::ScopeSpansList>&>())
    } -> std::same_as<bool>;
  {
    s.Read(resource_metric,
           std::declval<ResourceEnvelopeFields<S, typename S::ScopeMetricsList>&>())
    } -> std::same_as<bool>;
  {
    s.Read(scope_log, std::declval<ScopeEnvelopeFields<S, typename S::LogRecordList>&>())
    } -> std::same_as<bool>;
  {
    s.Read(scope_span, std::declval<ScopeEnvelopeFields<S, typename S::SpanList>&>())
    } -> std::same_as<bool>;
  {
    s.Read(scope_metric, std::declval<ScopeEnvelopeFields<S, typename S::MetricList>&>())
    } -> std::same_as<bool>;
  { s.Read(entity_ref, std::declval<EntityRefFields<S>&>()) } -> std::same_as<bool>;
  { s.Read(log_record, std::declval<LogRecordFields<S>&>()) } -> std::same_as<bool>;
  { s.Read(span, std::declval<SpanFields<S>&>()) } -> std::same_as<bool>;
  { s.Read(event, std::declval<EventFields<S>&>()) } -> std::same_as<bool>;
  { s.Read(link, std::declval<LinkFields<S>&>()) } -> std::same_as<bool>;
  { s.Read(metric, std::declval<MetricFields<S>&>()) } -> std::same_as<bool>;
  { s.Read(number_point, std::declval<NumberPointFields<S>&>()) } -> std::same_as<bool>;
  { s.Read(histogram_point, std::declval<HistogramPointFields<S>&>()) } -> std::same_as<bool>;
  {
    s.Read(exponential_point, std::declval<ExponentialHistogramPointFields<S>&>())
    } -> std::same_as<bool>;
  { s.Read(summary_point, std::declval<SummaryPointFields<S>&>()) } -> std::same_as<bool>;
  { s.Read(quantile, std::declval<QuantileFields&>()) } -> std::same_as<bool>;
  { s.Read(exemplar, std::declval<ExemplarFields<S>&>()) } -> std::same_as<bool>;

  { s.ForEachKeyValue(kvs, key_value_f) } -> std::same_as<bool>;
  { s.ForEachArrayValue(array, value_f) } -> std::same_as<bool>;
  { s.ForEachString(strings, string_f) } -> std::same_as<bool>;
  { s.ForEachFixed64(fixed64s, uint64_f) } -> std::same_as<bool>;
  { s.ForEachDouble(doubles, double_f) } -> std::same_as<bool>;
  { s.ForEachUint64(uint64s, uint64_f) } -> std::same_as<bool>;
  { s.VisitAnyValue(value, visitor) } -> std::same_as<bool>;

  S::AppendIdHex(id, out);
  { S::IdBytes(id) } -> std::convertible_to<std::size_t>;
  S::AppendBase64(std::string_view(), out);
  { std::as_const(s).error() } -> std::convertible_to<const std::string&>;
};

template <Source S>
class Mapper {
 public:
  Mapper(S& source, Emitter& emitter)
      : src_(source), em_(emitter), b_(emitter.builder()), c_(emitter.columns()) {}

  bool Logs();
  bool Traces();
  bool Metrics();

  // Where the walk was when it stopped, e.g. "resource_logs[0].scope_logs[2].log_records[17]".
  std::string Where() const;
  // Why it stopped: the source's error, or the mapping's own (an id of the wrong length).
  const std::string& error() const { return error_.empty() ? src_.error() : error_; }

 private:
  using AnyValue = typename S::AnyValue;
  using KeyValueList = typename S::KeyValueList;

  // Calls f for each element of `list`, keeping the element's index at `level` for Where().
  template <class List, class F>
  bool Each(int level, const List& list, F&& f) {
    index_[level] = -1;
    levels_ = level + 1;
    const bool ok = src_.ForEach(list, [&](const auto& element) {
      ++index_[level];
      levels_ = level + 1;
      return f(element);
    });
    if (ok) levels_ = level;
    return ok;
  }

  // Before the first row: tells the builder how many rows to size its columns for, from the first
  // scope's item count (a request usually has one scope of many records). The builder sizes each
  // string column for the first record's value times the count, so the count is capped at the
  // list's bytes over the first item's: a huge first record followed by many tiny ones must not
  // reserve more than the request's size. Sources that cannot tell sizes (0) give no hint; a
  // malformed list is left for the walk itself to report.
  template <class List>
  void ExpectItems(const List& items) {
    if (b_.records() != 0 || expected_) return;
    expected_ = true;
    std::size_t n = 0, first = 0, total = 0;
    const bool ok = src_.ForEach(items, [&](const auto& item) {
      const std::size_t bytes = src_.ByteSize(item);
      if (n++ == 0) first = bytes;
      total += bytes;
      return true;
    });
    if (ok && first != 0) b_.ExpectRecords(std::min(n, total / first));
  }

  // Logs(), Traces() and Metrics(): request -> resources -> scopes -> items (defined below).
  template <class ScopeList, class ItemList, class ItemFields, bool kExpectItems,
            class ResourceList, class Row>
  bool Walk(std::initializer_list<const char*> level_names, bool (S::*request)(ResourceList&),
            Row&& row);

  bool PrepareResource(const ResourceFields<S>& resource, std::string_view schema_url);
  bool PrepareScope(const ScopeFields<S>& scope, std::string_view schema_url);
  bool LogRecord(const LogRecordFields<S>& f);
  bool Span(const SpanFields<S>& f);
  bool Metric(const MetricFields<S>& f);
  template <class Point>
  bool BeginPoint(const Point& p);
  bool FinishPoint(const KeyValueList& attributes);
  bool NumberPoint(const NumberPointFields<S>& p);
  bool HistogramPoint(const HistogramPointFields<S>& p);
  bool ExponentialHistogramPoint(const ExponentialHistogramPointFields<S>& p);
  bool SummaryPoint(const SummaryPointFields<S>& p);
  bool Exemplars(const typename S::ExemplarList& list);
  bool EndRow();
  bool Abort() {
    b_.AbortRecord();
    return false;
  }

  // Adds the record's attributes (top-level keys) to the builder.
  bool AddAttributes(const KeyValueList& list);
  // Adds `value` as the value of `field` (flattening kvlists) to `sink` (the builder, or a
  // RecordedValues).
  template <class Sink>
  bool AddValue(const AnyValue& value, FieldId field, Sink& sink);
  template <class Sink>
  bool AddKeyValues(const KeyValueList& list, FieldId parent, Sink& sink);

  // JSON text of values (docs/schema-otlp.md, "Values").
  bool AppendValueJson(const AnyValue& value, std::string& out);
  bool AppendArrayJson(const typename S::ArrayList& list, std::string& out);
  // `{"key":value,...}`; `*any` set when the list had an entry.
  bool AppendKeyValuesJson(const KeyValueList& list, std::string& out, bool* any = nullptr);
  // `,"name":{...}` when the list has entries; nothing otherwise.
  bool AppendAttributesMember(std::string_view name, const KeyValueList& list, std::string& out);
  void AppendIdMember(std::string_view name, IdView id, std::string& out);
  void AppendStringMember(std::string_view name, std::string_view v, std::string& out);
  void AppendUintMember(std::string_view name, std::uint64_t v, std::string& out);
  // OTLP ids have a fixed length, as the OpenTelemetry Collector enforces (the request fails,
  // "invalid length for ID"): a trace id 16 bytes, a span id 8; empty means absent. Checked on
  // the final value of the field, so every source (and libprotobuf's reference) agrees.
  static constexpr std::size_t kTraceIdBytes = 16;
  static constexpr std::size_t kSpanIdBytes = 8;
  bool CheckId(IdView id, std::size_t bytes, std::string_view name) {
    if (id.empty() || S::IdBytes(id) == bytes) return true;
    error_.assign(name);
    error_ += ": invalid length for ID: " + std::to_string(S::IdBytes(id)) + " bytes, expected " +
              std::to_string(bytes) + " (" + std::to_string(2 * bytes) + " hex digits)";
    return false;
  }
  void AddId(FieldId field, IdView id) {
    if (id.empty()) return;
    std::string& t = em_.scratch();
    S::AppendIdHex(id, t);
    b_.AddString(field, t);
  }
  void AddText(FieldId field, std::string_view v) {
    if (!v.empty()) b_.AddString(field, v);
  }

  S& src_;
  Emitter& em_;
  model::BatchBuilder& b_;
  const Columns& c_;
  const char* level_names_[4] = {};
  int index_[4] = {-1, -1, -1, -1};
  int levels_ = 0;
  bool expected_ = false;
  std::string value_json_;  // AddValue's arrays and kvlists past the depth
  std::string list_json_;   // events, links, exemplars, buckets, quantiles, entity refs
  std::string enum_text_;
  std::string error_;  // see error()
};

// ---- walking the request

template <Source S>
std::string Mapper<S>::Where() const {
  std::string where;
  for (int i = 0; i < levels_; ++i) {
    if (i > 0) where.push_back('.');
    where += level_names_[i];
    where.push_back('[');
    where += std::to_string(index_[i] < 0 ? 0 : index_[i]);
    where.push_back(']');
  }
  return where.empty() ? std::string("request") : where;
}

template <Source S>
bool Mapper<S>::EndRow() {
  if (!em_.EndRow()) em_.Reject(Where());
  return true;
}

// The walk the three signals share: reads the request's resources with `request` (&S::LogsRequest,
// ...), and for each resource its ScopeList of scopes, for each scope its ItemList of items (log
// records, spans, metrics), each read into ItemFields and passed to row(). `level_names` names the
// levels for Where(). kExpectItems: size the builder from the first scope's items (not for metrics,
// whose rows are their data points).
template <Source S>
template <class ScopeList, class ItemList, class ItemFields, bool kExpectItems, class ResourceList,
          class Row>
bool Mapper<S>::Walk(std::initializer_list<const char*> level_names,
                     bool (S::*request)(ResourceList&), Row&& row) {
  std::copy(level_names.begin(), level_names.end(), level_names_);
  ResourceList resources{};
  if (!(src_.*request)(resources)) return false;
  return Each(0, resources, [&](const auto& element) {
    ResourceEnvelopeFields<S, ScopeList> r;
    if (!src_.Read(element, r) || !PrepareResource(r.resource, r.schema_url)) return false;
    return Each(1, r.scopes, [&](const auto& scope_element) {
      ScopeEnvelopeFields<S, ItemList> s;
      if (!src_.Read(scope_element, s) || !PrepareScope(s.scope, s.schema_url)) return false;
      if constexpr (kExpectItems) ExpectItems(s.items);
      return Each(2, s.items, [&](const auto& item) {
        ItemFields f;
        return src_.Read(item, f) && row(f);
      });
    });
  });
}

template <Source S>
bool Mapper<S>::Logs() {
  return Walk<typename S::ScopeLogsList, typename S::LogRecordList, LogRecordFields<S>, true>(
      {"resource_logs", "scope_logs", "log_records"}, &S::LogsRequest,
      [this](const LogRecordFields<S>& f) { return LogRecord(f); });
}

template <Source S>
bool Mapper<S>::Traces() {
  return Walk<typename S::ScopeSpansList, typename S::SpanList, SpanFields<S>, true>(
      {"resource_spans", "scope_spans", "spans"}, &S::SpansRequest,
      [this](const SpanFields<S>& f) { return Span(f); });
}

// A metric's rows are its data points, one level below (Metric's Each(3, ...)).
template <Source S>
bool Mapper<S>::Metrics() {
  return Walk<typename S::ScopeMetricsList, typename S::MetricList, MetricFields<S>, false>(
      {"resource_metrics", "scope_metrics", "metrics", "data_points"}, &S::MetricsRequest,
      [this](const MetricFields<S>& f) { return Metric(f); });
}

// ---- resource and scope: recorded once, replayed into each row

template <Source S>
bool Mapper<S>::PrepareResource(const ResourceFields<S>& resource, std::string_view schema_url) {
  RecordedValues& v = em_.resource_values();
  v.Clear();
  if (!schema_url.empty()) v.AddString(c_.resource_schema_url, schema_url);
  if (resource.dropped_attributes_count != 0) {
    v.AddInt(c_.resource_dropped_attributes_count, resource.dropped_attributes_count);
  }
  std::string& refs = list_json_;
  refs.clear();
  const bool ok = src_.ForEach(resource.entity_refs, [&](const auto& element) {
    EntityRefFields<S> e;
    if (!src_.Read(element, e)) return false;
    refs += refs.empty() ? "[{" : ",{";
    const std::size_t open = refs.size();
    AppendStringMember("schema_url", e.schema_url, refs);
    AppendStringMember("type", e.type, refs);
    for (const auto& [name, list] :
         {std::pair{std::string_view("id_keys"), &e.id_keys},
          std::pair{std::string_view("description_keys"), &e.description_keys}}) {
      const std::size_t at = refs.size();
      refs += ",\"";
      refs += name;
      refs += "\":[";
      bool any = false;
      if (!src_.ForEachString(*list, [&](std::string_view key) {
            if (any) refs.push_back(',');
            any = true;
            AppendJsonString(key, refs);
            return true;
          })) {
        return false;
      }
      if (any) {
        refs.push_back(']');
      } else {
        refs.resize(at);
      }
    }
    if (refs.size() > open) refs.erase(open, 1);  // the first member's comma
    refs.push_back('}');
    return true;
  });
  if (!ok) return false;
  if (!refs.empty()) {
    refs.push_back(']');
    v.AddJsonText(c_.resource_entity_refs, refs);
  }
  if (!AddKeyValues(resource.attributes, model::BatchBuilder::kRoot, v)) return false;
  if (!v.Any([this](FieldId f) { return em_.IsServiceName(f); })) {
    v.AddString(c_.service_name, "unknown_service");
  }
  return true;
}

template <Source S>
bool Mapper<S>::PrepareScope(const ScopeFields<S>& scope, std::string_view schema_url) {
  RecordedValues& v = em_.scope_values();
  v.Clear();
  if (!scope.name.empty()) v.AddString(c_.scope_name, scope.name);
  if (!scope.version.empty()) v.AddString(c_.scope_version, scope.version);
  if (scope.dropped_attributes_count != 0) {
    v.AddInt(c_.scope_dropped_attributes_count, scope.dropped_attributes_count);
  }
  if (!schema_url.empty()) v.AddString(c_.scope_schema_url, schema_url);
  return AddKeyValues(scope.attributes, model::BatchBuilder::kRoot, v);
}

// ---- logs

template <Source S>
bool Mapper<S>::LogRecord(const LogRecordFields<S>& f) {
  if (!CheckId(f.trace_id, kTraceIdBytes, "trace_id") ||
      !CheckId(f.span_id, kSpanIdBytes, "span_id")) {
    return false;
  }
  b_.BeginRecord();
  if (f.time_unix_nano != 0) {
    b_.SetTimestamp(static_cast<std::int64_t>(f.time_unix_nano / 1000));
    b_.AddUint(c_.time_unix_nano, f.time_unix_nano);
  } else if (f.observed_time_unix_nano != 0) {
    b_.SetTimestamp(static_cast<std::int64_t>(f.observed_time_unix_nano / 1000));
  }
  if (f.observed_time_unix_nano != 0) {
    b_.AddUint(c_.observed_time_unix_nano, f.observed_time_unix_nano);
  }
  if (f.severity_number != 0) b_.AddInt(c_.severity_number, f.severity_number);
  AddText(c_.severity_text, f.severity_text);
  // The body: a string as is, bytes as base64, anything else as its JSON text.
  struct BodyVisitor {
    Mapper& m;
    bool Empty() { return true; }
    bool String(std::string_view s) {
      m.b_.AddString(m.c_.body, s);
      return true;
    }
    bool Bytes(std::string_view bytes) {
      std::string& t = m.em_.scratch();
      S::AppendBase64(bytes, t);
      m.b_.AddString(m.c_.body, t);
      return true;
    }
    std::string& Text() {
      m.value_json_.clear();
      return m.value_json_;
    }
    bool Done() {
      m.b_.AddJsonText(m.c_.body, m.value_json_);
      return true;
    }
    bool Bool(bool v) {
      Text() += v ? "true" : "false";
      return Done();
    }
    bool Int(std::int64_t v) {
      AppendJsonInt(v, Text());
      return Done();
    }
    bool Double(double v) {
      AppendJsonDouble(v, Text());
      return Done();
    }
    bool Array(const typename S::ArrayList& a) { return m.AppendArrayJson(a, Text()) && Done(); }
    bool KvList(const KeyValueList& kv) { return m.AppendKeyValuesJson(kv, Text()) && Done(); }
  } body{*this};
  if (!src_.VisitAnyValue(f.body, body)) return Abort();
  AddId(c_.trace_id, f.trace_id);
  AddId(c_.span_id, f.span_id);
  if (f.flags != 0) b_.AddInt(c_.flags, f.flags);
  AddText(c_.event_name, f.event_name);
  if (f.dropped_attributes_count != 0) {
    b_.AddInt(c_.dropped_attributes_count, f.dropped_attributes_count);
  }
  if (!AddAttributes(f.attributes)) return Abort();
  return EndRow();
}

// ---- traces

template <Source S>
bool Mapper<S>::Span(const SpanFields<S>& f) {
  if (!CheckId(f.trace_id, kTraceIdBytes, "trace_id") ||
      !CheckId(f.span_id, kSpanIdBytes, "span_id") ||
      !CheckId(f.parent_span_id, kSpanIdBytes, "parent_span_id")) {
    return false;
  }
  b_.BeginRecord();
  if (f.start_time_unix_nano != 0) {
    b_.SetTimestamp(static_cast<std::int64_t>(f.start_time_unix_nano / 1000));
  }
  AddId(c_.trace_id, f.trace_id);
  AddId(c_.span_id, f.span_id);
  AddId(c_.parent_span_id, f.parent_span_id);
  AddText(c_.trace_state, f.trace_state);
  AddText(c_.name, f.name);
  b_.AddString(c_.kind, SpanKindText(f.kind, enum_text_));
  if (f.start_time_unix_nano != 0) b_.AddUint(c_.start_time_unix_nano, f.start_time_unix_nano);
  if (f.end_time_unix_nano != 0) b_.AddUint(c_.end_time_unix_nano, f.end_time_unix_nano);
  if (f.start_time_unix_nano != 0 && f.end_time_unix_nano != 0) {
    b_.AddInt(c_.duration_ns,
              static_cast<std::int64_t>(f.end_time_unix_nano - f.start_time_unix_nano));
  }
  b_.AddString(c_.status_code, StatusCodeText(f.status_code, enum_text_));
  AddText(c_.status_message, f.status_message);
  if (f.flags != 0) b_.AddInt(c_.flags, f.flags);
  if (f.dropped_attributes_count != 0) {
    b_.AddInt(c_.dropped_attributes_count, f.dropped_attributes_count);
  }
  if (f.dropped_events_count != 0) b_.AddInt(c_.dropped_events_count, f.dropped_events_count);
  if (f.dropped_links_count != 0) b_.AddInt(c_.dropped_links_count, f.dropped_links_count);

  std::string& out = list_json_;
  out.clear();
  bool ok = src_.ForEach(f.events, [&](const auto& element) {
    EventFields<S> e;
    if (!src_.Read(element, e)) return false;
    out += out.empty() ? "[{" : ",{";
    const std::size_t open = out.size();
    if (e.time_unix_nano != 0) AppendUintMember("time_unix_nano", e.time_unix_nano, out);
    AppendStringMember("name", e.name, out);
    if (!AppendAttributesMember("attributes", e.attributes, out)) return false;
    if (e.dropped_attributes_count != 0) {
      AppendUintMember("dropped_attributes_count", e.dropped_attributes_count, out);
    }
    if (out.size() > open) out.erase(open, 1);  // the first member's comma
    out.push_back('}');
    return true;
  });
  if (!ok) return Abort();
  if (!out.empty()) {
    out.push_back(']');
    b_.AddJsonText(c_.events, out);
  }
  out.clear();
  ok = src_.ForEach(f.links, [&](const auto& element) {
    LinkFields<S> l;
    if (!src_.Read(element, l) || !CheckId(l.trace_id, kTraceIdBytes, "links.trace_id") ||
        !CheckId(l.span_id, kSpanIdBytes, "links.span_id")) {
      return false;
    }
    out += out.empty() ? "[{" : ",{";
    const std::size_t open = out.size();
    AppendIdMember("trace_id", l.trace_id, out);
    AppendIdMember("span_id", l.span_id, out);
    AppendStringMember("trace_state", l.trace_state, out);
    if (!AppendAttributesMember("attributes", l.attributes, out)) return false;
    if (l.dropped_attributes_count != 0) {
      AppendUintMember("dropped_attributes_count", l.dropped_attributes_count, out);
    }
    if (l.flags != 0) AppendUintMember("flags", l.flags, out);
    if (out.size() > open) out.erase(open, 1);
    out.push_back('}');
    return true;
  });
  if (!ok) return Abort();
  if (!out.empty()) {
    out.push_back(']');
    b_.AddJsonText(c_.links, out);
  }
  if (!AddAttributes(f.attributes)) return Abort();
  return EndRow();
}

// ---- metrics

template <Source S>
bool Mapper<S>::Metric(const MetricFields<S>& f) {
  RecordedValues& v = em_.metric_values();
  v.Clear();
  if (!f.name.empty()) v.AddString(c_.metric_name, f.name);
  if (!f.description.empty()) v.AddString(c_.metric_description, f.description);
  if (!f.unit.empty()) v.AddString(c_.metric_unit, f.unit);
  switch (f.type) {
    case MetricType::kNone: break;
    case MetricType::kGauge: v.AddString(c_.metric_type, "gauge"); break;
    case MetricType::kSum:
      v.AddString(c_.metric_type, "sum");
      v.AddString(c_.aggregation_temporality,
                  TemporalityText(f.aggregation_temporality, enum_text_));
      v.AddBool(c_.is_monotonic, f.is_monotonic);
      break;
    case MetricType::kHistogram:
    case MetricType::kExponentialHistogram:
      v.AddString(c_.metric_type,
                  f.type == MetricType::kHistogram ? "histogram" : "exponential_histogram");
      v.AddString(c_.aggregation_temporality,
                  TemporalityText(f.aggregation_temporality, enum_text_));
      break;
    case MetricType::kSummary: v.AddString(c_.metric_type, "summary"); break;
  }
  RecordedValues& metadata = em_.metadata_values();
  metadata.Clear();
  if (!AddKeyValues(f.metadata, c_.metric_metadata, metadata)) return false;
  switch (f.type) {
    case MetricType::kNone: return true;
    case MetricType::kGauge:
    case MetricType::kSum:
      return Each(3, f.number_points, [&](const auto& element) {
        NumberPointFields<S> p;
        return src_.Read(element, p) && NumberPoint(p);
      });
    case MetricType::kHistogram:
      return Each(3, f.histogram_points, [&](const auto& element) {
        HistogramPointFields<S> p;
        return src_.Read(element, p) && HistogramPoint(p);
      });
    case MetricType::kExponentialHistogram:
      return Each(3, f.exponential_histogram_points, [&](const auto& element) {
        ExponentialHistogramPointFields<S> p;
        return src_.Read(element, p) && ExponentialHistogramPoint(p);
      });
    case MetricType::kSummary:
      return Each(3, f.summary_points, [&](const auto& element) {
        SummaryPointFields<S> p;
        return src_.Read(element, p) && SummaryPoint(p);
      });
  }
  return true;
}

// The columns every data point has, before its own.
template <Source S>
template <class Point>
bool Mapper<S>::BeginPoint(const Point& p) {
  b_.BeginRecord();
  if (p.time_unix_nano != 0) b_.SetTimestamp(static_cast<std::int64_t>(p.time_unix_nano / 1000));
  em_.metric_values().ReplayInto(b_);
  if (p.start_time_unix_nano != 0) b_.AddUint(c_.start_time_unix_nano, p.start_time_unix_nano);
  if (p.time_unix_nano != 0) b_.AddUint(c_.time_unix_nano, p.time_unix_nano);
  if (p.flags != 0) b_.AddInt(c_.flags, p.flags);
  return true;
}

template <Source S>
bool Mapper<S>::FinishPoint(const KeyValueList& attributes) {
  if (!AddAttributes(attributes)) return Abort();
  em_.metadata_values().ReplayInto(b_);
  return EndRow();
}

template <Source S>
bool Mapper<S>::NumberPoint(const NumberPointFields<S>& p) {
  BeginPoint(p);
  if (p.value_kind == NumberKind::kDouble) b_.AddDouble(c_.value, p.as_double);
  if (p.value_kind == NumberKind::kInt) b_.AddDouble(c_.value, static_cast<double>(p.as_int));
  if (!Exemplars(p.exemplars)) return Abort();
  return FinishPoint(p.attributes);
}

template <Source S>
bool Mapper<S>::HistogramPoint(const HistogramPointFields<S>& p) {
  BeginPoint(p);
  b_.AddUint(c_.count, p.count);
  if (p.has_sum) b_.AddDouble(c_.sum, p.sum);
  if (p.has_min) b_.AddDouble(c_.min, p.min);
  if (p.has_max) b_.AddDouble(c_.max, p.max);
  std::string& out = list_json_;
  out.clear();
  if (!src_.ForEachFixed64(p.bucket_counts, [&](std::uint64_t n) {
        out.push_back(out.empty() ? '[' : ',');
        AppendJsonUint(n, out);
        return true;
      })) {
    return Abort();
  }
  if (!out.empty()) {
    out.push_back(']');
    b_.AddJsonText(c_.bucket_counts, out);
  }
  out.clear();
  if (!src_.ForEachDouble(p.explicit_bounds, [&](double bound) {
        out.push_back(out.empty() ? '[' : ',');
        AppendJsonDouble(bound, out);
        return true;
      })) {
    return Abort();
  }
  if (!out.empty()) {
    out.push_back(']');
    b_.AddJsonText(c_.explicit_bounds, out);
  }
  if (!Exemplars(p.exemplars)) return Abort();
  return FinishPoint(p.attributes);
}

template <Source S>
bool Mapper<S>::ExponentialHistogramPoint(const ExponentialHistogramPointFields<S>& p) {
  BeginPoint(p);
  b_.AddUint(c_.count, p.count);
  if (p.has_sum) b_.AddDouble(c_.sum, p.sum);
  if (p.has_min) b_.AddDouble(c_.min, p.min);
  if (p.has_max) b_.AddDouble(c_.max, p.max);
  b_.AddInt(c_.scale, p.scale);
  b_.AddUint(c_.zero_count, p.zero_count);
  b_.AddDouble(c_.zero_threshold, p.zero_threshold);
  std::string& out = list_json_;
  for (const auto& [buckets, offset_field, counts_field] :
       {std::tuple{&p.positive, c_.positive_offset, c_.positive_bucket_counts},
        std::tuple{&p.negative, c_.negative_offset, c_.negative_bucket_counts}}) {
    out.clear();
    if (!src_.ForEachUint64(buckets->bucket_counts, [&](std::uint64_t n) {
          out.push_back(out.empty() ? '[' : ',');
          AppendJsonUint(n, out);
          return true;
        })) {
      return Abort();
    }
    if (!out.empty()) {
      out.push_back(']');
      b_.AddInt(offset_field, buckets->offset);
      b_.AddJsonText(counts_field, out);
    }
  }
  if (!Exemplars(p.exemplars)) return Abort();
  return FinishPoint(p.attributes);
}

template <Source S>
bool Mapper<S>::SummaryPoint(const SummaryPointFields<S>& p) {
  BeginPoint(p);
  b_.AddUint(c_.count, p.count);
  b_.AddDouble(c_.sum, p.sum);
  std::string& out = list_json_;
  out.clear();
  if (!src_.ForEach(p.quantile_values, [&](const auto& element) {
        QuantileFields q;
        if (!src_.Read(element, q)) return false;
        out += out.empty() ? "[{\"quantile\":" : ",{\"quantile\":";
        AppendJsonDouble(q.quantile, out);
        out += ",\"value\":";
        AppendJsonDouble(q.value, out);
        out.push_back('}');
        return true;
      })) {
    return Abort();
  }
  if (!out.empty()) {
    out.push_back(']');
    b_.AddJsonText(c_.quantile_values, out);
  }
  return FinishPoint(p.attributes);
}

template <Source S>
bool Mapper<S>::Exemplars(const typename S::ExemplarList& list) {
  std::string& out = list_json_;
  out.clear();
  const bool ok = src_.ForEach(list, [&](const auto& element) {
    ExemplarFields<S> e;
    if (!src_.Read(element, e) || !CheckId(e.trace_id, kTraceIdBytes, "exemplars.trace_id") ||
        !CheckId(e.span_id, kSpanIdBytes, "exemplars.span_id")) {
      return false;
    }
    out += out.empty() ? "[{" : ",{";
    const std::size_t open = out.size();
    if (e.time_unix_nano != 0) AppendUintMember("time_unix_nano", e.time_unix_nano, out);
    if (e.value_kind == NumberKind::kDouble) {
      out += ",\"value\":";
      AppendJsonDouble(e.as_double, out);
    } else if (e.value_kind == NumberKind::kInt) {
      out += ",\"value\":";
      AppendJsonInt(e.as_int, out);
    }
    AppendIdMember("span_id", e.span_id, out);
    AppendIdMember("trace_id", e.trace_id, out);
    if (!AppendAttributesMember("filtered_attributes", e.filtered_attributes, out)) return false;
    if (out.size() > open) out.erase(open, 1);
    out.push_back('}');
    return true;
  });
  if (!ok) return false;
  if (!out.empty()) {
    out.push_back(']');
    b_.AddJsonText(c_.exemplars, out);
  }
  return true;
}

// ---- attributes and values

template <Source S>
bool Mapper<S>::AddAttributes(const KeyValueList& list) {
  std::size_t i = 0;
  return src_.ForEachKeyValue(list, [&](std::string_view key, const AnyValue& value) {
    return AddValue(value, em_.AttributeField(i++, key), b_);
  });
}

template <Source S>
template <class Sink>
bool Mapper<S>::AddKeyValues(const KeyValueList& list, FieldId parent, Sink& sink) {
  return src_.ForEachKeyValue(list, [&](std::string_view key, const AnyValue& value) {
    return AddValue(value, em_.Field(parent, key), sink);
  });
}

template <Source S>
template <class Sink>
bool Mapper<S>::AddValue(const AnyValue& value, FieldId field, Sink& sink) {
  struct Visitor {
    Mapper& m;
    FieldId field;
    Sink& sink;
    FieldId leaf() const { return m.em_.Leaf(field); }
    bool Empty() { return true; }
    bool String(std::string_view s) {
      sink.AddString(leaf(), s);
      return true;
    }
    bool Bool(bool v) {
      sink.AddBool(leaf(), v);
      return true;
    }
    bool Int(std::int64_t v) {
      sink.AddInt(leaf(), v);
      return true;
    }
    bool Double(double v) {
      sink.AddDouble(leaf(), v);
      return true;
    }
    bool Bytes(std::string_view bytes) {
      std::string& t = m.em_.scratch();
      S::AppendBase64(bytes, t);
      sink.AddString(leaf(), t);
      return true;
    }
    bool Array(const typename S::ArrayList& a) {
      std::string& t = m.value_json_;
      t.clear();
      if (!m.AppendArrayJson(a, t)) return false;
      sink.AddJsonText(leaf(), t);
      return true;
    }
    bool KvList(const KeyValueList& kv) {
      if (m.b_.Flattens(field)) return m.AddKeyValues(kv, field, sink);
      std::string& t = m.value_json_;
      t.clear();
      if (!m.AppendKeyValuesJson(kv, t)) return false;
      sink.AddJsonText(leaf(), t);
      return true;
    }
  } visitor{*this, field, sink};
  return src_.VisitAnyValue(value, visitor);
}

template <Source S>
bool Mapper<S>::AppendValueJson(const AnyValue& value, std::string& out) {
  struct Visitor {
    Mapper& m;
    std::string& out;
    bool Empty() { return (out += "null", true); }
    bool String(std::string_view s) { return (AppendJsonString(s, out), true); }
    bool Bool(bool v) { return (out += v ? "true" : "false", true); }
    bool Int(std::int64_t v) { return (AppendJsonInt(v, out), true); }
    bool Double(double v) { return (AppendJsonDouble(v, out), true); }
    bool Bytes(std::string_view bytes) {
      out.push_back('"');
      S::AppendBase64(bytes, out);
      out.push_back('"');
      return true;
    }
    bool Array(const typename S::ArrayList& a) { return m.AppendArrayJson(a, out); }
    bool KvList(const KeyValueList& kv) { return m.AppendKeyValuesJson(kv, out); }
  } visitor{*this, out};
  return src_.VisitAnyValue(value, visitor);
}

template <Source S>
bool Mapper<S>::AppendArrayJson(const typename S::ArrayList& list, std::string& out) {
  out.push_back('[');
  bool first = true;
  const bool ok = src_.ForEachArrayValue(list, [&](const AnyValue& value) {
    if (!first) out.push_back(',');
    first = false;
    return AppendValueJson(value, out);
  });
  out.push_back(']');
  return ok;
}

template <Source S>
bool Mapper<S>::AppendKeyValuesJson(const KeyValueList& list, std::string& out, bool* any) {
  out.push_back('{');
  bool first = true;
  const bool ok = src_.ForEachKeyValue(list, [&](std::string_view key, const AnyValue& value) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(key, out);
    out.push_back(':');
    return AppendValueJson(value, out);
  });
  out.push_back('}');
  if (any) *any = !first;
  return ok;
}

template <Source S>
bool Mapper<S>::AppendAttributesMember(std::string_view name, const KeyValueList& list,
                                       std::string& out) {
  const std::size_t at = out.size();
  out += ",\"";
  out += name;
  out += "\":";
  bool any = false;
  if (!AppendKeyValuesJson(list, out, &any)) return false;
  if (!any) out.resize(at);
  return true;
}

template <Source S>
void Mapper<S>::AppendIdMember(std::string_view name, IdView id, std::string& out) {
  if (id.empty()) return;
  out += ",\"";
  out += name;
  out += "\":\"";
  S::AppendIdHex(id, out);
  out.push_back('"');
}

template <Source S>
void Mapper<S>::AppendStringMember(std::string_view name, std::string_view v, std::string& out) {
  if (v.empty()) return;
  out += ",\"";
  out += name;
  out += "\":";
  AppendJsonString(v, out);
}

template <Source S>
void Mapper<S>::AppendUintMember(std::string_view name, std::uint64_t v, std::string& out) {
  out += ",\"";
  out += name;
  out += "\":";
  AppendJsonUint(v, out);
}

}  // namespace ingot::protocols::otlp
