// Operational endpoints: GET /healthz (the process is up), GET /readyz (ready to ingest),
// GET|HEAD /ping (InfluxDB clients' probe: 204 with X-Influxdb-Version),
// GET /metrics (Prometheus text format, version 0.0.4).
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "common/prometheus_text.h"
#include "common/status.h"
#include "http/router.h"
#include "wal/wal_stats.h"

namespace ingot::api {

class AdminApi {
 public:
  // /readyz answers 503 while `wal` (borrowed; may be null) cannot write.
  explicit AdminApi(const wal::WalStats* wal) : wal_(wal) {}

  Status Register(http::Router& router);
  // Adds a stage's series to /metrics, rendered in the order added. Call before the server starts;
  // `section` must outlive the server.
  void AddSection(const MetricsSection* section) { sections_.push_back(section); }
  // /readyz answers 200 once set (WAL replayed) and while the WAL can write.
  void set_ready(bool ready) { ready_.store(ready); }
  bool ready() const;

  // The /metrics body: every section, in turn.
  std::string RenderMetrics() const;

 private:
  const wal::WalStats* const wal_;
  std::vector<const MetricsSection*> sections_;
  std::atomic<bool> ready_{false};
};

}  // namespace ingot::api
