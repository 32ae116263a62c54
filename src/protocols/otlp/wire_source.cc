#include "protocols/otlp/wire_source.h"

#include <string>

namespace ingot::protocols::otlp {

using wire::kFixed32;
using wire::kFixed64;
using wire::kLen;
using wire::kVarint;
using wire::Reader;
using wire::Tag;

namespace {

// Marks where the occurrences of a repeated field start and end inside a message, so that the
// list is later read from that stretch only (they are usually all together).
struct Stretch {
  const char* begin = nullptr;
  const char* end = nullptr;
  void Add(const char* field_start, const char* field_end) {
    if (begin == nullptr) begin = field_start;
    end = field_end;
  }
  std::string_view view() const {
    return begin ? std::string_view(begin, static_cast<std::size_t>(end - begin))
                 : std::string_view();
  }
};

}  // namespace

bool WireSource::Fail(wire::Error e) {
  error_ = wire::ErrorText(e);
  return false;
}

void WireSource::MergeSlow(Merged& m, std::string_view occurrence) {
  std::string& joined = merged_.emplace_back(m.bytes);
  joined.append(occurrence);
  m.bytes = joined;
}

bool WireSource::ReadAnyValue(const Msg& value, AnyValueParts& parts) {
  Reader r(value.bytes);
  // A message member (array, kvlist) replaced by another member is dropped, but libprotobuf
  // would have parsed it: check it the same way.
  auto replace = [&](std::uint32_t field) {
    if (parts.field == field || (parts.field != 5 && parts.field != 6)) return true;
    wire::Error e;
    if (!wire::Validate(parts.message.bytes,
                        parts.field == 5 ? wire::kArrayValueRule : wire::kKeyValueListRule,
                        value.depth + 1, e)) {
      return Fail(e);
    }
    parts.message = Merged{};
    return true;
  };
  while (!r.done()) {
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    switch (tag) {
      case Tag(1, kLen):
      case Tag(7, kLen):
        if (!replace(tag >> 3)) return false;
        if (!(tag == Tag(1, kLen) ? r.ReadString(parts.text) : r.ReadBytes(parts.text))) {
          return Fail(r);
        }
        parts.field = tag >> 3;
        break;
      case Tag(2, kVarint):
      case Tag(3, kVarint):
      case Tag(8, kVarint):
        if (!replace(tag >> 3)) return false;
        if (!r.ReadVarint(parts.number)) return Fail(r);
        parts.field = tag >> 3;
        break;
      case Tag(4, kFixed64):
        if (!replace(4)) return false;
        if (!r.ReadFixed64(parts.number)) return Fail(r);
        parts.field = 4;
        break;
      case Tag(5, kLen):
      case Tag(6, kLen): {
        if (!replace(tag >> 3)) return false;
        std::string_view v;
        if (!r.ReadBytes(v)) return Fail(r);
        Merge(parts.message, v);
        parts.field = tag >> 3;
        break;
      }
      default:
        if (!r.SkipField(tag, value.depth)) return Fail(r);
    }
  }
  if (parts.field == 5 || parts.field == 6) {
    if (value.depth + 1 > wire::kMaxDepth) return Fail(wire::Error::kTooDeep);
  }
  return true;
}

// ResourceLogs / ResourceSpans / ResourceMetrics: resource = 1, scopes = 2, schema_url = 3.
bool WireSource::Read(const Msg& m, ResourceEnvelopeFields<WireSource, List>& f) {
  Reader r(m.bytes);
  Merged resource;
  Stretch scopes;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        Merge(resource, v);
        break;
      case Tag(2, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        scopes.Add(start, r.position());
        break;
      case Tag(3, kLen):
        if (!r.ReadString(f.schema_url)) return Fail(r);
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.scopes = List{scopes.view(), 2, m.depth};
  Msg resource_msg;
  if (!Sub(resource, m.depth, resource_msg)) return false;
  return ReadResource(resource_msg, f.resource);
}

// Resource: attributes = 1, dropped_attributes_count = 2, entity_refs = 3.
bool WireSource::ReadResource(const Msg& m, ResourceFields<WireSource>& f) {
  Reader r(m.bytes);
  Stretch attributes, refs;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        attributes.Add(start, r.position());
        break;
      case Tag(2, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        break;
      case Tag(3, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        refs.Add(start, r.position());
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.attributes = List{attributes.view(), 1, m.depth};
  f.entity_refs = List{refs.view(), 3, m.depth};
  return true;
}

// EntityRef: schema_url = 1, type = 2, id_keys = 3, description_keys = 4.
bool WireSource::Read(const Msg& m, EntityRefFields<WireSource>& f) {
  Reader r(m.bytes);
  while (!r.done()) {
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadString(f.schema_url)) return Fail(r);
        break;
      case Tag(2, kLen):
        if (!r.ReadString(f.type)) return Fail(r);
        break;
      case Tag(3, kLen):
      case Tag(4, kLen):
        if (!r.ReadBytes(v)) return Fail(r);  // checked as strings when listed
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.id_keys = List{m.bytes, 3, m.depth};
  f.description_keys = List{m.bytes, 4, m.depth};
  return true;
}

// ScopeLogs / ScopeSpans / ScopeMetrics: scope = 1, items = 2, schema_url = 3.
bool WireSource::Read(const Msg& m, ScopeEnvelopeFields<WireSource, List>& f) {
  Reader r(m.bytes);
  Merged scope;
  Stretch items;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        Merge(scope, v);
        break;
      case Tag(2, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        items.Add(start, r.position());
        break;
      case Tag(3, kLen):
        if (!r.ReadString(f.schema_url)) return Fail(r);
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.items = List{items.view(), 2, m.depth};
  Msg scope_msg;
  if (!Sub(scope, m.depth, scope_msg)) return false;
  return ReadScope(scope_msg, f.scope);
}

// InstrumentationScope: name = 1, version = 2, attributes = 3, dropped_attributes_count = 4.
bool WireSource::ReadScope(const Msg& m, ScopeFields<WireSource>& f) {
  Reader r(m.bytes);
  Stretch attributes;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadString(f.name)) return Fail(r);
        break;
      case Tag(2, kLen):
        if (!r.ReadString(f.version)) return Fail(r);
        break;
      case Tag(3, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        attributes.Add(start, r.position());
        break;
      case Tag(4, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.attributes = List{attributes.view(), 3, m.depth};
  return true;
}

// LogRecord: time_unix_nano = 1, severity_number = 2, severity_text = 3, body = 5,
// attributes = 6, dropped_attributes_count = 7, flags = 8, trace_id = 9, span_id = 10,
// observed_time_unix_nano = 11, event_name = 12.
bool WireSource::Read(const Msg& m, LogRecordFields<WireSource>& f) {
  Reader r(m.bytes);
  Merged body;
  Stretch attributes;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    std::uint32_t n32;
    switch (tag) {
      case Tag(1, kFixed64):
        if (!r.ReadFixed64(f.time_unix_nano)) return Fail(r);
        break;
      case Tag(2, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.severity_number = static_cast<std::int32_t>(n);
        break;
      case Tag(3, kLen):
        if (!r.ReadString(f.severity_text)) return Fail(r);
        break;
      case Tag(5, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        Merge(body, v);
        break;
      case Tag(6, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        attributes.Add(start, r.position());
        break;
      case Tag(7, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        break;
      case Tag(8, kFixed32):
        if (!r.ReadFixed32(n32)) return Fail(r);
        f.flags = n32;
        break;
      case Tag(9, kLen):
        if (!r.ReadBytes(f.trace_id)) return Fail(r);
        break;
      case Tag(10, kLen):
        if (!r.ReadBytes(f.span_id)) return Fail(r);
        break;
      case Tag(11, kFixed64):
        if (!r.ReadFixed64(f.observed_time_unix_nano)) return Fail(r);
        break;
      case Tag(12, kLen):
        if (!r.ReadString(f.event_name)) return Fail(r);
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.attributes = List{attributes.view(), 6, m.depth};
  return Sub(body, m.depth, f.body);
}

// Span: trace_id = 1, span_id = 2, trace_state = 3, parent_span_id = 4, name = 5, kind = 6,
// start = 7, end = 8, attributes = 9, dropped_attributes_count = 10, events = 11,
// dropped_events_count = 12, links = 13, dropped_links_count = 14, status = 15, flags = 16.
bool WireSource::Read(const Msg& m, SpanFields<WireSource>& f) {
  Reader r(m.bytes);
  Merged status;
  Stretch attributes, events, links;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    std::uint32_t n32;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadBytes(f.trace_id)) return Fail(r);
        break;
      case Tag(2, kLen):
        if (!r.ReadBytes(f.span_id)) return Fail(r);
        break;
      case Tag(3, kLen):
        if (!r.ReadString(f.trace_state)) return Fail(r);
        break;
      case Tag(4, kLen):
        if (!r.ReadBytes(f.parent_span_id)) return Fail(r);
        break;
      case Tag(5, kLen):
        if (!r.ReadString(f.name)) return Fail(r);
        break;
      case Tag(6, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.kind = static_cast<std::int32_t>(n);
        break;
      case Tag(7, kFixed64):
        if (!r.ReadFixed64(f.start_time_unix_nano)) return Fail(r);
        break;
      case Tag(8, kFixed64):
        if (!r.ReadFixed64(f.end_time_unix_nano)) return Fail(r);
        break;
      case Tag(9, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        attributes.Add(start, r.position());
        break;
      case Tag(10, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        break;
      case Tag(11, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        events.Add(start, r.position());
        break;
      case Tag(12, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.dropped_events_count = static_cast<std::uint32_t>(n);
        break;
      case Tag(13, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        links.Add(start, r.position());
        break;
      case Tag(14, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.dropped_links_count = static_cast<std::uint32_t>(n);
        break;
      case Tag(15, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        Merge(status, v);
        break;
      case Tag(16, kFixed32):
        if (!r.ReadFixed32(n32)) return Fail(r);
        f.flags = n32;
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.attributes = List{attributes.view(), 9, m.depth};
  f.events = List{events.view(), 11, m.depth};
  f.links = List{links.view(), 13, m.depth};
  Msg status_msg;
  if (!Sub(status, m.depth, status_msg)) return false;
  // Status: message = 2, code = 3.
  Reader s(status_msg.bytes);
  while (!s.done()) {
    std::uint32_t tag;
    if (!s.ReadTag(tag)) return Fail(s);
    std::uint64_t n;
    if (tag == Tag(2, kLen)) {
      if (!s.ReadString(f.status_message)) return Fail(s);
    } else if (tag == Tag(3, kVarint)) {
      if (!s.ReadVarint(n)) return Fail(s);
      f.status_code = static_cast<std::int32_t>(n);
    } else if (!s.SkipField(tag, status_msg.depth)) {
      return Fail(s);
    }
  }
  return true;
}

// Span.Event: time_unix_nano = 1, name = 2, attributes = 3, dropped_attributes_count = 4.
bool WireSource::Read(const Msg& m, EventFields<WireSource>& f) {
  Reader r(m.bytes);
  while (!r.done()) {
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kFixed64):
        if (!r.ReadFixed64(f.time_unix_nano)) return Fail(r);
        break;
      case Tag(2, kLen):
        if (!r.ReadString(f.name)) return Fail(r);
        break;
      case Tag(3, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        break;
      case Tag(4, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.attributes = List{m.bytes, 3, m.depth};
  return true;
}

// Span.Link: trace_id = 1, span_id = 2, trace_state = 3, attributes = 4,
// dropped_attributes_count = 5, flags = 6.
bool WireSource::Read(const Msg& m, LinkFields<WireSource>& f) {
  Reader r(m.bytes);
  while (!r.done()) {
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    std::uint32_t n32;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadBytes(f.trace_id)) return Fail(r);
        break;
      case Tag(2, kLen):
        if (!r.ReadBytes(f.span_id)) return Fail(r);
        break;
      case Tag(3, kLen):
        if (!r.ReadString(f.trace_state)) return Fail(r);
        break;
      case Tag(4, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        break;
      case Tag(5, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        break;
      case Tag(6, kFixed32):
        if (!r.ReadFixed32(n32)) return Fail(r);
        f.flags = n32;
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.attributes = List{m.bytes, 4, m.depth};
  return true;
}

// Metric: name = 1, description = 2, unit = 3, data (oneof): gauge = 5, sum = 7,
// histogram = 9, exponential_histogram = 10, summary = 11; metadata = 12.
bool WireSource::Read(const Msg& m, MetricFields<WireSource>& f) {
  Reader r(m.bytes);
  Merged data;
  std::uint32_t data_field = 0;
  Stretch metadata;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadString(f.name)) return Fail(r);
        break;
      case Tag(2, kLen):
        if (!r.ReadString(f.description)) return Fail(r);
        break;
      case Tag(3, kLen):
        if (!r.ReadString(f.unit)) return Fail(r);
        break;
      case Tag(5, kLen):
      case Tag(7, kLen):
      case Tag(9, kLen):
      case Tag(10, kLen):
      case Tag(11, kLen): {
        if (!r.ReadBytes(v)) return Fail(r);
        const std::uint32_t field = tag >> 3;
        if (data_field != 0 && data_field != field) {
          // The data replaced by a later member: checked as libprotobuf would have parsed it.
          const wire::MessageRule& rule = data_field == 5    ? wire::kGaugeRule
                                          : data_field == 7  ? wire::kSumRule
                                          : data_field == 9  ? wire::kHistogramRule
                                          : data_field == 10 ? wire::kExponentialHistogramRule
                                                             : wire::kSummaryRule;
          wire::Error e;
          if (!wire::Validate(data.bytes, rule, m.depth + 1, e)) return Fail(e);
          data = Merged{};
        }
        data_field = field;
        Merge(data, v);
        break;
      }
      case Tag(12, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        metadata.Add(start, r.position());
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.metadata = List{metadata.view(), 12, m.depth};
  Msg d;
  if (!Sub(data, m.depth, d)) return false;
  // Gauge: data_points = 1. Sum: data_points = 1, aggregation_temporality = 2,
  // is_monotonic = 3. Histogram, ExponentialHistogram: data_points = 1,
  // aggregation_temporality = 2. Summary: data_points = 1.
  const bool has_temporality = data_field == 7 || data_field == 9 || data_field == 10;
  Reader dr(d.bytes);
  while (!dr.done()) {
    std::uint32_t tag;
    if (!dr.ReadTag(tag)) return Fail(dr);
    std::uint64_t n;
    if (tag == Tag(2, kVarint) && has_temporality) {
      if (!dr.ReadVarint(n)) return Fail(dr);
      f.aggregation_temporality = static_cast<std::int32_t>(n);
    } else if (tag == Tag(3, kVarint) && data_field == 7) {
      if (!dr.ReadVarint(n)) return Fail(dr);
      f.is_monotonic = n != 0;
    } else if (!dr.SkipField(tag, d.depth)) {
      return Fail(dr);
    }
  }
  const List points{d.bytes, 1, d.depth};
  switch (data_field) {
    case 5:
      f.type = MetricType::kGauge;
      f.number_points = points;
      break;
    case 7:
      f.type = MetricType::kSum;
      f.number_points = points;
      break;
    case 9:
      f.type = MetricType::kHistogram;
      f.histogram_points = points;
      break;
    case 10:
      f.type = MetricType::kExponentialHistogram;
      f.exponential_histogram_points = points;
      break;
    case 11:
      f.type = MetricType::kSummary;
      f.summary_points = points;
      break;
    default: break;
  }
  return true;
}

// NumberDataPoint: start = 2, time = 3, as_double = 4, exemplars = 5, as_int = 6,
// attributes = 7, flags = 8.
bool WireSource::Read(const Msg& m, NumberPointFields<WireSource>& f) {
  Reader r(m.bytes);
  Stretch attributes, exemplars;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(2, kFixed64):
        if (!r.ReadFixed64(f.start_time_unix_nano)) return Fail(r);
        break;
      case Tag(3, kFixed64):
        if (!r.ReadFixed64(f.time_unix_nano)) return Fail(r);
        break;
      case Tag(4, kFixed64):
        if (!r.ReadDouble(f.as_double)) return Fail(r);
        f.value_kind = NumberKind::kDouble;
        break;
      case Tag(6, kFixed64):
        if (!r.ReadFixed64(n)) return Fail(r);
        f.as_int = static_cast<std::int64_t>(n);
        f.value_kind = NumberKind::kInt;
        break;
      case Tag(5, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        exemplars.Add(start, r.position());
        break;
      case Tag(7, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        attributes.Add(start, r.position());
        break;
      case Tag(8, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.flags = static_cast<std::uint32_t>(n);
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.attributes = List{attributes.view(), 7, m.depth};
  f.exemplars = List{exemplars.view(), 5, m.depth};
  return true;
}

// HistogramDataPoint: start = 2, time = 3, count = 4, sum = 5, bucket_counts = 6,
// explicit_bounds = 7, exemplars = 8, attributes = 9, flags = 10, min = 11, max = 12.
bool WireSource::Read(const Msg& m, HistogramPointFields<WireSource>& f) {
  Reader r(m.bytes);
  Stretch attributes, exemplars;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(2, kFixed64):
        if (!r.ReadFixed64(f.start_time_unix_nano)) return Fail(r);
        break;
      case Tag(3, kFixed64):
        if (!r.ReadFixed64(f.time_unix_nano)) return Fail(r);
        break;
      case Tag(4, kFixed64):
        if (!r.ReadFixed64(f.count)) return Fail(r);
        break;
      case Tag(5, kFixed64):
        if (!r.ReadDouble(f.sum)) return Fail(r);
        f.has_sum = true;
        break;
      case Tag(8, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        exemplars.Add(start, r.position());
        break;
      case Tag(9, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        attributes.Add(start, r.position());
        break;
      case Tag(10, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.flags = static_cast<std::uint32_t>(n);
        break;
      case Tag(11, kFixed64):
        if (!r.ReadDouble(f.min)) return Fail(r);
        f.has_min = true;
        break;
      case Tag(12, kFixed64):
        if (!r.ReadDouble(f.max)) return Fail(r);
        f.has_max = true;
        break;
      default:  // bucket_counts and explicit_bounds are read when listed
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.attributes = List{attributes.view(), 9, m.depth};
  f.exemplars = List{exemplars.view(), 8, m.depth};
  f.bucket_counts = List{m.bytes, 6, m.depth};
  f.explicit_bounds = List{m.bytes, 7, m.depth};
  return true;
}

// ExponentialHistogramDataPoint.Buckets: offset = 1 (sint32), bucket_counts = 2.
bool WireSource::ReadBuckets(const Msg& m, BucketsFields<WireSource>& f) {
  Reader r(m.bytes);
  while (!r.done()) {
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::uint64_t n;
    if (tag == Tag(1, kVarint)) {
      if (!r.ReadVarint(n)) return Fail(r);
      f.offset = wire::ZigZag32(n);
    } else if (!r.SkipField(tag, m.depth)) {
      return Fail(r);
    }
  }
  f.bucket_counts = List{m.bytes, 2, m.depth};
  return true;
}

// ExponentialHistogramDataPoint: attributes = 1, start = 2, time = 3, count = 4, sum = 5,
// scale = 6 (sint32), zero_count = 7, positive = 8, negative = 9, flags = 10, exemplars = 11,
// min = 12, max = 13, zero_threshold = 14.
bool WireSource::Read(const Msg& m, ExponentialHistogramPointFields<WireSource>& f) {
  Reader r(m.bytes);
  Stretch attributes, exemplars;
  Merged positive, negative;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        attributes.Add(start, r.position());
        break;
      case Tag(2, kFixed64):
        if (!r.ReadFixed64(f.start_time_unix_nano)) return Fail(r);
        break;
      case Tag(3, kFixed64):
        if (!r.ReadFixed64(f.time_unix_nano)) return Fail(r);
        break;
      case Tag(4, kFixed64):
        if (!r.ReadFixed64(f.count)) return Fail(r);
        break;
      case Tag(5, kFixed64):
        if (!r.ReadDouble(f.sum)) return Fail(r);
        f.has_sum = true;
        break;
      case Tag(6, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.scale = wire::ZigZag32(n);
        break;
      case Tag(7, kFixed64):
        if (!r.ReadFixed64(f.zero_count)) return Fail(r);
        break;
      case Tag(8, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        Merge(positive, v);
        break;
      case Tag(9, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        Merge(negative, v);
        break;
      case Tag(10, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.flags = static_cast<std::uint32_t>(n);
        break;
      case Tag(11, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        exemplars.Add(start, r.position());
        break;
      case Tag(12, kFixed64):
        if (!r.ReadDouble(f.min)) return Fail(r);
        f.has_min = true;
        break;
      case Tag(13, kFixed64):
        if (!r.ReadDouble(f.max)) return Fail(r);
        f.has_max = true;
        break;
      case Tag(14, kFixed64):
        if (!r.ReadDouble(f.zero_threshold)) return Fail(r);
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.attributes = List{attributes.view(), 1, m.depth};
  f.exemplars = List{exemplars.view(), 11, m.depth};
  Msg p, q;
  return Sub(positive, m.depth, p) && ReadBuckets(p, f.positive) && Sub(negative, m.depth, q) &&
         ReadBuckets(q, f.negative);
}

// SummaryDataPoint: start = 2, time = 3, count = 4, sum = 5, quantile_values = 6,
// attributes = 7, flags = 8.
bool WireSource::Read(const Msg& m, SummaryPointFields<WireSource>& f) {
  Reader r(m.bytes);
  Stretch attributes, quantiles;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(2, kFixed64):
        if (!r.ReadFixed64(f.start_time_unix_nano)) return Fail(r);
        break;
      case Tag(3, kFixed64):
        if (!r.ReadFixed64(f.time_unix_nano)) return Fail(r);
        break;
      case Tag(4, kFixed64):
        if (!r.ReadFixed64(f.count)) return Fail(r);
        break;
      case Tag(5, kFixed64):
        if (!r.ReadDouble(f.sum)) return Fail(r);
        break;
      case Tag(6, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        quantiles.Add(start, r.position());
        break;
      case Tag(7, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        attributes.Add(start, r.position());
        break;
      case Tag(8, kVarint):
        if (!r.ReadVarint(n)) return Fail(r);
        f.flags = static_cast<std::uint32_t>(n);
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.attributes = List{attributes.view(), 7, m.depth};
  f.quantile_values = List{quantiles.view(), 6, m.depth};
  return true;
}

// SummaryDataPoint.ValueAtQuantile: quantile = 1, value = 2.
bool WireSource::Read(const Msg& m, QuantileFields& f) {
  Reader r(m.bytes);
  while (!r.done()) {
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    if (tag == Tag(1, kFixed64)) {
      if (!r.ReadDouble(f.quantile)) return Fail(r);
    } else if (tag == Tag(2, kFixed64)) {
      if (!r.ReadDouble(f.value)) return Fail(r);
    } else if (!r.SkipField(tag, m.depth)) {
      return Fail(r);
    }
  }
  return true;
}

// Exemplar: time = 2, as_double = 3, span_id = 4, trace_id = 5, as_int = 6,
// filtered_attributes = 7.
bool WireSource::Read(const Msg& m, ExemplarFields<WireSource>& f) {
  Reader r(m.bytes);
  Stretch attributes;
  while (!r.done()) {
    const char* start = r.position();
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return Fail(r);
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(2, kFixed64):
        if (!r.ReadFixed64(f.time_unix_nano)) return Fail(r);
        break;
      case Tag(3, kFixed64):
        if (!r.ReadDouble(f.as_double)) return Fail(r);
        f.value_kind = NumberKind::kDouble;
        break;
      case Tag(6, kFixed64):
        if (!r.ReadFixed64(n)) return Fail(r);
        f.as_int = static_cast<std::int64_t>(n);
        f.value_kind = NumberKind::kInt;
        break;
      case Tag(4, kLen):
        if (!r.ReadBytes(f.span_id)) return Fail(r);
        break;
      case Tag(5, kLen):
        if (!r.ReadBytes(f.trace_id)) return Fail(r);
        break;
      case Tag(7, kLen):
        if (!r.ReadBytes(v)) return Fail(r);
        attributes.Add(start, r.position());
        break;
      default:
        if (!r.SkipField(tag, m.depth)) return Fail(r);
    }
  }
  f.filtered_attributes = List{attributes.view(), 7, m.depth};
  return true;
}

}  // namespace ingot::protocols::otlp
