// The fields of the OTLP messages as the mapping (mapper.h) reads them, whatever the encoding.
// A Source fills them: WireSource from protobuf bytes, JsonSource from OTLP/JSON, MessageSource
// from libprotobuf messages (the reference). Nested lists stay handles of the source's own types
// (S::KeyValueList, S::SpanList, ...), read only when the mapping walks them; strings are views
// into the request (or the parsed document), valid while it is.
//
// Numbers are as on the wire: proto3 fields have no presence, so 0 / "" mean "not set", except
// where a `has_` flag says otherwise (oneofs and `optional` fields).
#pragma once

#include <cstdint>
#include <string_view>

namespace ingot::protocols::otlp {

// Ids (trace_id, span_id, parent_span_id) as the source holds them: raw bytes (protobuf) or hex
// text (JSON, already checked to be hex). Empty means absent; S::AppendIdHex writes either as
// lower-case hex.
using IdView = std::string_view;

template <class S>
struct ResourceFields {
  typename S::KeyValueList attributes{};
  std::uint32_t dropped_attributes_count = 0;
  typename S::EntityRefList entity_refs{};
};

template <class S>
struct EntityRefFields {
  std::string_view schema_url;
  std::string_view type;
  typename S::StringList id_keys{};
  typename S::StringList description_keys{};
};

template <class S>
struct ScopeFields {
  std::string_view name;
  std::string_view version;
  typename S::KeyValueList attributes{};
  std::uint32_t dropped_attributes_count = 0;
};

// ResourceLogs / ResourceSpans / ResourceMetrics: a resource and its scopes.
template <class S, class ScopeList>
struct ResourceEnvelopeFields {
  ResourceFields<S> resource;
  ScopeList scopes{};
  std::string_view schema_url;
};

// ScopeLogs / ScopeSpans / ScopeMetrics: a scope and its items.
template <class S, class ItemList>
struct ScopeEnvelopeFields {
  ScopeFields<S> scope;
  ItemList items{};
  std::string_view schema_url;
};

// ---- logs

template <class S>
struct LogRecordFields {
  std::uint64_t time_unix_nano = 0;
  std::uint64_t observed_time_unix_nano = 0;
  std::int32_t severity_number = 0;
  std::string_view severity_text;
  typename S::AnyValue body{};
  typename S::KeyValueList attributes{};
  std::uint32_t dropped_attributes_count = 0;
  std::uint32_t flags = 0;
  IdView trace_id;
  IdView span_id;
  std::string_view event_name;
};

// ---- traces

template <class S>
struct SpanFields {
  IdView trace_id;
  IdView span_id;
  std::string_view trace_state;
  IdView parent_span_id;
  std::uint32_t flags = 0;
  std::string_view name;
  std::int32_t kind = 0;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t end_time_unix_nano = 0;
  typename S::KeyValueList attributes{};
  std::uint32_t dropped_attributes_count = 0;
  typename S::EventList events{};
  std::uint32_t dropped_events_count = 0;
  typename S::LinkList links{};
  std::uint32_t dropped_links_count = 0;
  std::string_view status_message;
  std::int32_t status_code = 0;
};

template <class S>
struct EventFields {
  std::uint64_t time_unix_nano = 0;
  std::string_view name;
  typename S::KeyValueList attributes{};
  std::uint32_t dropped_attributes_count = 0;
};

template <class S>
struct LinkFields {
  IdView trace_id;
  IdView span_id;
  std::string_view trace_state;
  typename S::KeyValueList attributes{};
  std::uint32_t dropped_attributes_count = 0;
  std::uint32_t flags = 0;
};

// ---- metrics

enum class MetricType : std::uint8_t {
  kNone,  // no data: the metric has no data points
  kGauge,
  kSum,
  kHistogram,
  kExponentialHistogram,
  kSummary,
};

template <class S>
struct MetricFields {
  std::string_view name;
  std::string_view description;
  std::string_view unit;
  MetricType type = MetricType::kNone;
  std::int32_t aggregation_temporality = 0;  // sum, histogram, exponential histogram
  bool is_monotonic = false;                 // sum
  // The list of `type`'s data points (the others stay empty).
  typename S::NumberPointList number_points{};
  typename S::HistogramPointList histogram_points{};
  typename S::ExponentialHistogramPointList exponential_histogram_points{};
  typename S::SummaryPointList summary_points{};
  typename S::KeyValueList metadata{};
};

enum class NumberKind : std::uint8_t { kNone, kDouble, kInt };

template <class S>
struct ExemplarFields {
  typename S::KeyValueList filtered_attributes{};
  std::uint64_t time_unix_nano = 0;
  NumberKind value_kind = NumberKind::kNone;
  double as_double = 0;
  std::int64_t as_int = 0;
  IdView span_id;
  IdView trace_id;
};

template <class S>
struct NumberPointFields {
  typename S::KeyValueList attributes{};
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  NumberKind value_kind = NumberKind::kNone;
  double as_double = 0;
  std::int64_t as_int = 0;
  typename S::ExemplarList exemplars{};
  std::uint32_t flags = 0;
};

template <class S>
struct HistogramPointFields {
  typename S::KeyValueList attributes{};
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::uint64_t count = 0;
  bool has_sum = false;
  double sum = 0;
  typename S::Fixed64List bucket_counts{};
  typename S::DoubleList explicit_bounds{};
  typename S::ExemplarList exemplars{};
  std::uint32_t flags = 0;
  bool has_min = false;
  double min = 0;
  bool has_max = false;
  double max = 0;
};

template <class S>
struct BucketsFields {
  std::int32_t offset = 0;
  typename S::Uint64List bucket_counts{};
};

template <class S>
struct ExponentialHistogramPointFields {
  typename S::KeyValueList attributes{};
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::uint64_t count = 0;
  bool has_sum = false;
  double sum = 0;
  std::int32_t scale = 0;
  std::uint64_t zero_count = 0;
  BucketsFields<S> positive;
  BucketsFields<S> negative;
  std::uint32_t flags = 0;
  typename S::ExemplarList exemplars{};
  bool has_min = false;
  double min = 0;
  bool has_max = false;
  double max = 0;
  double zero_threshold = 0;
};

template <class S>
struct SummaryPointFields {
  typename S::KeyValueList attributes{};
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::uint64_t count = 0;
  double sum = 0;
  typename S::QuantileList quantile_values{};
  std::uint32_t flags = 0;
};

struct QuantileFields {
  double quantile = 0;
  double value = 0;
};

}  // namespace ingot::protocols::otlp
