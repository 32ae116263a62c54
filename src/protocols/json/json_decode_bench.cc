// Decode throughput of the JSON protocols into columns (stage benchmark; see docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include "common/input_padding.h"
#include "protocols/json/bulk.h"
#include "protocols/json/multi.h"
#include "workload/log_generator.h"

namespace ingot::protocols::json {
namespace {

std::string PaddedLogs(std::size_t records) {
  std::string body;
  workload::LogGenerator gen;
  gen.AppendRecords(records, body);
  return body;
}

model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  return o;
}

void BM_DecodeNdjson(benchmark::State& state) {
  const auto records = static_cast<std::size_t>(state.range(0));
  std::string body = PaddedLogs(records);
  const std::size_t size = body.size();
  body.append(kInputPadding, '\0');
  for (auto _ : state) {
    Decoded decoded(Options());
    Status st = DecodeNdjson(std::string_view(body.data(), size), decoded.Stream("s"));
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    decoded.Finish();
    benchmark::DoNotOptimize(decoded.successful());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}
BENCHMARK(BM_DecodeNdjson)->Arg(100)->Arg(1000)->Arg(10000);

void BM_DecodeBulk(benchmark::State& state) {
  const auto records = static_cast<std::size_t>(state.range(0));
  std::string logs = PaddedLogs(records);
  std::string body;
  for (std::size_t pos = 0; pos < logs.size();) {
    const std::size_t nl = logs.find('\n', pos);
    body += "{\"index\":{\"_index\":\"app\"}}\n";
    body.append(logs, pos, nl + 1 - pos);
    pos = nl + 1;
  }
  const std::size_t size = body.size();
  body.append(kInputPadding, '\0');
  for (auto _ : state) {
    Decoded decoded(Options());
    BulkItems items;
    Status st = DecodeBulk(std::string_view(body.data(), size), "", decoded, items);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    decoded.Finish();
    benchmark::DoNotOptimize(items.Response(1));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}
BENCHMARK(BM_DecodeBulk)->Arg(1000);

}  // namespace
}  // namespace ingot::protocols::json

BENCHMARK_MAIN();
