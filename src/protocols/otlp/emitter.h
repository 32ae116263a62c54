// The encoding-independent half of the OTLP mapping (docs/schema-otlp.md): column ids of the
// OTLP fields, key lookups with the `_timestamp` and `service_name` rules, values recorded once per
// resource / scope / metric and replayed into every row below it, and the JSON text helpers.
// mapper.h walks the messages (through a Source) and calls this.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/batch_builder.h"
#include "protocols/decoded.h"

namespace ingot::protocols::otlp {

using FieldId = model::BatchBuilder::FieldId;

// Values added to a row, recorded once (for a resource, a scope, a metric) and replayed into each
// of its rows. Has the same Add* calls as BatchBuilder, so the mapping writes to either.
class RecordedValues {
 public:
  void Clear() {
    ops_.clear();
    text_.clear();
  }
  bool empty() const { return ops_.empty(); }
  void AddInt(FieldId f, std::int64_t v) { ops_.push_back({f, kInt, v, 0, 0, 0}); }
  void AddUint(FieldId f, std::uint64_t v);
  void AddDouble(FieldId f, double v) { ops_.push_back({f, kDouble, 0, v, 0, 0}); }
  void AddBool(FieldId f, bool v) { ops_.push_back({f, kBool, v ? 1 : 0, 0, 0, 0}); }
  void AddString(FieldId f, std::string_view v) { AddText(f, kString, v); }
  void AddJsonText(FieldId f, std::string_view v) { AddText(f, kJson, v); }
  // True when a value was recorded for field `f`.
  bool Has(FieldId f) const;
  // True when a value was recorded for a field for which `pred(field)` holds.
  template <class Pred>
  bool Any(Pred pred) const {
    for (const Op& op : ops_) {
      if (pred(op.field)) return true;
    }
    return false;
  }
  void ReplayInto(model::BatchBuilder& b) const;

 private:
  enum Kind : std::uint8_t { kInt, kDouble, kBool, kString, kJson };
  struct Op {
    FieldId field;
    Kind kind;
    std::int64_t i;
    double d;
    std::uint32_t offset;
    std::uint32_t size;
  };
  void AddText(FieldId f, Kind kind, std::string_view v);

  std::vector<Op> ops_;
  std::string text_;
};

// Column ids of the OTLP fields (docs/schema-otlp.md), resolved once per request.
struct Columns {
  // Every signal.
  FieldId service_name, resource_dropped_attributes_count, resource_entity_refs,
      resource_schema_url, scope_name, scope_version, scope_dropped_attributes_count,
      scope_schema_url, dropped_attributes_count, flags, trace_id, span_id, time_unix_nano,
      start_time_unix_nano;
  // Logs.
  FieldId observed_time_unix_nano, severity_number, severity_text, body, event_name;
  // Traces.
  FieldId parent_span_id, trace_state, name, kind, end_time_unix_nano, duration_ns, status_code,
      status_message, dropped_events_count, dropped_links_count, events, links;
  // Metrics.
  FieldId metric_name, metric_description, metric_unit, metric_type, aggregation_temporality,
      is_monotonic, metric_metadata, value, count, sum, min, max, bucket_counts, explicit_bounds,
      scale, zero_count, zero_threshold, positive_offset, positive_bucket_counts, negative_offset,
      negative_bucket_counts, quantile_values, exemplars;
};

// Per-request state of the mapping into one stream's builder.
class Emitter {
 public:
  explicit Emitter(StreamRecords& out);

  model::BatchBuilder& builder() { return builder_; }
  const Columns& columns() const { return columns_; }

  // The field of key `raw_key` below `parent`, remembering what its column name is.
  FieldId Field(FieldId parent, std::string_view raw_key);
  // The field of the i-th attribute key of a record: the previous record's i-th key is compared
  // first (records of a scope mostly repeat their keys in the same order).
  FieldId AttributeField(std::size_t i, std::string_view raw_key) {
    if (i < attr_keys_.size() && attr_keys_[i] == raw_key) return attr_ids_[i];
    return AttributeFieldSlow(i, raw_key);
  }
  // Where a leaf value of `field` goes: `attributes__timestamp` when `field` is the `_timestamp`
  // column (which only the OTLP time fields set), else `field`.
  FieldId Leaf(FieldId field) const {
    return field < flags_.size() && (flags_[field] & kTimestampFlag) ? timestamp_attribute_ : field;
  }
  bool IsServiceName(FieldId field) const {
    return field < flags_.size() && (flags_[field] & kServiceNameFlag);
  }

  // Values replayed into every row (see RecordedValues).
  RecordedValues& resource_values() { return resource_; }
  RecordedValues& scope_values() { return scope_; }
  RecordedValues& metric_values() { return metric_; }
  RecordedValues& metadata_values() { return metadata_; }

  // Ends the row: replays the scope's then the resource's values, then ends the builder's record.
  // False when normalization rejected the record; then call Reject() with where it was.
  bool EndRow() {
    scope_.ReplayInto(builder_);
    resource_.ReplayInto(builder_);
    return builder_.EndRecord(&error_);
  }
  void Reject(std::string_view where);
  std::int64_t rejected() const { return rejected_; }
  const std::string& first_rejection() const { return first_rejection_; }

  // Scratch text for values built per field (hex ids, JSON text). The caller hands it to the
  // builder (which copies it) before asking for it again.
  std::string& scratch() {
    scratch_.clear();
    return scratch_;
  }

 private:
  static constexpr std::uint8_t kKnownFlag = 1;
  static constexpr std::uint8_t kTimestampFlag = 2;
  static constexpr std::uint8_t kServiceNameFlag = 4;
  FieldId AttributeFieldSlow(std::size_t i, std::string_view raw_key);

  StreamRecords& out_;
  model::BatchBuilder& builder_;
  Columns columns_;
  FieldId timestamp_attribute_;
  // Per field id: kKnownFlag once seen, plus what its column is; and its column name.
  std::vector<std::uint8_t> flags_;
  std::vector<std::string> names_;
  std::vector<std::string_view> attr_keys_;
  std::vector<FieldId> attr_ids_;
  RecordedValues resource_, scope_, metric_, metadata_;
  std::string scratch_;
  std::string error_;
  std::int64_t rejected_ = 0;
  std::string first_rejection_;
};

// JSON text helpers (docs/schema-otlp.md, "Values").
// A double as JSON: shortest round-trip text; NaN and infinities as the strings "NaN",
// "Infinity", "-Infinity".
void AppendJsonDouble(double v, std::string& out);
void AppendJsonUint(std::uint64_t v, std::string& out);
void AppendJsonInt(std::int64_t v, std::string& out);
// Lower-case hex of `bytes`.
void AppendHex(std::string_view bytes, std::string& out);
// Standard base64 with padding.
void AppendBase64(std::string_view bytes, std::string& out);
// Decodes base64 (standard or URL-safe alphabet, padding optional); false when `text` is not.
bool DecodeBase64(std::string_view text, std::string& out);
// True when `text` is hex (even length, [0-9a-fA-F]).
bool IsHex(std::string_view text);
// Appends `hex` lower-cased.
void AppendLowerHex(std::string_view hex, std::string& out);

std::string_view SpanKindText(std::int32_t kind, std::string& scratch);
std::string_view StatusCodeText(std::int32_t code, std::string& scratch);
std::string_view TemporalityText(std::int32_t temporality, std::string& scratch);

}  // namespace ingot::protocols::otlp
