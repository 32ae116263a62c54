#include "protocols/prometheus/rows.h"

#include <algorithm>
#include <array>
#include <limits>

#include "model/timestamp.h"
#include "protocols/prometheus/remote_write.h"

namespace ingot::protocols::prometheus {

namespace {

using model::BatchBuilder;

// Milliseconds to microseconds, saturated: a time past the storable range fails the record there.
std::int64_t MillisToMicros(std::int64_t ms) {
  constexpr std::int64_t kLimit = std::numeric_limits<std::int64_t>::max() / 1000;
  if (ms > kLimit) return std::numeric_limits<std::int64_t>::max();
  if (ms < -kLimit) return std::numeric_limits<std::int64_t>::min();
  return ms * 1000;
}

}  // namespace

std::string_view MetricTypeText(std::int32_t type, std::string& scratch) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"};
  if (type >= 0 && type < static_cast<std::int32_t>(kNames.size())) return kNames[type];
  scratch = std::to_string(type);
  return scratch;
}

std::string_view MetricName(std::span<const LabelView> labels) {
  for (const LabelView& l : labels) {
    if (l.name == "__name__") return l.value;
  }
  return {};
}

void FamilyIndex::Seal() {
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const Entry& a, const Entry& b) { return a.family < b.family; });
}

const SeriesMeta* FamilyIndex::FindExact(std::string_view family) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), family,
                             [](std::string_view f, const Entry& e) { return f < e.family; });
  if (it == entries_.begin() || std::prev(it)->family != family) return nullptr;
  return &std::prev(it)->meta;  // the last of equal entries: the later one in the request
}

const SeriesMeta* FamilyIndex::Find(std::string_view name) const {
  if (entries_.empty()) return nullptr;
  if (const SeriesMeta* m = FindExact(name)) return m;
  for (std::string_view suffix : {"_total", "_bucket", "_sum", "_count", "_created"}) {
    if (name.ends_with(suffix)) return FindExact(name.substr(0, name.size() - suffix.size()));
  }
  return nullptr;
}

RowWriter::RowWriter(StreamRecords& out, std::size_t body_bytes)
    : out_(out),
      b_(out.builder),
      metric_name_(b_.Child(BatchBuilder::kRoot, "metric_name")),
      value_(b_.Child(BatchBuilder::kRoot, "value")),
      metric_type_(b_.Child(BatchBuilder::kRoot, "metric_type")),
      metric_unit_(b_.Child(BatchBuilder::kRoot, "metric_unit")),
      metric_description_(b_.Child(BatchBuilder::kRoot, "metric_description")),
      start_time_unix_nano_(b_.Child(BatchBuilder::kRoot, "start_time_unix_nano")),
      max_label_bytes_(kMaxExpansion * body_bytes + kExpansionAllowance) {}

Status RowWriter::CheckExpansion() const {
  if (label_bytes_ <= max_label_bytes_) return Status::Ok();
  return Status::TooLarge("request: its samples repeat more than " +
                          std::to_string(max_label_bytes_) +
                          " bytes of labels (32 per byte of body, plus 16 MiB); send fewer "
                          "samples per series or smaller labels per request");
}

void RowWriter::Series(std::span<const LabelView> labels, const SeriesMeta& meta) {
  labels_ = labels;
  name_ = labels.size();
  series_label_bytes_ = 0;
  for (const LabelView& l : labels) series_label_bytes_ += l.name.size() + l.value.size();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].name == "__name__") {
      name_ = i;
      break;
    }
  }
  meta_ = meta;
  type_text_ = MetricTypeText(meta.type, type_scratch_);
  series_label_bytes_ += meta.help.size() + meta.unit.size();
}

bool RowWriter::Sample(double value, std::int64_t timestamp_ms, std::size_t series,
                       std::size_t sample) {
  label_bytes_ += series_label_bytes_;
  b_.BeginRecord();
  b_.SetTimestamp(MillisToMicros(timestamp_ms));
  // The row's own fields first: a label of the same column goes to `_extra`.
  if (name_ < labels_.size() && !labels_[name_].value.empty()) {
    b_.AddString(metric_name_, labels_[name_].value);
  }
  b_.AddDouble(value_, value);
  if (!type_text_.empty()) b_.AddString(metric_type_, type_text_);
  if (!meta_.unit.empty()) b_.AddString(metric_unit_, meta_.unit);
  if (!meta_.help.empty()) b_.AddString(metric_description_, meta_.help);
  if (meta_.created_ms != 0) {
    constexpr std::int64_t kLimit = std::numeric_limits<std::int64_t>::max() / 1'000'000;
    if (meta_.created_ms > kLimit || meta_.created_ms < -kLimit) {
      b_.FailRecord("created_timestamp is out of range");
    } else {
      b_.AddInt(start_time_unix_nano_, meta_.created_ms * 1'000'000);
    }
  }
  // Every other label its own column; an empty value is no label (as in Prometheus). A second
  // `__name__` is a second metric_name value: `_extra`.
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const LabelView& l = labels_[i];
    if (i == name_ || l.value.empty()) continue;
    b_.AddString(l.name == "__name__" ? metric_name_ : b_.Child(BatchBuilder::kRoot, l.name),
                 l.value);
  }
  if (b_.EndRecord(&error_)) return true;
  std::string message =
      "timeseries[" + std::to_string(series) + "].samples[" + std::to_string(sample) + "]: ";
  message += error_;
  out_.RecordFailure(message);
  return false;
}

}  // namespace ingot::protocols::prometheus
