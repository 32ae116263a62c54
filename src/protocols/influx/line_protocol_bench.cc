// Decode throughput of InfluxDB line protocol into columns (stage benchmark; see
// docs/benchmarks.md): Telegraf-like cpu points, 2 tags and 3 fields each.
#include <benchmark/benchmark.h>

#include "common/input_padding.h"
#include "protocols/influx/line_protocol.h"
#include "workload/line_protocol_generator.h"

namespace ingot::protocols::influx {
namespace {

void BM_DecodeLineProtocol(benchmark::State& state) {
  const auto records = static_cast<std::size_t>(state.range(0));
  std::string body;
  workload::LineProtocolGenerator gen;
  for (std::size_t i = 0; i < records; ++i) gen.AppendRecord(body);
  const std::size_t size = body.size();
  body.append(kInputPadding, '\0');
  model::BuilderOptions options;
  options.now_us = 1'700'000'000'000'000;
  for (auto _ : state) {
    Decoded decoded(options);
    LineErrors errors;
    Status st = DecodeLineProtocol(std::string_view(body.data(), size), Precision::kNanoseconds,
                                   decoded, errors);
    if (!st.ok() || !errors.ok()) state.SkipWithError("the generated body did not decode");
    decoded.Finish();
    benchmark::DoNotOptimize(decoded.successful());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}
BENCHMARK(BM_DecodeLineProtocol)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace ingot::protocols::influx

BENCHMARK_MAIN();
