#include "http/server.h"

#include <pthread.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cassert>
#include <charconv>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "http/connection.h"
#include "http/io_worker.h"
#include "http/server_context.h"

namespace ingot::http {
namespace internal {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

// Connections past max_connections that may be in the middle of being told 503 at once; beyond
// this they are closed right after accept. Each lives at most header + linger timeout.
constexpr std::size_t kMaxRejecting = 64;

// The sweep runs often enough to enforce the shortest timeout within a quarter of it.
std::chrono::milliseconds SweepPeriod(const ServerOptions& o) {
  const auto shortest = std::min(
      {o.header_timeout, o.body_timeout, o.idle_timeout, o.write_timeout, o.linger_timeout});
  return std::clamp(shortest / 4, std::chrono::milliseconds(1), std::chrono::milliseconds(250));
}

Result<tcp::endpoint> ResolveAddress(const std::string& address) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidInput("listen address must be host:port, got \"" + address + "\"");
  }
  std::string host = address.substr(0, colon);
  const std::string port_text = address.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return Status::InvalidInput("bad port in listen address \"" + address + "\"");
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  error_code err;
  const auto ip = asio::ip::make_address(host, err);
  if (!err) return tcp::endpoint(ip, static_cast<unsigned short>(port));
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(host, port_text, err);
  if (err || results.empty()) {
    return Status::IoError("cannot resolve \"" + host + "\": " + err.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

class ServerCore {
 public:
  ServerCore(ServerOptions options, Router router) : ctx_(std::move(options), std::move(router)) {}

  ~ServerCore() { Stop(); }

  Status Start() {
    std::lock_guard lock(lifecycle_mu_);
    if (started_) return Status::Internal("server already started");
    Result<tcp::endpoint> endpoint = ResolveAddress(ctx_.options.address);
    if (!endpoint.ok()) return endpoint.status();

    unsigned threads = ctx_.options.io_threads;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    const auto sweep = SweepPeriod(ctx_.options);
    for (unsigned i = 0; i < threads; ++i) {
      workers_.push_back(std::make_unique<IoWorker>(i, sweep));
    }
    acceptor_.emplace(accept_ioc_);
    accept_retry_.emplace(accept_ioc_);
    error_code ec;
    acceptor_->open(endpoint->protocol(), ec);
    if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_->bind(*endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      acceptor_.reset();
      accept_retry_.reset();
      workers_.clear();
      return Status::IoError("cannot listen on " + ctx_.options.address + ": " + ec.message());
    }
    port_ = acceptor_->local_endpoint().port();
    started_ = true;
    for (auto& w : workers_) w->StartThread();
    Accept();
    accept_thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "ingot-accept");
      accept_ioc_.run();
    });
    return Status::Ok();
  }

  void Stop() {
    std::lock_guard lock(lifecycle_mu_);
    if (!started_ || stopped_) return;
    assert(IoWorker::Current() == nullptr && "Stop() from an I/O thread would join itself");
    const auto deadline = std::chrono::steady_clock::now() + ctx_.options.stop_timeout;
    ctx_.stopping.store(true, std::memory_order_release);
    // Closing the acceptor ends the accept thread's only work, so joining it means no
    // connection is accepted from here on.
    asio::post(accept_ioc_, [this] {
      error_code ignored;
      acceptor_->close(ignored);
      accept_retry_->cancel();
    });
    accept_thread_.join();
    for (auto& w : workers_) {
      asio::post(w->io_context(),
                 [w = w.get()] { w->ForEachConnection([](Connection& c) { c.BeginStop(); }); });
    }
    {
      std::unique_lock drain_lock(ctx_.drain_mu);
      ctx_.drained.wait_until(drain_lock, deadline, [this] { return ctx_.idle(); });
    }
    for (auto& w : workers_) {
      asio::post(w->io_context(), [w = w.get()] { w->CloseAll(); });
    }
    for (auto& w : workers_) w->Join();
    stopped_ = true;
  }

  std::uint16_t port() const { return port_; }
  const ServerContext& context() const { return ctx_; }

 private:
  // Places the next connection on the worker with the fewest, so a burst of reconnects does not
  // pile onto one thread the way round-robin can after connections of uneven length.
  IoWorker& PickWorker() {
    IoWorker* best = workers_[0].get();
    for (auto& w : workers_) {
      if (w->load.load(std::memory_order_relaxed) < best->load.load(std::memory_order_relaxed)) {
        best = w.get();
      }
    }
    return *best;
  }

  void Accept() {
    IoWorker& target = PickWorker();
    acceptor_->async_accept(target.io_context(), [this, &target](error_code ec, tcp::socket s) {
      OnAccept(ec, std::move(s), target);
    });
  }

  void OnAccept(error_code ec, tcp::socket socket, IoWorker& target) {
    if (ec == asio::error::operation_aborted || ctx_.stopping.load(std::memory_order_acquire)) {
      return;
    }
    if (ec) {
      // EMFILE and friends: back off instead of spinning on a listen socket that stays ready.
      accept_retry_->expires_after(std::chrono::milliseconds(50));
      accept_retry_->async_wait([this](error_code wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    bool rejected = false;
    if (ctx_.connections.load(std::memory_order_relaxed) >= ctx_.options.max_connections) {
      ctx_.stats.connections_rejected.fetch_add(1, std::memory_order_relaxed);
      if (ctx_.rejecting.load(std::memory_order_relaxed) >= kMaxRejecting) {
        socket.close(ignored);
        Accept();
        return;
      }
      rejected = true;
      ctx_.rejecting.fetch_add(1, std::memory_order_relaxed);
    } else {
      ctx_.connections.fetch_add(1, std::memory_order_relaxed);
      ctx_.stats.connections_open.fetch_add(1, std::memory_order_relaxed);
      ctx_.stats.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    }
    target.load.fetch_add(1, std::memory_order_relaxed);
    auto conn = std::make_shared<Connection>(ctx_, target, std::move(socket), rejected);
    asio::post(target.io_context(), [conn = std::move(conn)] { conn->Start(); });
    Accept();
  }

  ServerContext ctx_;
  std::mutex lifecycle_mu_;
  bool started_ = false;
  bool stopped_ = false;
  std::uint16_t port_ = 0;
  std::vector<std::unique_ptr<IoWorker>> workers_;
  // Accepting has a thread of its own so that a worker busy decoding a large body does not delay
  // new connections (which would then also miss their header timeout through no fault of theirs).
  asio::io_context accept_ioc_{1};
  std::optional<tcp::acceptor> acceptor_;
  std::optional<asio::steady_timer> accept_retry_;
  std::thread accept_thread_;
};

}  // namespace internal

Server::Server(ServerOptions options, Router router)
    : core_(std::make_unique<internal::ServerCore>(std::move(options), std::move(router))) {}

Server::~Server() = default;

Status Server::Start() { return core_->Start(); }
std::uint16_t Server::port() const { return core_->port(); }
void Server::Stop() { core_->Stop(); }
const ServerStats& Server::stats() const { return core_->context().stats; }
const Router& Server::router() const { return core_->context().router; }

}  // namespace ingot::http
