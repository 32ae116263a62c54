// ServerOptions: where the HTTP server listens and the limits that keep one client from hurting
// the others. Every limit maps to a clear answer: 413 for sizes, 431 for headers, 503 +
// Retry-After over the connection cap, and a closed connection for a client that is too slow.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "common/memory_budget.h"

namespace ingot::http {

struct ServerOptions {
  // "host:port"; "[::1]:port" for IPv6. Port 0 picks an ephemeral port (Server::port() tells).
  std::string address = "127.0.0.1:5080";
  // I/O threads, each running its own io_context. 0 = std::thread::hardware_concurrency().
  unsigned io_threads = 0;

  // Request body as received (compressed if encoded). Checked against Content-Length before any
  // byte of the body is read, and while chunked bodies arrive.
  std::size_t max_body_bytes = 64 << 20;
  // Request body after gzip/zstd decoding. The decoder never allocates more than this.
  std::size_t max_decoded_bytes = 256 << 20;
  // Request line plus header fields.
  std::size_t max_header_bytes = 16 << 10;
  // Open connections. Past this the server still accepts, answers the first request 503 with
  // Retry-After and closes: a client learns to back off instead of timing out in the kernel's
  // accept queue. (A bounded number of such refusals are in flight at once; beyond that the
  // connection is closed at once.)
  std::size_t max_connections = 10000;
  int retry_after_seconds = 1;

  // From accept (or from the first byte of a keep-alive request) to the end of the header.
  std::chrono::milliseconds header_timeout{10'000};
  // From the end of the header to the end of the body: a 64 MiB body needs ~1.1 MB/s by default.
  std::chrono::milliseconds body_timeout{60'000};
  // A keep-alive connection waiting for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // Writing a response to a client that does not read.
  std::chrono::milliseconds write_timeout{30'000};
  // After an early answer (413, 415, ...) the server drains what the client still sends for at
  // most this long before closing, so the client reads the answer instead of a reset.
  std::chrono::milliseconds linger_timeout{2'000};
  // Stop(): how long in-flight requests get to finish before their connections are closed.
  std::chrono::milliseconds stop_timeout{10'000};

  // Body buffers above this size are freed after their request instead of kept for the next one.
  std::size_t retained_buffer_bytes = 8 << 20;
  // The server-wide memory budget that body buffers (received and decoded) are charged to, for as
  // long as they are allocated. A body the budget has no room for is answered 503 + Retry-After
  // before it is read. Null: not charged. Must outlive the server.
  MemoryBudget* memory_budget = nullptr;
};

}  // namespace ingot::http
