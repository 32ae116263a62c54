#include "protocols/otlp/json_source.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "protocols/otlp/wire.h"

namespace ingot::protocols::otlp {

using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

// A key in its lowerCamelCase JSON name or its proto field name.
bool Is(std::string_view key, std::string_view camel, std::string_view snake) {
  return key == camel || key == snake;
}

// The names of the OTLP enums (index = value), for enums sent by name.
constexpr std::string_view kSeverityNames[] = {
    "SEVERITY_NUMBER_UNSPECIFIED", "SEVERITY_NUMBER_TRACE",  "SEVERITY_NUMBER_TRACE2",
    "SEVERITY_NUMBER_TRACE3",      "SEVERITY_NUMBER_TRACE4", "SEVERITY_NUMBER_DEBUG",
    "SEVERITY_NUMBER_DEBUG2",      "SEVERITY_NUMBER_DEBUG3", "SEVERITY_NUMBER_DEBUG4",
    "SEVERITY_NUMBER_INFO",        "SEVERITY_NUMBER_INFO2",  "SEVERITY_NUMBER_INFO3",
    "SEVERITY_NUMBER_INFO4",       "SEVERITY_NUMBER_WARN",   "SEVERITY_NUMBER_WARN2",
    "SEVERITY_NUMBER_WARN3",       "SEVERITY_NUMBER_WARN4",  "SEVERITY_NUMBER_ERROR",
    "SEVERITY_NUMBER_ERROR2",      "SEVERITY_NUMBER_ERROR3", "SEVERITY_NUMBER_ERROR4",
    "SEVERITY_NUMBER_FATAL",       "SEVERITY_NUMBER_FATAL2", "SEVERITY_NUMBER_FATAL3",
    "SEVERITY_NUMBER_FATAL4",
};
constexpr std::string_view kSpanKindNames[] = {
    "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
    "SPAN_KIND_CLIENT",      "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER",
};
constexpr std::string_view kStatusCodeNames[] = {"STATUS_CODE_UNSET", "STATUS_CODE_OK",
                                                 "STATUS_CODE_ERROR"};
constexpr std::string_view kTemporalityNames[] = {
    "AGGREGATION_TEMPORALITY_UNSPECIFIED",
    "AGGREGATION_TEMPORALITY_DELTA",
    "AGGREGATION_TEMPORALITY_CUMULATIVE",
};

template <std::size_t N>
constexpr std::size_t Count(const std::string_view (&)[N]) {
  return N;
}

// A decimal integer in a string (the protobuf JSON mapping's 64-bit integers).
template <class T>
bool ParseInteger(std::string_view text, T& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && p == end;
}

// An integral double in range of T (1e3 and 5.0 are integers in the protobuf JSON mapping).
template <class T>
bool IntegralDouble(double d, T& out) {
  if (!std::isfinite(d) || d != std::floor(d)) return false;
  // The bounds as doubles: 2^63 and 2^64 are exact, so `<` excludes them.
  constexpr double kMax = static_cast<double>(std::numeric_limits<T>::max()) + 1.0;
  constexpr double kMin = static_cast<double>(std::numeric_limits<T>::min());
  if (d < kMin || !(d < kMax)) return false;
  out = static_cast<T>(d);
  return true;
}

}  // namespace

simdjson::dom::parser& ThreadJsonParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

void TrimJsonParser() {
  // The parser keeps buffers of a few times the largest document it parsed: after an unusually
  // large body, give them back instead of holding them per thread for ever.
  constexpr std::size_t kKeepBytes = 4u << 20;
  simdjson::dom::parser& parser = ThreadJsonParser();
  if (parser.capacity() > kKeepBytes) parser = simdjson::dom::parser();
}

bool JsonSource::Fail(std::string_view message) {
  error_.assign(message);
  return false;
}

bool JsonSource::Fail(std::string_view key, std::string_view expected) {
  error_.assign(key);
  error_ += ": expected ";
  error_ += expected;
  return false;
}

bool JsonSource::Child(element e, int depth, Msg& out) {
  out = Msg{};
  if (e.is_null()) return true;
  if (!e.is_object()) return Fail("expected an object");
  if (depth + 1 > wire::kMaxDepth) return Fail(wire::ErrorText(wire::Error::kTooDeep));
  out = Msg{e, depth + 1, true};
  return true;
}

bool JsonSource::ListOf(element e, std::string_view key, int depth, List& out) {
  out = List{};
  if (e.is_null()) return true;
  simdjson::dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) return Fail(key, "an array");
  out = List{a, depth, true};
  return true;
}

bool JsonSource::Object(const Msg& m, simdjson::dom::object& out) {
  if (m.element.get_object().get(out) != simdjson::SUCCESS) return Fail("expected an object");
  return true;
}

// Calls f(key, value) for each member of message `m` (nothing when absent).
template <class F>
bool JsonSource::Members(const Msg& m, F&& f) {
  if (!m.present) return true;
  simdjson::dom::object o;
  if (!Object(m, o)) return false;
  for (const simdjson::dom::key_value_pair member : o) {
    if (!f(member.key, member.value)) return false;
  }
  return true;
}

// A sub-message member: Child with the key in the error.
bool JsonSource::Sub(element e, std::string_view key, int depth, Msg& out) {
  if (!Child(e, depth, out)) {
    if (error_ == "expected an object") return Fail(key, "an object");
    return false;
  }
  return true;
}

bool JsonSource::Request(std::string_view camel, std::string_view snake, List& list) {
  list = List{};
  if (!root_.is_object()) return Fail("expected a JSON object");
  const Msg root{root_, 0, true};
  return Members(root, [&](std::string_view k, element v) {
    return !Is(k, camel, snake) || ListOf(v, k, 0, list);
  });
}

// ---- scalars

bool JsonSource::Uint64(element e, std::string_view key, std::uint64_t& out) {
  out = 0;
  switch (e.type()) {
    case element_type::NULL_VALUE: return true;
    case element_type::UINT64: out = e.get_uint64().value_unsafe(); return true;
    case element_type::INT64: {
      const std::int64_t v = e.get_int64().value_unsafe();
      if (v < 0) break;
      out = static_cast<std::uint64_t>(v);
      return true;
    }
    case element_type::DOUBLE:
      if (IntegralDouble(e.get_double().value_unsafe(), out)) return true;
      break;
    case element_type::STRING:
      if (ParseInteger(e.get_string().value_unsafe(), out)) return true;
      break;
    default: break;
  }
  return Fail(key, "an unsigned 64-bit integer (a number or a decimal string)");
}

bool JsonSource::Int64(element e, std::string_view key, std::int64_t& out) {
  out = 0;
  switch (e.type()) {
    case element_type::NULL_VALUE: return true;
    case element_type::INT64: out = e.get_int64().value_unsafe(); return true;
    case element_type::UINT64: break;  // above INT64_MAX
    case element_type::DOUBLE:
      if (IntegralDouble(e.get_double().value_unsafe(), out)) return true;
      break;
    case element_type::STRING:
      if (ParseInteger(e.get_string().value_unsafe(), out)) return true;
      break;
    default: break;
  }
  return Fail(key, "a 64-bit integer (a number or a decimal string)");
}

bool JsonSource::Int32(element e, std::string_view key, std::int32_t& out) {
  std::int64_t v;
  if (!Int64(e, key, v) || v < INT32_MIN || v > INT32_MAX) {
    out = 0;
    return Fail(key, "a 32-bit integer");
  }
  out = static_cast<std::int32_t>(v);
  return true;
}

bool JsonSource::Uint32(element e, std::string_view key, std::uint32_t& out) {
  std::uint64_t v;
  if (!Uint64(e, key, v) || v > UINT32_MAX) {
    out = 0;
    return Fail(key, "an unsigned 32-bit integer");
  }
  out = static_cast<std::uint32_t>(v);
  return true;
}

bool JsonSource::Double(element e, std::string_view key, double& out) {
  out = 0;
  switch (e.type()) {
    case element_type::NULL_VALUE: return true;
    case element_type::DOUBLE: out = e.get_double().value_unsafe(); return true;
    case element_type::INT64: out = static_cast<double>(e.get_int64().value_unsafe()); return true;
    case element_type::UINT64:
      out = static_cast<double>(e.get_uint64().value_unsafe());
      return true;
    case element_type::STRING: {
      const std::string_view s = e.get_string().value_unsafe();
      if (s == "NaN") {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
      }
      if (s == "Infinity" || s == "-Infinity") {
        out = s[0] == '-' ? -std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::infinity();
        return true;
      }
      const char* end = s.data() + s.size();
      auto [p, ec] = std::from_chars(s.data(), end, out);
      if (!s.empty() && ec == std::errc() && p == end && std::isfinite(out)) return true;
      out = 0;
      break;
    }
    default: break;
  }
  return Fail(key, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")");
}

bool JsonSource::Bool(element e, std::string_view key, bool& out) {
  out = false;
  if (e.is_null()) return true;
  if (e.get_bool().get(out) != simdjson::SUCCESS) return Fail(key, "true or false");
  return true;
}

bool JsonSource::String(element e, std::string_view key, std::string_view& out) {
  out = {};
  if (e.is_null()) return true;
  if (e.get_string().get(out) != simdjson::SUCCESS) return Fail(key, "a string");
  return true;
}

bool JsonSource::Id(element e, std::string_view key, IdView& out) {
  if (!String(e, key, out)) return false;
  if (!IsHex(out)) {
    out = {};
    return Fail(key, "a hex string (OTLP/JSON ids are hex, not base64)");
  }
  return true;
}

bool JsonSource::Enum(element e, std::string_view key, const std::string_view* names,
                      std::size_t count, std::int32_t& out) {
  out = 0;
  std::string_view name;
  if (e.get_string().get(name) == simdjson::SUCCESS) {
    for (std::size_t i = 0; i < count; ++i) {
      if (names[i] == name) {
        out = static_cast<std::int32_t>(i);
        return true;
      }
    }
    // A number in a string is accepted for integers, so for enums too.
    if (ParseInteger(name, out)) return true;
    return Fail(key, "an enum number or name");
  }
  return Int32(e, key, out);
}

// ---- messages

bool JsonSource::ReadKeyValue(const Msg& kv, std::string_view& key, Msg& value) {
  key = {};
  value = Msg{};
  return Members(kv, [&](std::string_view k, element v) {
    if (k == "key") return String(v, k, key);
    if (k == "value") return Sub(v, k, kv.depth, value);
    if (Is(k, "keyStrindex", "key_strindex")) {
      std::int32_t ignored;  // profiles only
      return Int32(v, k, ignored);
    }
    return true;
  });
}

bool JsonSource::ReadAnyValue(const Msg& value, AnyValueParts& p) {
  p = AnyValueParts{};
  return Members(value, [&](std::string_view k, element v) {
    if (v.is_null()) return true;  // a oneof member that is null is not set
    if (Is(k, "stringValue", "string_value")) {
      p.kind = AnyKind::kString;
      return String(v, k, p.text);
    }
    if (Is(k, "boolValue", "bool_value")) {
      p.kind = AnyKind::kBool;
      return Bool(v, k, p.boolean);
    }
    if (Is(k, "intValue", "int_value")) {
      p.kind = AnyKind::kInt;
      return Int64(v, k, p.integer);
    }
    if (Is(k, "doubleValue", "double_value")) {
      p.kind = AnyKind::kDouble;
      return Double(v, k, p.number);
    }
    if (Is(k, "bytesValue", "bytes_value")) {
      p.kind = AnyKind::kBytes;
      if (!String(v, k, p.text)) return false;
      scratch_.clear();
      if (!DecodeBase64(p.text, scratch_)) return Fail(k, "base64 text");
      return true;
    }
    if (Is(k, "arrayValue", "array_value") || Is(k, "kvlistValue", "kvlist_value")) {
      p.kind = k[0] == 'a' ? AnyKind::kArray : AnyKind::kKvList;
      Msg holder;
      if (!Sub(v, k, value.depth, holder)) return false;
      p.list = List{};
      return Members(holder, [&](std::string_view hk, element hv) {
        return hk != "values" || ListOf(hv, hk, holder.depth, p.list);
      });
    }
    if (Is(k, "stringValueStrindex", "string_value_strindex")) {
      p.kind = AnyKind::kEmpty;  // profiles only: read as empty (docs/schema-otlp.md)
      std::int32_t ignored;
      return Int32(v, k, ignored);
    }
    return true;
  });
}

void JsonSource::AppendBase64(std::string_view text, std::string& out) {
  // Checked when read (ReadAnyValue); decoded and encoded again so that every spelling of the
  // same bytes (URL-safe, unpadded) gives the same text.
  thread_local std::string bytes;
  bytes.clear();
  DecodeBase64(text, bytes);
  otlp::AppendBase64(bytes, out);
}

bool JsonSource::Read(const Msg& m, ResourceEnvelopeFields<JsonSource, List>& f) {
  Msg resource;
  const bool ok = Members(m, [&](std::string_view k, element v) {
    if (k == "resource") return Sub(v, k, m.depth, resource);
    if (Is(k, names_.scopes_camel, names_.scopes_snake)) return ListOf(v, k, m.depth, f.scopes);
    if (Is(k, "schemaUrl", "schema_url")) return String(v, k, f.schema_url);
    return true;
  });
  return ok && ReadResource(resource, f.resource);
}

bool JsonSource::ReadResource(const Msg& m, ResourceFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (k == "attributes") return ListOf(v, k, m.depth, f.attributes);
    if (Is(k, "droppedAttributesCount", "dropped_attributes_count")) {
      return Uint32(v, k, f.dropped_attributes_count);
    }
    if (Is(k, "entityRefs", "entity_refs")) return ListOf(v, k, m.depth, f.entity_refs);
    return true;
  });
}

bool JsonSource::Read(const Msg& m, EntityRefFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (Is(k, "schemaUrl", "schema_url")) return String(v, k, f.schema_url);
    if (k == "type") return String(v, k, f.type);
    if (Is(k, "idKeys", "id_keys")) return ListOf(v, k, m.depth, f.id_keys);
    if (Is(k, "descriptionKeys", "description_keys")) {
      return ListOf(v, k, m.depth, f.description_keys);
    }
    return true;
  });
}

bool JsonSource::Read(const Msg& m, ScopeEnvelopeFields<JsonSource, List>& f) {
  Msg scope;
  const bool ok = Members(m, [&](std::string_view k, element v) {
    if (k == "scope") return Sub(v, k, m.depth, scope);
    if (Is(k, names_.items_camel, names_.items_snake)) return ListOf(v, k, m.depth, f.items);
    if (Is(k, "schemaUrl", "schema_url")) return String(v, k, f.schema_url);
    return true;
  });
  return ok && ReadScope(scope, f.scope);
}

bool JsonSource::ReadScope(const Msg& m, ScopeFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (k == "name") return String(v, k, f.name);
    if (k == "version") return String(v, k, f.version);
    if (k == "attributes") return ListOf(v, k, m.depth, f.attributes);
    if (Is(k, "droppedAttributesCount", "dropped_attributes_count")) {
      return Uint32(v, k, f.dropped_attributes_count);
    }
    return true;
  });
}

bool JsonSource::Read(const Msg& m, LogRecordFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (Is(k, "timeUnixNano", "time_unix_nano")) return Uint64(v, k, f.time_unix_nano);
    if (Is(k, "observedTimeUnixNano", "observed_time_unix_nano")) {
      return Uint64(v, k, f.observed_time_unix_nano);
    }
    if (Is(k, "severityNumber", "severity_number")) {
      return Enum(v, k, kSeverityNames, Count(kSeverityNames), f.severity_number);
    }
    if (Is(k, "severityText", "severity_text")) return String(v, k, f.severity_text);
    if (k == "body") return Sub(v, k, m.depth, f.body);
    if (k == "attributes") return ListOf(v, k, m.depth, f.attributes);
    if (Is(k, "droppedAttributesCount", "dropped_attributes_count")) {
      return Uint32(v, k, f.dropped_attributes_count);
    }
    if (k == "flags") return Uint32(v, k, f.flags);
    if (Is(k, "traceId", "trace_id")) return Id(v, k, f.trace_id);
    if (Is(k, "spanId", "span_id")) return Id(v, k, f.span_id);
    if (Is(k, "eventName", "event_name")) return String(v, k, f.event_name);
    return true;
  });
}

bool JsonSource::Read(const Msg& m, SpanFields<JsonSource>& f) {
  Msg status;
  const bool ok = Members(m, [&](std::string_view k, element v) {
    if (Is(k, "traceId", "trace_id")) return Id(v, k, f.trace_id);
    if (Is(k, "spanId", "span_id")) return Id(v, k, f.span_id);
    if (Is(k, "traceState", "trace_state")) return String(v, k, f.trace_state);
    if (Is(k, "parentSpanId", "parent_span_id")) return Id(v, k, f.parent_span_id);
    if (k == "flags") return Uint32(v, k, f.flags);
    if (k == "name") return String(v, k, f.name);
    if (k == "kind") return Enum(v, k, kSpanKindNames, Count(kSpanKindNames), f.kind);
    if (Is(k, "startTimeUnixNano", "start_time_unix_nano")) {
      return Uint64(v, k, f.start_time_unix_nano);
    }
    if (Is(k, "endTimeUnixNano", "end_time_unix_nano")) return Uint64(v, k, f.end_time_unix_nano);
    if (k == "attributes") return ListOf(v, k, m.depth, f.attributes);
    if (Is(k, "droppedAttributesCount", "dropped_attributes_count")) {
      return Uint32(v, k, f.dropped_attributes_count);
    }
    if (k == "events") return ListOf(v, k, m.depth, f.events);
    if (Is(k, "droppedEventsCount", "dropped_events_count")) {
      return Uint32(v, k, f.dropped_events_count);
    }
    if (k == "links") return ListOf(v, k, m.depth, f.links);
    if (Is(k, "droppedLinksCount", "dropped_links_count")) {
      return Uint32(v, k, f.dropped_links_count);
    }
    if (k == "status") return Sub(v, k, m.depth, status);
    return true;
  });
  if (!ok) return false;
  return Members(status, [&](std::string_view k, element v) {
    if (k == "message") return String(v, k, f.status_message);
    if (k == "code") return Enum(v, k, kStatusCodeNames, Count(kStatusCodeNames), f.status_code);
    return true;
  });
}

bool JsonSource::Read(const Msg& m, EventFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (Is(k, "timeUnixNano", "time_unix_nano")) return Uint64(v, k, f.time_unix_nano);
    if (k == "name") return String(v, k, f.name);
    if (k == "attributes") return ListOf(v, k, m.depth, f.attributes);
    if (Is(k, "droppedAttributesCount", "dropped_attributes_count")) {
      return Uint32(v, k, f.dropped_attributes_count);
    }
    return true;
  });
}

bool JsonSource::Read(const Msg& m, LinkFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (Is(k, "traceId", "trace_id")) return Id(v, k, f.trace_id);
    if (Is(k, "spanId", "span_id")) return Id(v, k, f.span_id);
    if (Is(k, "traceState", "trace_state")) return String(v, k, f.trace_state);
    if (k == "attributes") return ListOf(v, k, m.depth, f.attributes);
    if (Is(k, "droppedAttributesCount", "dropped_attributes_count")) {
      return Uint32(v, k, f.dropped_attributes_count);
    }
    if (k == "flags") return Uint32(v, k, f.flags);
    return true;
  });
}

bool JsonSource::Read(const Msg& m, MetricFields<JsonSource>& f) {
  Msg data;
  MetricType type = MetricType::kNone;
  const bool ok = Members(m, [&](std::string_view k, element v) {
    if (k == "name") return String(v, k, f.name);
    if (k == "description") return String(v, k, f.description);
    if (k == "unit") return String(v, k, f.unit);
    if (k == "metadata") return ListOf(v, k, m.depth, f.metadata);
    MetricType t = MetricType::kNone;
    if (k == "gauge") t = MetricType::kGauge;
    if (k == "sum") t = MetricType::kSum;
    if (k == "histogram") t = MetricType::kHistogram;
    if (Is(k, "exponentialHistogram", "exponential_histogram")) {
      t = MetricType::kExponentialHistogram;
    }
    if (k == "summary") t = MetricType::kSummary;
    if (t == MetricType::kNone || v.is_null()) return true;
    // The data oneof: the last member given is the one.
    type = t;
    return Sub(v, k, m.depth, data);
  });
  if (!ok) return false;
  f.type = type;
  List points;
  const bool has_temporality = type == MetricType::kSum || type == MetricType::kHistogram ||
                               type == MetricType::kExponentialHistogram;
  if (!Members(data, [&](std::string_view k, element v) {
        if (Is(k, "dataPoints", "data_points")) return ListOf(v, k, data.depth, points);
        if (has_temporality && Is(k, "aggregationTemporality", "aggregation_temporality")) {
          return Enum(v, k, kTemporalityNames, Count(kTemporalityNames), f.aggregation_temporality);
        }
        if (type == MetricType::kSum && Is(k, "isMonotonic", "is_monotonic")) {
          return Bool(v, k, f.is_monotonic);
        }
        return true;
      })) {
    return false;
  }
  switch (type) {
    case MetricType::kNone: break;
    case MetricType::kGauge:
    case MetricType::kSum: f.number_points = points; break;
    case MetricType::kHistogram: f.histogram_points = points; break;
    case MetricType::kExponentialHistogram: f.exponential_histogram_points = points; break;
    case MetricType::kSummary: f.summary_points = points; break;
  }
  return true;
}

bool JsonSource::Read(const Msg& m, NumberPointFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (k == "attributes") return ListOf(v, k, m.depth, f.attributes);
    if (Is(k, "startTimeUnixNano", "start_time_unix_nano")) {
      return Uint64(v, k, f.start_time_unix_nano);
    }
    if (Is(k, "timeUnixNano", "time_unix_nano")) return Uint64(v, k, f.time_unix_nano);
    if (Is(k, "asDouble", "as_double")) {
      if (v.is_null()) return true;
      f.value_kind = NumberKind::kDouble;
      return Double(v, k, f.as_double);
    }
    if (Is(k, "asInt", "as_int")) {
      if (v.is_null()) return true;
      f.value_kind = NumberKind::kInt;
      return Int64(v, k, f.as_int);
    }
    if (k == "exemplars") return ListOf(v, k, m.depth, f.exemplars);
    if (k == "flags") return Uint32(v, k, f.flags);
    return true;
  });
}

// An optional double (histogram sum, min, max): present unless null.
bool JsonSource::OptionalDouble(element e, std::string_view key, bool& has, double& out) {
  has = !e.is_null();
  return Double(e, key, out);
}

bool JsonSource::Read(const Msg& m, HistogramPointFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (k == "attributes") return ListOf(v, k, m.depth, f.attributes);
    if (Is(k, "startTimeUnixNano", "start_time_unix_nano")) {
      return Uint64(v, k, f.start_time_unix_nano);
    }
    if (Is(k, "timeUnixNano", "time_unix_nano")) return Uint64(v, k, f.time_unix_nano);
    if (k == "count") return Uint64(v, k, f.count);
    if (k == "sum") return OptionalDouble(v, k, f.has_sum, f.sum);
    if (Is(k, "bucketCounts", "bucket_counts")) return ListOf(v, k, m.depth, f.bucket_counts);
    if (Is(k, "explicitBounds", "explicit_bounds")) {
      return ListOf(v, k, m.depth, f.explicit_bounds);
    }
    if (k == "exemplars") return ListOf(v, k, m.depth, f.exemplars);
    if (k == "flags") return Uint32(v, k, f.flags);
    if (k == "min") return OptionalDouble(v, k, f.has_min, f.min);
    if (k == "max") return OptionalDouble(v, k, f.has_max, f.max);
    return true;
  });
}

bool JsonSource::ReadBuckets(const Msg& m, BucketsFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (k == "offset") return Int32(v, k, f.offset);
    if (Is(k, "bucketCounts", "bucket_counts")) return ListOf(v, k, m.depth, f.bucket_counts);
    return true;
  });
}

bool JsonSource::Read(const Msg& m, ExponentialHistogramPointFields<JsonSource>& f) {
  Msg positive, negative;
  const bool ok = Members(m, [&](std::string_view k, element v) {
    if (k == "attributes") return ListOf(v, k, m.depth, f.attributes);
    if (Is(k, "startTimeUnixNano", "start_time_unix_nano")) {
      return Uint64(v, k, f.start_time_unix_nano);
    }
    if (Is(k, "timeUnixNano", "time_unix_nano")) return Uint64(v, k, f.time_unix_nano);
    if (k == "count") return Uint64(v, k, f.count);
    if (k == "sum") return OptionalDouble(v, k, f.has_sum, f.sum);
    if (k == "scale") return Int32(v, k, f.scale);
    if (Is(k, "zeroCount", "zero_count")) return Uint64(v, k, f.zero_count);
    if (k == "positive") return Sub(v, k, m.depth, positive);
    if (k == "negative") return Sub(v, k, m.depth, negative);
    if (k == "flags") return Uint32(v, k, f.flags);
    if (k == "exemplars") return ListOf(v, k, m.depth, f.exemplars);
    if (k == "min") return OptionalDouble(v, k, f.has_min, f.min);
    if (k == "max") return OptionalDouble(v, k, f.has_max, f.max);
    if (Is(k, "zeroThreshold", "zero_threshold")) return Double(v, k, f.zero_threshold);
    return true;
  });
  return ok && ReadBuckets(positive, f.positive) && ReadBuckets(negative, f.negative);
}

bool JsonSource::Read(const Msg& m, SummaryPointFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (k == "attributes") return ListOf(v, k, m.depth, f.attributes);
    if (Is(k, "startTimeUnixNano", "start_time_unix_nano")) {
      return Uint64(v, k, f.start_time_unix_nano);
    }
    if (Is(k, "timeUnixNano", "time_unix_nano")) return Uint64(v, k, f.time_unix_nano);
    if (k == "count") return Uint64(v, k, f.count);
    if (k == "sum") return Double(v, k, f.sum);
    if (Is(k, "quantileValues", "quantile_values")) {
      return ListOf(v, k, m.depth, f.quantile_values);
    }
    if (k == "flags") return Uint32(v, k, f.flags);
    return true;
  });
}

bool JsonSource::Read(const Msg& m, QuantileFields& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (k == "quantile") return Double(v, k, f.quantile);
    if (k == "value") return Double(v, k, f.value);
    return true;
  });
}

bool JsonSource::Read(const Msg& m, ExemplarFields<JsonSource>& f) {
  return Members(m, [&](std::string_view k, element v) {
    if (Is(k, "filteredAttributes", "filtered_attributes")) {
      return ListOf(v, k, m.depth, f.filtered_attributes);
    }
    if (Is(k, "timeUnixNano", "time_unix_nano")) return Uint64(v, k, f.time_unix_nano);
    if (Is(k, "asDouble", "as_double")) {
      if (v.is_null()) return true;
      f.value_kind = NumberKind::kDouble;
      return Double(v, k, f.as_double);
    }
    if (Is(k, "asInt", "as_int")) {
      if (v.is_null()) return true;
      f.value_kind = NumberKind::kInt;
      return Int64(v, k, f.as_int);
    }
    if (Is(k, "spanId", "span_id")) return Id(v, k, f.span_id);
    if (Is(k, "traceId", "trace_id")) return Id(v, k, f.trace_id);
    return true;
  });
}

}  // namespace ingot::protocols::otlp
