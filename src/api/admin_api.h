// Operational endpoints: GET /healthz (the process is up), GET /readyz (ready to ingest),
// GET /metrics (Prometheus text format, version 0.0.4).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "api/ingest_flow.h"
#include "common/memory_budget.h"
#include "common/status.h"
#include "http/router.h"
#include "http/server.h"
#include "ingest/ingester.h"
#include "memtable/memtable.h"
#include "persist/persister.h"
#include "wal/wal_stats.h"

namespace ingot::api {

// Series for /metrics from a stage this folder does not depend on (the gRPC server).
class MetricsSection {
 public:
  virtual ~MetricsSection() = default;
  // Appends Prometheus text (HELP/TYPE lines and samples).
  virtual void RenderMetrics(std::string& out) const = 0;
};

// What /metrics reads. Pointers are borrowed; the server (set after it is built) may be null.
struct MetricsSources {
  const http::Server* server = nullptr;
  const ingest::Ingester* ingester = nullptr;
  const memtable::Memtable* memtable = nullptr;
  const persist::Persister* persister = nullptr;
  const wal::WalStats* wal = nullptr;
  const MemoryBudget* memory_budget = nullptr;
  const Rejections* rejections = nullptr;
  const IngestMetrics* ingest_metrics = nullptr;
  const std::atomic<bool>* disk_low = nullptr;
  std::vector<const MetricsSection*> sections;
};

class AdminApi {
 public:
  explicit AdminApi(MetricsSources sources) : sources_(sources) {}

  Status Register(http::Router& router);
  void set_server(const http::Server* server) { sources_.server = server; }
  void set_ingester(const ingest::Ingester* ingester) { sources_.ingester = ingester; }
  // Adds a section rendered after the others. Call before the server starts.
  void AddSection(const MetricsSection* section) { sources_.sections.push_back(section); }
  // /readyz answers 200 once set (WAL replayed) and while the WAL can write.
  void set_ready(bool ready) { ready_.store(ready); }
  bool ready() const;

  // The /metrics body.
  std::string RenderMetrics() const;

 private:
  MetricsSources sources_;
  std::atomic<bool> ready_{false};
};

}  // namespace ingot::api
