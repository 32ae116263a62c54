// Counters the server keeps for the app's /metrics: per route and for the server as a whole.
//
// Plain relaxed atomics: the app reads them whenever it likes and gets values that are each exact
// but not a consistent snapshot, which is what Prometheus counters need. Each RouteStats sits on
// its own cache lines so two hot routes do not false-share.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace ingot::http {

struct alignas(64) RouteStats {
  std::atomic<std::uint64_t> requests{0};        // requests routed here (counted before the body)
  std::atomic<std::uint64_t> wire_bytes{0};      // request bodies as received (compressed)
  std::atomic<std::uint64_t> decoded_bytes{0};   // request bodies after Content-Encoding
  std::atomic<std::uint64_t> response_bytes{0};  // response bodies written
  // Responses by exact status code, 100..599. Exact codes matter here: 413 and 503 mean very
  // different things to an operator, and both are produced by the server, unseen by handlers.
  std::array<std::atomic<std::uint64_t>, 500> responses{};

  std::uint64_t responses_with_status(int status) const {
    return status >= 100 && status < 600
               ? responses[static_cast<std::size_t>(status - 100)].load(std::memory_order_relaxed)
               : 0;
  }
  void CountResponse(int status, std::size_t body_bytes) {
    if (status >= 100 && status < 600) {
      responses[static_cast<std::size_t>(status - 100)].fetch_add(1, std::memory_order_relaxed);
    }
    response_bytes.fetch_add(body_bytes, std::memory_order_relaxed);
  }
};

struct ServerStats {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_rejected{0};   // over max_connections: got a 503
  std::atomic<std::uint64_t> connections_timed_out{0};  // closed by a header/body/write timeout
  std::atomic<std::int64_t> connections_open{0};        // gauge
  std::atomic<std::uint64_t> memory_refusals{0};        // bodies refused by the memory budget
  // Requests that failed before a route was chosen: malformed, 404, 405, over the connection cap.
  RouteStats unrouted;
};

}  // namespace ingot::http
