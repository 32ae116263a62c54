// WAL benchmarks: CRC32C throughput, and append throughput and latency under group commit.
//
// BM_Append models request threads: each of `threads` appenders appends one record and waits
// for its callback (as an HTTP handler waits before answering), over and over. items_per_second
// is appends per second across all appenders; p50_us / p99_us are append-to-callback latencies;
// fsyncs_per_s and records_per_group show the group commit at work. Segments go to a directory
// on the real disk: $INGOT_WAL_BENCH_DIR, or the system temp directory.
//
//   ninja -C build wal_bench && build/src/wal/wal_bench
#include <benchmark/benchmark.h>
#include <nmmintrin.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <semaphore>
#include <string>
#include <vector>

#include "wal/crc32c.h"
#include "wal/wal_writer.h"

namespace ingot::wal {
namespace {

using Clock = std::chrono::steady_clock;

std::string Buffer(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>(i * 131 + (i >> 9));
  return s;
}

void BM_Crc32c(benchmark::State& state) {
  const std::string data = Buffer(static_cast<std::size_t>(state.range(0)));
  std::uint32_t crc = 0;
  for (auto _ : state) {
    crc = crc32c::Extend(crc, data.data(), data.size());
    benchmark::DoNotOptimize(crc);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Crc32c)->Arg(64)->Arg(1024)->Arg(32 * 1024)->Arg(1 << 20);

// The straightforward loop (one crc32 instruction after another, each waiting for the previous
// one): the baseline the three interleaved streams are measured against.
void BM_Crc32cOneStream(benchmark::State& state) {
  const std::string data = Buffer(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::uint64_t reg = 0xffffffffu;
    for (std::size_t i = 0; i + 8 <= data.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, data.data() + i, 8);
      reg = _mm_crc32_u64(reg, word);
    }
    benchmark::DoNotOptimize(reg);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Crc32cOneStream)->Arg(32 * 1024)->Arg(1 << 20);

// Shared by the appender threads of one BM_Append run; set up and torn down by thread 0 (the
// benchmark loop starts and ends with a barrier across threads).
struct AppendRun {
  std::string dir;
  std::unique_ptr<WalWriter> writer;
  std::string payload;
  std::vector<std::vector<double>> latencies_us;  // per thread
  std::uint64_t fsyncs_before = 0;
  std::uint64_t groups_before = 0;
  std::uint64_t records_before = 0;
  Clock::time_point start;
};
AppendRun* run = nullptr;

void BM_Append(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const bool always = state.range(1) == 0;
  const bool preallocate = state.range(2) == 0;
  if (state.thread_index() == 0) {
    run = new AppendRun;
    const char* root = std::getenv("INGOT_WAL_BENCH_DIR");
    run->dir =
        (std::filesystem::path(root != nullptr ? root : std::filesystem::temp_directory_path()) /
         ("ingot_wal_bench_" + std::to_string(::getpid())))
            .string();
    std::filesystem::remove_all(run->dir);
    WalOptions options;
    options.dir = run->dir;
    options.sync = always ? SyncMode::Always() : SyncMode::None();
    options.preallocate = preallocate;
    auto writer = WalWriter::Open(options, 1);
    if (!writer.ok()) {
      state.SkipWithError(writer.status().ToString().c_str());
      return;
    }
    run->writer = std::move(*writer);
    run->payload = Buffer(size);
    run->latencies_us.resize(static_cast<std::size_t>(state.threads()));
    const WalStats& stats = run->writer->stats();
    run->fsyncs_before = stats.fsyncs.load();
    run->groups_before = stats.groups.load();
    run->records_before = stats.records.load();
    run->start = Clock::now();
  }
  std::vector<double>* latencies = nullptr;
  std::binary_semaphore done(0);
  Status outcome;
  std::uint64_t appended = 0;
  for (auto _ : state) {
    if (latencies == nullptr) {
      if (run->writer == nullptr) break;
      latencies = &run->latencies_us[static_cast<std::size_t>(state.thread_index())];
      latencies->reserve(1 << 16);
    }
    const Clock::time_point begin = Clock::now();
    std::uint64_t seq = 0;
    Status st = run->writer->Append(run->payload, [&](Status status, std::uint64_t s) {
      outcome = std::move(status);
      seq = s;
      done.release();
    });
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
    done.acquire();
    if (!outcome.ok()) {
      state.SkipWithError(outcome.ToString().c_str());
      break;
    }
    latencies->push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
    // Thread 0 plays the persister: segments whose records are "persisted" go away, which keeps
    // the disk footprint bounded.
    if (state.thread_index() == 0 && ++appended % 2048 == 0) {
      (void)run->writer->RemoveSegmentsBefore(seq);
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  if (state.thread_index() != 0 || run == nullptr) return;

  const double seconds = std::chrono::duration<double>(Clock::now() - run->start).count();
  std::vector<double> all;
  for (const auto& v : run->latencies_us) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  if (!all.empty()) {
    state.counters["p50_us"] = all[all.size() / 2];
    state.counters["p99_us"] = all[all.size() * 99 / 100];
  }
  const WalStats& stats = run->writer->stats();
  const double groups = static_cast<double>(stats.groups.load() - run->groups_before);
  state.counters["fsyncs_per_s"] =
      static_cast<double>(stats.fsyncs.load() - run->fsyncs_before) / seconds;
  state.counters["records_per_group"] =
      groups == 0 ? 0 : static_cast<double>(stats.records.load() - run->records_before) / groups;
  run->writer.reset();
  std::filesystem::remove_all(run->dir);
  delete run;
  run = nullptr;
}

void AppendArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"bytes", "sync_none", "no_prealloc"});
  for (std::int64_t size : {1024, 256 * 1024}) {
    for (std::int64_t none : {0, 1}) b->Args({size, none, 0});
  }
  b->Threads(1)->Threads(8)->Threads(32)->UseRealTime()->MinTime(1.0);
}
BENCHMARK(BM_Append)->Apply(AppendArgs);
// The same without preallocated segments (every write grows the file): what preallocation buys.
BENCHMARK(BM_Append)
    ->ArgNames({"bytes", "sync_none", "no_prealloc"})
    ->Args({1024, 0, 1})
    ->Args({1024, 0, 0})
    ->Threads(1)
    ->UseRealTime()
    ->MinTime(1.0);

}  // namespace
}  // namespace ingot::wal

BENCHMARK_MAIN();
