// ingot-load: the load generator. Flags in docs/load.md; the work is in RunLoad (load_run.h), or
// in DumpNdjson (dump.h) with --dump-ndjson.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <string>

#include "common/units.h"
#include "tools/load/dump.h"
#include "tools/load/load_run.h"

namespace {

std::atomic<int> g_interrupts{0};

extern "C" void OnSignal(int) { g_interrupts.fetch_add(1); }

// "50000", "50k", "1.5M".
bool ParseRate(const std::string& text, double& out) {
  if (text.empty()) return false;
  double scale = 1;
  std::string number = text;
  const char last = text.back();
  if (last == 'k' || last == 'K') scale = 1e3;
  if (last == 'm' || last == 'M') scale = 1e6;
  if (scale != 1) number.pop_back();
  try {
    std::size_t used = 0;
    const double v = std::stod(number, &used);
    if (used != number.size() || !(v >= 0)) return false;
    out = v * scale;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// A CLI11 validator-transformer for durations ("30s", "500ms", "2m"; a bare number is seconds).
bool ParseDuration(const std::string& text, std::chrono::nanoseconds& out) {
  auto us = ingot::ParseDurationMicros(text);
  if (!us.ok()) return false;
  out = std::chrono::microseconds(*us);
  return true;
}

int Dump(const ingot::load::LoadOptions& o, const std::string& path) {
  auto dumped = ingot::load::DumpNdjson(o, path);
  if (!dumped.ok()) {
    std::fprintf(stderr, "ingot-load: %s\n", dumped.status().message().c_str());
    return dumped.status().code() == ingot::StatusCode::kInvalidInput ? 2 : 1;
  }
  std::fprintf(stderr,
               "ingot-load: wrote %llu %s records (%.1f MB, clock from %lld ms, seed %llu) "
               "to %s\n",
               static_cast<unsigned long long>(dumped->records),
               std::string(ingot::load::WorkloadName(o.workload)).c_str(), dumped->bytes / 1e6,
               static_cast<long long>(dumped->start_timestamp_ms),
               static_cast<unsigned long long>(o.seed), path.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ingot::load::LoadOptions o;
  std::string endpoint = "multi", workload = "logs", rate, duration, warmup = "2s";
  std::string timeout = "30s", give_up = "30s", dump_path;
  bool json = false, no_progress = false;

  CLI::App app{
      "ingot-load: sends generated logs or metrics to an ingestion endpoint and reports "
      "throughput and latency percentiles (docs/load.md)"};
  app.add_option("--url", o.url, "Server base URL (http only)")->capture_default_str();
  app.add_option(
         "--endpoint", endpoint,
         "multi | json | bulk | hec | otlp-proto | otlp-json (OTLP/HTTP logs) | lp "
         "(InfluxDB line protocol to /write?db=<org>: cpu points, 2 tags and 3 fields, "
         "whatever --workload) | msgpack-columnar | msgpack-rows (Arc MessagePack, the "
         "same points) | prom-rw (Prometheus remote_write 1.0, snappy; best with "
         "--workload metrics) | loki (Loki push, JSON form, to /api/<org>/loki/api/v1/push: "
         "each record an entry's line)")
      ->capture_default_str();
  app.add_option("--org", o.org,
                 "Organization in the path (lp: the database; msgpack: x-arc-database)")
      ->capture_default_str();
  app.add_option(
         "--stream", o.stream,
         "Stream (the _index of bulk, the index of HEC events, the stream-name header of OTLP "
         "and Loki)")
      ->capture_default_str();
  app.add_option("--workload", workload, "logs | wide | narrow | metrics")->capture_default_str();
  app.add_option("--records-per-request", o.records_per_request, "Records in each request body")
      ->capture_default_str();
  app.add_option("--connections", o.connections, "Keep-alive connections")->capture_default_str();
  app.add_option("--threads", o.threads, "Client threads (each runs an event loop)")
      ->capture_default_str();
  app.add_option("--rate", rate,
                 "Open loop: records/s for the whole run (50000, 50k, 1.5M); absent: closed "
                 "loop, each connection sends as soon as it is answered");
  app.add_option("--duration", duration,
                 "Measured time after the warmup (default 30s; none when --requests or "
                 "--records is given without it)");
  app.add_option("--warmup", warmup, "Time at the start left out of the figures")
      ->capture_default_str();
  app.add_option("--requests", o.max_requests, "Stop after this many requests (warmup included)");
  app.add_option("--records", o.max_records,
                 "Stop after this many records (whole requests; warmup included)");
  app.add_flag("--gzip", o.gzip, "Send bodies with Content-Encoding: gzip");
  app.add_option("--gzip-level", o.gzip_level, "libdeflate level, 1-12")->capture_default_str();
  app.add_option("--header", o.headers, "Extra request header 'Name: value' (repeatable)")
      ->allow_extra_args(false);
  app.add_flag("--json", json,
               "Print the summary as one JSON object on stdout (the text summary goes to stderr)");
  app.add_option("--ack-file", o.ack_file,
                 "Give every record a unique \"load_id\" and append the ids of records "
                 "acknowledged 2xx to this file, one a line");
  app.add_option("--run-id", o.run_id, "Prefix of the load ids (default: 8 random hex digits)");
  app.add_option("--seed", o.seed, "Seed of the generated data")->capture_default_str();
  app.add_option("--bodies", o.bodies, "Distinct bodies built before the run, sent round-robin")
      ->capture_default_str();
  app.add_option("--start-timestamp-ms", o.start_timestamp_ms,
                 "Timestamp of the first generated record, ms since the epoch (default: now)");
  app.add_flag("--respect-retry-after,!--no-respect-retry-after", o.respect_retry_after,
               "After a 429/503, the connection waits Retry-After seconds (default on)");
  app.add_option("--timeout", timeout, "Connect timeout, and the longest wait for an answer")
      ->capture_default_str();
  app.add_option("--give-up-after", give_up,
                 "A connection that cannot reconnect for this long stops")
      ->capture_default_str();
  app.add_flag("--no-progress", no_progress, "No progress line on stderr");
  app.add_option("--dump-ndjson", dump_path,
                 "Send nothing: write the first --records records of the run (workload, seed, "
                 "start timestamp) to this file as NDJSON, the records its bodies hold");
  CLI11_PARSE(app, argc, argv);

  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "ingot-load: %s\n", message.c_str());
    return 2;
  };
  auto e = ingot::load::ParseEndpoint(endpoint);
  if (!e.ok()) return fail(e.status().message());
  o.endpoint = *e;
  auto w = ingot::load::ParseWorkload(workload);
  if (!w.ok()) return fail(w.status().message());
  o.workload = *w;
  if (!rate.empty() && !ParseRate(rate, o.rate)) return fail("--rate: bad number '" + rate + "'");
  if (!duration.empty()) {
    if (!ParseDuration(duration, o.duration)) return fail("--duration: bad duration");
  } else if (o.max_requests > 0 || o.max_records > 0) {
    o.duration = std::chrono::nanoseconds::zero();
  }
  if (!ParseDuration(warmup, o.warmup)) return fail("--warmup: bad duration");
  if (!ParseDuration(timeout, o.timeout)) return fail("--timeout: bad duration");
  if (!ParseDuration(give_up, o.give_up_after)) return fail("--give-up-after: bad duration");
  if (no_progress) o.progress_interval = std::chrono::nanoseconds::zero();

  if (!dump_path.empty()) return Dump(o, dump_path);

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto report = ingot::load::RunLoad(o, stderr, &g_interrupts);
  if (!report.ok()) {
    std::fprintf(stderr, "ingot-load: %s\n", report.status().message().c_str());
    return 1;
  }
  const std::string text = ingot::load::FormatText(*report);
  if (json) {
    std::fputs(text.c_str(), stderr);
    std::printf("%s\n", ingot::load::FormatJson(*report).c_str());
  } else {
    std::fputs(text.c_str(), stdout);
  }
  return report->stop_reason == "unreachable" ? 3 : 0;
}
