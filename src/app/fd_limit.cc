#include "app/fd_limit.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

namespace ingot::app {

namespace {

unsigned OrCores(unsigned threads) {
  return threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

std::size_t FdReserve(unsigned io_threads, unsigned persist_threads) {
  return kFdBaseReserve + 64 + 2 * std::size_t{io_threads} + 4 * std::size_t{persist_threads};
}

std::size_t ConnectionsWithin(std::uint64_t fd_limit, std::size_t reserve, std::size_t requested) {
  if (fd_limit == RLIM_INFINITY) return requested;
  const std::uint64_t left = fd_limit > reserve ? fd_limit - reserve : 0;
  if (left >= requested) return requested;
  return std::max<std::size_t>(std::min<std::size_t>(requested, kMinConnections),
                               static_cast<std::size_t>(left));
}

std::size_t PlanFileDescriptors(const ServeConfig& config) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("cannot read the file descriptor limit ({}); keeping --max-connections {}",
                 std::strerror(errno), config.max_connections);
    return config.max_connections;
  }
  const rlim_t soft_before = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    // An unlimited hard limit is refused (the kernel caps descriptors at fs.nr_open): keep the
    // soft one then.
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  auto text = [](rlim_t v) {
    return v == RLIM_INFINITY ? std::string("unlimited") : std::to_string(v);
  };
  const std::size_t reserve =
      FdReserve(OrCores(config.io_threads), OrCores(config.persist_threads));
  const std::size_t cap = ConnectionsWithin(limit.rlim_cur, reserve, config.max_connections);
  spdlog::info(
      "file descriptors: limit {} (soft was {}, hard {}); {} kept for files and threads, "
      "{} for HTTP connections",
      text(limit.rlim_cur), text(soft_before), text(limit.rlim_max), reserve, cap);
  if (cap < config.max_connections) {
    spdlog::warn(
        "--max-connections lowered from {} to {}: the file descriptor limit ({}) must "
        "leave {} descriptors for WAL segments, Parquet files, threads and gRPC; raise "
        "the limit (ulimit -n, systemd LimitNOFILE=) to allow more",
        config.max_connections, cap, text(limit.rlim_cur), reserve);
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < reserve + kMinConnections) {
    spdlog::warn(
        "the file descriptor limit ({}) is too low to run reliably; raise it to at least "
        "{}",
        text(limit.rlim_cur), reserve + kMinConnections);
  }
  return cap;
}

}  // namespace ingot::app
