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
  const bool ok = ReadFields(value.bytes, [&](Reader& r, std::uint32_t tag, const char*) {
    switch (tag) {
      case Tag(1, kLen):
      case Tag(7, kLen):
        if (!replace(tag >> 3)) return false;
        if (!(tag == Tag(1, kLen) ? r.ReadString(parts.text) : r.ReadBytes(parts.text))) {
          return false;
        }
        parts.field = tag >> 3;
        return true;
      case Tag(2, kVarint):
      case Tag(3, kVarint):
      case Tag(8, kVarint):
        if (!replace(tag >> 3) || !r.ReadVarint(parts.number)) return false;
        parts.field = tag >> 3;
        return true;
      case Tag(4, kFixed64):
        if (!replace(4) || !r.ReadFixed64(parts.number)) return false;
        parts.field = 4;
        return true;
      case Tag(5, kLen):
      case Tag(6, kLen): {
        std::string_view v;
        if (!replace(tag >> 3) || !r.ReadBytes(v)) return false;
        Merge(parts.message, v);
        parts.field = tag >> 3;
        return true;
      }
      default: return r.SkipField(tag, value.depth);
    }
  });
  if (!ok) return false;
  if (parts.field == 5 || parts.field == 6) {
    if (value.depth + 1 > wire::kMaxDepth) return Fail(wire::Error::kTooDeep);
  }
  return true;
}

// ResourceLogs / ResourceSpans / ResourceMetrics: resource = 1, scopes = 2, schema_url = 3.
bool WireSource::Read(const Msg& m, ResourceEnvelopeFields<WireSource, List>& f) {
  Merged resource;
  Stretch scopes;
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadBytes(v)) return false;
        Merge(resource, v);
        return true;
      case Tag(2, kLen):
        if (!r.ReadBytes(v)) return false;
        scopes.Add(start, r.position());
        return true;
      case Tag(3, kLen): return r.ReadString(f.schema_url);
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.scopes = List{scopes.view(), 2, m.depth};
  Msg resource_msg;
  if (!Sub(resource, m.depth, resource_msg)) return false;
  return ReadResource(resource_msg, f.resource);
}

// Resource: attributes = 1, dropped_attributes_count = 2, entity_refs = 3.
bool WireSource::ReadResource(const Msg& m, ResourceFields<WireSource>& f) {
  Stretch attributes, refs;
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadBytes(v)) return false;
        attributes.Add(start, r.position());
        return true;
      case Tag(2, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        return true;
      case Tag(3, kLen):
        if (!r.ReadBytes(v)) return false;
        refs.Add(start, r.position());
        return true;
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.attributes = List{attributes.view(), 1, m.depth};
  f.entity_refs = List{refs.view(), 3, m.depth};
  return true;
}

// EntityRef: schema_url = 1, type = 2, id_keys = 3, description_keys = 4.
bool WireSource::Read(const Msg& m, EntityRefFields<WireSource>& f) {
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char*) {
    std::string_view v;
    switch (tag) {
      case Tag(1, kLen): return r.ReadString(f.schema_url);
      case Tag(2, kLen): return r.ReadString(f.type);
      case Tag(3, kLen):
      case Tag(4, kLen): return r.ReadBytes(v);  // checked as strings when listed
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.id_keys = List{m.bytes, 3, m.depth};
  f.description_keys = List{m.bytes, 4, m.depth};
  return true;
}

// ScopeLogs / ScopeSpans / ScopeMetrics: scope = 1, items = 2, schema_url = 3.
bool WireSource::Read(const Msg& m, ScopeEnvelopeFields<WireSource, List>& f) {
  Merged scope;
  Stretch items;
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadBytes(v)) return false;
        Merge(scope, v);
        return true;
      case Tag(2, kLen):
        if (!r.ReadBytes(v)) return false;
        items.Add(start, r.position());
        return true;
      case Tag(3, kLen): return r.ReadString(f.schema_url);
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.items = List{items.view(), 2, m.depth};
  Msg scope_msg;
  if (!Sub(scope, m.depth, scope_msg)) return false;
  return ReadScope(scope_msg, f.scope);
}

// InstrumentationScope: name = 1, version = 2, attributes = 3, dropped_attributes_count = 4.
bool WireSource::ReadScope(const Msg& m, ScopeFields<WireSource>& f) {
  Stretch attributes;
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kLen): return r.ReadString(f.name);
      case Tag(2, kLen): return r.ReadString(f.version);
      case Tag(3, kLen):
        if (!r.ReadBytes(v)) return false;
        attributes.Add(start, r.position());
        return true;
      case Tag(4, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        return true;
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.attributes = List{attributes.view(), 3, m.depth};
  return true;
}

// LogRecord: time_unix_nano = 1, severity_number = 2, severity_text = 3, body = 5,
// attributes = 6, dropped_attributes_count = 7, flags = 8, trace_id = 9, span_id = 10,
// observed_time_unix_nano = 11, event_name = 12.
bool WireSource::Read(const Msg& m, LogRecordFields<WireSource>& f) {
  Merged body;
  Stretch attributes;
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kFixed64): return r.ReadFixed64(f.time_unix_nano);
      case Tag(2, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.severity_number = static_cast<std::int32_t>(n);
        return true;
      case Tag(3, kLen): return r.ReadString(f.severity_text);
      case Tag(5, kLen):
        if (!r.ReadBytes(v)) return false;
        Merge(body, v);
        return true;
      case Tag(6, kLen):
        if (!r.ReadBytes(v)) return false;
        attributes.Add(start, r.position());
        return true;
      case Tag(7, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        return true;
      case Tag(8, kFixed32): return r.ReadFixed32(f.flags);
      case Tag(9, kLen): return r.ReadBytes(f.trace_id);
      case Tag(10, kLen): return r.ReadBytes(f.span_id);
      case Tag(11, kFixed64): return r.ReadFixed64(f.observed_time_unix_nano);
      case Tag(12, kLen): return r.ReadString(f.event_name);
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.attributes = List{attributes.view(), 6, m.depth};
  return Sub(body, m.depth, f.body);
}

// Span: trace_id = 1, span_id = 2, trace_state = 3, parent_span_id = 4, name = 5, kind = 6,
// start = 7, end = 8, attributes = 9, dropped_attributes_count = 10, events = 11,
// dropped_events_count = 12, links = 13, dropped_links_count = 14, status = 15, flags = 16.
bool WireSource::Read(const Msg& m, SpanFields<WireSource>& f) {
  Merged status;
  Stretch attributes, events, links;
  bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kLen): return r.ReadBytes(f.trace_id);
      case Tag(2, kLen): return r.ReadBytes(f.span_id);
      case Tag(3, kLen): return r.ReadString(f.trace_state);
      case Tag(4, kLen): return r.ReadBytes(f.parent_span_id);
      case Tag(5, kLen): return r.ReadString(f.name);
      case Tag(6, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.kind = static_cast<std::int32_t>(n);
        return true;
      case Tag(7, kFixed64): return r.ReadFixed64(f.start_time_unix_nano);
      case Tag(8, kFixed64): return r.ReadFixed64(f.end_time_unix_nano);
      case Tag(9, kLen):
        if (!r.ReadBytes(v)) return false;
        attributes.Add(start, r.position());
        return true;
      case Tag(10, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        return true;
      case Tag(11, kLen):
        if (!r.ReadBytes(v)) return false;
        events.Add(start, r.position());
        return true;
      case Tag(12, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.dropped_events_count = static_cast<std::uint32_t>(n);
        return true;
      case Tag(13, kLen):
        if (!r.ReadBytes(v)) return false;
        links.Add(start, r.position());
        return true;
      case Tag(14, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.dropped_links_count = static_cast<std::uint32_t>(n);
        return true;
      case Tag(15, kLen):
        if (!r.ReadBytes(v)) return false;
        Merge(status, v);
        return true;
      case Tag(16, kFixed32): return r.ReadFixed32(f.flags);
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.attributes = List{attributes.view(), 9, m.depth};
  f.events = List{events.view(), 11, m.depth};
  f.links = List{links.view(), 13, m.depth};
  Msg status_msg;
  if (!Sub(status, m.depth, status_msg)) return false;
  // Status: message = 2, code = 3.
  return ReadFields(status_msg.bytes, [&](Reader& r, std::uint32_t tag, const char*) {
    std::uint64_t n;
    if (tag == Tag(2, kLen)) return r.ReadString(f.status_message);
    if (tag != Tag(3, kVarint)) return r.SkipField(tag, status_msg.depth);
    if (!r.ReadVarint(n)) return false;
    f.status_code = static_cast<std::int32_t>(n);
    return true;
  });
}

// Span.Event: time_unix_nano = 1, name = 2, attributes = 3, dropped_attributes_count = 4.
bool WireSource::Read(const Msg& m, EventFields<WireSource>& f) {
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char*) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kFixed64): return r.ReadFixed64(f.time_unix_nano);
      case Tag(2, kLen): return r.ReadString(f.name);
      case Tag(3, kLen): return r.ReadBytes(v);
      case Tag(4, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        return true;
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.attributes = List{m.bytes, 3, m.depth};
  return true;
}

// Span.Link: trace_id = 1, span_id = 2, trace_state = 3, attributes = 4,
// dropped_attributes_count = 5, flags = 6.
bool WireSource::Read(const Msg& m, LinkFields<WireSource>& f) {
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char*) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kLen): return r.ReadBytes(f.trace_id);
      case Tag(2, kLen): return r.ReadBytes(f.span_id);
      case Tag(3, kLen): return r.ReadString(f.trace_state);
      case Tag(4, kLen): return r.ReadBytes(v);
      case Tag(5, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.dropped_attributes_count = static_cast<std::uint32_t>(n);
        return true;
      case Tag(6, kFixed32): return r.ReadFixed32(f.flags);
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.attributes = List{m.bytes, 4, m.depth};
  return true;
}

// Metric: name = 1, description = 2, unit = 3, data (oneof): gauge = 5, sum = 7,
// histogram = 9, exponential_histogram = 10, summary = 11; metadata = 12.
bool WireSource::Read(const Msg& m, MetricFields<WireSource>& f) {
  Merged data;
  std::uint32_t data_field = 0;
  Stretch metadata;
  bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    switch (tag) {
      case Tag(1, kLen): return r.ReadString(f.name);
      case Tag(2, kLen): return r.ReadString(f.description);
      case Tag(3, kLen): return r.ReadString(f.unit);
      case Tag(5, kLen):
      case Tag(7, kLen):
      case Tag(9, kLen):
      case Tag(10, kLen):
      case Tag(11, kLen): {
        if (!r.ReadBytes(v)) return false;
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
        return true;
      }
      case Tag(12, kLen):
        if (!r.ReadBytes(v)) return false;
        metadata.Add(start, r.position());
        return true;
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.metadata = List{metadata.view(), 12, m.depth};
  Msg d;
  if (!Sub(data, m.depth, d)) return false;
  // Gauge: data_points = 1. Sum: data_points = 1, aggregation_temporality = 2,
  // is_monotonic = 3. Histogram, ExponentialHistogram: data_points = 1,
  // aggregation_temporality = 2. Summary: data_points = 1.
  const bool has_temporality = data_field == 7 || data_field == 9 || data_field == 10;
  ok = ReadFields(d.bytes, [&](Reader& r, std::uint32_t tag, const char*) {
    std::uint64_t n;
    if (tag == Tag(2, kVarint) && has_temporality) {
      if (!r.ReadVarint(n)) return false;
      f.aggregation_temporality = static_cast<std::int32_t>(n);
      return true;
    }
    if (tag == Tag(3, kVarint) && data_field == 7) {
      if (!r.ReadVarint(n)) return false;
      f.is_monotonic = n != 0;
      return true;
    }
    return r.SkipField(tag, d.depth);
  });
  if (!ok) return false;
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
  Stretch attributes, exemplars;
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(2, kFixed64): return r.ReadFixed64(f.start_time_unix_nano);
      case Tag(3, kFixed64): return r.ReadFixed64(f.time_unix_nano);
      case Tag(4, kFixed64):
        if (!r.ReadDouble(f.as_double)) return false;
        f.value_kind = NumberKind::kDouble;
        return true;
      case Tag(6, kFixed64):
        if (!r.ReadFixed64(n)) return false;
        f.as_int = static_cast<std::int64_t>(n);
        f.value_kind = NumberKind::kInt;
        return true;
      case Tag(5, kLen):
        if (!r.ReadBytes(v)) return false;
        exemplars.Add(start, r.position());
        return true;
      case Tag(7, kLen):
        if (!r.ReadBytes(v)) return false;
        attributes.Add(start, r.position());
        return true;
      case Tag(8, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.flags = static_cast<std::uint32_t>(n);
        return true;
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.attributes = List{attributes.view(), 7, m.depth};
  f.exemplars = List{exemplars.view(), 5, m.depth};
  return true;
}

// HistogramDataPoint: start = 2, time = 3, count = 4, sum = 5, bucket_counts = 6,
// explicit_bounds = 7, exemplars = 8, attributes = 9, flags = 10, min = 11, max = 12.
bool WireSource::Read(const Msg& m, HistogramPointFields<WireSource>& f) {
  Stretch attributes, exemplars;
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(2, kFixed64): return r.ReadFixed64(f.start_time_unix_nano);
      case Tag(3, kFixed64): return r.ReadFixed64(f.time_unix_nano);
      case Tag(4, kFixed64): return r.ReadFixed64(f.count);
      case Tag(5, kFixed64):
        if (!r.ReadDouble(f.sum)) return false;
        f.has_sum = true;
        return true;
      case Tag(8, kLen):
        if (!r.ReadBytes(v)) return false;
        exemplars.Add(start, r.position());
        return true;
      case Tag(9, kLen):
        if (!r.ReadBytes(v)) return false;
        attributes.Add(start, r.position());
        return true;
      case Tag(10, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.flags = static_cast<std::uint32_t>(n);
        return true;
      case Tag(11, kFixed64):
        if (!r.ReadDouble(f.min)) return false;
        f.has_min = true;
        return true;
      case Tag(12, kFixed64):
        if (!r.ReadDouble(f.max)) return false;
        f.has_max = true;
        return true;
      default:  // bucket_counts and explicit_bounds are read when listed
        return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.attributes = List{attributes.view(), 9, m.depth};
  f.exemplars = List{exemplars.view(), 8, m.depth};
  f.bucket_counts = List{m.bytes, 6, m.depth};
  f.explicit_bounds = List{m.bytes, 7, m.depth};
  return true;
}

// ExponentialHistogramDataPoint.Buckets: offset = 1 (sint32), bucket_counts = 2.
bool WireSource::ReadBuckets(const Msg& m, BucketsFields<WireSource>& f) {
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char*) {
    std::uint64_t n;
    if (tag != Tag(1, kVarint)) return r.SkipField(tag, m.depth);
    if (!r.ReadVarint(n)) return false;
    f.offset = wire::ZigZag32(n);
    return true;
  });
  if (!ok) return false;
  f.bucket_counts = List{m.bytes, 2, m.depth};
  return true;
}

// ExponentialHistogramDataPoint: attributes = 1, start = 2, time = 3, count = 4, sum = 5,
// scale = 6 (sint32), zero_count = 7, positive = 8, negative = 9, flags = 10, exemplars = 11,
// min = 12, max = 13, zero_threshold = 14.
bool WireSource::Read(const Msg& m, ExponentialHistogramPointFields<WireSource>& f) {
  Stretch attributes, exemplars;
  Merged positive, negative;
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(1, kLen):
        if (!r.ReadBytes(v)) return false;
        attributes.Add(start, r.position());
        return true;
      case Tag(2, kFixed64): return r.ReadFixed64(f.start_time_unix_nano);
      case Tag(3, kFixed64): return r.ReadFixed64(f.time_unix_nano);
      case Tag(4, kFixed64): return r.ReadFixed64(f.count);
      case Tag(5, kFixed64):
        if (!r.ReadDouble(f.sum)) return false;
        f.has_sum = true;
        return true;
      case Tag(6, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.scale = wire::ZigZag32(n);
        return true;
      case Tag(7, kFixed64): return r.ReadFixed64(f.zero_count);
      case Tag(8, kLen):
        if (!r.ReadBytes(v)) return false;
        Merge(positive, v);
        return true;
      case Tag(9, kLen):
        if (!r.ReadBytes(v)) return false;
        Merge(negative, v);
        return true;
      case Tag(10, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.flags = static_cast<std::uint32_t>(n);
        return true;
      case Tag(11, kLen):
        if (!r.ReadBytes(v)) return false;
        exemplars.Add(start, r.position());
        return true;
      case Tag(12, kFixed64):
        if (!r.ReadDouble(f.min)) return false;
        f.has_min = true;
        return true;
      case Tag(13, kFixed64):
        if (!r.ReadDouble(f.max)) return false;
        f.has_max = true;
        return true;
      case Tag(14, kFixed64): return r.ReadDouble(f.zero_threshold);
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.attributes = List{attributes.view(), 1, m.depth};
  f.exemplars = List{exemplars.view(), 11, m.depth};
  Msg p, q;
  return Sub(positive, m.depth, p) && ReadBuckets(p, f.positive) && Sub(negative, m.depth, q) &&
         ReadBuckets(q, f.negative);
}

// SummaryDataPoint: start = 2, time = 3, count = 4, sum = 5, quantile_values = 6,
// attributes = 7, flags = 8.
bool WireSource::Read(const Msg& m, SummaryPointFields<WireSource>& f) {
  Stretch attributes, quantiles;
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(2, kFixed64): return r.ReadFixed64(f.start_time_unix_nano);
      case Tag(3, kFixed64): return r.ReadFixed64(f.time_unix_nano);
      case Tag(4, kFixed64): return r.ReadFixed64(f.count);
      case Tag(5, kFixed64): return r.ReadDouble(f.sum);
      case Tag(6, kLen):
        if (!r.ReadBytes(v)) return false;
        quantiles.Add(start, r.position());
        return true;
      case Tag(7, kLen):
        if (!r.ReadBytes(v)) return false;
        attributes.Add(start, r.position());
        return true;
      case Tag(8, kVarint):
        if (!r.ReadVarint(n)) return false;
        f.flags = static_cast<std::uint32_t>(n);
        return true;
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.attributes = List{attributes.view(), 7, m.depth};
  f.quantile_values = List{quantiles.view(), 6, m.depth};
  return true;
}

// SummaryDataPoint.ValueAtQuantile: quantile = 1, value = 2.
bool WireSource::Read(const Msg& m, QuantileFields& f) {
  return ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char*) {
    if (tag == Tag(1, kFixed64)) return r.ReadDouble(f.quantile);
    if (tag == Tag(2, kFixed64)) return r.ReadDouble(f.value);
    return r.SkipField(tag, m.depth);
  });
}

// Exemplar: time = 2, as_double = 3, span_id = 4, trace_id = 5, as_int = 6,
// filtered_attributes = 7.
bool WireSource::Read(const Msg& m, ExemplarFields<WireSource>& f) {
  Stretch attributes;
  const bool ok = ReadFields(m.bytes, [&](Reader& r, std::uint32_t tag, const char* start) {
    std::string_view v;
    std::uint64_t n;
    switch (tag) {
      case Tag(2, kFixed64): return r.ReadFixed64(f.time_unix_nano);
      case Tag(3, kFixed64):
        if (!r.ReadDouble(f.as_double)) return false;
        f.value_kind = NumberKind::kDouble;
        return true;
      case Tag(6, kFixed64):
        if (!r.ReadFixed64(n)) return false;
        f.as_int = static_cast<std::int64_t>(n);
        f.value_kind = NumberKind::kInt;
        return true;
      case Tag(4, kLen): return r.ReadBytes(f.span_id);
      case Tag(5, kLen): return r.ReadBytes(f.trace_id);
      case Tag(7, kLen):
        if (!r.ReadBytes(v)) return false;
        attributes.Add(start, r.position());
        return true;
      default: return r.SkipField(tag, m.depth);
    }
  });
  if (!ok) return false;
  f.filtered_attributes = List{attributes.view(), 7, m.depth};
  return true;
}

}  // namespace ingot::protocols::otlp
