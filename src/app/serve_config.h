// Everything `ingot serve` can be told, with its default. Each setting has a flag
// (--data-dir), an environment variable (INGOT_DATA_DIR) and a config-file key (data-dir), in
// that order of precedence (DESIGN.md "Running").
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace ingot::app {

struct ServeConfig {
  std::string config_file;
  std::string data_dir = "./data";
  std::string http_addr = "127.0.0.1:5080";
  std::string grpc_addr = "127.0.0.1:4317";  // empty: no OTLP/gRPC server
  unsigned io_threads = 0;
  unsigned persist_threads = 0;
  int persist_nice = 10;
  std::string max_body_size = "64MiB";
  std::string max_decoded_size = "256MiB";
  std::string max_file_age = "60s";
  std::size_t max_file_rows = 1'000'000;
  std::string max_file_size = "256MiB";
  std::string compression = "zstd";
  int zstd_level = 0;  // 0: the Parquet writer's default
  unsigned flatten_depth = 3;
  unsigned max_columns = 1000;
  std::string max_past = "0";
  std::string max_future = "1d";
  std::string hec_default_stream = "default";
  std::string fingerprint = "on";  // on | off
  // Comma-separated; Resolve() formats each as a column name.
  std::string fingerprint_fields = "message,msg,log,body";
  std::string log_level = "info";
  std::string wal_sync = "always";
  std::string wal_segment_size = "64MiB";
  std::string memory_limit = "auto";
  std::string min_free_disk = "1GiB";
  unsigned max_fields = 10000;
  std::string max_record_size = "4MiB";
  std::size_t max_connections = 10000;
  std::string header_timeout = "10s";
  std::string body_timeout = "60s";
  std::string stop_timeout = "30s";
  std::string test_persist_delay = "0";
  std::string auth_file;
  bool no_auth = false;

  // Parsed forms, filled by Resolve().
  std::uint64_t max_body_bytes = 0;
  std::uint64_t max_decoded_bytes = 0;
  std::int64_t max_file_age_us = 0;
  std::uint64_t max_file_bytes = 0;
  std::int64_t max_past_us = 0;
  std::int64_t max_future_us = 0;
  std::uint64_t wal_segment_bytes = 0;
  std::uint64_t memory_limit_bytes = 0;
  std::uint64_t min_free_disk_bytes = 0;
  std::uint64_t max_record_bytes = 0;
  std::int64_t header_timeout_us = 0;
  std::int64_t body_timeout_us = 0;
  std::int64_t stop_timeout_us = 0;
  std::int64_t test_persist_delay_us = 0;

  // Adds the flags (with their environment variables) to `command`.
  void AddFlags(CLI::App& command);
  // Applies the config file's keys to the flags that neither the command line nor the
  // environment set. Call after parsing.
  Status ApplyConfigFile(CLI::App& command);
  // Checks values and fills the parsed forms.
  Status Resolve();

  // "auto" memory limit: half of the memory this process may use (the machine's RAM, or the
  // cgroup's limit when lower).
  static std::uint64_t DefaultMemoryLimit();
};

}  // namespace ingot::app
