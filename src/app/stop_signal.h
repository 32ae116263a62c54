// StopSignal: how `ingot serve` stops. SIGTERM and SIGINT are blocked in every thread and taken
// by one thread of this class, from the start (a stop during WAL replay counts too).
#pragma once

#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace ingot::app {

// Waits for SIGTERM or SIGINT on a thread of its own, from the start (a stop during WAL replay
// counts too). The first signal starts a stop that may take --stop-timeout; a second signal, or
// the end of the stop timeout plus kStopGrace, ends the process at once, whatever it is doing:
// a stop never hangs. Nothing acknowledged is lost by that -- it is in the WAL, replayed at the
// next start.
class StopSignal {
 public:
  // Beyond --stop-timeout, the time the last steps of a stop may take (closing the WAL, the
  // persist threads finishing the file they are writing) before the process is ended.
  static constexpr std::chrono::seconds kStopGrace{5};

  StopSignal(const sigset_t& signals, std::chrono::microseconds stop_timeout)
      : signals_(signals), stop_timeout_(stop_timeout), thread_([this] { Run(); }) {}
  ~StopSignal() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    // The thread is in sigwait or sigtimedwait: a signal only this process sees ends it.
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }

  // Set once a stop was asked for.
  const std::atomic<bool>& requested() const { return requested_; }
  // Blocks until a stop is asked for; returns the signal's name.
  std::string Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return requested_.load(); });
    return signal_name_;
  }
  // When a stop asked for now has to be done (the stop timeout from the signal).
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }

 private:
  void Run();

  const sigset_t signals_;
  const std::chrono::microseconds stop_timeout_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> requested_{false};
  bool done_ = false;                               // GUARDED_BY(mu_)
  std::string signal_name_;                         // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point deadline_;  // set before requested_
  std::thread thread_;
};

}  // namespace ingot::app
