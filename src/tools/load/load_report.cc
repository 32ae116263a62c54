#include "tools/load/load_report.h"

#include <fmt/format.h>

#include <iterator>

#include "common/json_escape.h"

namespace ingot::load {

namespace {

double Ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

struct Quantile {
  const char* text;  // for people
  const char* key;   // for JSON
  double q;
};
constexpr Quantile kQuantiles[] = {{"p50", "p50", 0.50},
                                   {"p90", "p90", 0.90},
                                   {"p95", "p95", 0.95},
                                   {"p99", "p99", 0.99},
                                   {"p99.9", "p999", 0.999}};

std::string Grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void AppendLatencyLine(const char* label, const LatencyHistogram& h, const char* note,
                       std::string& out) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "  {:<10} ", label);
  if (h.count() == 0) {
    out += "no answers\n";
    return;
  }
  for (const Quantile& q : kQuantiles) {
    fmt::format_to(it, "{} {:.2f}  ", q.text, Ms(h.ValueAtQuantile(q.q)));
  }
  fmt::format_to(it, "max {:.2f}  mean {:.2f} ms  {}\n", Ms(h.max()), h.mean() / 1e6, note);
}

void AppendLatencyJson(const LatencyHistogram& h, std::string& out) {
  auto it = std::back_inserter(out);
  out += '{';
  for (const Quantile& q : kQuantiles) {
    fmt::format_to(it, "\"{}\":{:.3f},", q.key, Ms(h.ValueAtQuantile(q.q)));
  }
  fmt::format_to(it, "\"max\":{:.3f},\"min\":{:.3f},\"mean\":{:.3f},\"count\":{}}}", Ms(h.max()),
                 Ms(h.min()), h.mean() / 1e6, h.count());
}

}  // namespace

std::string FormatText(const LoadReport& r) {
  std::string out;
  auto it = std::back_inserter(out);
  const bool open = r.target_rate > 0;
  fmt::format_to(it, "ingot-load: {} {}, {} records/request, {} connection{}, {} thread{}, ",
                 r.endpoint, r.workload, r.records_per_request, r.connections,
                 r.connections == 1 ? "" : "s", r.threads, r.threads == 1 ? "" : "s");
  if (open) {
    fmt::format_to(it, "open loop at {:.0f} records/s", r.target_rate);
  } else {
    out += "closed loop";
  }
  fmt::format_to(it, "{}\n  run        {:.1f} s, measured {:.1f} s after the warmup; ended by {}\n",
                 r.gzip ? ", gzip" : "", r.run_seconds, r.measured_seconds, r.stop_reason);
  fmt::format_to(it, "  requests   {} sent, {} answered 2xx   {:.1f} requests/s\n",
                 Grouped(r.requests), Grouped(r.requests_ok), r.requests_per_second());
  fmt::format_to(it, "  records    {} acknowledged of {} sent   {:.0f} records/s\n",
                 Grouped(r.records_ok), Grouped(r.records_sent), r.records_per_second());
  fmt::format_to(it, "  bodies     {:.1f} MB/s as sent, {:.1f} MB/s uncompressed\n",
                 r.wire_mb_per_second(), r.raw_mb_per_second());
  AppendLatencyLine("latency", r.latency_ns,
                    open ? "(from the intended send time)" : "(from the send)", out);
  if (open) AppendLatencyLine("service", r.service_ns, "(from the send)", out);
  out += "  statuses  ";
  if (r.statuses.empty()) out += " none";
  for (const auto& [status, n] : r.statuses) fmt::format_to(it, " {}: {}", status, Grouped(n));
  out += '\n';
  fmt::format_to(it,
                 "  errors     {} connect, {} broken connection, {} timeout; {} 2xx reporting "
                 "rejected records; {} reconnects\n",
                 Grouped(r.connect_errors), Grouped(r.io_errors), Grouped(r.timeouts),
                 Grouped(r.partial), Grouped(r.reconnects));
  if (r.gave_up > 0) {
    fmt::format_to(it, "  gave up    {} connection(s) could not reconnect\n", r.gave_up);
  }
  if (open && r.missed > 0) {
    fmt::format_to(it, "  missed     {} requests due before the end were never sent (backlog)\n",
                   Grouped(r.missed));
  }
  for (const auto& [status, body] : r.first_error_body) {
    fmt::format_to(it, "  first {}:  {}\n", status, body.substr(0, 200));
  }
  if (r.acked_ids > 0 || r.ack_write_errors > 0) {
    fmt::format_to(
        it, "  ack file   {} ids of run {}{}\n", Grouped(r.acked_ids), r.run_id,
        r.ack_write_errors > 0 ? fmt::format(", {} WRITE ERRORS", r.ack_write_errors) : "");
  }
  const double cpu_share = r.run_seconds > 0 ? r.client_cpu_seconds / r.run_seconds : 0;
  fmt::format_to(it, "  client CPU {:.1f} s ({:.0f}% of one core)\n", r.client_cpu_seconds,
                 cpu_share * 100);
  return out;
}

std::string FormatJson(const LoadReport& r) {
  std::string out;
  auto it = std::back_inserter(out);
  auto str = [&](const char* key, const std::string& value) {
    fmt::format_to(it, "\"{}\":", key);
    AppendJsonString(value, out);
    out += ',';
  };
  out += '{';
  str("url", r.url);
  str("endpoint", r.endpoint);
  str("workload", r.workload);
  str("run_id", r.run_id);
  fmt::format_to(it,
                 "\"mode\":\"{}\",\"target_records_per_s\":{:.1f},\"records_per_request\":{},"
                 "\"connections\":{},\"threads\":{},\"gzip\":{},",
                 r.target_rate > 0 ? "open" : "closed", r.target_rate, r.records_per_request,
                 r.connections, r.threads, r.gzip);
  str("stop_reason", r.stop_reason);
  fmt::format_to(it,
                 "\"run_s\":{:.3f},\"measured_s\":{:.3f},\"requests\":{},\"requests_ok\":{},"
                 "\"requests_per_s\":{:.2f},\"records_sent\":{},\"records_ok\":{},"
                 "\"records_per_s\":{:.1f},\"bytes\":{{\"wire\":{},\"raw\":{}}},"
                 "\"mb_per_s\":{{\"wire\":{:.3f},\"raw\":{:.3f}}},",
                 r.run_seconds, r.measured_seconds, r.requests, r.requests_ok,
                 r.requests_per_second(), r.records_sent, r.records_ok, r.records_per_second(),
                 r.wire_bytes, r.raw_bytes, r.wire_mb_per_second(), r.raw_mb_per_second());
  out += "\"latency_ms\":";
  AppendLatencyJson(r.latency_ns, out);
  out += ",\"service_ms\":";
  AppendLatencyJson(r.service_ns, out);
  out += ",\"statuses\":{";
  bool first = true;
  for (const auto& [status, n] : r.statuses) {
    fmt::format_to(it, "{}\"{}\":{}", first ? "" : ",", status, n);
    first = false;
  }
  fmt::format_to(it,
                 "}},\"errors\":{{\"total\":{},\"connect\":{},\"io\":{},\"timeout\":{},"
                 "\"rejected_in_2xx\":{},\"ack_write\":{}}},\"reconnects\":{},\"gave_up\":{},"
                 "\"missed\":{},\"acked_ids\":{},\"client_cpu_s\":{:.3f},"
                 "\"whole_run\":{{\"requests\":{},\"records_ok\":{},\"errors\":{}}},"
                 "\"first_error_body\":{{",
                 r.errors(), r.connect_errors, r.io_errors, r.timeouts, r.partial,
                 r.ack_write_errors, r.reconnects, r.gave_up, r.missed, r.acked_ids,
                 r.client_cpu_seconds, r.whole_run_requests, r.whole_run_records_ok,
                 r.whole_run_errors);
  first = true;
  for (const auto& [status, body] : r.first_error_body) {
    fmt::format_to(it, "{}\"{}\":", first ? "" : ",", status);
    AppendJsonString(body, out);
    first = false;
  }
  out += "}}";
  return out;
}

}  // namespace ingot::load
