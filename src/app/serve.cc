#include "app/serve.h"

#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include "app/fd_limit.h"
#include "app/stop_signal.h"
#include "engine/engine.h"

namespace ingot::app {

namespace {

engine::EngineOptions EngineOptionsOf(const ServeConfig& c, std::size_t max_connections) {
  engine::EngineOptions o;
  o.data_dir = c.data_dir;
  o.http_addr = c.http_addr;
  o.grpc_addr = c.grpc_addr;
  o.io_threads = c.io_threads;
  o.persist_threads = c.persist_threads;
  o.persist_nice = c.persist_nice;
  o.max_body_bytes = c.max_body_bytes;
  o.max_decoded_bytes = c.max_decoded_bytes;
  o.max_file_age_us = c.max_file_age_us;
  o.max_file_rows = c.max_file_rows;
  o.max_file_bytes = c.max_file_bytes;
  o.compression = c.compression;
  o.zstd_level = c.zstd_level;
  o.flatten_depth = c.flatten_depth;
  o.max_columns = c.max_columns;
  o.max_past_us = c.max_past_us;
  o.max_future_us = c.max_future_us;
  o.hec_default_stream = c.hec_default_stream;
  o.fingerprint = c.fingerprint == "on";
  o.fingerprint_fields = c.fingerprint_fields;
  o.wal_sync = c.wal_sync;
  o.wal_segment_bytes = c.wal_segment_bytes;
  o.memory_limit_bytes = c.memory_limit_bytes;
  o.min_free_disk_bytes = c.min_free_disk_bytes;
  o.max_fields = c.max_fields;
  o.max_record_bytes = c.max_record_bytes;
  o.max_connections = max_connections;
  o.header_timeout_us = c.header_timeout_us;
  o.body_timeout_us = c.body_timeout_us;
  o.stop_timeout_us = c.stop_timeout_us;
  o.test_persist_delay_us = c.test_persist_delay_us;
  o.auth_file = c.auth_file;
  o.no_auth = c.no_auth;
  return o;
}

}  // namespace

int RunServe(const ServeConfig& config) {
  // Signals are taken by StopSignal's thread; block them before any thread exists so that every
  // thread inherits the mask and none is interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  StopSignal stop(signals, std::chrono::microseconds(config.stop_timeout_us));
  // Buffers of a MiB or more come from mmap and go back to the kernel when freed. glibc's default
  // raises that threshold to the size of each large block freed (up to 32 MiB), after which large
  // column and body buffers live in its heaps, where freed memory stays resident: under 64
  // connections of 20 MB requests peak RSS reached 2.4 GiB with a 2 GiB --memory-limit whose
  // accounting said 1.9 GiB; with the fixed threshold 1.9 GiB (bench/run --full cell
  // closed/wide/r10000/plain/c64/none). Setting it also turns the dynamic raising off, and with
  // it the raising of the trim threshold, which is set here too: a heap keeps up to 16 MiB free
  // at its top instead of 128 KiB. (bench/audit counts ~0.8 mprotect calls per 1000-record
  // request with these settings, 0.17 without: heap growth, a microsecond per request.)
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  // Before anything opens files: connections must leave descriptors for WAL and Parquet files.
  const std::size_t max_connections = PlanFileDescriptors(config);

  engine::Engine node(EngineOptionsOf(config, max_connections));
  if (Status st = node.Open(); !st.ok()) {
    spdlog::critical("{}", st.message());
    return 1;
  }
  // Replays what the WAL holds and no Parquet file does, and writes it, before accepting data.
  if (Status st = node.Recover(&stop.requested()); !st.ok()) {
    if (stop.requested()) {
      spdlog::info("{}: stopped during WAL replay; the rest is replayed at the next start",
                   stop.Wait());
      node.Stop(stop.deadline());
      return 0;
    }
    spdlog::critical("cannot replay the write-ahead log: {}", st.ToString());
    return 1;
  }
  node.Start();
  spdlog::info("{}: stopping; finishing requests and writing buffered records (at most {}s)",
               stop.Wait(), config.stop_timeout_us / 1'000'000);
  node.Stop(stop.deadline());
  spdlog::info("stopped: {} Parquet files, {} rows written by this run", node.files_written(),
               node.rows_written());
  return 0;
}

}  // namespace ingot::app
