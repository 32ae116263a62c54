// LoadReport: what one ingot-load run measured, and its two renderings (text for people, one JSON
// object for scripts). Every figure covers the measured window only (requests whose intended send
// time falls after the warmup), except the whole_run_* totals.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "tools/load/histogram.h"

namespace ingot::load {

struct LoadReport {
  // What ran.
  std::string url, endpoint, workload, run_id;
  std::uint32_t connections = 0, threads = 0, records_per_request = 0;
  double target_rate = 0;  // records/s; 0 = closed loop
  bool gzip = false;

  // Why it ended: "duration", "count", "interrupted", "unreachable".
  std::string stop_reason;
  double run_seconds = 0;       // the whole run, warmup included
  double measured_seconds = 0;  // from the end of the warmup to the last answer measured
  double client_cpu_seconds = 0;

  std::uint64_t requests = 0;      // requests sent (answered or not)
  std::uint64_t requests_ok = 0;   // answered 2xx
  std::uint64_t records_sent = 0;  // in the requests sent
  std::uint64_t records_ok = 0;    // in requests answered 2xx
  std::uint64_t wire_bytes = 0;    // bodies as sent (compressed when gzip)
  std::uint64_t raw_bytes = 0;     // bodies before compression
  std::uint64_t partial = 0;       // 2xx answers that reported rejected records
  std::uint64_t acked_ids = 0;     // ids written to the ack file (whole run)
  std::uint64_t ack_write_errors = 0;
  std::uint64_t missed = 0;               // open loop: sends due before the end that never went out
  std::map<int, std::uint64_t> statuses;  // answers by HTTP status
  std::map<int, std::string> first_error_body;  // the first body of each non-2xx status

  // The whole run, warmup included (what a server must have stored): requests completed
  // (answered or failed), records in requests answered 2xx, requests not answered 2xx.
  std::uint64_t whole_run_requests = 0;
  std::uint64_t whole_run_records_ok = 0;
  std::uint64_t whole_run_errors = 0;

  // Failures without an answer.
  std::uint64_t connect_errors = 0;  // failed connection attempts
  std::uint64_t io_errors = 0;       // a request whose connection broke before the answer
  std::uint64_t timeouts = 0;        // a request unanswered after --timeout
  std::uint64_t reconnects = 0;      // connections reopened after the server closed one
  std::uint32_t gave_up = 0;         // connections that stopped after --give-up-after

  // Open loop: from the intended send time (coordinated omission corrected). Closed loop: from
  // the send, the same as service_ns.
  LatencyHistogram latency_ns;
  // From the moment the request was written to the socket.
  LatencyHistogram service_ns;

  double records_per_second() const { return Per(records_ok); }
  double requests_per_second() const { return Per(requests); }
  double wire_mb_per_second() const { return Per(wire_bytes) / 1e6; }
  double raw_mb_per_second() const { return Per(raw_bytes) / 1e6; }
  // Requests not answered 2xx, plus failed connection attempts.
  std::uint64_t errors() const { return requests - requests_ok + connect_errors; }

 private:
  double Per(std::uint64_t n) const {
    return measured_seconds > 0 ? static_cast<double>(n) / measured_seconds : 0;
  }
};

// Multi-line summary for a terminal.
std::string FormatText(const LoadReport& r);
// One JSON object, keys documented in docs/load.md.
std::string FormatJson(const LoadReport& r);

}  // namespace ingot::load
