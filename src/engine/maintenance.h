// Maintenance: the one thread that runs a node's periodic tasks (sealing partitions by age,
// relieving memory pressure, checking free disk space, writing abort records, removing WAL
// segments already in Parquet; next: uploads, compaction, retention). Each task has its own
// period; they run one after the other on this thread, so a task must be short or hand its work
// to a stage of its own (sealing hands partitions to the persist threads).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ingot::engine {

class Maintenance {
 public:
  Maintenance() = default;
  // Stop()s.
  ~Maintenance();
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  // Runs `task` every `period` once started (the first time one period after Start). REQUIRES:
  // not started.
  void Add(std::string name, std::chrono::microseconds period, std::function<void()> task);
  void Start();
  // Waits for a task in progress to finish, then ends the thread. Idempotent.
  void Stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Task {
    std::string name;
    std::chrono::microseconds period;
    std::function<void()> run;
    Clock::time_point due;
  };
  void Run();

  std::vector<Task> tasks_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace ingot::engine
