#include "app/serve_config.h"

#include <unistd.h>

#include <cstdio>
#include <toml.hpp>

#include "common/units.h"
#include "model/names.h"
#include "parquet/codec.h"
#include "wal/sync_mode.h"

namespace ingot::app {

namespace {

// --name with INGOT_NAME (dashes become underscores, upper case).
std::string EnvName(std::string_view flag) {
  std::string env = "INGOT_";
  for (char c : flag) env.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  return env;
}

template <typename T>
CLI::Option* Flag(CLI::App& cmd, const std::string& name, T& value, const std::string& help) {
  return cmd.add_option("--" + name, value, help)->envname(EnvName(name))->capture_default_str();
}

}  // namespace

void ServeConfig::AddFlags(CLI::App& cmd) {
  cmd.add_option("--config", config_file,
                 "TOML file of settings (keys are flag names: data-dir = \"/var/lib/ingot\"); "
                 "flags and INGOT_* variables override it")
      ->envname("INGOT_CONFIG");
  Flag(cmd, "data-dir", data_dir,
       "Directory for ingot's data: Parquet files under files/, the write-ahead log under wal/");
  Flag(cmd, "http-addr", http_addr, "HTTP listen address, host:port (port 0 = any free port)");
  Flag(cmd, "grpc-addr", grpc_addr,
       "OTLP/gRPC listen address, host:port (port 0 = any free port; empty = no gRPC server)");
  Flag(cmd, "io-threads", io_threads,
       "HTTP I/O threads, which also decode requests (0 = one per core)");
  Flag(cmd, "persist-threads", persist_threads,
       "Threads that encode and write Parquet files (0 = one per core)");
  Flag(cmd, "persist-nice", persist_nice,
       "Nice value of the persist threads (0-19): above 0 they yield the cores to request "
       "handling, which keeps acknowledgements fast while files are written")
      ->check(CLI::Range(0, 19));
  Flag(cmd, "max-body-size", max_body_size,
       "Largest request body (or OTLP/gRPC message) as sent (413 above)");
  Flag(cmd, "max-decoded-size", max_decoded_size,
       "Largest request body (or OTLP/gRPC message) after decompression (413 above)");
  Flag(cmd, "max-file-age", max_file_age,
       "Longest time a record waits in memory before its Parquet file is written");
  Flag(cmd, "max-file-rows", max_file_rows, "Rows after which a Parquet file is written");
  Flag(cmd, "max-file-size", max_file_size,
       "Memory of buffered records after which a Parquet file is written");
  Flag(cmd, "compression", compression, "Parquet compression: zstd, snappy, lz4 or none");
  Flag(cmd, "zstd-level", zstd_level, "zstd level (0 = ingot's default)");
  Flag(cmd, "flatten-depth", flatten_depth,
       "Key segments a column name may have; deeper objects are kept as JSON text (0 = no limit)");
  Flag(cmd, "max-columns", max_columns,
       "Columns per stream and file; further fields go to the _extra JSON column");
  Flag(cmd, "max-past", max_past,
       "Reject records whose _timestamp is older than this (e.g. 7d; 0 = accept any)");
  Flag(cmd, "max-future", max_future,
       "Reject records whose _timestamp is further ahead than this (e.g. 1h; 0 = accept any)");
  Flag(cmd, "hec-default-stream", hec_default_stream, "Stream of HEC events that name no index");
  Flag(cmd, "fingerprint", fingerprint,
       "Log records get _fingerprint and _template, the id and text of their message's "
       "template (docs/fingerprint.md): on or off")
      ->check(CLI::IsMember({"on", "off"}));
  Flag(cmd, "fingerprint-fields", fingerprint_fields,
       "Where a JSON record's message is: the first string among these top-level fields, "
       "comma-separated (_json, _multi, _bulk, HEC; OTLP and Loki use the body)");
  Flag(cmd, "wal-sync", wal_sync,
       "When a request is acknowledged: always (after fdatasync of the WAL: survives power loss), "
       "interval:<ms> (after the write; fsync every <ms>: a power loss may lose that much), none "
       "(after the write; the OS flushes: survives a crash of ingot, not of the machine)");
  Flag(cmd, "wal-segment-size", wal_segment_size, "Size of a write-ahead log segment file");
  Flag(cmd, "memory-limit", memory_limit,
       "Memory for request bodies, decoded records, buffered records and files being written; "
       "over it requests get 503 + Retry-After (auto = half of RAM or of the cgroup limit)");
  Flag(cmd, "min-free-disk", min_free_disk,
       "Free space the data directory's disk must keep; below it ingestion answers 503");
  Flag(cmd, "max-fields", max_fields,
       "Values a record may have; a record with more fails (0 = any)");
  Flag(cmd, "max-record-size", max_record_size,
       "Largest NDJSON line or bulk document; a longer one fails alone (0 = any)");
  Flag(cmd, "max-connections", max_connections,
       "Open HTTP connections; past it new ones get 503 + Retry-After (lowered at start if the "
       "file descriptor limit cannot hold it)");
  Flag(cmd, "header-timeout", header_timeout, "Time a client has to send a request's headers");
  Flag(cmd, "body-timeout", body_timeout, "Time a client has to send a request's body");
  Flag(cmd, "stop-timeout", stop_timeout,
       "Time a stop (SIGTERM) may take: requests in flight are answered and buffered records "
       "written; what is not written by then stays in the WAL for the next start");
  Flag(cmd, "auth-file", auth_file,
       "TOML file of users and tokens allowed to write, and to which orgs (docs/auth.md); "
       "INGOT_ROOT_USER_EMAIL / INGOT_ROOT_USER_PASSWORD add a user for every org");
  cmd.add_flag("--no-auth", no_auth,
               "Accept data without credentials on a non-loopback --http-addr (by default the "
               "server refuses to start open there)")
      ->envname("INGOT_NO_AUTH");
  Flag(cmd, "log-level", log_level, "trace, debug, info, warn, error");
  // For overload tests only: makes the persist stage slow on purpose.
  cmd.add_option("--test-persist-delay", test_persist_delay)
      ->envname("INGOT_TEST_PERSIST_DELAY")
      ->group("");
}

Status ServeConfig::ApplyConfigFile(CLI::App& cmd) {
  if (config_file.empty()) return Status::Ok();
  toml::value data;
  try {
    data = toml::parse(config_file);
  } catch (const std::exception& e) {
    return Status::InvalidInput("config file " + config_file + ": " + e.what());
  }
  if (!data.is_table())
    return Status::InvalidInput("config file " + config_file + " is not a table");
  for (const auto& [key, value] : data.as_table()) {
    CLI::Option* opt = nullptr;
    try {
      opt = cmd.get_option("--" + key);
    } catch (const CLI::OptionNotFound&) {
      return Status::InvalidInput("config file " + config_file + ": unknown setting \"" + key +
                                  "\"");
    }
    if (key == "config") return Status::InvalidInput("config file cannot name another config file");
    if (opt->count() > 0) continue;  // set by a flag or an environment variable
    std::string text;
    if (value.is_string()) {
      text = value.as_string().str;
    } else if (value.is_integer()) {
      text = std::to_string(value.as_integer());
    } else if (value.is_floating()) {
      text = std::to_string(value.as_floating());
    } else if (value.is_boolean()) {
      text = value.as_boolean() ? "true" : "false";
    } else {
      return Status::InvalidInput("config file " + config_file + ": \"" + key +
                                  "\" must be a string, number or boolean");
    }
    try {
      opt->add_result(text);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      return Status::InvalidInput("config file " + config_file + ": " + key + ": " + e.what());
    }
  }
  return Status::Ok();
}

Status ServeConfig::Resolve() {
  auto bytes = [](const std::string& flag, const std::string& text, std::uint64_t& out) {
    auto r = ParseBytes(text);
    if (!r.ok()) return Status::InvalidInput("--" + flag + ": " + r.status().message());
    out = *r;
    return Status::Ok();
  };
  auto duration = [](const std::string& flag, const std::string& text, std::int64_t& out) {
    auto r = ParseDurationMicros(text);
    if (!r.ok()) return Status::InvalidInput("--" + flag + ": " + r.status().message());
    out = *r;
    return Status::Ok();
  };
  INGOT_RETURN_IF_ERROR(bytes("max-body-size", max_body_size, max_body_bytes));
  INGOT_RETURN_IF_ERROR(bytes("max-decoded-size", max_decoded_size, max_decoded_bytes));
  INGOT_RETURN_IF_ERROR(bytes("max-file-size", max_file_size, max_file_bytes));
  INGOT_RETURN_IF_ERROR(bytes("wal-segment-size", wal_segment_size, wal_segment_bytes));
  INGOT_RETURN_IF_ERROR(bytes("min-free-disk", min_free_disk, min_free_disk_bytes));
  INGOT_RETURN_IF_ERROR(bytes("max-record-size", max_record_size, max_record_bytes));
  INGOT_RETURN_IF_ERROR(duration("header-timeout", header_timeout, header_timeout_us));
  INGOT_RETURN_IF_ERROR(duration("body-timeout", body_timeout, body_timeout_us));
  INGOT_RETURN_IF_ERROR(duration("stop-timeout", stop_timeout, stop_timeout_us));
  INGOT_RETURN_IF_ERROR(duration("test-persist-delay", test_persist_delay, test_persist_delay_us));
  if (memory_limit == "auto") {
    memory_limit_bytes = DefaultMemoryLimit();
  } else {
    INGOT_RETURN_IF_ERROR(bytes("memory-limit", memory_limit, memory_limit_bytes));
  }
  if (memory_limit_bytes < (16 << 20)) {
    return Status::InvalidInput("--memory-limit must be at least 16MiB");
  }
  if (header_timeout_us <= 0 || body_timeout_us <= 0 || stop_timeout_us <= 0) {
    return Status::InvalidInput(
        "--header-timeout, --body-timeout and --stop-timeout must be positive");
  }
  if (max_connections == 0) return Status::InvalidInput("--max-connections must be positive");
  if (auto mode = wal::ParseSyncMode(wal_sync); !mode.ok()) {
    return Status::InvalidInput("--wal-sync: " + mode.status().message());
  }
  if (wal_segment_bytes < (1 << 20))
    return Status::InvalidInput("--wal-segment-size must be at least 1MiB");
  INGOT_RETURN_IF_ERROR(duration("max-file-age", max_file_age, max_file_age_us));
  INGOT_RETURN_IF_ERROR(duration("max-past", max_past, max_past_us));
  INGOT_RETURN_IF_ERROR(duration("max-future", max_future, max_future_us));
  if (max_file_age_us <= 0) return Status::InvalidInput("--max-file-age must be positive");
  if (max_file_rows == 0) return Status::InvalidInput("--max-file-rows must be positive");
  if (max_columns < 2) return Status::InvalidInput("--max-columns must be at least 2");
  if (auto codec = parquet::ParseCodec(compression); !codec.ok()) {
    return Status::InvalidInput("--compression: " + codec.status().message());
  }
  if (data_dir.empty()) return Status::InvalidInput("--data-dir must not be empty");
  Result<std::string> hec_stream = model::StreamName(hec_default_stream, "--hec-default-stream");
  if (!hec_stream.ok()) return hec_stream.status();
  hec_default_stream = std::move(*hec_stream);
  // Matched against column names, so formatted as keys are (`Message` is `message`).
  std::string fields;
  std::string_view rest = fingerprint_fields;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view field = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    while (!field.empty() && field.back() == ' ') field.remove_suffix(1);
    if (field.empty()) continue;
    if (!fields.empty()) fields += ',';
    model::AppendFormattedKey(field, fields);
  }
  if (fields.empty()) return Status::InvalidInput("--fingerprint-fields names no field");
  fingerprint_fields = std::move(fields);
  return Status::Ok();
}

std::uint64_t ServeConfig::DefaultMemoryLimit() {
  std::uint64_t available = static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                            static_cast<std::uint64_t>(sysconf(_SC_PAGE_SIZE));
  // cgroup v2: "max" or a number of bytes.
  if (std::FILE* f = std::fopen("/sys/fs/cgroup/memory.max", "r")) {
    unsigned long long limit = 0;
    if (std::fscanf(f, "%llu", &limit) == 1 && limit > 0 && limit < available) available = limit;
    std::fclose(f);
  }
  return available / 2;
}

}  // namespace ingot::app
