#include "protocols/otlp/emitter.h"

#include <charconv>
#include <cmath>

#include "model/column.h"
#include "model/column_type.h"
#include "model/names.h"

namespace ingot::protocols::otlp {

using model::BatchBuilder;

void RecordedValues::AddUint(FieldId f, std::uint64_t v) {
  if (v <= static_cast<std::uint64_t>(INT64_MAX)) {
    AddInt(f, static_cast<std::int64_t>(v));
  } else {
    AddDouble(f, static_cast<double>(v));  // as BatchBuilder::AddUint does
  }
}

void RecordedValues::AddText(FieldId f, Kind kind, std::string_view v) {
  ops_.push_back({f, kind, 0, 0, static_cast<std::uint32_t>(text_.size()),
                  static_cast<std::uint32_t>(v.size())});
  text_.append(v);
}

bool RecordedValues::Has(FieldId f) const {
  return Any([f](FieldId g) { return g == f; });
}

void RecordedValues::ReplayInto(BatchBuilder& b) const {
  for (const Op& op : ops_) {
    switch (op.kind) {
      case kInt: b.AddInt(op.field, op.i); break;
      case kDouble: b.AddDouble(op.field, op.d); break;
      case kBool: b.AddBool(op.field, op.i != 0); break;
      case kString:
        b.AddString(op.field, std::string_view(text_.data() + op.offset, op.size));
        break;
      case kJson:
        b.AddJsonText(op.field, std::string_view(text_.data() + op.offset, op.size));
        break;
    }
  }
}

Emitter::Emitter(StreamRecords& out) : out_(out), builder_(out.builder) {
  names_.emplace_back();  // kRoot
  flags_.push_back(kKnownFlag);
  auto top = [this](std::string_view name) { return Field(BatchBuilder::kRoot, name); };
  Columns& c = columns_;
  c.service_name = top("service_name");
  c.resource_dropped_attributes_count = top("resource_dropped_attributes_count");
  c.resource_entity_refs = top("resource_entity_refs");
  c.resource_schema_url = top("resource_schema_url");
  c.scope_name = top("scope_name");
  c.scope_version = top("scope_version");
  c.scope_dropped_attributes_count = top("scope_dropped_attributes_count");
  c.scope_schema_url = top("scope_schema_url");
  c.dropped_attributes_count = top("dropped_attributes_count");
  c.flags = top("flags");
  c.trace_id = top("trace_id");
  c.span_id = top("span_id");
  c.time_unix_nano = top("time_unix_nano");
  c.start_time_unix_nano = top("start_time_unix_nano");
  c.observed_time_unix_nano = top("observed_time_unix_nano");
  c.severity_number = top("severity_number");
  c.severity_text = top("severity_text");
  c.body = top("body");
  c.event_name = top("event_name");
  c.parent_span_id = top("parent_span_id");
  c.trace_state = top("trace_state");
  c.name = top("name");
  c.kind = top("kind");
  c.end_time_unix_nano = top("end_time_unix_nano");
  c.duration_ns = top("duration_ns");
  c.status_code = top("status_code");
  c.status_message = top("status_message");
  c.dropped_events_count = top("dropped_events_count");
  c.dropped_links_count = top("dropped_links_count");
  c.events = top("events");
  c.links = top("links");
  c.metric_name = top("metric_name");
  c.metric_description = top("metric_description");
  c.metric_unit = top("metric_unit");
  c.metric_type = top("metric_type");
  c.aggregation_temporality = top("aggregation_temporality");
  c.is_monotonic = top("is_monotonic");
  c.metric_metadata = top("metric_metadata");
  c.value = top("value");
  c.count = top("count");
  c.sum = top("sum");
  c.min = top("min");
  c.max = top("max");
  c.bucket_counts = top("bucket_counts");
  c.explicit_bounds = top("explicit_bounds");
  c.scale = top("scale");
  c.zero_count = top("zero_count");
  c.zero_threshold = top("zero_threshold");
  c.positive_offset = top("positive_offset");
  c.positive_bucket_counts = top("positive_bucket_counts");
  c.negative_offset = top("negative_offset");
  c.negative_bucket_counts = top("negative_bucket_counts");
  c.quantile_values = top("quantile_values");
  c.exemplars = top("exemplars");
  timestamp_attribute_ = Field(top("attributes"), "_timestamp");
}

FieldId Emitter::Field(FieldId parent, std::string_view raw_key) {
  const FieldId id = builder_.Child(parent, raw_key);
  if (id < flags_.size() && (flags_[id] & kKnownFlag)) return id;
  if (id >= flags_.size()) {
    flags_.resize(id + 1, 0);
    names_.resize(id + 1);
  }
  std::string& name = names_[id];
  name.clear();
  if (parent != BatchBuilder::kRoot) {
    name = names_[parent];
    name.push_back('_');
  }
  model::AppendFormattedKey(raw_key, name);
  std::uint8_t flags = kKnownFlag;
  if (name == model::kTimestampColumn) flags |= kTimestampFlag;
  if (name == "service_name") flags |= kServiceNameFlag;
  flags_[id] = flags;
  return id;
}

FieldId Emitter::AttributeFieldSlow(std::size_t i, std::string_view raw_key) {
  const FieldId id = Field(BatchBuilder::kRoot, raw_key);
  if (i < attr_keys_.size()) {
    attr_keys_[i] = raw_key;
    attr_ids_[i] = id;
  } else {
    attr_keys_.push_back(raw_key);
    attr_ids_.push_back(id);
  }
  return id;
}

void Emitter::Reject(std::string_view where) {
  ++rejected_;
  std::string message(where);
  message += ": ";
  message += error_;
  if (first_rejection_.empty()) first_rejection_ = message;
  out_.RecordFailure(message);
}

void AppendJsonDouble(double v, std::string& out) {
  if (std::isfinite(v)) {
    model::AppendDoubleText(v, out);
  } else {
    out.push_back('"');
    model::AppendDoubleText(v, out);  // NaN, Infinity, -Infinity
    out.push_back('"');
  }
}

void AppendJsonUint(std::uint64_t v, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void AppendJsonInt(std::int64_t v, std::string& out) { model::AppendIntText(v, out); }

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}
}  // namespace

void AppendHex(std::string_view bytes, std::string& out) {
  const std::size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  char* p = out.data() + at;
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    *p++ = kHexDigits[b >> 4];
    *p++ = kHexDigits[b & 15];
  }
}

void AppendBase64(std::string_view bytes, std::string& out) {
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out.push_back(kBase64[v >> 18]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(kBase64[(v >> 6) & 63]);
    out.push_back(kBase64[v & 63]);
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    const std::uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out.push_back(kBase64[v >> 18]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kBase64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
}

bool DecodeBase64(std::string_view text, std::string& out) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return false;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const int v = Base64Value(c);
    if (v < 0) return false;
    acc = acc << 6 | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

bool IsHex(std::string_view text) {
  if (text.size() % 2 != 0) return false;
  for (const char c : text) {
    if (HexValue(c) < 0) return false;
  }
  return true;
}

void AppendLowerHex(std::string_view hex, std::string& out) {
  for (const char c : hex) out.push_back(c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c);
}

namespace {
std::string_view EnumText(std::int32_t v, const std::string_view* names, std::int32_t count,
                          std::string& scratch) {
  if (v >= 0 && v < count) return names[v];
  scratch.clear();
  model::AppendIntText(v, scratch);
  return scratch;
}
}  // namespace

std::string_view SpanKindText(std::int32_t kind, std::string& scratch) {
  static constexpr std::string_view kNames[] = {"unspecified", "internal", "server",
                                                "client",      "producer", "consumer"};
  return EnumText(kind, kNames, 6, scratch);
}

std::string_view StatusCodeText(std::int32_t code, std::string& scratch) {
  static constexpr std::string_view kNames[] = {"unset", "ok", "error"};
  return EnumText(code, kNames, 3, scratch);
}

std::string_view TemporalityText(std::int32_t temporality, std::string& scratch) {
  static constexpr std::string_view kNames[] = {"unspecified", "delta", "cumulative"};
  return EnumText(temporality, kNames, 3, scratch);
}

}  // namespace ingot::protocols::otlp
