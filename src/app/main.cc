// ingot: one binary for observability ingestion. `ingot serve` runs the server, `ingot convert`
// turns an NDJSON file into Parquet with the same decoder and writer.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/credential_commands.h"
#include "app/fingerprint_command.h"
#include "app/serve.h"
#include "app/serve_config.h"
#include "common/units.h"
#include "convert/ndjson_to_parquet.h"
#include "fingerprint/fingerprint.h"
#include "parquet/codec.h"

namespace {

constexpr const char* kVersion = "0.1.0";

// The build targets x86-64-v3 (see CMakeLists.txt): say so plainly instead of dying on SIGILL.
bool CpuSupported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("pclmul");
}

int RunConvert(const std::string& in, const std::string& out, const std::string& compression,
               int zstd_level, unsigned threads, unsigned depth, unsigned max_columns,
               std::size_t row_group_rows, const std::string& dictionary, bool fingerprint) {
  ingot::convert::ConvertOptions o;
  o.input = in;
  o.output = out;
  o.threads = threads;
  o.normalize.max_depth = depth;
  o.normalize.max_columns = max_columns;
  if (fingerprint) {  // as `ingot serve` stores the JSON family's records
    o.normalize.message_fields = ingot::fingerprint::kDefaultMessageFields;
    o.normalize.fingerprint = &ingot::fingerprint::FingerprintMessage;
  }
  o.normalize.now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  auto codec = ingot::parquet::ParseCodec(compression);
  if (!codec.ok()) {
    std::fprintf(stderr, "ingot convert: --compression: %s\n", codec.status().message().c_str());
    return 2;
  }
  o.writer.codec = *codec;
  if (zstd_level != 0) o.writer.zstd_level = zstd_level;
  if (row_group_rows != 0) o.writer.row_group_rows = row_group_rows;
  if (dictionary == "never") o.writer.dictionary = ingot::parquet::DictionaryMode::kNever;
  if (dictionary == "always") o.writer.dictionary = ingot::parquet::DictionaryMode::kAlways;
  ingot::convert::ConvertStats stats;
  ingot::Status st = ingot::convert::ConvertNdjsonToParquet(o, stats);
  if (!st.ok()) {
    std::fprintf(stderr, "ingot convert: %s\n", st.message().c_str());
    return 1;
  }
  std::fprintf(stderr,
               "converted %llu records (%.1f MB) to %s (%.1f MB, %llu row groups) in %.3f s: "
               "%.0f records/s\n",
               static_cast<unsigned long long>(stats.records), stats.input_bytes / 1e6, out.c_str(),
               stats.output_bytes / 1e6, static_cast<unsigned long long>(stats.row_groups),
               stats.seconds, stats.seconds > 0 ? stats.records / stats.seconds : 0.0);
  if (stats.failed_records > 0) {
    std::fprintf(stderr, "%llu records were rejected; the first: %s\n",
                 static_cast<unsigned long long>(stats.failed_records),
                 stats.first_failure.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (!CpuSupported()) {
    std::fprintf(stderr,
                 "ingot: this CPU lacks AVX2/BMI2/PCLMUL, which this build requires; rebuild "
                 "with -DINGOT_ARCH_FLAGS=-march=x86-64 (slower JSON parsing)\n");
    return 1;
  }
  CLI::App app{"ingot: logs, metrics and traces in, Parquet files out"};
  app.require_subcommand(1);
  app.set_version_flag("--version", kVersion);

  ingot::app::ServeConfig serve_config;
  CLI::App* serve = app.add_subcommand("serve", "Run the ingestion server");
  serve_config.AddFlags(*serve);

  CLI::App* convert = app.add_subcommand("convert", "Convert an NDJSON file to one Parquet file");
  std::string in, out, compression = "zstd";
  int zstd_level = 0;
  unsigned threads = 0, depth = 3, max_columns = 1000;
  std::size_t row_group_rows = 0;
  convert->add_option("IN", in, "NDJSON input file (one JSON object a line)")->required();
  convert->add_option("OUT", out, "Parquet output file (replaced atomically)")->required();
  convert->add_option("--compression", compression, "zstd, snappy, lz4 or none")
      ->capture_default_str();
  convert->add_option("--zstd-level", zstd_level, "zstd level (0 = ingot's default)");
  convert->add_option("--threads", threads, "Worker threads (0 = one per core)");
  convert->add_option("--flatten-depth", depth, "Key segments per column name (0 = no limit)")
      ->capture_default_str();
  convert->add_option("--max-columns", max_columns, "Columns before fields go to _extra")
      ->capture_default_str();
  convert->add_option("--row-group-rows", row_group_rows, "Rows per row group (0 = default)");
  std::string dictionary = "auto";
  convert
      ->add_option("--dictionary", dictionary,
                   "Dictionary encoding: auto (where it pays), never, always")
      ->check(CLI::IsMember({"auto", "never", "always"}))
      ->capture_default_str();
  std::string convert_fingerprint = "on";
  convert
      ->add_option("--fingerprint", convert_fingerprint,
                   "Records with a message (message, msg, log or body) get _fingerprint and "
                   "_template (docs/fingerprint.md): on or off")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();

  CLI::App* fingerprint = app.add_subcommand(
      "fingerprint",
      "Print the fingerprint and template of each line of stdin (<fingerprint>\\t<template>; "
      "docs/fingerprint.md)");

  ingot::app::CredentialOptions credentials;
  CLI::App* hash_password = nullptr;
  CLI::App* new_token = nullptr;
  ingot::app::AddCredentialCommands(app, credentials, hash_password, new_token);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*serve) {
    ingot::Status st = serve_config.ApplyConfigFile(*serve);
    if (st.ok()) st = serve_config.Resolve();
    if (!st.ok()) {
      std::fprintf(stderr, "ingot serve: %s\n", st.message().c_str());
      return 2;
    }
    spdlog::set_default_logger(spdlog::stderr_color_mt("ingot"));
    spdlog::set_level(spdlog::level::from_str(serve_config.log_level));
    return ingot::app::RunServe(serve_config);
  }
  if (*hash_password) return ingot::app::RunHashPassword(credentials);
  if (*new_token) return ingot::app::RunNewToken(credentials);
  if (*fingerprint) return ingot::app::RunFingerprint(stdin, stdout);
  return RunConvert(in, out, compression, zstd_level, threads, depth, max_columns, row_group_rows,
                    dictionary, convert_fingerprint == "on");
}
