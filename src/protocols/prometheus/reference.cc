#include "protocols/prometheus/reference.h"

#include <string>

#include "protocols/prometheus/rows.h"
#include "remote_write.pb.h"

namespace ingot::protocols::prometheus {

namespace {

namespace pb = ::ingot::promrw;

Status Rejected(std::string message) { return Status::InvalidInput(std::move(message)); }

std::string SeriesText(int i) { return "timeseries[" + std::to_string(i) + "]"; }

void CopySide(const google::protobuf::RepeatedPtrField<pb::BucketSpan>& spans,
              const google::protobuf::RepeatedField<std::int64_t>& deltas,
              const google::protobuf::RepeatedField<double>& counts, int side, HistogramView& h) {
  for (const pb::BucketSpan& s : spans) h.spans[side].push_back({s.offset(), s.length()});
  h.deltas[side].assign(deltas.begin(), deltas.end());
  h.counts[side].assign(counts.begin(), counts.end());
}

// The rows of a series: its samples, then its native histograms (as the wire decoder writes them,
// whatever the order on the wire).
template <class Series>
Status Rows(const Series& ts, int i, RowWriter& rows, HistogramView& h, WriteResult& result) {
  for (int j = 0; j < ts.samples_size(); ++j) {
    if (rows.Sample(ts.samples(j).value(), ts.samples(j).timestamp(), i, j)) ++result.samples;
    if (rows.Expanded()) return rows.ExpansionError();
  }
  for (int j = 0; j < ts.histograms_size(); ++j) {
    const pb::Histogram& m = ts.histograms(j);
    h.Clear();
    h.float_count = m.count_case() == pb::Histogram::kCountFloat;
    h.count_int = m.count_int();
    h.count_float = m.count_float();
    h.sum = m.sum();
    h.schema = m.schema();
    h.zero_threshold = m.zero_threshold();
    h.float_zero_count = m.zero_count_case() == pb::Histogram::kZeroCountFloat;
    h.zero_count_int = m.zero_count_int();
    h.zero_count_float = m.zero_count_float();
    CopySide(m.negative_spans(), m.negative_deltas(), m.negative_counts(), 0, h);
    CopySide(m.positive_spans(), m.positive_deltas(), m.positive_counts(), 1, h);
    h.reset_hint = m.reset_hint();
    h.timestamp = m.timestamp();
    h.custom_values.assign(m.custom_values().begin(), m.custom_values().end());
    bool stored;
    INGOT_RETURN_IF_ERROR(rows.Histogram(h, i, static_cast<std::size_t>(j), stored));
    if (stored) ++result.histograms;
    if (rows.Expanded()) return rows.ExpansionError();
  }
  return Status::Ok();
}

Status DecodeV1(const pb::WriteRequest& request, std::size_t body_bytes, StreamRecords& out,
                WriteResult& result) {
  FamilyIndex families;
  for (const pb::MetricMetadata& m : request.metadata()) {
    families.Add(m.metric_family_name(),
                 SeriesMeta{.type = m.type(), .help = m.help(), .unit = m.unit()});
  }
  families.Seal();
  RowWriter rows(out, body_bytes);
  Labels labels;
  HistogramView hist;
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const pb::TimeSeries& ts = request.timeseries(i);
    result.exemplars += ts.exemplars_size();
    labels.clear();
    for (const pb::Label& l : ts.labels()) labels.push_back({l.name(), l.value()});
    const SeriesMeta* meta = families.Find(MetricName(labels));
    rows.Series(labels, meta != nullptr ? *meta : SeriesMeta{});
    INGOT_RETURN_IF_ERROR(Rows(ts, i, rows, hist, result));
  }
  return Status::Ok();
}

Status DecodeV2(const pb::RequestV2& request, std::size_t body_bytes, StreamRecords& out,
                WriteResult& result) {
  auto symbol = [&](std::uint32_t ref, std::string_view& s) {
    if (ref < static_cast<std::uint32_t>(request.symbols_size())) {
      s = request.symbols(static_cast<int>(ref));
      return true;
    }
    s = {};
    return ref == 0;
  };
  RowWriter rows(out, body_bytes);
  Labels labels;
  HistogramView hist;
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const pb::TimeSeriesV2& ts = request.timeseries(i);
    if (ts.labels_refs_size() % 2 != 0) return Rejected(SeriesText(i) + ": odd labels_refs");
    labels.clear();
    for (int k = 0; k < ts.labels_refs_size(); k += 2) {
      LabelView l;
      if (!symbol(ts.labels_refs(k), l.name) || !symbol(ts.labels_refs(k + 1), l.value)) {
        return Rejected(SeriesText(i) + ": labels_refs past the symbols");
      }
      labels.push_back(l);
    }
    SeriesMeta meta;
    meta.type = ts.metadata().type();
    meta.created_ms = ts.created_timestamp();
    if (!symbol(ts.metadata().help_ref(), meta.help) ||
        !symbol(ts.metadata().unit_ref(), meta.unit)) {
      return Rejected(SeriesText(i) + ": metadata refs past the symbols");
    }
    result.exemplars += ts.exemplars_size();
    rows.Series(labels, meta);
    INGOT_RETURN_IF_ERROR(Rows(ts, i, rows, hist, result));
  }
  return Status::Ok();
}

}  // namespace

Status DecodeReference(Version version, std::string_view body, StreamRecords& out,
                       WriteResult& result) {
  if (version == Version::kV1) {
    pb::WriteRequest request;
    if (!request.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return Rejected("libprotobuf: not a prometheus.WriteRequest");
    }
    return DecodeV1(request, body.size(), out, result);
  }
  pb::RequestV2 request;
  if (!request.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return Rejected("libprotobuf: not an io.prometheus.write.v2.Request");
  }
  return DecodeV2(request, body.size(), out, result);
}

}  // namespace ingot::protocols::prometheus
