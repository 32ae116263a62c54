// The HTTP ingestion endpoints (DESIGN.md "HTTP ingestion endpoints"): each handler decodes the
// body on the I/O thread that read it, commits the result through the Ingester, and answers in the
// protocol's own response shape once the commit reports back.
//
//   POST /api/{org}/{stream}/_json       JSON array of objects (or one object)
//   POST /api/{org}/{stream}/_multi      NDJSON
//   POST /api/{org}/_bulk                Elasticsearch bulk   (+ GET /api/{org}/ info document)
//   POST /api/{org}/_hec                 Splunk HEC
//   POST /services/collector[/event]     Splunk HEC, org "default"
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "http/router.h"
#include "ingest/ingester.h"
#include "model/batch_builder.h"

namespace ingot::api {

struct IngestApiOptions {
  std::uint32_t max_depth = 3;       // flattening depth, 0 = unlimited
  std::uint32_t max_columns = 1000;  // per stream and batch
  // Accepted `_timestamp` window around the time of the request; 0 = unlimited.
  std::int64_t max_past_us = 0;
  std::int64_t max_future_us = 0;
  std::string hec_default_stream = "default";
};

class IngestApi {
 public:
  explicit IngestApi(const IngestApiOptions& options);

  // Adds the ingestion routes to `router`.
  Status Register(http::Router& router);

  // Ingestion endpoints answer 503 + Retry-After until an ingester is set (while the server
  // replays its write-ahead log at start).
  void set_ingester(ingest::Ingester* ingester) { ingester_.store(ingester); }

  // Normalization options for a request arriving now.
  model::BuilderOptions BuilderOptionsNow() const;

 private:
  void HandleJson(const http::ExchangePtr& exchange, bool ndjson);
  void HandleBulk(const http::ExchangePtr& exchange);
  void HandleHec(const http::ExchangePtr& exchange, std::string_view org);
  static void HandleElasticInfo(const http::ExchangePtr& exchange);
  // The ingester, or null after answering 503 because there is none yet.
  ingest::Ingester* IngesterOr503(const http::ExchangePtr& exchange) const;

  const IngestApiOptions options_;
  std::atomic<ingest::Ingester*> ingester_{nullptr};
};

}  // namespace ingot::api
