// IoWorker: one I/O thread and its io_context, the connections living on it, and what those
// connections share because they never run concurrently: the content decoder, the cached Date
// header, and the timeout sweep. Internal to src/http.
//
// An io_context per thread rather than one shared by all threads: measured with http_bench, the
// shared one (even without the strands it would need) served 1.2-5x fewer keep-alive requests/s,
// because Asio hands most completions across threads through one queue (README.md, "Threading").
//
// Timeouts are a periodic sweep over the worker's connections comparing a plain deadline field,
// not a timer per connection: re-arming an Asio timer costs a timer-queue update and a cancelled
// handler per phase, four times per request, while moving a deadline is a store.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "http/content_decoder.h"

namespace ingot::http::internal {

class Connection;

// Lets any thread post to a worker for as long as its io_context exists, and turns posts into
// no-ops afterwards. Connections (and so exchanges a handler still holds) may outlive the server.
class PostGate {
 public:
  explicit PostGate(boost::asio::io_context& ioc) : ioc_(&ioc) {}
  template <typename Handler>
  void Post(Handler&& h) {
    std::lock_guard lock(mu_);
    if (ioc_ != nullptr) boost::asio::post(*ioc_, std::forward<Handler>(h));
  }
  void Close() {
    std::lock_guard lock(mu_);
    ioc_ = nullptr;
  }

 private:
  std::mutex mu_;
  boost::asio::io_context* ioc_;
};

class IoWorker {
 public:
  IoWorker(unsigned index, std::chrono::milliseconds sweep_period);
  ~IoWorker();
  IoWorker(const IoWorker&) = delete;
  IoWorker& operator=(const IoWorker&) = delete;

  boost::asio::io_context& io_context() { return ioc_; }
  const std::shared_ptr<PostGate>& gate() const { return gate_; }
  // The worker whose thread is calling, or nullptr on any other thread.
  static IoWorker* Current();

  void StartThread();
  // Lets run() return once every connection is closed and joins the thread. REQUIRES: called on
  // a thread other than this worker's, after CloseAll() was posted.
  void Join();

  // Connections assigned to this worker, for placing new ones on the least loaded worker.
  std::atomic<std::size_t> load{0};

  // The rest is for this worker's thread only.
  void Register(Connection* c);
  void Unregister(Connection* c);
  // Calls f(Connection&) for every registered connection; f may close (unregister) it.
  template <typename F>
  void ForEachConnection(F&& f) {
    // Backwards, because Unregister moves the last element into the freed slot, which has then
    // already been visited.
    for (std::size_t i = connections_.size(); i-- > 0;) {
      if (i < connections_.size()) f(*connections_[i]);
    }
  }
  // Closes every connection and stops the sweep for good (also a sweep whose expiry is already
  // queued), so run() can return.
  void CloseAll();
  ContentDecoder& decoder() { return decoder_; }
  // The current time as an IMF-fixdate, reformatted at most once a second.
  std::string_view HttpDate();

 private:
  void ScheduleSweep();

  // Declared first so it is destroyed last: everything below may hold Asio objects bound to it.
  boost::asio::io_context ioc_{1};  // concurrency hint 1: one thread runs it
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::shared_ptr<PostGate> gate_;
  const unsigned index_;
  const std::chrono::milliseconds sweep_period_;
  boost::asio::steady_timer sweep_timer_;
  bool closed_ = false;  // CloseAll() ran: the sweep is not re-armed
  std::thread thread_;
  std::vector<Connection*> connections_;
  ContentDecoder decoder_;
  std::time_t date_second_ = 0;
  char date_[29] = {};
};

}  // namespace ingot::http::internal
