#include "api/admin_api.h"

#include "api/influx_http.h"
#include "http/response.h"

namespace ingot::api {

namespace {

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
  // InfluxDB clients and Telegraf check the server is up (and InfluxDB) with /ping.
  for (const char* method : {"GET", "HEAD"}) {
    INGOT_RETURN_IF_ERROR(router.Add(
        method, "/ping", [](http::ExchangePtr e) { e->Respond(InfluxPingResponse()); },
        RefuseBody));
  }
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
  return ready_.load() && (wal_ == nullptr || wal_->healthy.load(std::memory_order_relaxed));
}

std::string AdminApi::RenderMetrics() const {
  std::string out;
  out.reserve(8192);
  for (const MetricsSection* section : sections_) section->RenderMetrics(out);
  return out;
}

}  // namespace ingot::api
