// The client side of ingot-load: ClientThread runs one io_context on one thread; each of its
// Connections is a keep-alive HTTP/1.1 connection with at most one request in flight (no
// pipelining, like the shippers it stands in for). Internal to the load tool; RunLoad
// (load_run.h) creates and joins them.
//
// A connection's life: connect -> [wait for the send time] -> write the pre-built head and body
// while reading the answer -> account -> next request. Failures (refused, reset, timeout) are
// counted and the connection reconnects, backing off from 50 ms to 1 s; after give_up_after
// without a connection it stops. Nothing on that loop allocates once the buffers have grown:
// bodies are pre-built, the response parser lives in place, Asio recycles handler memory.
//
// Clocks: `intended` is when the schedule wanted the request sent (open loop: start + k/rate;
// closed loop: when it was sent). Latency is measured from `intended`, so a request that waits
// because the server is slow to answer its predecessor still counts the wait (coordinated
// omission). The service time is measured from the write.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/handler_memory.h"
#include "tools/load/body_pool.h"
#include "tools/load/load_options.h"
#include "tools/load/load_report.h"
#include "tools/load/response_parser.h"

namespace ingot::load::internal {

using Clock = std::chrono::steady_clock;
// Room for one operation (common/handler_memory.h), Beast's composed read and write included.
using OpMemory = HandlerMemory<1024>;

// State every client thread reads; the atomics are the only parts written during the run.
struct RunState {
  RunState(const LoadOptions& o, BodyPool& p) : options(o), pool(p) {}

  const LoadOptions& options;
  BodyPool& pool;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  Clock::time_point start, warmup_end;
  Clock::time_point deadline = Clock::time_point::max();  // no time bound: max()
  std::atomic<bool> stop{false};   // send nothing new; finish what is in flight
  std::atomic<bool> abort{false};  // close everything now
  std::atomic<std::int64_t> remaining_requests{INT64_MAX};
  std::atomic<std::uint64_t> next_request{0};  // request sequence: ids are seq * records + i
  int ack_fd = -1;
};

// Updated by a client thread as answers arrive, read by the progress line.
struct alignas(64) LiveCounters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> records_ok{0};
  std::atomic<std::uint64_t> errors{0};
};

// True when a 2xx answer of `endpoint` says records were rejected ("failed":N>0 in _json/_multi,
// "errors":true in _bulk, a non-zero HEC code). Only the first bytes of the body are looked at.
bool ReportsRejectedRecords(Endpoint endpoint, std::string_view body);

class ClientThread;

class Connection {
 public:
  Connection(ClientThread& thread, std::vector<Body*> bodies, std::size_t first_body);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start();
  // On the thread's sweep (every 50 ms): wakes a waiting connection when the run stops, and
  // closes one whose connect or request has taken longer than the timeout.
  void Sweep(Clock::time_point now, bool stop, bool abort);
  bool done() const { return state_ == State::kDone; }

 private:
  enum class State : std::uint8_t { kConnecting, kWaiting, kInFlight, kDone };
  enum class AfterWait : std::uint8_t { kNext, kSend, kConnect };

  void Connect();
  void OnConnect(const boost::system::error_code& ec);
  void Next();
  void Send();
  void OnWriteOrRead();
  void Complete();
  void WriteAcks();
  void Wait(Clock::time_point until, AfterWait then);
  void CloseSocket();
  void Finish();

  ClientThread& thread_;
  RunState& run_;
  // One slot per kind of operation that can be outstanding at the same time; declared before the
  // socket and timer so that they outlive them.
  OpMemory write_memory_, read_memory_, wait_memory_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer read_buffer_;
  std::optional<ResponseParser> parser_;
  std::vector<Body*> bodies_;
  std::size_t next_body_;
  State state_ = State::kConnecting;
  AfterWait after_wait_ = AfterWait::kNext;

  // The request in flight.
  Body* body_ = nullptr;
  std::uint64_t first_id_ = 0;
  std::size_t wire_size_ = 0;
  Clock::time_point intended_, sent_;
  int pending_ = 0;  // the write and the read
  boost::system::error_code write_error_, read_error_;
  bool timed_out_ = false;
  std::array<boost::asio::const_buffer, 2> buffers_;

  Clock::time_point connect_started_;
  Clock::time_point unreachable_since_;  // first failed attempt of the current outage; {} if none
  Clock::duration backoff_;
  Clock::time_point retry_until_;  // Retry-After: no request before this
  bool gave_up_ = false;

  std::string send_head_, send_body_;  // per-request compression only
  std::string ack_text_;
};

class ClientThread {
 public:
  // `requests_per_second` is this thread's share of the open-loop rate (0 = closed loop); its
  // first send is due at run.start + phase.
  ClientThread(RunState& run, double requests_per_second, Clock::duration phase);
  ~ClientThread();

  void AddConnection(std::vector<Body*> bodies, std::size_t first_body);
  // Runs the connections until every one has finished. Call once, on the thread it is for.
  void Run();

  RunState& run() { return run_; }
  boost::asio::io_context& io() { return io_; }
  LoadReport& stats() { return stats_; }
  LiveCounters& live() { return live_; }
  GzipCompressor& gzip();
  bool open_loop() const { return interval_ns_ > 0; }
  Clock::time_point last_answer() const { return last_answer_; }
  void set_last_answer(Clock::time_point t) { last_answer_ = t; }
  std::uint32_t gave_up() const { return gave_up_; }
  void CountGaveUp() { ++gave_up_; }

  // Open loop: the intended time of the next send.
  Clock::time_point NextSlot();
  // Takes one request from the run's count bound; false when it is used up.
  bool TakeRequest();
  void OnConnectionDone();

 private:
  void ArmSweep();

  RunState& run_;
  boost::asio::io_context io_{1};
  OpMemory sweep_memory_;
  boost::asio::steady_timer sweep_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::size_t active_ = 0;
  double interval_ns_ = 0;
  Clock::time_point first_slot_;
  std::uint64_t slot_ = 0;
  std::unique_ptr<GzipCompressor> gzip_;
  LoadReport stats_;
  LiveCounters live_;
  Clock::time_point last_answer_;
  std::uint32_t gave_up_ = 0;
};

}  // namespace ingot::load::internal
