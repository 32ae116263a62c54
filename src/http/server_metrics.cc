#include <string>

#include "http/server.h"

namespace ingot::http {

void Server::RenderMetrics(std::string& out) const {
  using prometheus::Help;
  using prometheus::Label;
  using prometheus::Sample;
  auto load = [](const auto& a) { return static_cast<double>(a.load(std::memory_order_relaxed)); };
  const auto& routes = router().routes();
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
    const auto n = stats().unrouted.responses_with_status(status);
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
           load(route->stats.wire_bytes));
  }
  Help(out, "ingot_http_connections_open", "gauge", "Open HTTP connections.");
  Sample(out, "ingot_http_connections_open", "", load(stats().connections_open));
  Help(out, "ingot_http_connections_rejected_total", "counter",
       "Connections answered 503 because of the connection cap.");
  Sample(out, "ingot_http_connections_rejected_total", "", load(stats().connections_rejected));
}

}  // namespace ingot::http
