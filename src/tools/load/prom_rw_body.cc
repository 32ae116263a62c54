#include "tools/load/prom_rw_body.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>

#include "tools/load/body_pool.h"
#include "tools/load/record_wire.h"

namespace ingot::load {

using namespace record_wire;  // the reader and writers shared with otlp_body.cc

namespace {

// MetricMetadata.MetricType of a `__type__` text; 0 (unknown) for others.
int MetricType(std::string_view type) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"};
  const auto it = std::find(kNames.begin(), kNames.end(), type);
  return it == kNames.end() ? 0 : static_cast<int>(it - kNames.begin());
}

// Label {name 1, value 2} as TimeSeries.labels (field 1) into `out`.
void PutLabel(std::string_view name, std::string_view value, std::string& label, std::string& out) {
  label.clear();
  PutBytes(1, name, label);
  PutBytes(2, value, label);
  PutBytes(1, label, out);
}

}  // namespace

Status PromRwBody::Add(std::string_view record) {
  JValue root;
  Reader reader(record);
  if (!reader.Value(root) || !reader.AtEnd() || root.kind != JValue::kObject) {
    return Status::InvalidInput("not a JSON object: " + std::string(record.substr(0, 80)));
  }
  scratch_.clear();  // TimeSeries
  std::size_t id_in_series = 0;
  if (!run_id_.empty()) {
    PutLabel("load_id", run_id_ + '-' + std::string(kIdDigits, '0'), label_, scratch_);
    id_in_series = scratch_.size() - kIdDigits;  // the digits end the first label
  }
  std::int64_t timestamp = 0;
  double value = 0;
  std::string_view name, type;
  for (const auto& [k, v] : root.members) {
    if (k.text == "timestamp" && v.kind == JValue::kInt) {
      timestamp = v.integer;
    } else if (k.text == "value" && (v.kind == JValue::kInt || v.kind == JValue::kDouble)) {
      if (v.kind == JValue::kInt) {
        value = static_cast<double>(v.integer);
      } else {
        std::from_chars(v.number.data(), v.number.data() + v.number.size(), value);
      }
    } else if (k.text == "__type__" && v.kind == JValue::kString) {
      type = v.text;
    } else if (v.kind == JValue::kString) {
      if (k.text == "__name__") name = v.text;
      PutLabel(k.text, v.text, label_, scratch_);
    }
  }
  label_.clear();  // Sample {value 1 (double), timestamp 2 (int64)}
  PutFixed64(1, std::bit_cast<std::uint64_t>(value), label_);
  PutTag(2, 0, label_);
  PutVarint(static_cast<std::uint64_t>(timestamp), label_);
  PutBytes(2, label_, scratch_);
  PutTag(1, 2, series_);  // WriteRequest.timeseries
  PutVarint(scratch_.size(), series_);
  if (!run_id_.empty()) id_at_.push_back(static_cast<std::uint32_t>(series_.size() + id_in_series));
  series_ += scratch_;

  if (!type.empty() && !name.empty() &&
      std::find(families_.begin(), families_.end(), name) == families_.end()) {
    families_.emplace_back(name);
    label_.clear();  // MetricMetadata {type 1, metric_family_name 2}
    PutTag(1, 0, label_);
    PutVarint(static_cast<std::uint64_t>(MetricType(type)), label_);
    PutBytes(2, name, label_);
    PutBytes(3, label_, metadata_);  // WriteRequest.metadata
  }
  return Status::Ok();
}

void PromRwBody::Finish(std::string& out, std::vector<std::uint32_t>& id_offsets) {
  const auto base = static_cast<std::uint32_t>(out.size());
  out += series_;
  out += metadata_;
  for (std::uint32_t at : id_at_) id_offsets.push_back(base + at);
  series_.clear();
  metadata_.clear();
  families_.clear();
  id_at_.clear();
}

}  // namespace ingot::load
