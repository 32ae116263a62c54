#include "protocols/prometheus/remote_write.h"

#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "model/record_batch.h"
#include "protocols/prometheus/differential.h"
#include "remote_write.pb.h"

namespace ingot::protocols::prometheus {
namespace {

namespace pb = ::ingot::promrw;
using testing::Differ;

constexpr std::int64_t kMs = 1'700'000'000'123;  // a sample time, in the window below

model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  o.min_timestamp_us = 1'600'000'000'000'000;
  o.max_timestamp_us = 1'800'000'000'000'000;
  return o;
}

// A decoded request: its status, batch and result.
struct Out {
  Status status;
  Decoded decoded{Options()};
  WriteResult result;
  const model::RecordBatch& batch() { return decoded.streams()[0]->builder.batch(); }
  // Row `row`'s value of `column` as text; "-" when it has none (or there is no such column).
  std::string Cell(std::size_t row, std::string_view column) {
    const model::RecordBatch& b = batch();
    const int c = b.FindColumn(column);
    if (c < 0) return "-";
    const model::Column& col = b.column(static_cast<std::size_t>(c));
    if (!col.is_defined(row)) return "-";
    std::size_t value = 0;
    for (std::size_t r = 0; r < row; ++r) value += col.is_defined(r) ? 1 : 0;
    std::string text;
    model::AppendValueText(col, value, text);
    return text;
  }
  double Value(std::size_t row) {
    const model::Column& col =
        batch().column(static_cast<std::size_t>(batch().FindColumn("value")));
    return col.doubles()[row];
  }
};

std::unique_ptr<Out> DecodeBody(Version version, const std::string& body) {
  auto out = std::make_unique<Out>();
  std::string padded = body;
  padded.append(kInputPadding, '\0');
  out->status = Decode(version, std::string_view(padded.data(), body.size()),
                       out->decoded.Stream("prometheus"), out->result);
  if (out->status.ok()) out->decoded.Finish();
  EXPECT_EQ(Differ(version, body), "");
  return out;
}

void AddLabel(pb::TimeSeries& ts, const std::string& name, const std::string& value) {
  pb::Label* l = ts.add_labels();
  l->set_name(name);
  l->set_value(value);
}

void AddSample(pb::TimeSeries& ts, double value, std::int64_t ms) {
  pb::Sample* s = ts.add_samples();
  s->set_value(value);
  s->set_timestamp(ms);
}

TEST(RemoteWriteV1, OneRowPerSampleWithEveryLabel) {
  pb::WriteRequest req;
  pb::TimeSeries& a = *req.add_timeseries();
  AddLabel(a, "__name__", "http_requests_total");
  AddLabel(a, "job", "api");
  AddLabel(a, "http.method", "GET");
  AddSample(a, 12, kMs);
  AddSample(a, 13.5, kMs + 1000);
  pb::TimeSeries& b = *req.add_timeseries();
  AddLabel(b, "instance", "h:9090");
  AddLabel(b, "__name__", "up");
  AddSample(b, 1, kMs);
  auto out = DecodeBody(Version::kV1, req.SerializeAsString());
  ASSERT_TRUE(out->status.ok()) << out->status.ToString();
  ASSERT_EQ(out->batch().num_rows(), 3u);
  EXPECT_EQ(out->result.samples, 3);
  EXPECT_EQ(out->Cell(0, "metric_name"), "http_requests_total");
  EXPECT_EQ(out->Cell(0, "job"), "api");
  EXPECT_EQ(out->Cell(0, "http_method"), "GET");  // key formatting as everywhere
  EXPECT_EQ(out->Cell(0, "value"), "12");
  EXPECT_EQ(out->Cell(1, "value"), "13.5");
  EXPECT_EQ(out->Cell(0, "_timestamp"), std::to_string(kMs * 1000));
  EXPECT_EQ(out->Cell(1, "_timestamp"), std::to_string((kMs + 1000) * 1000));
  EXPECT_EQ(out->Cell(2, "metric_name"), "up");
  EXPECT_EQ(out->Cell(2, "instance"), "h:9090");
  EXPECT_EQ(out->Cell(2, "job"), "-");
  EXPECT_EQ(out->Cell(0, "__name__"), "-");
  EXPECT_EQ(out->Cell(0, "metric_type"), "-");
}

TEST(RemoteWriteV1, NanAndStalenessMarkersAreKeptBitForBit) {
  const double stale = std::bit_cast<double>(std::uint64_t{0x7ff0000000000002});
  pb::WriteRequest req;
  pb::TimeSeries& a = *req.add_timeseries();
  AddLabel(a, "__name__", "x");
  AddSample(a, std::numeric_limits<double>::quiet_NaN(), kMs);
  AddSample(a, stale, kMs + 1);
  AddSample(a, -std::numeric_limits<double>::infinity(), kMs + 2);
  auto out = DecodeBody(Version::kV1, req.SerializeAsString());
  ASSERT_TRUE(out->status.ok());
  ASSERT_EQ(out->batch().num_rows(), 3u);
  EXPECT_TRUE(std::isnan(out->Value(0)));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(out->Value(1)), 0x7ff0000000000002u);
  EXPECT_EQ(out->Value(2), -std::numeric_limits<double>::infinity());
}

TEST(RemoteWriteV1, MetadataOfTheFamily) {
  pb::WriteRequest req;
  pb::MetricMetadata* m = req.add_metadata();
  m->set_type(1);
  m->set_metric_family_name("http_requests");
  m->set_help("Requests served.");
  m->set_unit("requests");
  pb::MetricMetadata* h = req.add_metadata();
  h->set_type(3);
  h->set_metric_family_name("latency_seconds");
  pb::MetricMetadata* later = req.add_metadata();  // a later entry of a family wins
  later->set_type(2);
  later->set_metric_family_name("temperature");
  pb::MetricMetadata* earlier = req.add_metadata();
  *earlier = *later;
  earlier->set_type(1);
  req.mutable_metadata()->SwapElements(2, 3);
  for (const char* name : {"http_requests_total", "latency_seconds_bucket", "temperature", "other",
                           "http_requests_total_total"}) {
    pb::TimeSeries& ts = *req.add_timeseries();
    AddLabel(ts, "__name__", name);
    AddSample(ts, 1, kMs);
  }
  auto out = DecodeBody(Version::kV1, req.SerializeAsString());
  ASSERT_TRUE(out->status.ok());
  ASSERT_EQ(out->batch().num_rows(), 5u);
  EXPECT_EQ(out->Cell(0, "metric_type"), "counter");
  EXPECT_EQ(out->Cell(0, "metric_description"), "Requests served.");
  EXPECT_EQ(out->Cell(0, "metric_unit"), "requests");
  EXPECT_EQ(out->Cell(1, "metric_type"), "histogram");
  EXPECT_EQ(out->Cell(1, "metric_unit"), "-");
  EXPECT_EQ(out->Cell(2, "metric_type"), "gauge");
  EXPECT_EQ(out->Cell(3, "metric_type"), "-");
  EXPECT_EQ(out->Cell(4, "metric_type"), "-");  // one suffix only
}

TEST(RemoteWriteV1, LabelsThatCollideOrAreEmpty) {
  pb::WriteRequest req;
  pb::TimeSeries& ts = *req.add_timeseries();
  AddLabel(ts, "value", "v");  // the row's own `value` wins: the label goes to _extra
  AddLabel(ts, "__name__", "m");
  AddLabel(ts, "date", "d");  // a Hive partition name
  AddLabel(ts, "empty", "");  // no label, as in Prometheus
  AddLabel(ts, "__name__", "second");
  AddSample(ts, 2, kMs);
  auto out = DecodeBody(Version::kV1, req.SerializeAsString());
  ASSERT_TRUE(out->status.ok());
  EXPECT_EQ(out->Cell(0, "value"), "2");
  EXPECT_EQ(out->Cell(0, "metric_name"), "m");
  EXPECT_EQ(out->Cell(0, "date_"), "d");
  EXPECT_EQ(out->Cell(0, "empty"), "-");
  EXPECT_EQ(out->Cell(0, "_extra"), R"({"value":"v","metric_name":"second"})");
}

TEST(RemoteWriteV1, SamplesOutsideTheWindowFailOneByOne) {
  pb::WriteRequest req;
  pb::TimeSeries& ts = *req.add_timeseries();
  AddLabel(ts, "__name__", "m");
  AddSample(ts, 1, kMs);
  AddSample(ts, 2, 1000);  // 1970
  AddSample(ts, 3, std::numeric_limits<std::int64_t>::max());
  AddSample(ts, 4, kMs + 1);
  auto out = DecodeBody(Version::kV1, req.SerializeAsString());
  ASSERT_TRUE(out->status.ok());
  EXPECT_EQ(out->batch().num_rows(), 2u);
  EXPECT_EQ(out->decoded.failed(), 2u);
  EXPECT_EQ(out->result.samples, 2);  // stored
  EXPECT_EQ(out->decoded.streams()[0]->first_error.rfind("timeseries[0].samples[1]: ", 0), 0u)
      << out->decoded.streams()[0]->first_error;
}

TEST(RemoteWriteV1, ExemplarsAreCounted) {
  pb::WriteRequest req;
  pb::TimeSeries& ts = *req.add_timeseries();
  AddLabel(ts, "__name__", "m");
  AddSample(ts, 1, kMs);
  ts.add_exemplars("\x11\0\0\0\0\0\0\xf0\x3f", 9);
  auto out = DecodeBody(Version::kV1, req.SerializeAsString());
  ASSERT_TRUE(out->status.ok());
  EXPECT_EQ(out->result.exemplars, 1);
  EXPECT_EQ(out->result.samples, 1);
}

void AddSpan(google::protobuf::RepeatedPtrField<pb::BucketSpan>* spans, int offset, int length) {
  pb::BucketSpan* s = spans->Add();
  s->set_offset(offset);
  s->set_length(static_cast<std::uint32_t>(length));
}

// Native histograms: one row each, as OTLP's exponential histograms (docs/schema-metrics.md).
TEST(RemoteWriteV1, NativeHistograms) {
  pb::WriteRequest req;
  pb::TimeSeries& ts = *req.add_timeseries();
  AddLabel(ts, "__name__", "latency_seconds");
  AddLabel(ts, "job", "api");
  pb::Histogram& h = *ts.add_histograms();  // integer counts, as deltas
  h.set_count_int(12);
  h.set_sum(3.5);
  h.set_schema(3);
  h.set_zero_threshold(1e-128);
  h.set_zero_count_int(2);
  AddSpan(h.mutable_positive_spans(), -2, 2);        // buckets -2, -1
  AddSpan(h.mutable_positive_spans(), 2, 1);         // bucket 2 (after a gap of two)
  for (int d : {1, 2, 3}) h.add_positive_deltas(d);  // counts 1, 3, 6
  AddSpan(h.mutable_negative_spans(), 0, 1);
  h.add_negative_deltas(1);
  h.set_timestamp(kMs);
  pb::Histogram& f = *ts.add_histograms();  // float counts, a gauge histogram, custom buckets
  f.set_count_float(2.5);
  f.set_sum(-1);
  f.set_schema(-53);
  f.set_zero_count_float(0.5);
  AddSpan(f.mutable_positive_spans(), 0, 2);
  f.add_positive_counts(1.5);
  f.add_positive_counts(0.5);
  f.add_custom_values(0.1);
  f.add_custom_values(1);
  f.set_reset_hint(3);
  f.set_timestamp(kMs + 1);
  AddSample(ts, 7, kMs + 2);  // a sample too: its row comes first
  auto out = DecodeBody(Version::kV1, req.SerializeAsString());
  ASSERT_TRUE(out->status.ok()) << out->status.ToString();
  ASSERT_EQ(out->batch().num_rows(), 3u);
  EXPECT_EQ(out->result.samples, 1);
  EXPECT_EQ(out->result.histograms, 2);
  EXPECT_EQ(out->Cell(0, "value"), "7");
  EXPECT_EQ(out->Cell(0, "count"), "-");
  EXPECT_EQ(out->Cell(1, "metric_name"), "latency_seconds");
  EXPECT_EQ(out->Cell(1, "job"), "api");
  EXPECT_EQ(out->Cell(1, "metric_type"), "histogram");
  EXPECT_EQ(out->Cell(1, "value"), "-");
  EXPECT_EQ(out->Cell(1, "count"), "12");
  EXPECT_EQ(out->Cell(1, "sum"), "3.5");
  EXPECT_EQ(out->Cell(1, "scale"), "3");
  EXPECT_EQ(out->Cell(1, "zero_count"), "2");
  EXPECT_EQ(out->Cell(1, "positive_offset"), "-3");
  EXPECT_EQ(out->Cell(1, "positive_bucket_counts"), "[1,3,0,0,6]");
  EXPECT_EQ(out->Cell(1, "negative_offset"), "-1");
  EXPECT_EQ(out->Cell(1, "negative_bucket_counts"), "[1]");
  EXPECT_EQ(out->Cell(1, "explicit_bounds"), "-");
  EXPECT_EQ(out->Cell(1, "_timestamp"), std::to_string(kMs * 1000));
  EXPECT_EQ(out->Cell(2, "metric_type"), "gaugehistogram");
  EXPECT_EQ(out->Cell(2, "count"), "2.5");
  EXPECT_EQ(out->Cell(2, "zero_count"), "0.5");
  EXPECT_EQ(out->Cell(2, "positive_bucket_counts"), "[1.5,0.5]");
  EXPECT_EQ(out->Cell(2, "positive_offset"), "-1");
  EXPECT_EQ(out->Cell(2, "negative_bucket_counts"), "-");
  EXPECT_EQ(out->Cell(2, "explicit_bounds"), "[0.1,1]");

  // Spans that do not describe the buckets sent fail the request.
  h.add_positive_deltas(1);
  out = DecodeBody(Version::kV1, req.SerializeAsString());
  EXPECT_EQ(out->status.message(),
            "timeseries[0].histograms[0]: positive spans hold 3 buckets but 4 deltas were sent");
  h.mutable_positive_deltas()->RemoveLast();
  h.mutable_positive_spans(1)->set_offset(-1);
  EXPECT_EQ(DecodeBody(Version::kV1, req.SerializeAsString())->status.code(),
            StatusCode::kInvalidInput);
  h.mutable_positive_spans(1)->set_offset(1 << 20);  // a million empty buckets
  EXPECT_EQ(DecodeBody(Version::kV1, req.SerializeAsString())->status.code(),
            StatusCode::kInvalidInput);
}

TEST(RemoteWriteV1, MalformedBodiesNameWhere) {
  google::protobuf::SetLogHandler(nullptr);  // the bad UTF-8 below is meant
  pb::WriteRequest req;
  pb::TimeSeries& ts = *req.add_timeseries();
  AddLabel(ts, "__name__", "m");
  AddLabel(ts, "bad", "\xff");
  AddSample(ts, 1, kMs);
  std::string body;
  req.AppendPartialToString(&body);  // libprotobuf would not serialize bad UTF-8 otherwise
  auto out = DecodeBody(Version::kV1, body);
  EXPECT_EQ(out->status.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(out->status.message(), "timeseries[0].labels[1]: string field is not valid UTF-8");
  const std::string good = [&] {
    ts.mutable_labels(1)->set_value("ok");
    return req.SerializeAsString();
  }();
  for (std::size_t cut = 1; cut < good.size(); ++cut) {
    out = DecodeBody(Version::kV1, good.substr(0, cut));
    EXPECT_FALSE(out->status.ok()) << cut;
  }
  EXPECT_EQ(DecodeBody(Version::kV1, "not protobuf at all")->status.code(),
            StatusCode::kInvalidInput);
  EXPECT_TRUE(DecodeBody(Version::kV1, "")->status.ok());  // an empty request: nothing to store
}

// A series of large labels with many samples (or many references to one large symbol) asks for
// far more column bytes than the body has: refused whole, 413.
TEST(RemoteWrite, LabelsRepeatedPastTheExpansionLimitAreTooLarge) {
  pb::WriteRequest req;
  pb::TimeSeries& ts = *req.add_timeseries();
  AddLabel(ts, "__name__", "m");
  AddLabel(ts, "big", std::string(64 << 10, 'x'));
  for (int i = 0; i < 300; ++i) AddSample(ts, i, kMs + i);  // 300 x 64 KiB = 19 MiB of labels
  auto out = DecodeBody(Version::kV1, req.SerializeAsString());
  EXPECT_EQ(out->status.code(), StatusCode::kTooLarge) << out->status.ToString();
  ts.mutable_samples()->DeleteSubrange(200, 100);  // 12.5 MiB: within 32 x 72 KiB + 16 MiB
  EXPECT_TRUE(DecodeBody(Version::kV1, req.SerializeAsString())->status.ok());
}

// 2.0 requests.
struct V2Builder {
  pb::RequestV2 req;
  std::uint32_t Sym(const std::string& s) {
    for (int i = 0; i < req.symbols_size(); ++i) {
      if (req.symbols(i) == s) return static_cast<std::uint32_t>(i);
    }
    req.add_symbols(s);
    return static_cast<std::uint32_t>(req.symbols_size() - 1);
  }
  pb::TimeSeriesV2& Series(std::initializer_list<std::pair<std::string, std::string>> labels) {
    if (req.symbols_size() == 0) req.add_symbols("");
    pb::TimeSeriesV2& ts = *req.add_timeseries();
    for (const auto& [n, v] : labels) {
      ts.add_labels_refs(Sym(n));
      ts.add_labels_refs(Sym(v));
    }
    return ts;
  }
};

TEST(RemoteWriteV2, SymbolsMetadataAndCreatedTimestamp) {
  V2Builder b;
  pb::TimeSeriesV2& ts = b.Series({{"__name__", "http_requests_total"}, {"job", "api"}});
  ts.mutable_metadata()->set_type(1);
  ts.mutable_metadata()->set_help_ref(b.Sym("Requests served."));
  ts.mutable_metadata()->set_unit_ref(b.Sym("requests"));
  ts.set_created_timestamp(kMs - 60'000);
  pb::Sample* s = ts.add_samples();
  s->set_value(7);
  s->set_timestamp(kMs);
  ts.add_exemplars("");
  pb::TimeSeriesV2& g = b.Series({{"job", "api"}, {"__name__", "temperature"}});
  g.mutable_metadata()->set_type(2);
  g.add_samples()->set_timestamp(kMs);
  auto out = DecodeBody(Version::kV2, b.req.SerializeAsString());
  ASSERT_TRUE(out->status.ok()) << out->status.ToString();
  ASSERT_EQ(out->batch().num_rows(), 2u);
  EXPECT_EQ(out->Cell(0, "metric_name"), "http_requests_total");
  EXPECT_EQ(out->Cell(0, "job"), "api");
  EXPECT_EQ(out->Cell(0, "value"), "7");
  EXPECT_EQ(out->Cell(0, "metric_type"), "counter");
  EXPECT_EQ(out->Cell(0, "metric_description"), "Requests served.");
  EXPECT_EQ(out->Cell(0, "metric_unit"), "requests");
  EXPECT_EQ(out->Cell(0, "start_time_unix_nano"), std::to_string((kMs - 60'000) * 1'000'000));
  EXPECT_EQ(out->Cell(0, "_timestamp"), std::to_string(kMs * 1000));
  EXPECT_EQ(out->Cell(1, "metric_name"), "temperature");
  EXPECT_EQ(out->Cell(1, "metric_type"), "gauge");
  EXPECT_EQ(out->Cell(1, "metric_description"), "-");
  EXPECT_EQ(out->Cell(1, "value"), "0");
  EXPECT_EQ(out->result.samples, 2);
  EXPECT_EQ(out->result.exemplars, 1);
}

TEST(RemoteWriteV2, UnpackedRefsAndMergedMetadata) {
  // labels_refs one varint at a time (wire type 0) and metadata given twice (merged field by
  // field, as libprotobuf does).
  V2Builder b;
  b.Series({});
  const std::uint32_t name = b.Sym("__name__"), m = b.Sym("m"), help = b.Sym("h");
  pb::RequestV2 head = b.req;
  head.clear_timeseries();
  auto field = [](char tag, const std::string& bytes) {
    return std::string(1, tag) + static_cast<char>(bytes.size()) + bytes;
  };
  pb::Sample sample;
  sample.set_value(1.5);
  sample.set_timestamp(kMs);
  pb::MetadataV2 type, help_only;
  type.set_type(2);
  type.set_help_ref(1);  // replaced by the second occurrence's
  help_only.set_help_ref(help);
  std::string series = {'\x08', static_cast<char>(name), '\x08', static_cast<char>(m)};
  series += field('\x12', sample.SerializeAsString());
  series += field('\x2a', type.SerializeAsString());
  series += field('\x2a', help_only.SerializeAsString());
  const std::string body = head.SerializeAsString() + field('\x2a', series);
  auto out = DecodeBody(Version::kV2, body);
  ASSERT_TRUE(out->status.ok()) << out->status.ToString();
  ASSERT_EQ(out->batch().num_rows(), 1u);
  EXPECT_EQ(out->Cell(0, "metric_name"), "m");
  EXPECT_EQ(out->Cell(0, "value"), "1.5");
  EXPECT_EQ(out->Cell(0, "metric_type"), "gauge");
  EXPECT_EQ(out->Cell(0, "metric_description"), "h");
}

TEST(RemoteWriteV2, BadReferencesAndBucketsFailTheRequest) {
  {
    V2Builder b;
    b.Series({{"__name__", "m"}}).add_labels_refs(1);  // odd
    auto out = DecodeBody(Version::kV2, b.req.SerializeAsString());
    EXPECT_EQ(out->status.code(), StatusCode::kInvalidInput);
    EXPECT_NE(out->status.message().find("odd number"), std::string::npos);
  }
  {
    V2Builder b;
    pb::TimeSeriesV2& ts = b.Series({{"__name__", "m"}});
    ts.add_labels_refs(1);
    ts.add_labels_refs(99);
    auto out = DecodeBody(Version::kV2, b.req.SerializeAsString());
    EXPECT_EQ(out->status.message(),
              "timeseries[0]: labels_refs: symbol reference 99 is past the end of symbols (3 "
              "entries)");
  }
  {
    V2Builder b;
    b.Series({{"__name__", "m"}}).mutable_metadata()->set_unit_ref(7);
    EXPECT_EQ(DecodeBody(Version::kV2, b.req.SerializeAsString())->status.code(),
              StatusCode::kInvalidInput);
  }
  {
    V2Builder b;
    pb::Histogram& h = *b.Series({{"__name__", "m"}}).add_histograms();
    h.add_positive_counts(1);  // no span holds it
    h.set_count_float(1);
    EXPECT_EQ(DecodeBody(Version::kV2, b.req.SerializeAsString())->status.code(),
              StatusCode::kInvalidInput);
  }
  // A 1.0 body read as 2.0: its field 1 is unknown to 2.0, so nothing is stored.
  pb::WriteRequest v1;
  AddLabel(*v1.add_timeseries(), "__name__", "m");
  AddSample(*v1.mutable_timeseries(0), 1, kMs);
  auto out = DecodeBody(Version::kV2, v1.SerializeAsString());
  ASSERT_TRUE(out->status.ok());
  EXPECT_EQ(out->result.samples, 0);
}

// Random requests, well-formed and then damaged, decoded by both decoders.
class Random {
 public:
  explicit Random(std::uint32_t seed) : rng_(seed) {}
  std::uint32_t Below(std::uint32_t n) {
    return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_);
  }
  std::string Text() {
    static const char* kWords[] = {"__name__",   "job",         "instance", "value", "date",
                                   "",           "up",          "le",       "a.b",   "ümlaut",
                                   "_timestamp", "metric_name", "x"};
    return kWords[Below(std::size(kWords))];
  }
  double Value() {
    switch (Below(5)) {
      case 0: return std::numeric_limits<double>::quiet_NaN();
      case 1: return std::bit_cast<double>(std::uint64_t{0x7ff0000000000002});
      case 2: return -0.0;
      default: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
    }
  }
  std::int64_t Millis() {
    switch (Below(6)) {
      case 0: return 0;
      case 1: return std::numeric_limits<std::int64_t>::min();
      default: return kMs + static_cast<std::int64_t>(Below(1'000'000));
    }
  }
  // A native histogram, integer or float, its spans mostly describing its buckets.
  void Histogram(pb::Histogram& h) {
    const bool floats = Below(2) == 0;
    if (floats) {
      h.set_count_float(Value());
      h.set_zero_count_float(Value());
    } else {
      h.set_count_int(Below(1000));
      h.set_zero_count_int(Below(10));
    }
    h.set_sum(Value());
    h.set_schema(static_cast<std::int32_t>(Below(12)) - 4);
    h.set_zero_threshold(Value());
    h.set_reset_hint(static_cast<std::int32_t>(Below(4)));
    h.set_timestamp(Millis());
    for (int side = 0; side < 2; ++side) {
      auto* spans = side == 0 ? h.mutable_negative_spans() : h.mutable_positive_spans();
      std::uint32_t buckets = 0;
      for (std::uint32_t s = Below(3); s > 0; --s) {
        pb::BucketSpan* span = spans->Add();
        span->set_offset(static_cast<std::int32_t>(Below(6)) - (s == 1 ? 0 : 3));
        span->set_length(Below(4));
        buckets += span->length();
      }
      if (Below(10) == 0) ++buckets;  // one more than the spans hold
      for (std::uint32_t k = 0; k < buckets; ++k) {
        if (floats) {
          (side == 0 ? h.mutable_negative_counts() : h.mutable_positive_counts())->Add(Value());
        } else {
          (side == 0 ? h.mutable_negative_deltas() : h.mutable_positive_deltas())
              ->Add(static_cast<std::int64_t>(Below(20)) - 10);
        }
      }
    }
    if (Below(5) == 0) h.add_custom_values(Value());
  }
  std::string V1() {
    pb::WriteRequest req;
    for (std::uint32_t i = Below(4); i > 0; --i) {
      pb::MetricMetadata* m = req.add_metadata();
      m->set_type(static_cast<std::int32_t>(Below(9)));
      m->set_metric_family_name(Text());
      m->set_help(Text());
      m->set_unit(Text());
    }
    for (std::uint32_t i = Below(5); i > 0; --i) {
      pb::TimeSeries& ts = *req.add_timeseries();
      for (std::uint32_t j = Below(5); j > 0; --j) AddLabel(ts, Text(), Text());
      for (std::uint32_t j = Below(4); j > 0; --j) AddSample(ts, Value(), Millis());
      if (Below(8) == 0) ts.add_exemplars(Text());
      if (Below(4) == 0) Histogram(*ts.add_histograms());
    }
    return req.SerializeAsString();
  }
  std::string V2() {
    V2Builder b;
    for (std::uint32_t i = Below(5); i > 0; --i) {
      pb::TimeSeriesV2& ts = b.Series({});
      for (std::uint32_t j = Below(5); j > 0; --j) {
        ts.add_labels_refs(b.Sym(Text()));
        ts.add_labels_refs(b.Sym(Text()));
      }
      if (Below(20) == 0) ts.add_labels_refs(Below(40));
      for (std::uint32_t j = Below(4); j > 0; --j) {
        pb::Sample* s = ts.add_samples();
        s->set_value(Value());
        s->set_timestamp(Millis());
      }
      if (Below(2) == 0) {
        ts.mutable_metadata()->set_type(static_cast<std::int32_t>(Below(9)));
        ts.mutable_metadata()->set_help_ref(b.Sym(Text()));
        ts.mutable_metadata()->set_unit_ref(Below(10) == 0 ? Below(40) : b.Sym(Text()));
      }
      if (Below(3) == 0) ts.set_created_timestamp(Millis());
      if (Below(8) == 0) ts.add_exemplars(Text());
      if (Below(4) == 0) Histogram(*ts.add_histograms());
    }
    return b.req.SerializeAsString();
  }
  // Damage: truncate, flip a byte, or splice in an unknown field, a group or bad UTF-8.
  std::string Damage(std::string body) {
    if (body.empty()) return body;
    const std::size_t at = Below(static_cast<std::uint32_t>(body.size()));
    switch (Below(5)) {
      case 0: return body.substr(0, at);
      case 1: body[at] = static_cast<char>(Below(256)); return body;
      case 2: return body.insert(at, "\x78\x05");          // field 15, varint 5
      case 3: return body.insert(at, "\x7b\x78\x01\x7c");  // group 15 { field 15: 1 }
      default: return body.insert(at, "\xc3\x28");
    }
  }

 private:
  std::mt19937 rng_;
};

TEST(RemoteWriteDifferential, RandomAndDamagedRequestsDecodeAsLibprotobufDoes) {
  google::protobuf::SetLogHandler(nullptr);  // bad UTF-8 is what we test, not worth a log line
  Random random(12);
  int valid = 0;
  for (int i = 0; i < 4000; ++i) {
    const Version version = i % 2 == 0 ? Version::kV1 : Version::kV2;
    std::string body = version == Version::kV1 ? random.V1() : random.V2();
    ASSERT_EQ(Differ(version, body), "") << i;
    for (int d = random.Below(3); d >= 0; --d) body = random.Damage(body);
    ASSERT_EQ(Differ(version, body), "") << i;
    valid += DecodeBody(version, body)->status.ok() ? 1 : 0;
  }
  // Both outcomes are exercised.
  EXPECT_GT(valid, 400);
  EXPECT_LT(valid, 3600);
}

}  // namespace
}  // namespace ingot::protocols::prometheus
