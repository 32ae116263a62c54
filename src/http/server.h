// Server: the HTTP/1.1 (and 1.0) front door. It reads requests, undoes their Content-Encoding,
// routes them, and hands each to its handler as an Exchange; it knows nothing of JSON or Parquet.
//
// Threading: io_threads threads, each running its own io_context; a connection lives on one of
// them for its whole life (see README.md for why this beats one shared io_context). Handlers run
// on the connection's thread and may respond from any thread.
//
// Lifetime: Start() once, Stop() once (or let the destructor do it). The Router is moved in and is
// immutable while the server runs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/prometheus_text.h"
#include "common/status.h"
#include "http/router.h"
#include "http/server_options.h"
#include "http/stats.h"

namespace ingot::http {

namespace internal {
class ServerCore;
}

class Server final : public MetricsSection {
 public:
  Server(ServerOptions options, Router router);
  // Calls Stop().
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens, then starts the I/O threads. Errors: kInvalidInput for a malformed
  // address, kIoError when it cannot be resolved or bound.
  Status Start();

  // The bound port (the ephemeral one when options.address asked for port 0). Valid after Start.
  std::uint16_t port() const;

  // Graceful stop: stops accepting, closes idle keep-alive connections, lets requests already
  // being read or handled finish and be answered (with Connection: close) for up to
  // options.stop_timeout, then closes whatever is left and joins the I/O threads. Responses that
  // arrive later are dropped. Idempotent; a second concurrent call waits for the first.
  // Call it from any thread except an I/O thread (a handler) -- e.g. the thread that waits for
  // SIGTERM. It takes locks, so it is not async-signal-safe: do not call it from a signal handler
  // itself.
  void Stop();

  const ServerStats& stats() const;
  const Router& router() const;
  // /metrics: requests by route and status, body bytes by route, connections
  // (server_metrics.cc).
  void RenderMetrics(std::string& out) const override;

 private:
  std::unique_ptr<internal::ServerCore> core_;
};

}  // namespace ingot::http
