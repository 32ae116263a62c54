#include "api/admin_api.h"

#include "api/prometheus_text.h"
#include "http/response.h"

namespace ingot::api {

namespace {

using prometheus::Help;
using prometheus::Label;
using prometheus::Sample;

template <typename T>
double Load(const std::atomic<T>& a) {
  return static_cast<double>(a.load(std::memory_order_relaxed));
}

// These endpoints take no body and no credentials: a client announcing a body is refused before
// the server reads it or reserves memory for it, or anyone could hold the memory budget with them.
std::optional<http::Response> RefuseBody(const http::Request& head) {
  const std::string_view length = head.header("Content-Length");
  if (head.header("Transfer-Encoding").empty() && (length.empty() || length == "0")) {
    return std::nullopt;
  }
  return http::ErrorResponse(413, "this endpoint takes no request body");
}

}  // namespace

Status AdminApi::Register(http::Router& router) {
  INGOT_RETURN_IF_ERROR(router.Add(
      "GET", "/healthz",
      [](http::ExchangePtr e) {
        http::Response r;
        r.body = R"({"status":"ok"})";
        e->Respond(std::move(r));
      },
      RefuseBody));
  INGOT_RETURN_IF_ERROR(router.Add(
      "GET", "/readyz",
      [this](http::ExchangePtr e) {
        if (!ready()) {
          http::Response r = http::ErrorResponse(
              503, ready_.load() ? "the write-ahead log cannot write: not accepting data"
                                 : "starting up: replaying the write-ahead log");
          r.headers.emplace_back("Retry-After", "1");
          e->Respond(std::move(r));
          return;
        }
        http::Response r;
        r.body = R"({"status":"ready"})";
        e->Respond(std::move(r));
      },
      RefuseBody));
  return router.Add(
      "GET", "/metrics",
      [this](http::ExchangePtr e) {
        http::Response r;
        r.content_type = "text/plain; version=0.0.4";
        r.body = RenderMetrics();
        e->Respond(std::move(r));
      },
      RefuseBody);
}

bool AdminApi::ready() const {
  return ready_.load() &&
         (sources_.wal == nullptr || sources_.wal->healthy.load(std::memory_order_relaxed));
}

std::string AdminApi::RenderMetrics() const {
  std::string out;
  out.reserve(8192);
  if (const http::Server* server = sources_.server) {
    const auto& routes = server->router().routes();
    Help(out, "ingot_http_requests_total", "counter", "HTTP requests by route and status.");
    for (const auto& route : routes) {
      const std::string labels =
          Label("method", route->method) + "," + Label("route", route->pattern);
      for (int status = 100; status < 600; ++status) {
        const auto n = route->stats.responses_with_status(status);
        if (n > 0)
          Sample(out, "ingot_http_requests_total",
                 labels + ",status=\"" + std::to_string(status) + "\"", static_cast<double>(n));
      }
    }
    for (int status = 100; status < 600; ++status) {
      const auto n = server->stats().unrouted.responses_with_status(status);
      if (n > 0)
        Sample(out, "ingot_http_requests_total",
               "method=\"\",route=\"\",status=\"" + std::to_string(status) + "\"",
               static_cast<double>(n));
    }
    Help(out, "ingot_http_request_body_bytes_total", "counter",
         "Request body bytes as received (before Content-Encoding is undone), by route.");
    for (const auto& route : routes) {
      Sample(out, "ingot_http_request_body_bytes_total",
             Label("method", route->method) + "," + Label("route", route->pattern),
             Load(route->stats.wire_bytes));
    }
    Help(out, "ingot_http_connections_open", "gauge", "Open HTTP connections.");
    Sample(out, "ingot_http_connections_open", "", Load(server->stats().connections_open));
    Help(out, "ingot_http_connections_rejected_total", "counter",
         "Connections answered 503 because of the connection cap.");
    Sample(out, "ingot_http_connections_rejected_total", "",
           Load(server->stats().connections_rejected));
  }
  if (sources_.ingest_metrics != nullptr) sources_.ingest_metrics->Render(out);
  if (const ingest::Ingester* ingester = sources_.ingester) {
    Help(out, "ingot_records_ingested_total", "counter", "Records acknowledged.");
    Sample(out, "ingot_records_ingested_total", "", Load(ingester->stats().records));
    Help(out, "ingot_records_rejected_total", "counter",
         "Records rejected one by one (e.g. _timestamp outside the accepted window).");
    Sample(out, "ingot_records_rejected_total", "", Load(ingester->stats().failed_records));
  }
  if (const memtable::Memtable* memtable = sources_.memtable) {
    Help(out, "ingot_memtable_bytes", "gauge", "Bytes held by records not yet sealed for Parquet.");
    Sample(out, "ingot_memtable_bytes", "", static_cast<double>(memtable->memory_bytes()));
    Help(out, "ingot_memtable_partitions", "gauge", "Open memtable partitions (stream and hour).");
    Sample(out, "ingot_memtable_partitions", "", static_cast<double>(memtable->partitions()));
  }
  if (const persist::Persister* persister = sources_.persister) {
    const auto& s = persister->stats();
    Help(out, "ingot_persist_backlog_partitions", "gauge",
         "Sealed partitions waiting for Parquet.");
    Sample(out, "ingot_persist_backlog_partitions", "", Load(s.queued_partitions));
    Help(out, "ingot_persist_backlog_bytes", "gauge",
         "Memory of sealed partitions waiting for Parquet.");
    Sample(out, "ingot_persist_backlog_bytes", "", Load(s.queued_bytes));
    Help(out, "ingot_parquet_files_total", "counter", "Parquet files written.");
    Sample(out, "ingot_parquet_files_total", "", Load(s.files));
    Help(out, "ingot_parquet_bytes_total", "counter", "Bytes of Parquet files written.");
    Sample(out, "ingot_parquet_bytes_total", "", Load(s.bytes));
    Help(out, "ingot_parquet_rows_total", "counter", "Rows written to Parquet files.");
    Sample(out, "ingot_parquet_rows_total", "", Load(s.rows));
    Help(out, "ingot_persist_failures_total", "counter",
         "Failed attempts to write a Parquet file (retried, or quarantined when retrying cannot "
         "help).");
    Sample(out, "ingot_persist_failures_total", "", Load(s.failures));
    Help(out, "ingot_persist_retrying_partitions", "gauge",
         "Sealed partitions waiting to retry their Parquet file (disk full, I/O error).");
    Sample(out, "ingot_persist_retrying_partitions", "", Load(s.retrying_partitions));
    const auto& q = persister->quarantine_stats();
    Help(out, "ingot_quarantined_batches_total", "counter",
         "Partitions that could never be written as Parquet, put in <data-dir>/quarantine.");
    Sample(out, "ingot_quarantined_batches_total", "", Load(q.batches));
    Help(out, "ingot_quarantined_rows_total", "counter", "Rows put in <data-dir>/quarantine.");
    Sample(out, "ingot_quarantined_rows_total", "", Load(q.rows));
  }
  if (const MemoryBudget* b = sources_.memory_budget) {
    Help(out, "ingot_memory_budget_bytes", "gauge", "The memory budget (--memory-limit).");
    Sample(out, "ingot_memory_budget_bytes", "", static_cast<double>(b->limit()));
    Help(out, "ingot_memory_used_bytes", "gauge",
         "Memory charged to the budget: request bodies, decoding, buffered records, files being "
         "written.");
    Sample(out, "ingot_memory_used_bytes", "", static_cast<double>(b->used()));
  }
  if (const Rejections* r = sources_.rejections) {
    Help(out, "ingot_rejected_requests_total", "counter",
         "Ingestion requests refused before their data was stored, by reason.");
    const std::uint64_t memory_http =
        sources_.server ? sources_.server->stats().memory_refusals.load() : 0;
    Sample(out, "ingot_rejected_requests_total", "reason=\"memory\"",
           Load(r->memory) + static_cast<double>(memory_http));
    Sample(out, "ingot_rejected_requests_total", "reason=\"disk\"", Load(r->disk));
    Sample(out, "ingot_rejected_requests_total", "reason=\"parse\"", Load(r->parse));
    Sample(out, "ingot_rejected_requests_total", "reason=\"size\"", Load(r->too_large));
    Sample(out, "ingot_rejected_requests_total", "reason=\"wal\"", Load(r->wal));
    Sample(out, "ingot_rejected_requests_total", "reason=\"starting\"", Load(r->starting));
    Sample(out, "ingot_rejected_requests_total", "reason=\"auth\"", Load(r->auth));
  }
  if (const std::atomic<bool>* low = sources_.disk_low) {
    Help(out, "ingot_disk_low", "gauge", "1 while free disk space is below --min-free-disk.");
    Sample(out, "ingot_disk_low", "", low->load() ? 1 : 0);
  }
  if (const wal::WalStats* w = sources_.wal) {
    Help(out, "ingot_wal_healthy", "gauge",
         "1 while the WAL can write; 0 after an I/O error (503s).");
    Sample(out, "ingot_wal_healthy", "", w->healthy.load() ? 1 : 0);
    Help(out, "ingot_wal_records_total", "counter", "Records written to the WAL.");
    Sample(out, "ingot_wal_records_total", "", Load(w->records));
    Help(out, "ingot_wal_bytes_total", "counter", "Bytes written to the WAL, framing included.");
    Sample(out, "ingot_wal_bytes_total", "", Load(w->bytes_written));
    Help(out, "ingot_wal_io_errors_total", "counter",
         "Failed WAL writes, fsyncs or segment creations.");
    Sample(out, "ingot_wal_io_errors_total", "", Load(w->io_errors));
    Help(out, "ingot_wal_segments", "gauge", "WAL segment files on disk.");
    Sample(out, "ingot_wal_segments", "", Load(w->segments_live));
    Help(out, "ingot_wal_fsync_seconds", "histogram", "fdatasync latency of WAL group commits.");
    prometheus::HistogramSamples(out, "ingot_wal_fsync_seconds", "", w->fsync_micros, 1e-6);
    Help(out, "ingot_wal_group_records", "histogram", "Records per WAL group commit.");
    prometheus::HistogramSamples(out, "ingot_wal_group_records", "", w->group_records, 1);
    Help(out, "ingot_wal_recovered_records_total", "counter", "WAL records read back at start.");
    Sample(out, "ingot_wal_recovered_records_total", "", Load(w->recovered_records));
    Help(out, "ingot_wal_corrupt_bytes_total", "counter",
         "WAL bytes dropped at start because they were damaged (each drop is also logged).");
    Sample(out, "ingot_wal_corrupt_bytes_total", "", Load(w->corrupt_bytes));
    Help(out, "ingot_wal_torn_tail_bytes_total", "counter",
         "Bytes of unfinished writes cut from the end of the WAL at start.");
    Sample(out, "ingot_wal_torn_tail_bytes_total", "", Load(w->torn_tail_bytes));
  }
  for (const MetricsSection* section : sources_.sections) section->RenderMetrics(out);
  return out;
}

}  // namespace ingot::api
