#include "protocols/prometheus/rows.h"

#include <algorithm>
#include <array>
#include <limits>

#include "model/timestamp.h"
#include "protocols/otlp/emitter.h"
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

void HistogramView::Clear() {
  float_count = float_zero_count = false;
  count_int = zero_count_int = 0;
  count_float = sum = zero_threshold = zero_count_float = 0;
  schema = reset_hint = 0;
  timestamp = 0;
  for (int side = 0; side < 2; ++side) {
    spans[side].clear();
    deltas[side].clear();
    counts[side].clear();
  }
  custom_values.clear();
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
      count_(b_.Child(BatchBuilder::kRoot, "count")),
      sum_(b_.Child(BatchBuilder::kRoot, "sum")),
      scale_(b_.Child(BatchBuilder::kRoot, "scale")),
      zero_threshold_(b_.Child(BatchBuilder::kRoot, "zero_threshold")),
      zero_count_(b_.Child(BatchBuilder::kRoot, "zero_count")),
      offsets_{b_.Child(BatchBuilder::kRoot, "negative_offset"),
               b_.Child(BatchBuilder::kRoot, "positive_offset")},
      bucket_counts_{b_.Child(BatchBuilder::kRoot, "negative_bucket_counts"),
                     b_.Child(BatchBuilder::kRoot, "positive_bucket_counts")},
      explicit_bounds_(b_.Child(BatchBuilder::kRoot, "explicit_bounds")),
      max_label_bytes_(kMaxExpansion * body_bytes + kExpansionAllowance) {}

Status RowWriter::ExpansionError() const {
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
  BeginRow(timestamp_ms);
  b_.AddDouble(value_, value);
  return EndRow(type_text_, series, "samples", sample);
}

Status RowWriter::Histogram(const HistogramView& h, std::size_t series, std::size_t index,
                            bool& stored) {
  stored = false;
  BeginRow(h.timestamp);
  if (h.float_count) {
    b_.AddDouble(count_, h.count_float);
  } else {
    b_.AddUint(count_, h.count_int);
  }
  b_.AddDouble(sum_, h.sum);
  b_.AddInt(scale_, h.schema);
  b_.AddDouble(zero_threshold_, h.zero_threshold);
  if (h.float_zero_count) {
    b_.AddDouble(zero_count_, h.zero_count_float);
  } else {
    b_.AddUint(zero_count_, h.zero_count_int);
  }
  for (int side = 0; side < 2; ++side) {
    if (Status st = Buckets(h, side, offsets_[side], bucket_counts_[side]); !st.ok()) {
      b_.AbortRecord();
      return Status::InvalidInput("timeseries[" + std::to_string(series) + "].histograms[" +
                                  std::to_string(index) + "]: " + std::string(st.message()));
    }
  }
  if (!h.custom_values.empty()) {
    text_.clear();
    text_ += '[';
    for (std::size_t i = 0; i < h.custom_values.size(); ++i) {
      if (i > 0) text_ += ',';
      otlp::AppendJsonDouble(h.custom_values[i], text_);
    }
    text_ += ']';
    label_bytes_ += text_.size();
    b_.AddJsonText(explicit_bounds_, text_);
  }
  std::string_view type = type_text_;
  if (type.empty()) type = h.reset_hint == 3 ? "gaugehistogram" : "histogram";
  stored = EndRow(type, series, "histograms", index);
  return Status::Ok();
}

// Prometheus numbers a bucket by its upper bound (bucket i holds (base^(i-1), base^i]), OTLP by
// its lower bound ((base^k, base^(k+1)]): the OTLP offset is the first Prometheus index minus 1,
// and the gaps between spans are empty buckets.
Status RowWriter::Buckets(const HistogramView& h, int side, BatchBuilder::FieldId offset,
                          BatchBuilder::FieldId counts) {
  const std::vector<BucketSpanView>& spans = h.spans[side];
  const std::size_t sent = h.float_count ? h.counts[side].size() : h.deltas[side].size();
  std::uint64_t buckets = 0;
  std::uint64_t dense = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i > 0 && spans[i].offset < 0) return Status::InvalidInput("a span has a negative gap");
    buckets += spans[i].length;
    dense += spans[i].length + (i > 0 ? static_cast<std::uint64_t>(spans[i].offset) : 0);
  }
  const char* name = side == 0 ? "negative" : "positive";
  if (buckets != sent) {
    return Status::InvalidInput(std::string(name) + " spans hold " + std::to_string(buckets) +
                                " buckets but " + std::to_string(sent) +
                                (h.float_count ? " counts" : " deltas") + " were sent");
  }
  if (dense > kMaxBuckets) {
    return Status::InvalidInput(std::string(name) + " buckets span " + std::to_string(dense) +
                                " indexes, more than " + std::to_string(kMaxBuckets));
  }
  if (buckets == 0) return Status::Ok();
  text_.clear();
  text_ += '[';
  std::uint64_t running = 0;  // integer counts: the deltas summed (wrapping, as int64 would)
  std::size_t next = 0;       // the next delta or count
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i > 0) {
      for (std::int32_t gap = 0; gap < spans[i].offset; ++gap) text_ += "0,";
    }
    for (std::uint32_t k = 0; k < spans[i].length; ++k, ++next) {
      if (h.float_count) {
        otlp::AppendJsonDouble(h.counts[side][next], text_);
      } else {
        running += static_cast<std::uint64_t>(h.deltas[side][next]);
        otlp::AppendJsonInt(static_cast<std::int64_t>(running), text_);
      }
      text_ += ',';
    }
  }
  if (text_.back() == ',') text_.pop_back();
  text_ += ']';
  label_bytes_ += text_.size();
  b_.AddInt(offset, std::int64_t{spans[0].offset} - 1);
  b_.AddJsonText(counts, text_);
  return Status::Ok();
}

void RowWriter::BeginRow(std::int64_t timestamp_ms) {
  label_bytes_ += series_label_bytes_;
  b_.BeginRecord();
  b_.SetTimestamp(MillisToMicros(timestamp_ms));
  // The row's own fields first: a label of the same column goes to `_extra`.
  if (name_ < labels_.size() && !labels_[name_].value.empty()) {
    b_.AddString(metric_name_, labels_[name_].value);
  }
}

bool RowWriter::EndRow(std::string_view type, std::size_t series, const char* kind,
                       std::size_t index) {
  if (!type.empty()) b_.AddString(metric_type_, type);
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
      "timeseries[" + std::to_string(series) + "]." + kind + "[" + std::to_string(index) + "]: ";
  message += error_;
  out_.RecordFailure(message);
  return false;
}

}  // namespace ingot::protocols::prometheus
