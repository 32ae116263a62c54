// File descriptors for `ingot serve`: raise RLIMIT_NOFILE's soft limit to the hard one, and keep
// the HTTP connection cap within what is left once the rest of the server has its descriptors.
//
// Started with systemd's default soft limit of 1024 and the default --max-connections of 10,000,
// idle connections could take every descriptor, after which WAL segments and Parquet files failed
// to open (EMFILE): a client could stop the node from persisting by merely connecting.
#pragma once

#include <cstddef>
#include <cstdint>

#include "app/serve_config.h"

namespace ingot::app {

// Descriptors kept for everything but HTTP connections: kFdBaseReserve (standard streams, the
// log, the listening sockets, the data directory, WAL segments being written and read, the
// gRPC server and its clients), 64 for connections over the cap that are being told 503
// (http::Server keeps at most that many), 2 per I/O thread (its epoll and wake-up descriptors)
// and 4 per persist thread (a Parquet file and its directory, twice around a rename).
inline constexpr std::size_t kFdBaseReserve = 96;
std::size_t FdReserve(unsigned io_threads, unsigned persist_threads);

// The connection cap that fits `fd_limit` descriptors with `reserve` kept for the rest: the
// requested cap when it fits, else what is left, but never fewer than kMinConnections (a server
// that cannot take a connection is no use; the log then says the limit is too low).
inline constexpr std::size_t kMinConnections = 16;
std::size_t ConnectionsWithin(std::uint64_t fd_limit, std::size_t reserve, std::size_t requested);

// At the start of `ingot serve`, before anything opens files: raises the soft RLIMIT_NOFILE to
// the hard limit, logs both, and returns the connection cap to use (config.max_connections, or
// lower with a log line saying why). io/persist threads of 0 mean one per core, as in serve.cc.
std::size_t PlanFileDescriptors(const ServeConfig& config);

}  // namespace ingot::app
