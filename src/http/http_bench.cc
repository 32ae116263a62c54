// Requests per second through the real server over keep-alive loopback connections, one request in
// flight per connection (what a shipper does), with N client threads each owning one connection.
// The baseline later stages compare against: the server's own cost per request, before any
// decoding or WAL work.
//
//   build-http/src/http/http_bench --benchmark_min_time=2
//
// allocs/req counts every heap allocation in the process (the raw-socket clients make none), so it
// is the server's allocations per request.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <new>
#include <string>
#include <thread>

#include "http/server.h"
#include "http/test_compression.h"

namespace {

std::atomic<std::uint64_t> g_allocations{0};

}  // namespace

// GCC pairs the malloc inside operator new with the free inside operator delete and warns about a
// mismatch that is not one: both are replaced here, together.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace ingot::http {
namespace {

// Answers from its own thread, like the WAL's group commit will.
class Responder {
 public:
  Responder() : thread_([this] { Run(); }) {}
  ~Responder() {
    {
      std::lock_guard l(mu_);
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void Push(ExchangePtr ex) {
    {
      std::lock_guard l(mu_);
      queue_.push_back(std::move(ex));
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    std::unique_lock l(mu_);
    for (;;) {
      cv_.wait(l, [&] { return done_ || !queue_.empty(); });
      if (queue_.empty()) return;
      ExchangePtr ex = std::move(queue_.front());
      queue_.pop_front();
      l.unlock();
      Response r;
      r.body = R"({"code":200})";
      ex->Respond(std::move(r));
      ex.reset();
      l.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ExchangePtr> queue_;
  bool done_ = false;
  std::thread thread_;
};

Server& BenchServer() {
  static Responder* responder = new Responder();
  static Server* server = [] {
    Router router;
    Status s = router.Add("GET", "/ping", [](ExchangePtr ex) {
      Response r;
      r.content_type = "text/plain";
      r.body = "ok";
      ex->Respond(std::move(r));
    });
    if (s.ok()) {
      s = router.Add("POST", "/api/{org}/{stream}/_json", [](ExchangePtr ex) {
        Response r;
        r.body = ex->request().body.size() > 0 ? R"({"code":200})" : R"({"code":400})";
        ex->Respond(std::move(r));
      });
    }
    if (s.ok()) {
      s = router.Add("POST", "/async", [](ExchangePtr ex) { responder->Push(std::move(ex)); });
    }
    ServerOptions options;
    options.address = "127.0.0.1:0";
    auto* srv = new Server(options, std::move(router));
    if (!s.ok() || !srv->Start().ok()) std::abort();
    return srv;
  }();
  return *server;
}

class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) std::abort();
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~Client() { ::close(fd_); }

  // Sends `request` and reads one response; returns it (header and body). The first call learns
  // the response length; later calls read exactly that many bytes (the answers do not change
  // length, apart from the Date header, which has a fixed width).
  std::string_view RoundTrip(std::string_view request) {
    for (std::size_t sent = 0; sent < request.size();) {
      const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) std::abort();
      sent += static_cast<std::size_t>(n);
    }
    std::size_t got = 0;
    for (;;) {
      const ssize_t n = ::recv(fd_, buf_ + got, sizeof(buf_) - got, 0);
      if (n <= 0) std::abort();
      got += static_cast<std::size_t>(n);
      if (response_size_ != 0) {
        if (got >= response_size_) break;
        continue;
      }
      const std::string_view seen(buf_, got);
      const std::size_t end = seen.find("\r\n\r\n");
      if (end == std::string_view::npos) continue;
      const std::size_t cl = seen.find("Content-Length: ");
      const std::size_t body = std::strtoul(buf_ + cl + 16, nullptr, 10);
      if (got >= end + 4 + body) {
        response_size_ = end + 4 + body;
        break;
      }
    }
    return {buf_, response_size_};
  }

 private:
  int fd_;
  char buf_[16384];
  std::size_t response_size_ = 0;
};

void RunClient(benchmark::State& state, const std::string& request, std::string_view want_body) {
  Client client(BenchServer().port());
  const std::string_view first = client.RoundTrip(request);
  if (first.substr(0, 12) != "HTTP/1.1 200" ||
      first.substr(first.size() - want_body.size()) != want_body) {
    state.SkipWithError("unexpected response");
    return;
  }
  const std::uint64_t allocs_before = g_allocations.load();
  for (auto _ : state) benchmark::DoNotOptimize(client.RoundTrip(request));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(request.size()));
  if (state.thread_index() == 0) {
    state.counters["allocs/req"] =
        benchmark::Counter(static_cast<double>(g_allocations.load() - allocs_before) /
                           static_cast<double>(state.iterations() * state.threads()));
  }
}

std::string JsonRequest(std::size_t body_bytes) {
  std::string body = "[";
  while (body.size() < body_bytes) {
    body += R"({"level":"info","msg":"GET /api/users 200","latency_ms":12},)";
  }
  body.back() = ']';
  return "POST /api/default/app/_json HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

void BM_KeepAliveGet(benchmark::State& state) {
  RunClient(state, "GET /ping HTTP/1.1\r\nHost: bench\r\n\r\n", "ok");
}
BENCHMARK(BM_KeepAliveGet)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();

void BM_KeepAlivePostJson4KiB(benchmark::State& state) {
  RunClient(state, JsonRequest(4096), R"({"code":200})");
}
BENCHMARK(BM_KeepAlivePostJson4KiB)->Threads(1)->Threads(4)->UseRealTime();

void BM_KeepAlivePostGzip64KiB(benchmark::State& state) {
  const std::string json = JsonRequest(64 << 10);
  const std::string body = json.substr(json.find("\r\n\r\n") + 4);
  const std::string gz = testing::Gzip(body);
  const std::string request =
      "POST /api/default/app/_json HTTP/1.1\r\nHost: bench\r\nContent-Encoding: gzip\r\n"
      "Content-Length: " +
      std::to_string(gz.size()) + "\r\n\r\n" + gz;
  RunClient(state, request, R"({"code":200})");
}
BENCHMARK(BM_KeepAlivePostGzip64KiB)->Threads(1)->Threads(4)->UseRealTime();

// The handler hands the exchange to another thread, which responds: the WAL's pattern.
void BM_KeepAliveRespondFromOtherThread(benchmark::State& state) {
  RunClient(state, "POST /async HTTP/1.1\r\nHost: bench\r\nContent-Length: 2\r\n\r\n{}",
            R"({"code":200})");
}
BENCHMARK(BM_KeepAliveRespondFromOtherThread)->Threads(1)->Threads(4)->UseRealTime();

}  // namespace
}  // namespace ingot::http

BENCHMARK_MAIN();
