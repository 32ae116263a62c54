#include "protocols/otlp/reference.h"

#include <string>
#include <type_traits>
#include <utility>

#include "protocols/otlp/emitter.h"
#include "protocols/otlp/fields.h"
#include "protocols/otlp/mapper.h"

namespace ingot::protocols::otlp {

namespace {

namespace common = opentelemetry::proto::common::v1;
namespace resource = opentelemetry::proto::resource::v1;
namespace logs = opentelemetry::proto::logs::v1;
namespace trace = opentelemetry::proto::trace::v1;
namespace metrics = opentelemetry::proto::metrics::v1;
using google::protobuf::RepeatedField;
using google::protobuf::RepeatedPtrField;

// A Source (mapper.h) over libprotobuf messages: handles are pointers into the parsed request
// (null: absent), read with the generated accessors. It never fails: libprotobuf's parse already
// did all the checking.
class MessageSource {
 public:
  using AnyValue = const common::AnyValue*;
  using KeyValueList = const RepeatedPtrField<common::KeyValue>*;
  using ArrayList = const RepeatedPtrField<common::AnyValue>*;
  using EntityRefList = const RepeatedPtrField<common::EntityRef>*;
  using StringList = const RepeatedPtrField<std::string>*;
  using Fixed64List = const RepeatedField<std::uint64_t>*;
  using DoubleList = const RepeatedField<double>*;
  using Uint64List = const RepeatedField<std::uint64_t>*;
  using ResourceLogsList = const RepeatedPtrField<logs::ResourceLogs>*;
  using ScopeLogsList = const RepeatedPtrField<logs::ScopeLogs>*;
  using LogRecordList = const RepeatedPtrField<logs::LogRecord>*;
  using ResourceSpansList = const RepeatedPtrField<trace::ResourceSpans>*;
  using ScopeSpansList = const RepeatedPtrField<trace::ScopeSpans>*;
  using SpanList = const RepeatedPtrField<trace::Span>*;
  using EventList = const RepeatedPtrField<trace::Span::Event>*;
  using LinkList = const RepeatedPtrField<trace::Span::Link>*;
  using ResourceMetricsList = const RepeatedPtrField<metrics::ResourceMetrics>*;
  using ScopeMetricsList = const RepeatedPtrField<metrics::ScopeMetrics>*;
  using MetricList = const RepeatedPtrField<metrics::Metric>*;
  using NumberPointList = const RepeatedPtrField<metrics::NumberDataPoint>*;
  using HistogramPointList = const RepeatedPtrField<metrics::HistogramDataPoint>*;
  using ExponentialHistogramPointList =
      const RepeatedPtrField<metrics::ExponentialHistogramDataPoint>*;
  using SummaryPointList = const RepeatedPtrField<metrics::SummaryDataPoint>*;
  using QuantileList = const RepeatedPtrField<metrics::SummaryDataPoint::ValueAtQuantile>*;
  using ExemplarList = const RepeatedPtrField<metrics::Exemplar>*;
  // The message a list (a pointer to a repeated field) holds.
  template <class List>
  using Element = std::remove_cvref_t<decltype(*std::declval<List>()->begin())>;

  explicit MessageSource(const pb::collector_logs::ExportLogsServiceRequest* r) : logs_(r) {}
  explicit MessageSource(const pb::collector_metrics::ExportMetricsServiceRequest* r)
      : metrics_(r) {}
  explicit MessageSource(const pb::collector_trace::ExportTraceServiceRequest* r) : traces_(r) {}

  bool LogsRequest(ResourceLogsList& list) {
    list = &logs_->resource_logs();
    return true;
  }
  bool SpansRequest(ResourceSpansList& list) {
    list = &traces_->resource_spans();
    return true;
  }
  bool MetricsRequest(ResourceMetricsList& list) {
    list = &metrics_->resource_metrics();
    return true;
  }

  template <class T, class F>
  bool ForEach(const RepeatedPtrField<T>* list, F&& f) {
    if (list == nullptr) return true;
    for (const T& element : *list) {
      if (!f(element)) return false;
    }
    return true;
  }
  static std::size_t ByteSize(const google::protobuf::MessageLite& m) { return m.ByteSizeLong(); }
  template <class F>
  bool ForEachKeyValue(KeyValueList list, F&& f) {
    return ForEach(list, [&](const common::KeyValue& kv) {
      const AnyValue value = kv.has_value() ? &kv.value() : nullptr;
      return f(std::string_view(kv.key()), value);
    });
  }
  template <class F>
  bool ForEachArrayValue(ArrayList list, F&& f) {
    return ForEach(list, [&](const common::AnyValue& v) {
      const AnyValue value = &v;
      return f(value);
    });
  }
  template <class F>
  bool ForEachString(StringList list, F&& f) {
    return ForEach(list, [&](const std::string& s) { return f(std::string_view(s)); });
  }
  template <class T, class F>
  bool ForEachNumber(const RepeatedField<T>* list, F&& f) {
    if (list == nullptr) return true;
    for (const T v : *list) {
      if (!f(v)) return false;
    }
    return true;
  }
  template <class F>
  bool ForEachFixed64(Fixed64List list, F&& f) {
    return ForEachNumber(list, f);
  }
  template <class F>
  bool ForEachUint64(Uint64List list, F&& f) {
    return ForEachNumber(list, f);
  }
  template <class F>
  bool ForEachDouble(DoubleList list, F&& f) {
    return ForEachNumber(list, f);
  }

  template <class V>
  bool VisitAnyValue(const AnyValue& value, V& visitor) {
    if (value == nullptr) return visitor.Empty();
    switch (value->value_case()) {
      case common::AnyValue::kStringValue: return visitor.String(value->string_value());
      case common::AnyValue::kBoolValue: return visitor.Bool(value->bool_value());
      case common::AnyValue::kIntValue: return visitor.Int(value->int_value());
      case common::AnyValue::kDoubleValue: return visitor.Double(value->double_value());
      case common::AnyValue::kArrayValue: return visitor.Array(&value->array_value().values());
      case common::AnyValue::kKvlistValue: return visitor.KvList(&value->kvlist_value().values());
      case common::AnyValue::kBytesValue: return visitor.Bytes(value->bytes_value());
      default: return visitor.Empty();  // not set, string_value_strindex
    }
  }

  template <class Envelope>
  bool ReadResourceEnvelope(const Envelope& m, ResourceFields<MessageSource>& r,
                            std::string_view& schema_url) {
    const resource::Resource& res = m.resource();
    r.attributes = &res.attributes();
    r.dropped_attributes_count = res.dropped_attributes_count();
    r.entity_refs = &res.entity_refs();
    schema_url = m.schema_url();
    return true;
  }
  template <class Envelope>
  bool ReadScopeEnvelope(const Envelope& m, ScopeFields<MessageSource>& s,
                         std::string_view& schema_url) {
    const common::InstrumentationScope& scope = m.scope();
    s.name = scope.name();
    s.version = scope.version();
    s.attributes = &scope.attributes();
    s.dropped_attributes_count = scope.dropped_attributes_count();
    schema_url = m.schema_url();
    return true;
  }

  bool Read(const logs::ResourceLogs& m, ResourceEnvelopeFields<MessageSource, ScopeLogsList>& f) {
    f.scopes = &m.scope_logs();
    return ReadResourceEnvelope(m, f.resource, f.schema_url);
  }
  bool Read(const trace::ResourceSpans& m,
            ResourceEnvelopeFields<MessageSource, ScopeSpansList>& f) {
    f.scopes = &m.scope_spans();
    return ReadResourceEnvelope(m, f.resource, f.schema_url);
  }
  bool Read(const metrics::ResourceMetrics& m,
            ResourceEnvelopeFields<MessageSource, ScopeMetricsList>& f) {
    f.scopes = &m.scope_metrics();
    return ReadResourceEnvelope(m, f.resource, f.schema_url);
  }
  bool Read(const logs::ScopeLogs& m, ScopeEnvelopeFields<MessageSource, LogRecordList>& f) {
    f.items = &m.log_records();
    return ReadScopeEnvelope(m, f.scope, f.schema_url);
  }
  bool Read(const trace::ScopeSpans& m, ScopeEnvelopeFields<MessageSource, SpanList>& f) {
    f.items = &m.spans();
    return ReadScopeEnvelope(m, f.scope, f.schema_url);
  }
  bool Read(const metrics::ScopeMetrics& m, ScopeEnvelopeFields<MessageSource, MetricList>& f) {
    f.items = &m.metrics();
    return ReadScopeEnvelope(m, f.scope, f.schema_url);
  }

  bool Read(const common::EntityRef& m, EntityRefFields<MessageSource>& f) {
    f.schema_url = m.schema_url();
    f.type = m.type();
    f.id_keys = &m.id_keys();
    f.description_keys = &m.description_keys();
    return true;
  }

  bool Read(const logs::LogRecord& m, LogRecordFields<MessageSource>& f) {
    f.time_unix_nano = m.time_unix_nano();
    f.observed_time_unix_nano = m.observed_time_unix_nano();
    f.severity_number = m.severity_number();
    f.severity_text = m.severity_text();
    f.body = m.has_body() ? &m.body() : nullptr;
    f.attributes = &m.attributes();
    f.dropped_attributes_count = m.dropped_attributes_count();
    f.flags = m.flags();
    f.trace_id = m.trace_id();
    f.span_id = m.span_id();
    f.event_name = m.event_name();
    return true;
  }

  bool Read(const trace::Span& m, SpanFields<MessageSource>& f) {
    f.trace_id = m.trace_id();
    f.span_id = m.span_id();
    f.trace_state = m.trace_state();
    f.parent_span_id = m.parent_span_id();
    f.flags = m.flags();
    f.name = m.name();
    f.kind = m.kind();
    f.start_time_unix_nano = m.start_time_unix_nano();
    f.end_time_unix_nano = m.end_time_unix_nano();
    f.attributes = &m.attributes();
    f.dropped_attributes_count = m.dropped_attributes_count();
    f.events = &m.events();
    f.dropped_events_count = m.dropped_events_count();
    f.links = &m.links();
    f.dropped_links_count = m.dropped_links_count();
    f.status_message = m.status().message();
    f.status_code = m.status().code();
    return true;
  }
  bool Read(const trace::Span::Event& m, EventFields<MessageSource>& f) {
    f.time_unix_nano = m.time_unix_nano();
    f.name = m.name();
    f.attributes = &m.attributes();
    f.dropped_attributes_count = m.dropped_attributes_count();
    return true;
  }
  bool Read(const trace::Span::Link& m, LinkFields<MessageSource>& f) {
    f.trace_id = m.trace_id();
    f.span_id = m.span_id();
    f.trace_state = m.trace_state();
    f.attributes = &m.attributes();
    f.dropped_attributes_count = m.dropped_attributes_count();
    f.flags = m.flags();
    return true;
  }

  bool Read(const metrics::Metric& m, MetricFields<MessageSource>& f) {
    f.name = m.name();
    f.description = m.description();
    f.unit = m.unit();
    f.metadata = &m.metadata();
    switch (m.data_case()) {
      case metrics::Metric::kGauge:
        f.type = MetricType::kGauge;
        f.number_points = &m.gauge().data_points();
        break;
      case metrics::Metric::kSum:
        f.type = MetricType::kSum;
        f.number_points = &m.sum().data_points();
        f.aggregation_temporality = m.sum().aggregation_temporality();
        f.is_monotonic = m.sum().is_monotonic();
        break;
      case metrics::Metric::kHistogram:
        f.type = MetricType::kHistogram;
        f.histogram_points = &m.histogram().data_points();
        f.aggregation_temporality = m.histogram().aggregation_temporality();
        break;
      case metrics::Metric::kExponentialHistogram:
        f.type = MetricType::kExponentialHistogram;
        f.exponential_histogram_points = &m.exponential_histogram().data_points();
        f.aggregation_temporality = m.exponential_histogram().aggregation_temporality();
        break;
      case metrics::Metric::kSummary:
        f.type = MetricType::kSummary;
        f.summary_points = &m.summary().data_points();
        break;
      default: break;
    }
    return true;
  }
  bool Read(const metrics::NumberDataPoint& m, NumberPointFields<MessageSource>& f) {
    f.attributes = &m.attributes();
    f.start_time_unix_nano = m.start_time_unix_nano();
    f.time_unix_nano = m.time_unix_nano();
    if (m.value_case() == metrics::NumberDataPoint::kAsDouble) {
      f.value_kind = NumberKind::kDouble;
      f.as_double = m.as_double();
    } else if (m.value_case() == metrics::NumberDataPoint::kAsInt) {
      f.value_kind = NumberKind::kInt;
      f.as_int = m.as_int();
    }
    f.exemplars = &m.exemplars();
    f.flags = m.flags();
    return true;
  }
  bool Read(const metrics::HistogramDataPoint& m, HistogramPointFields<MessageSource>& f) {
    f.attributes = &m.attributes();
    f.start_time_unix_nano = m.start_time_unix_nano();
    f.time_unix_nano = m.time_unix_nano();
    f.count = m.count();
    f.has_sum = m.has_sum();
    f.sum = m.sum();
    f.bucket_counts = &m.bucket_counts();
    f.explicit_bounds = &m.explicit_bounds();
    f.exemplars = &m.exemplars();
    f.flags = m.flags();
    f.has_min = m.has_min();
    f.min = m.min();
    f.has_max = m.has_max();
    f.max = m.max();
    return true;
  }
  bool Read(const metrics::ExponentialHistogramDataPoint& m,
            ExponentialHistogramPointFields<MessageSource>& f) {
    f.attributes = &m.attributes();
    f.start_time_unix_nano = m.start_time_unix_nano();
    f.time_unix_nano = m.time_unix_nano();
    f.count = m.count();
    f.has_sum = m.has_sum();
    f.sum = m.sum();
    f.scale = m.scale();
    f.zero_count = m.zero_count();
    f.positive.offset = m.positive().offset();
    f.positive.bucket_counts = &m.positive().bucket_counts();
    f.negative.offset = m.negative().offset();
    f.negative.bucket_counts = &m.negative().bucket_counts();
    f.flags = m.flags();
    f.exemplars = &m.exemplars();
    f.has_min = m.has_min();
    f.min = m.min();
    f.has_max = m.has_max();
    f.max = m.max();
    f.zero_threshold = m.zero_threshold();
    return true;
  }
  bool Read(const metrics::SummaryDataPoint& m, SummaryPointFields<MessageSource>& f) {
    f.attributes = &m.attributes();
    f.start_time_unix_nano = m.start_time_unix_nano();
    f.time_unix_nano = m.time_unix_nano();
    f.count = m.count();
    f.sum = m.sum();
    f.quantile_values = &m.quantile_values();
    f.flags = m.flags();
    return true;
  }
  bool Read(const metrics::SummaryDataPoint::ValueAtQuantile& m, QuantileFields& f) {
    f.quantile = m.quantile();
    f.value = m.value();
    return true;
  }
  bool Read(const metrics::Exemplar& m, ExemplarFields<MessageSource>& f) {
    f.filtered_attributes = &m.filtered_attributes();
    f.time_unix_nano = m.time_unix_nano();
    if (m.value_case() == metrics::Exemplar::kAsDouble) {
      f.value_kind = NumberKind::kDouble;
      f.as_double = m.as_double();
    } else if (m.value_case() == metrics::Exemplar::kAsInt) {
      f.value_kind = NumberKind::kInt;
      f.as_int = m.as_int();
    }
    f.span_id = m.span_id();
    f.trace_id = m.trace_id();
    return true;
  }

  static void AppendIdHex(IdView id, std::string& out) { AppendHex(id, out); }
  static std::size_t IdBytes(IdView id) { return id.size(); }
  static void AppendBase64(std::string_view bytes, std::string& out) {
    otlp::AppendBase64(bytes, out);
  }
  const std::string& error() const { return error_; }

 private:
  const pb::collector_logs::ExportLogsServiceRequest* logs_ = nullptr;
  const pb::collector_metrics::ExportMetricsServiceRequest* metrics_ = nullptr;
  const pb::collector_trace::ExportTraceServiceRequest* traces_ = nullptr;
  std::string error_;
};

static_assert(Source<MessageSource>);

template <class Request>
Status Map(const Request& request, StreamRecords& out, ExportResult& result,
           bool (*walk)(Mapper<MessageSource>&)) {
  MessageSource source(&request);
  Emitter emitter(out);
  Mapper<MessageSource> mapper(source, emitter);
  if (!walk(mapper)) return Status::InvalidInput(mapper.Where() + ": " + mapper.error());
  result.rejected += emitter.rejected();
  if (result.error_message.empty()) result.error_message = emitter.first_rejection();
  return Status::Ok();
}

template <class Request>
Status Parse(std::string_view body, google::protobuf::Arena* arena, StreamRecords& out,
             ExportResult& result) {
  Request* request = google::protobuf::Arena::CreateMessage<Request>(arena);
  const bool parsed = request->ParseFromArray(body.data(), static_cast<int>(body.size()));
  Status st = parsed ? MapReference(*request, out, result)
                     : Status::InvalidInput("libprotobuf cannot parse the request");
  if (arena == nullptr) delete request;
  return st;
}

}  // namespace

Status MapReference(const pb::collector_logs::ExportLogsServiceRequest& request, StreamRecords& out,
                    ExportResult& result) {
  return Map(request, out, result, [](Mapper<MessageSource>& m) { return m.Logs(); });
}

Status MapReference(const pb::collector_metrics::ExportMetricsServiceRequest& request,
                    StreamRecords& out, ExportResult& result) {
  return Map(request, out, result, [](Mapper<MessageSource>& m) { return m.Metrics(); });
}

Status MapReference(const pb::collector_trace::ExportTraceServiceRequest& request,
                    StreamRecords& out, ExportResult& result) {
  return Map(request, out, result, [](Mapper<MessageSource>& m) { return m.Traces(); });
}

Status DecodeReference(Signal signal, std::string_view body, google::protobuf::Arena* arena,
                       StreamRecords& out, ExportResult& result) {
  switch (signal) {
    case Signal::kLogs:
      return Parse<pb::collector_logs::ExportLogsServiceRequest>(body, arena, out, result);
    case Signal::kMetrics:
      return Parse<pb::collector_metrics::ExportMetricsServiceRequest>(body, arena, out, result);
    case Signal::kTraces:
      return Parse<pb::collector_trace::ExportTraceServiceRequest>(body, arena, out, result);
  }
  return Status::Internal("unknown OTLP signal");
}

}  // namespace ingot::protocols::otlp
