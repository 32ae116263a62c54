// Engine: one ingot node, its stages wired in data-flow order (HTTP and OTLP/gRPC -> decoders ->
// ingester -> WAL -> memtable -> persist stage -> Parquet files), through its life:
//
//   Open()     credentials checked, data directory made, stages built, listening: /healthz,
//              /readyz and /metrics answer, ingestion answers 503 + Retry-After
//   Recover()  the WAL replayed into Parquet (within the memory budget), the WAL opened for writing
//   Start()    ready: data accepted; the maintenance tasks run (maintenance.h)
//   Stop()     transports stopped (requests in flight answered), the WAL closed, everything
//              buffered written until a deadline; what is not stays in the WAL
//
// Everything process-wide -- flags, signals, allocator settings, descriptor limits -- belongs to
// the `ingot` binary (src/app), so tests start an Engine with nothing but its options.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace ingot::engine {

// What a node is told, parsed (app::ServeConfig fills it from flags, environment and config file;
// README.md documents each setting).
struct EngineOptions {
  std::string data_dir = "./data";
  std::string http_addr = "127.0.0.1:5080";
  std::string grpc_addr = "127.0.0.1:4317";  // empty: no OTLP/gRPC server
  unsigned io_threads = 0;                   // 0: one per core
  unsigned persist_threads = 0;              // 0: one per core
  int persist_nice = 10;
  std::uint64_t max_body_bytes = 64 << 20;
  std::uint64_t max_decoded_bytes = 256 << 20;
  std::int64_t max_file_age_us = 60'000'000;
  std::size_t max_file_rows = 1'000'000;
  std::uint64_t max_file_bytes = 256 << 20;
  std::string compression = "zstd";
  int zstd_level = 0;  // 0: the Parquet writer's default
  unsigned flatten_depth = 3;
  unsigned max_columns = 1000;
  std::int64_t max_past_us = 0;  // 0: any past
  std::int64_t max_future_us = 86'400'000'000;
  std::string hec_default_stream = "default";
  bool fingerprint = true;  // log records get _fingerprint and _template (docs/fingerprint.md)
  std::string fingerprint_fields = "message,msg,log,body";  // formatted column names
  std::string wal_sync = "always";
  std::uint64_t wal_segment_bytes = 64 << 20;
  std::uint64_t memory_limit_bytes = 1ULL << 30;
  std::uint64_t min_free_disk_bytes = 1ULL << 30;
  unsigned max_fields = 10000;
  std::uint64_t max_record_bytes = 4 << 20;
  std::size_t max_connections = 10000;
  std::int64_t header_timeout_us = 10'000'000;
  std::int64_t body_timeout_us = 60'000'000;
  // Requests in flight get a third of it when the node stops (Stop's caller bounds the rest).
  std::int64_t stop_timeout_us = 30'000'000;
  std::int64_t test_persist_delay_us = 0;  // test only: each Parquet file waits this long first
  std::string auth_file;
  bool no_auth = false;
};

class Engine {
 public:
  explicit Engine(EngineOptions options);
  // Stop()s with the options' stop timeout if the node was not stopped.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Builds the node and starts listening. Errors (a bad credential file, an exposed address
  // without credentials, a data directory that cannot be made, a port in use) are logged and
  // returned; the node is then unusable.
  Status Open();
  // Replays what the WAL holds and no Parquet file does, writes it, and opens the WAL. Returns
  // kUnavailable, leaving the rest in the WAL, as soon as `stop` is set (a stop asked for during
  // a long replay). REQUIRES: Open() succeeded.
  Status Recover(const std::atomic<bool>* stop = nullptr);
  // Accepts data and starts the maintenance tasks. REQUIRES: Recover() succeeded.
  void Start();
  // Stops the node, writing what is buffered until `deadline`; true when everything acknowledged
  // is in Parquet (or quarantined), false when some stays in the WAL for the next start.
  // Idempotent; works after any of the steps above.
  bool Stop(std::chrono::steady_clock::time_point deadline);

  std::uint16_t http_port() const;
  std::uint16_t grpc_port() const;  // 0 without a gRPC server
  // Parquet files and rows written since Open.
  std::uint64_t files_written() const;
  std::uint64_t rows_written() const;

 private:
  struct Node;  // the stages; defined in engine.cc
  const EngineOptions options_;
  std::unique_ptr<Node> node_;
  bool stopped_ = false;
};

}  // namespace ingot::engine
