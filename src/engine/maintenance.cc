#include "engine/maintenance.h"

#include <pthread.h>

#include <algorithm>

namespace ingot::engine {

Maintenance::~Maintenance() { Stop(); }

void Maintenance::Add(std::string name, std::chrono::microseconds period,
                      std::function<void()> task) {
  tasks_.push_back({std::move(name), period, std::move(task), {}});
}

void Maintenance::Start() {
  const Clock::time_point now = Clock::now();
  for (Task& t : tasks_) t.due = now + t.period;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ingot-maint");
    Run();
  });
}

void Maintenance::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Maintenance::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto next = std::min_element(tasks_.begin(), tasks_.end(),
                                 [](const Task& a, const Task& b) { return a.due < b.due; });
    if (next == tasks_.end()) {
      cv_.wait(lock, [this] { return stopping_; });
      return;
    }
    if (cv_.wait_until(lock, next->due, [this] { return stopping_; })) return;
    lock.unlock();
    next->run();
    // From now, not from when it was due: a slow task is not run again at once to catch up.
    next->due = Clock::now() + next->period;
    lock.lock();
  }
}

}  // namespace ingot::engine
