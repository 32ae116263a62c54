// The half of the remote_write mapping that does not depend on how the message was read: a
// series' labels and metadata, then one row per sample. The wire decoder (remote_write.cc) and the
// libprotobuf reference (reference.cc) both write their rows through it, so the differential tests
// compare what each read.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/batch_builder.h"
#include "protocols/decoded.h"

namespace ingot::protocols::prometheus {

struct LabelView {
  std::string_view name;
  std::string_view value;
};

// A series' metadata: 1.0's MetricMetadata of its family, 2.0's Metadata (references resolved).
struct SeriesMeta {
  std::int32_t type = 0;
  std::string_view help;
  std::string_view unit;
  std::int64_t created_ms = 0;  // 2.0 created_timestamp; 0 = not set
};

// 1.0's metadata: one entry per metric family, looked up by a series' metric name.
class FamilyIndex {
 public:
  void Clear() { entries_.clear(); }
  void Add(std::string_view family, const SeriesMeta& meta) { entries_.push_back({family, meta}); }
  // Sorts the entries; call once after the last Add.
  void Seal();
  // The metadata of the family of metric `name`: the family named `name`, else the one named
  // `name` without a `_total`, `_bucket`, `_sum`, `_count` or `_created` suffix; of two entries
  // for a family the later one in the request. Null when none.
  const SeriesMeta* Find(std::string_view name) const;

 private:
  const SeriesMeta* FindExact(std::string_view family) const;
  struct Entry {
    std::string_view family;
    SeriesMeta meta;
  };
  std::vector<Entry> entries_;
};

// A native histogram as read (the wire decoder's views, or libprotobuf's message copied out).
// Reused across a request's histograms: Clear() keeps the vectors' memory.
struct BucketSpanView {
  std::int32_t offset = 0;
  std::uint32_t length = 0;
};
struct HistogramView {
  bool float_count = false;  // the `count` oneof's last member was count_float
  std::uint64_t count_int = 0;
  double count_float = 0;
  double sum = 0;
  std::int32_t schema = 0;
  double zero_threshold = 0;
  bool float_zero_count = false;
  std::uint64_t zero_count_int = 0;
  double zero_count_float = 0;
  // [0] negative, [1] positive buckets.
  std::vector<BucketSpanView> spans[2];
  std::vector<std::int64_t> deltas[2];
  std::vector<double> counts[2];
  std::int32_t reset_hint = 0;
  std::int64_t timestamp = 0;
  std::vector<double> custom_values;

  void Clear();
};

// The metric name of a series: the value of its first `__name__` label, empty when none.
std::string_view MetricName(std::span<const LabelView> labels);

class RowWriter {
 public:
  // At most kMaxExpansion (remote_write.h) label bytes per body byte, plus this.
  static constexpr std::uint64_t kExpansionAllowance = 16 << 20;

  // `body_bytes`: the size of the request's body, which bounds the label bytes written.
  RowWriter(StreamRecords& out, std::size_t body_bytes);

  // The series whose samples come next: its labels (which stay alive until the next Series call)
  // and metadata.
  void Series(std::span<const LabelView> labels, const SeriesMeta& meta);
  // One row: sample `sample` of series `series` (their indexes in the request, for the message of
  // a rejection). False when the normalization rejected it (counted in the stream).
  bool Sample(double value, std::int64_t timestamp_ms, std::size_t series, std::size_t sample);
  // One row of native histogram `index` of series `series`. kInvalidInput when its spans do not
  // describe its buckets (their lengths against the deltas or counts sent, a negative gap, more
  // than kMaxBuckets buckets once the gaps are filled); a row the normalization rejects is
  // counted in the stream, as for samples.
  static constexpr std::uint64_t kMaxBuckets = 1 << 16;
  // `stored`: false when the normalization rejected the row.
  Status Histogram(const HistogramView& h, std::size_t series, std::size_t index, bool& stored);
  // True once the rows written so far hold more label (and bucket) bytes than the body allows
  // (above): the request then fails whole with ExpansionError(). Checked after each row.
  bool Expanded() const { return label_bytes_ > max_label_bytes_; }
  Status ExpansionError() const;

 private:
  StreamRecords& out_;
  model::BatchBuilder& b_;
  // The row's time, metric name; then the metadata, labels, and the end of the row (`kind`
  // "samples" or "histograms", for the message of a rejection).
  void BeginRow(std::int64_t timestamp_ms);
  bool EndRow(std::string_view type, std::size_t series, const char* kind, std::size_t index);
  // A histogram side's buckets as `<side>_offset` and `<side>_bucket_counts`.
  Status Buckets(const HistogramView& h, int side, model::BatchBuilder::FieldId offset,
                 model::BatchBuilder::FieldId counts);

  model::BatchBuilder::FieldId metric_name_, value_, metric_type_, metric_unit_,
      metric_description_, start_time_unix_nano_, count_, sum_, scale_, zero_threshold_,
      zero_count_, offsets_[2], bucket_counts_[2], explicit_bounds_;
  std::span<const LabelView> labels_;
  std::size_t name_ = 0;  // index in labels_ of the first `__name__`; labels_.size() when none
  std::string_view type_text_;
  std::uint64_t series_label_bytes_ = 0;  // of the current series
  std::uint64_t label_bytes_ = 0;         // written so far
  std::uint64_t max_label_bytes_;
  SeriesMeta meta_;
  std::string type_scratch_, error_, text_;
};

// Label scratch space reused by a decoder across the series of a request.
using Labels = std::vector<LabelView>;

}  // namespace ingot::protocols::prometheus
