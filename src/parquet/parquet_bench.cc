// Encode + compress throughput of the Parquet writer on log data shaped like
// ../shared/tools/gen_logs.py (the dataset of docs/benchmarks.md), one thread.
//
//   parquet_bench [--benchmark_filter=...]
//
// The batch is built once with BatchBuilder exactly as the JSON decoder would fill it from the
// gen_logs NDJSON (same columns, types and value distributions; `_timestamp` is the ingest time,
// since gen_logs records carry `timestamp`, not `_timestamp`). Every run writes the whole batch as
// a file to memory; records/s is rows of the batch per CPU second (CPU time, not wall time, so a
// busy machine does not skew it), bytes/s counts the batch's values as PLAIN would store them
// (what the encoder reads). Counters: file_bytes, bytes_per_record.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "model/batch_builder.h"
#include "parquet/file_writer.h"
#include "parquet/row_group_encoder.h"
#include "parquet/test_reader.h"
#include "parquet/write_batch.h"

namespace ingot::parquet {
namespace {

constexpr std::size_t kRecords = 1'000'000;

model::RecordBatch& GenLogsBatch() {
  static model::BatchBuilder* builder = [] {
    model::BuilderOptions options;
    options.now_us = 1'763'700'000'000'000;
    auto* b = new model::BatchBuilder(options);
    std::mt19937_64 rng(42);
    auto uniform = [&](std::int64_t lo, std::int64_t hi) {
      return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
    };
    static const char* kLevels[] = {"INFO", "WARN", "ERROR", "DEBUG"};
    static const char* kTemplates[] = {
        "User login successful for account", "Request processed by upstream service",
        "Database query exceeded soft latency threshold",
        "Cache miss while resolving session token", "Payment authorization declined by provider"};
    static const char* kRegions[] = {"us-east-1", "eu-west-1", "ap-southeast-2"};
    std::discrete_distribution<int> level_weights({70, 15, 5, 10});
    std::exponential_distribution<double> duration(1.0 / 120.0);
    std::int64_t ts = 1'700'000'000'000;
    std::string text;
    for (std::size_t i = 0; i < kRecords; ++i) {
      ts += uniform(0, 3);
      b->BeginRecord();
      b->AddInt(b->Child(model::BatchBuilder::kRoot, "timestamp"), ts);
      b->AddString(b->Child(model::BatchBuilder::kRoot, "level"), kLevels[level_weights(rng)]);
      text = kTemplates[uniform(0, 4)];
      text += " id=" + std::to_string(uniform(0, 10'000'000));
      b->AddString(b->Child(model::BatchBuilder::kRoot, "message"), text);
      b->AddInt(b->Child(model::BatchBuilder::kRoot, "user_id"), uniform(1, 1'000'000));
      char hex[33];
      std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                    static_cast<unsigned long long>(rng()));
      b->AddString(b->Child(model::BatchBuilder::kRoot, "request_id"), hex);
      b->AddInt(b->Child(model::BatchBuilder::kRoot, "duration_ms"),
                static_cast<std::int64_t>(std::floor(duration(rng))));
      const auto metadata = b->Child(model::BatchBuilder::kRoot, "metadata");
      char host[32];
      std::snprintf(host, sizeof host, "web-%02d.example", static_cast<int>(uniform(0, 49)));
      b->AddString(b->Child(metadata, "host"), host);
      b->AddString(b->Child(metadata, "region"), kRegions[uniform(0, 2)]);
      b->AddString(b->Child(metadata, "version"), "1.2.3");
      std::string error;
      if (!b->EndRecord(&error)) std::abort();
    }
    b->Finish();
    return b;
  }();
  return builder->batch();
}

std::size_t PlainBytes(const model::RecordBatch& batch) {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < batch.num_columns(); ++i) {
    const model::Column& c = batch.column(i);
    bytes += c.type() == model::ColumnType::kString ? 4 * c.value_count() + c.bytes().size()
                                                    : 8 * c.value_count();
  }
  return bytes;
}

void BM_WriteGenLogs(benchmark::State& state) {
  const model::RecordBatch& batch = GenLogsBatch();
  WriterOptions options;
  options.codec = static_cast<Codec>(state.range(0));
  options.zstd_level = static_cast<int>(state.range(1));
  state.SetLabel(std::string(CodecName(options.codec)) +
                 (options.codec == Codec::kZstd ? "-" + std::to_string(options.zstd_level) : ""));
  // Correctness before timing: the file must read back.
  {
    StringOutputStream check;
    if (!WriteBatch(batch, options, check).ok() || !testing::ReadFile(check.contents()).ok()) {
      state.SkipWithError("file does not read back");
      return;
    }
  }
  std::size_t file_bytes = 0;
  StringOutputStream out;
  for (auto _ : state) {
    out.contents().clear();
    if (!WriteBatch(batch, options, out).ok()) state.SkipWithError("write failed");
    file_bytes = out.contents().size();
    benchmark::DoNotOptimize(out.contents().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.num_rows()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * PlainBytes(batch)));
  state.counters["file_bytes"] = static_cast<double>(file_bytes);
  state.counters["bytes_per_record"] =
      static_cast<double>(file_bytes) / static_cast<double>(batch.num_rows());
}

BENCHMARK(BM_WriteGenLogs)
    ->ArgNames({"codec", "level"})
    ->Args({static_cast<int>(Codec::kZstd), 1})
    ->Args({static_cast<int>(Codec::kZstd), 3})
    ->Args({static_cast<int>(Codec::kSnappy), 0})
    ->Args({static_cast<int>(Codec::kLz4Raw), 0})
    ->Args({static_cast<int>(Codec::kUncompressed), 0})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2);

// One row group of the default size, to see the per-row-group cost.
void BM_EncodeRowGroup(benchmark::State& state) {
  const model::RecordBatch& batch = GenLogsBatch();
  const FileSchema schema = FileSchema::Of(batch);
  const WriterOptions options;
  const std::size_t rows = options.row_group_rows;
  for (auto _ : state) {
    Result<EncodedRowGroup> group = EncodeRowGroup(batch, 0, rows, schema, options);
    benchmark::DoNotOptimize(group.value().bytes.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}
BENCHMARK(BM_EncodeRowGroup)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ingot::parquet

BENCHMARK_MAIN();
