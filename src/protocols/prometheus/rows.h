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

// The metric name of a series: the value of its first `__name__` label, empty when none.
std::string_view MetricName(std::span<const LabelView> labels);

class RowWriter {
 public:
  // Each sample row repeats its series' labels, so a small body can ask for far more column bytes
  // than the memory budget was charged for it (twice the body): a series of large labels with
  // many samples, or 2.0 references to one large symbol. A request may write at most this many
  // label bytes per byte of body, plus kExpansionAllowance.
  static constexpr std::uint64_t kMaxExpansion = 32;
  static constexpr std::uint64_t kExpansionAllowance = 16 << 20;

  // `body_bytes`: the size of the request's body, which bounds the label bytes written.
  RowWriter(StreamRecords& out, std::size_t body_bytes);

  // The series whose samples come next: its labels (which stay alive until the next Series call)
  // and metadata.
  void Series(std::span<const LabelView> labels, const SeriesMeta& meta);
  // One row: sample `sample` of series `series` (their indexes in the request, for the message of
  // a rejection). False when the normalization rejected it (counted in the stream).
  bool Sample(double value, std::int64_t timestamp_ms, std::size_t series, std::size_t sample);
  // kTooLarge once the rows written so far hold more label bytes than the body allows (above):
  // the request fails whole. Checked after each series.
  Status CheckExpansion() const;

 private:
  StreamRecords& out_;
  model::BatchBuilder& b_;
  model::BatchBuilder::FieldId metric_name_, value_, metric_type_, metric_unit_,
      metric_description_, start_time_unix_nano_;
  std::span<const LabelView> labels_;
  std::size_t name_ = 0;  // index in labels_ of the first `__name__`; labels_.size() when none
  std::string_view type_text_;
  std::uint64_t series_label_bytes_ = 0;  // of the current series
  std::uint64_t label_bytes_ = 0;         // written so far
  std::uint64_t max_label_bytes_;
  SeriesMeta meta_;
  std::string type_scratch_, error_;
};

// Label scratch space reused by a decoder across the series of a request.
using Labels = std::vector<LabelView>;

}  // namespace ingot::protocols::prometheus
