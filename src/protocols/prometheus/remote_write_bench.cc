// Stage benchmark of the remote_write decoder: a request as Prometheus sends one after scraping
// (series of 1 sample with the labels of a node_exporter metric: __name__, instance, job, and
// three more), decoded into columns by the wire decoder and by libprotobuf + the same RowWriter;
// and the snappy decompression the HTTP layer does first. Samples (rows) per second.
#include <benchmark/benchmark.h>
#include <snappy.h>

#include <string>

#include "common/input_padding.h"
#include "protocols/prometheus/reference.h"
#include "protocols/prometheus/remote_write.h"
#include "remote_write.pb.h"

namespace ingot::protocols::prometheus {
namespace {

namespace pb = ::ingot::promrw;

constexpr std::int64_t kMs = 1'700'000'000'000;

model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = kMs * 1000;
  return o;
}

pb::Label Label(const std::string& name, const std::string& value) {
  pb::Label l;
  l.set_name(name);
  l.set_value(value);
  return l;
}

std::string V1Request(std::size_t series) {
  pb::WriteRequest req;
  for (std::size_t i = 0; i < series; ++i) {
    pb::TimeSeries& ts = *req.add_timeseries();
    *ts.add_labels() = Label("__name__", "node_cpu_seconds_total");
    *ts.add_labels() = Label("cpu", std::to_string(i % 64));
    *ts.add_labels() = Label("instance", "host-" + std::to_string(i % 10) + ":9100");
    *ts.add_labels() = Label("job", "node");
    *ts.add_labels() = Label("mode", i % 2 == 0 ? "idle" : "user");
    *ts.add_labels() = Label("region", "eu-west-1");
    pb::Sample* s = ts.add_samples();
    s->set_value(12345.67 + static_cast<double>(i));
    s->set_timestamp(kMs + static_cast<std::int64_t>(i));
  }
  return req.SerializeAsString();
}

std::string V2Request(std::size_t series) {
  pb::RequestV2 req;
  req.add_symbols("");
  auto sym = [&](const std::string& s) {
    for (int i = 0; i < req.symbols_size(); ++i) {
      if (req.symbols(i) == s) return static_cast<std::uint32_t>(i);
    }
    req.add_symbols(s);
    return static_cast<std::uint32_t>(req.symbols_size() - 1);
  };
  for (std::size_t i = 0; i < series; ++i) {
    pb::TimeSeriesV2& ts = *req.add_timeseries();
    for (const auto& [n, v] :
         {std::pair<std::string, std::string>{"__name__", "node_cpu_seconds_total"},
          {"cpu", std::to_string(i % 64)},
          {"instance", "host-" + std::to_string(i % 10) + ":9100"},
          {"job", "node"},
          {"mode", i % 2 == 0 ? "idle" : "user"},
          {"region", "eu-west-1"}}) {
      ts.add_labels_refs(sym(n));
      ts.add_labels_refs(sym(v));
    }
    ts.mutable_metadata()->set_type(1);
    pb::Sample* s = ts.add_samples();
    s->set_value(12345.67 + static_cast<double>(i));
    s->set_timestamp(kMs + static_cast<std::int64_t>(i));
  }
  return req.SerializeAsString();
}

template <class DecodeFn>
void Run(benchmark::State& state, Version version, DecodeFn decode) {
  const auto series = static_cast<std::size_t>(state.range(0));
  std::string body = version == Version::kV1 ? V1Request(series) : V2Request(series);
  const std::size_t size = body.size();
  body.append(kInputPadding, '\0');
  for (auto _ : state) {
    Decoded decoded(Options());
    WriteResult result;
    const Status st =
        decode(version, std::string_view(body.data(), size), decoded.Stream("s"), result);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    decoded.Finish();
    if (decoded.successful() != series) state.SkipWithError("wrong sample count");
    benchmark::DoNotOptimize(decoded.successful());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * series));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void BM_RemoteWriteV1Wire(benchmark::State& state) { Run(state, Version::kV1, Decode); }
BENCHMARK(BM_RemoteWriteV1Wire)->Arg(500)->Arg(2000);
void BM_RemoteWriteV1Libprotobuf(benchmark::State& state) {
  Run(state, Version::kV1, DecodeReference);
}
BENCHMARK(BM_RemoteWriteV1Libprotobuf)->Arg(2000);
void BM_RemoteWriteV2Wire(benchmark::State& state) { Run(state, Version::kV2, Decode); }
BENCHMARK(BM_RemoteWriteV2Wire)->Arg(2000);
void BM_RemoteWriteV2Libprotobuf(benchmark::State& state) {
  Run(state, Version::kV2, DecodeReference);
}
BENCHMARK(BM_RemoteWriteV2Libprotobuf)->Arg(2000);

// The HTTP layer's snappy decompression of the same 1.0 body (samples per second).
void BM_SnappyUncompressV1(benchmark::State& state) {
  const auto series = static_cast<std::size_t>(state.range(0));
  const std::string body = V1Request(series);
  std::string compressed;
  snappy::Compress(body.data(), body.size(), &compressed);
  std::string out(body.size(), '\0');
  for (auto _ : state) {
    if (!snappy::RawUncompress(compressed.data(), compressed.size(), out.data())) {
      state.SkipWithError("snappy failed");
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * series));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
  state.counters["ratio"] =
      static_cast<double>(body.size()) / static_cast<double>(compressed.size());
}
BENCHMARK(BM_SnappyUncompressV1)->Arg(2000);

}  // namespace
}  // namespace ingot::protocols::prometheus

BENCHMARK_MAIN();
