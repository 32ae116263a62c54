#include "protocols/prometheus/reference.h"

#include <string>

#include "protocols/prometheus/rows.h"
#include "remote_write.pb.h"

namespace ingot::protocols::prometheus {

namespace {

namespace pb = ::ingot::promrw;

Status Rejected(std::string message) { return Status::InvalidInput(std::move(message)); }

std::string SeriesText(int i) { return "timeseries[" + std::to_string(i) + "]"; }

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
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const pb::TimeSeries& ts = request.timeseries(i);
    if (ts.histograms_size() > 0) return Rejected(SeriesText(i) + ": native histograms");
    result.exemplars += ts.exemplars_size();
    labels.clear();
    for (const pb::Label& l : ts.labels()) labels.push_back({l.name(), l.value()});
    const SeriesMeta* meta = families.Find(MetricName(labels));
    rows.Series(labels, meta != nullptr ? *meta : SeriesMeta{});
    for (int j = 0; j < ts.samples_size(); ++j) {
      rows.Sample(ts.samples(j).value(), ts.samples(j).timestamp(), i, j);
      ++result.samples;
    }
    INGOT_RETURN_IF_ERROR(rows.CheckExpansion());
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
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const pb::TimeSeriesV2& ts = request.timeseries(i);
    if (ts.histograms_size() > 0) return Rejected(SeriesText(i) + ": native histograms");
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
    for (int j = 0; j < ts.samples_size(); ++j) {
      rows.Sample(ts.samples(j).value(), ts.samples(j).timestamp(), i, j);
      ++result.samples;
    }
    INGOT_RETURN_IF_ERROR(rows.CheckExpansion());
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
