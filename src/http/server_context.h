// ServerContext: what every connection of a server shares: options, routes, counters and the
// stop flag. Owned by the Server; outlives its I/O threads. Internal to src/http.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "http/router.h"
#include "http/server_options.h"
#include "http/stats.h"

namespace ingot::http::internal {

struct ServerContext {
  ServerContext(ServerOptions o, Router r) : options(std::move(o)), router(std::move(r)) {}

  const ServerOptions options;
  const Router router;
  ServerStats stats;

  std::atomic<bool> stopping{false};
  // Live connections (from accept until closed), counted against max_connections, and the
  // over-the-cap ones that are only being told 503.
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> rejecting{0};

  // Called by a connection when it closes; wakes Stop() once the last one is gone.
  void OnConnectionClosed(bool rejected) {
    if (rejected) {
      rejecting.fetch_sub(1, std::memory_order_relaxed);
    } else {
      connections.fetch_sub(1, std::memory_order_relaxed);
      stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
    }
    if (stopping.load(std::memory_order_acquire)) {
      std::lock_guard lock(drain_mu);
      drained.notify_all();
    }
  }
  bool idle() const {
    return connections.load(std::memory_order_relaxed) == 0 &&
           rejecting.load(std::memory_order_relaxed) == 0;
  }

  std::mutex drain_mu;
  std::condition_variable drained;
};

}  // namespace ingot::http::internal
