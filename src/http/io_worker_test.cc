// IoWorker's shutdown: CloseAll() must leave its io_context without work, whatever the sweep
// timer was doing, so that Join() returns.
#include "http/io_worker.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <thread>

namespace ingot::http::internal {
namespace {

using namespace std::chrono_literals;

// Joins `worker` on a thread of its own; false (after forcing the io_context to stop, so the test
// can end) when the join has not returned within `limit`.
bool JoinsWithin(IoWorker& worker, std::chrono::milliseconds limit) {
  auto joined = std::async(std::launch::async, [&worker] { worker.Join(); });
  if (joined.wait_for(limit) == std::future_status::ready) return true;
  worker.io_context().stop();
  joined.wait();
  return false;
}

TEST(IoWorkerTest, JoinReturnsAfterCloseAll) {
  IoWorker worker(0, 10ms);
  worker.StartThread();
  boost::asio::post(worker.io_context(), [&worker] { worker.CloseAll(); });
  EXPECT_TRUE(JoinsWithin(worker, 5s));
}

// The shutdown hang of the benchmark matrix (a SIGTERMed `ingot serve` that never exited): the
// sweep timer expired while CloseAll() waited in the queue behind other work, and the reactor
// moved its completion into the queue after CloseAll. cancel() then had nothing pending to
// cancel, the completion ran with success and re-armed the timer, and the io_context never ran
// out of work. Here the worker is kept busy past the timer's expiry with CloseAll queued behind
// it, which produces exactly that order.
TEST(IoWorkerTest, JoinReturnsWhenTheSweepExpiresWhileCloseAllWaits) {
  for (int round = 0; round < 5; ++round) {
    IoWorker worker(0, 50ms);  // the sweep is armed when the thread starts
    worker.StartThread();
    std::promise<void> entered;
    std::promise<void> release;
    boost::asio::post(worker.io_context(), [&entered, wait = release.get_future()] {
      entered.set_value();
      wait.wait();
      std::this_thread::sleep_for(100ms);  // past the sweep's expiry
    });
    entered.get_future().wait();
    boost::asio::post(worker.io_context(), [&worker] { worker.CloseAll(); });
    release.set_value();
    ASSERT_TRUE(JoinsWithin(worker, 5s)) << "round " << round;
  }
}

}  // namespace
}  // namespace ingot::http::internal
