#include "app/stop_signal.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace ingot::app {

void StopSignal::Run() {
  int number = 0;
  sigwait(&signals_, &number);
  {
    std::lock_guard lock(mu_);
    if (done_) return;
    signal_name_ = strsignal(number);
    deadline_ = std::chrono::steady_clock::now() + stop_timeout_;
    requested_ = true;
  }
  cv_.notify_all();
  // sigtimedwait also returns early with EINTR, without a signal of the set, when the process
  // is stopped and continued (SIGSTOP / SIGCONT, a debugger attaching): that is no timeout.
  const auto end = std::chrono::steady_clock::now() + stop_timeout_ + kStopGrace;
  int second = -1;
  for (auto left = end - std::chrono::steady_clock::now(); left.count() > 0;
       left = end - std::chrono::steady_clock::now()) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    const timespec timeout{static_cast<time_t>(ns / 1'000'000'000),
                           static_cast<long>(ns % 1'000'000'000)};
    second = sigtimedwait(&signals_, nullptr, &timeout);
    if (second > 0 || errno != EINTR) break;
  }
  {
    std::lock_guard lock(mu_);
    if (done_) return;
  }
  if (second > 0) {
    spdlog::critical("{} again: stopping now; records not yet in Parquet stay in the WAL",
                     strsignal(second));
  } else {
    spdlog::critical(
        "the stop did not finish within --stop-timeout + {}s: ending the process; records not "
        "yet in Parquet stay in the WAL",
        kStopGrace.count());
  }
  spdlog::default_logger()->flush();
  std::_Exit(1);
}

}  // namespace ingot::app
