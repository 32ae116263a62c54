// End-to-end tests of the HTTP server: a real server on 127.0.0.1:0 and real clients (libcurl, or
// a raw socket where the test needs control over the bytes).
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "http/padded_buffer.h"
#include "http/test_client.h"
#include "http/test_compression.h"

namespace ingot::http {
namespace {

using namespace std::chrono_literals;
using testing::BodyOf;
using testing::CurlClient;
using testing::Gzip;
using testing::RawConnection;
using testing::StatusOf;
using testing::Zstd;
using testing::ZstdStreamed;

std::string Text(std::size_t n) {
  std::string s;
  while (s.size() < n) s += "{\"msg\":\"line " + std::to_string(s.size()) + "\"}\n";
  s.resize(n);
  return s;
}

// Peak resident set of this process, in bytes.
std::size_t PeakRss() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoul(line.substr(6)) * 1024;
  }
  return 0;
}

// A one-shot event a test waits for: "the handler has started", "the test lets it answer".
class Event {
 public:
  void Set() {
    std::lock_guard l(mu_);
    set_ = true;
    cv_.notify_all();
  }
  bool Wait(std::chrono::milliseconds t) {
    std::unique_lock l(mu_);
    return cv_.wait_for(l, t, [&] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

// Responds from a thread of its own once `release` is set, like a WAL group commit would.
void RespondWhen(Event& release, ExchangePtr ex, std::string body) {
  std::thread([&release, ex = std::move(ex), body = std::move(body)] {
    release.Wait(std::chrono::seconds(30));
    Response r;
    r.content_type = "text/plain";
    r.body = body;
    ex->Respond(std::move(r));
  }).detach();
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    options.address = "127.0.0.1:0";
    options.io_threads = 2;
    options.max_body_bytes = 1 << 20;
    options.max_decoded_bytes = 4 << 20;
  }

  // Registers the routes every test uses, then `extra`, and starts the server.
  void Start(const std::function<void(Router&)>& extra = nullptr) {
    Router router;
    auto ok = [](Status s) { ASSERT_TRUE(s.ok()) << s.ToString(); };
    ok(router.Add("POST", "/api/{org}/{stream}/_json", [](ExchangePtr ex) {
      const Request& r = ex->request();
      Response resp;
      resp.content_type = "text/plain";
      resp.body = "org=" + std::string(r.param("org")) +
                  " stream=" + std::string(r.param("stream")) + " query=" + std::string(r.query) +
                  " route=" + std::string(r.route) + " body=" + std::string(r.body);
      ex->Respond(std::move(resp));
    }));
    ok(router.Add("POST", "/api/{org}/_bulk", [](ExchangePtr ex) {
      Response resp;
      resp.body = "org=" + std::string(ex->request().param("org"));
      ex->Respond(std::move(resp));
    }));
    ok(router.Add("POST", "/api/v1/write/msgpack", [](ExchangePtr ex) {
      Response resp;
      resp.status = 204;
      ex->Respond(std::move(resp));
    }));
    ok(router.Add("POST", "/echo", [](ExchangePtr ex) {
      const Request& r = ex->request();
      Response resp;
      resp.content_type = "application/octet-stream";
      resp.body = std::string(r.body);
      resp.headers.emplace_back("X-Wire-Bytes", std::to_string(r.wire_body_bytes));
      ex->Respond(std::move(resp));
    }));
    // Answers "ok" when the body is followed by kInputPadding readable zero bytes.
    ok(router.Add("POST", "/padding", [](ExchangePtr ex) {
      const std::string_view body = ex->request().body;
      bool zero = body.data() != nullptr;
      for (std::size_t i = 0; zero && i < kInputPadding; ++i)
        zero = body.data()[body.size() + i] == 0;
      Response resp;
      resp.body = zero ? "ok" : "bad";
      ex->Respond(std::move(resp));
    }));
    ok(router.Add("GET", "/hello", [](ExchangePtr ex) {
      Response resp;
      resp.content_type = "text/plain";
      resp.body = "hello";
      ex->Respond(std::move(resp));
    }));
    ok(router.Add("HEAD", "/hello", [](ExchangePtr ex) {
      Response resp;
      resp.content_type = "text/plain";
      resp.body = "hello";
      ex->Respond(std::move(resp));
    }));
    ok(router.Add("GET", "/throws", [](ExchangePtr) { throw std::runtime_error("boom"); }));
    ok(router.Add("GET", "/drops", [](ExchangePtr) {}));
    if (extra) extra(router);
    server = std::make_unique<Server>(options, std::move(router));
    ASSERT_TRUE(server->Start().ok());
    ASSERT_NE(server->port(), 0);
  }

  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + std::string(path);
  }

  // A memory budget for the server; it must outlive the server (connections release their
  // buffers to it as they close, which can be after the test body), hence a member declared first.
  MemoryBudget& Budget(std::uint64_t limit) {
    budget_.emplace(limit);
    options.memory_budget = &*budget_;
    return *budget_;
  }

  ServerOptions options;
  std::optional<MemoryBudget> budget_;
  std::unique_ptr<Server> server;
};

TEST_F(ServerTest, RoutesWithParamsAndQuery) {
  Start();
  CurlClient c;
  auto r = c.Post(Url("/api/acme/app_logs/_json?since=1&x=y"), "[{}]");
  ASSERT_EQ(r.curl_code, 0);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            "org=acme stream=app_logs query=since=1&x=y route=/api/{org}/{stream}/_json "
            "body=[{}]");
  EXPECT_NE(r.headers.find("Content-Type: text/plain"), std::string::npos);
  EXPECT_NE(r.headers.find("Date: "), std::string::npos);

  r = c.Post(Url("/api/v1/_bulk"), "{}");  // literal "v1" exists, but only {org}/_bulk fits
  EXPECT_EQ(r.body, "org=v1");
  r = c.Post(Url("/api/my%20org/_bulk"), "{}");
  EXPECT_EQ(r.body, "org=my org");
  r = c.Post(Url("/api/v1/write/msgpack"), "x");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(server->router().routes()[0]->stats.requests.load(), 1u);
  EXPECT_EQ(server->router().routes()[0]->stats.responses_with_status(200), 1u);
}

TEST_F(ServerTest, KeepAliveReusesOneConnection) {
  Start();
  CurlClient c;
  for (int i = 0; i < 5; ++i) {
    auto r = c.Post(Url("/echo"), "request " + std::to_string(i));
    ASSERT_EQ(r.curl_code, 0);
    EXPECT_EQ(r.body, "request " + std::to_string(i));
    EXPECT_EQ(r.new_connections, i == 0 ? 1 : 0) << i;
  }
  auto r = c.Get(Url("/hello"));
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(server->stats().connections_accepted.load(), 1u);
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowedAreJson) {
  Start();
  CurlClient c;
  auto r = c.Post(Url("/nope"), "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"code":404,"message":"no route for /nope"})");
  EXPECT_NE(r.headers.find("Content-Type: application/json"), std::string::npos);
  r = c.Get(Url("/echo"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.body, R"({"code":405,"message":"method GET is not allowed for /echo"})");
  EXPECT_NE(r.headers.find("Allow: POST"), std::string::npos);
  // Errors without a body to skip keep the connection.
  r = c.Get(Url("/hello"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.new_connections, 0);
  EXPECT_EQ(server->stats().unrouted.responses_with_status(404), 1u);
}

TEST_F(ServerTest, BodyOverLimitByContentLengthIs413BeforeReading) {
  Start();
  CurlClient c;
  auto r = c.Post(Url("/echo"), std::string(options.max_body_bytes + 1, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("\"code\":413"), std::string::npos);

  // A client that announces 1 GB and sends nothing gets its 413 at once.
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n"));
  const std::string resp = raw.ReadResponse(2s);
  EXPECT_EQ(StatusOf(resp), 413) << resp;
  EXPECT_NE(resp.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(raw.WaitForClose(5s));

  r = c.Post(Url("/echo"), std::string(options.max_body_bytes, 'x'));  // exactly the limit
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), options.max_body_bytes);
}

TEST_F(ServerTest, ChunkedBodiesAreDecodedAndLimited) {
  Start();
  CurlClient c;
  const std::string body = Text(200000);
  auto r = c.PostChunked(Url("/echo"), body, 7000);
  ASSERT_EQ(r.curl_code, 0);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, body);

  RawConnection raw(server->port());
  ASSERT_TRUE(raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk(600 << 10, 'y');  // two of these are over the 1 MiB limit
  char size_line[32];
  std::snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk.size());
  ASSERT_TRUE(raw.Send(size_line + chunk + "\r\n"));
  raw.Send(size_line + chunk + "\r\n");  // the server may already have answered and shut down
  const std::string resp = raw.ReadResponse(5s);
  EXPECT_EQ(StatusOf(resp), 413) << resp;
  EXPECT_NE(resp.find("chunked request body exceeds the limit"), std::string::npos);
}

TEST_F(ServerTest, GzipAndZstdBodies) {
  Start();
  CurlClient c;
  const std::string a = Text(300000);
  const std::string b = Text(5000);
  auto r = c.Post(Url("/echo"), Gzip(a), {"Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, a);
  const std::string multi = Gzip(a) + Gzip(b);
  r = c.Post(Url("/echo"), multi, {"Content-Encoding: gzip"});
  EXPECT_EQ(r.body, a + b);
  EXPECT_NE(r.headers.find("X-Wire-Bytes: " + std::to_string(multi.size())), std::string::npos);
  r = c.Post(Url("/echo"), Zstd(a) + Zstd(b), {"Content-Encoding: zstd"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, a + b);
  r = c.PostChunked(Url("/echo"), Gzip(b), 1000, {"Content-Encoding: GZIP"});
  EXPECT_EQ(r.body, b);
  r = c.Post(Url("/padding"), Gzip(a), {"Content-Encoding: gzip"});
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(server->router().routes()[3]->stats.decoded_bytes.load(),
            a.size() + a.size() + b.size() + a.size() + b.size() + b.size());
}

// Arc's clients compress without saying so: a route that sniffs decodes gzip and zstd bodies by
// their magic bytes, with the same limits; the others take the bytes as sent.
TEST_F(ServerTest, ASniffingRouteDecodesCompressedBodiesSentWithoutContentEncoding) {
  Start([](Router& router) {
    const Status s = router.Add(
        "POST", "/sniff",
        [](ExchangePtr ex) {
          Response resp;
          resp.body = std::string(ex->request().body);
          ex->Respond(std::move(resp));
        },
        {}, RouteOptions{.sniff_compression = true});
    ASSERT_TRUE(s.ok()) << s.ToString();
  });
  CurlClient c;
  const std::string a = Text(300000);
  auto r = c.Post(Url("/sniff"), Gzip(a));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, a);
  r = c.Post(Url("/sniff"), ZstdStreamed(a));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, a);
  r = c.Post(Url("/sniff"), Zstd(a), {"Content-Encoding: zstd"});  // declared: decoded once
  EXPECT_EQ(r.body, a);
  r = c.Post(Url("/sniff"), "plain");
  EXPECT_EQ(r.body, "plain");
  r = c.Post(Url("/sniff"), std::string("\x1f\x8b") + "not gzip");
  EXPECT_EQ(r.status, 400);
  r = c.Post(Url("/sniff"), Gzip(std::string(8 << 20, '\0')));  // over max_decoded_bytes
  EXPECT_EQ(r.status, 413);
  r = c.Post(Url("/echo"), Gzip(a));  // not sniffed
  EXPECT_EQ(r.body, Gzip(a));
}

TEST_F(ServerTest, DecompressionBombIs413WithoutAllocatingIt) {
  Start();
  // 256 MiB of zeros in 64 KiB gzip members (~65 bytes each): every member's trailer looks
  // harmless, so only the output limit (4 MiB here) can stop it.
  const std::string zeros(64 << 10, '\0');
  const std::string member = Gzip(zeros);
  std::string bomb;
  for (int i = 0; i < 4096; ++i) bomb += member;
  ASSERT_LT(bomb.size(), options.max_body_bytes);
  const std::string single = Gzip(std::string(32 << 20, '\0'));  // trailer says 32 MiB

  const std::size_t rss_before = PeakRss();
  CurlClient c;
  auto r = c.Post(Url("/echo"), bomb, {"Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("decompressed body exceeds the limit of 4194304 bytes"), std::string::npos)
      << r.body;
  r = c.Post(Url("/echo"), single, {"Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 413);
  const std::size_t rss_after = PeakRss();
  EXPECT_LT(rss_after - rss_before, std::size_t{64} << 20);
  // The body was read in full, so the connection survives the 413.
  r = c.Get(Url("/hello"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.new_connections, 0);
}

TEST_F(ServerTest, CorruptBodiesAre400AndUnknownEncodingIs415) {
  Start();
  CurlClient c;
  const std::string gz = Gzip(Text(100000));
  auto r = c.Post(Url("/echo"), gz.substr(0, gz.size() - 10), {"Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"code":400,"message":"gzip body is corrupt or truncated"})");
  const std::string zs = Zstd(Text(100000));
  r = c.Post(Url("/echo"), zs.substr(0, zs.size() / 2), {"Content-Encoding: zstd"});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("zstd body is corrupt or truncated"), std::string::npos);
  r = c.Post(Url("/echo"), "abc", {"Content-Encoding: br"});
  EXPECT_EQ(r.status, 415);
  EXPECT_NE(r.body.find("unsupported Content-Encoding \\\"br\\\""), std::string::npos) << r.body;
}

TEST_F(ServerTest, PaddingIsZeroEvenWhenBuffersAreReused) {
  Start();
  CurlClient c;
  // A large body of non-zero bytes first, then smaller ones into the same (reused) buffer.
  for (std::size_t n : {200000, 10, 0, 70000, 1}) {
    auto r = c.Post(Url("/padding"), std::string(n, '\xff'));
    EXPECT_EQ(r.body, "ok") << n;
  }
  EXPECT_EQ(server->stats().connections_accepted.load(), 1u);
}

TEST_F(ServerTest, SlowHandlerDoesNotBlockOtherConnections) {
  options.io_threads = 1;  // both connections on the same I/O thread
  Event entered;
  Event release;
  Start([&](Router& r) {
    ASSERT_TRUE(r.Add("GET", "/slow", [&](ExchangePtr ex) {
                   entered.Set();
                   RespondWhen(release, std::move(ex), "slow");
                 }).ok());
  });
  auto slow = std::async(std::launch::async, [&] { return CurlClient().Get(Url("/slow")); });
  ASSERT_TRUE(entered.Wait(5s));
  CurlClient fast;
  for (int i = 0; i < 20; ++i) EXPECT_EQ(fast.Get(Url("/hello")).status, 200);
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout);  // still waiting for its "WAL"
  release.Set();
  const auto r = slow.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "slow");
}

TEST_F(ServerTest, GracefulStopAnswersInFlightRequests) {
  Event entered;
  Event release;
  Start([&](Router& r) {
    ASSERT_TRUE(r.Add("GET", "/slow", [&](ExchangePtr ex) {
                   entered.Set();
                   RespondWhen(release, std::move(ex), "done");
                 }).ok());
  });
  RawConnection idle(server->port());
  ASSERT_TRUE(idle.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(StatusOf(idle.ReadResponse()), 200);  // now an idle keep-alive connection

  auto slow = std::async(std::launch::async, [&] { return CurlClient().Get(Url("/slow")); });
  ASSERT_TRUE(entered.Wait(5s));
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {  // as the thread that waits for SIGTERM would
    server->Stop();
    stopped = true;
  });
  EXPECT_TRUE(idle.WaitForClose(5s));                       // idle connections go at once
  EXPECT_FALSE(RawConnection(server->port()).connected());  // no longer accepting
  EXPECT_FALSE(stopped.load());  // ... but waiting for the request in flight
  release.Set();
  const auto r = slow.get();
  stopper.join();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "done");
  EXPECT_NE(r.headers.find("Connection: close"), std::string::npos);
  server->Stop();  // idempotent
}

TEST_F(ServerTest, StopGivesUpOnHandlersThatNeverAnswer) {
  options.stop_timeout = 200ms;
  ExchangePtr held;
  Event entered;
  Start([&](Router& r) {
    ASSERT_TRUE(r.Add("GET", "/never", [&](ExchangePtr ex) {
                   held = std::move(ex);
                   entered.Set();
                 }).ok());
  });
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.Send("GET /never HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(entered.Wait(5s));
  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(raw.WaitForClose(1s));
  // Answering after the stop, and even after the server is gone, is harmless.
  held->Respond(ErrorResponse(503, "too late"));
  server.reset();
  held.reset();
}

// The shutdown hang of the benchmark matrix: Stop() posts CloseAll() to each I/O thread and joins
// it. When the thread was busy past the timeout sweep's expiry with CloseAll() queued, the expired
// sweep ran after CloseAll(), re-armed its timer, and the thread (so Stop(), so a SIGTERMed
// `ingot serve`) never ended. A handler holding the only I/O thread past the stop timeout and
// many sweeps makes that order certain.
TEST_F(ServerTest, StopReturnsWhenTheSweepExpiresWhileTheIoThreadIsBusy) {
  options.io_threads = 1;
  options.linger_timeout = 40ms;  // the shortest timeout: a 10 ms sweep
  options.stop_timeout = 50ms;
  Event entered;
  Start([&](Router& r) {
    ASSERT_TRUE(r.Add("GET", "/busy", [&](ExchangePtr ex) {
                   entered.Set();
                   std::this_thread::sleep_for(300ms);  // a long decode, a descheduled thread
                   ex->Respond(Response{});
                 }).ok());
  });
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.Send("GET /busy HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(entered.Wait(5s));
  auto stopped = std::make_shared<std::promise<void>>();
  std::future<void> done = stopped->get_future();
  std::thread stopper([s = server.get(), stopped] {
    s->Stop();
    stopped->set_value();
  });
  if (done.wait_for(5s) != std::future_status::ready) {
    // Leave the stuck server and its thread behind (destroying it would wait on Stop() too), so
    // that the rest of the suite still runs.
    stopper.detach();
    (void)server.release();
    FAIL() << "Stop() did not return";
  }
  stopper.join();
}

TEST_F(ServerTest, HeaderTimeoutClosesSilentAndSlowClients) {
  options.header_timeout = 200ms;
  Start();
  const auto start = std::chrono::steady_clock::now();
  RawConnection silent(server->port());
  RawConnection slow(server->port());
  ASSERT_TRUE(slow.Send("POST /echo HTTP/1.1\r\nHost: x\r\n"));  // ... and never the rest
  EXPECT_TRUE(silent.WaitForClose(3s));
  EXPECT_TRUE(slow.WaitForClose(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  EXPECT_EQ(server->stats().connections_timed_out.load(), 2u);
}

TEST_F(ServerTest, BodyTimeoutClosesStalledUploads) {
  options.body_timeout = 200ms;
  Start();
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly some"));
  EXPECT_TRUE(raw.WaitForClose(3s));
}

TEST_F(ServerTest, IdleAndWriteTimeouts) {
  options.idle_timeout = 200ms;
  options.write_timeout = 200ms;
  Start([](Router& r) {
    ASSERT_TRUE(r.Add("GET", "/huge", [](ExchangePtr ex) {
                   Response resp;
                   resp.body.assign(32 << 20, 'z');
                   ex->Respond(std::move(resp));
                 }).ok());
  });
  RawConnection idle(server->port());
  ASSERT_TRUE(idle.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(StatusOf(idle.ReadResponse()), 200);
  EXPECT_TRUE(idle.WaitForClose(3s));
  EXPECT_EQ(server->stats().connections_timed_out.load(), 0u);  // idle is not a timeout

  // A client that asks for 32 MiB and does not read: the write stalls on full socket buffers.
  RawConnection stalled(server->port());
  ASSERT_TRUE(stalled.Send("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(1s);
  EXPECT_TRUE(stalled.WaitForClose(5s));
  EXPECT_EQ(server->stats().connections_timed_out.load(), 1u);
}

TEST_F(ServerTest, ConnectionCapAnswers503WithRetryAfter) {
  options.max_connections = 2;
  Start();
  RawConnection a(server->port());
  RawConnection b(server->port());
  for (RawConnection* c : {&a, &b}) {
    ASSERT_TRUE(c->Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_EQ(StatusOf(c->ReadResponse()), 200);
  }
  RawConnection over(server->port());
  ASSERT_TRUE(over.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string resp = over.ReadResponse();
  EXPECT_EQ(StatusOf(resp), 503) << resp;
  EXPECT_NE(resp.find("Retry-After: 1"), std::string::npos);
  EXPECT_TRUE(over.WaitForClose(2s));
  EXPECT_EQ(server->stats().connections_rejected.load(), 1u);

  a.Close();  // frees a slot
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    RawConnection next(server->port());
    next.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    served = StatusOf(next.ReadResponse()) == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

TEST_F(ServerTest, BodiesTheMemoryBudgetCannotHoldNowAre503WithRetryAfter) {
  MemoryBudget& budget = Budget(256 << 10);
  Start();
  {
    CurlClient c;
    auto r = c.Post(Url("/echo"), std::string(100 << 10, 'x'));
    EXPECT_EQ(r.status, 200);
  }
  // The first client's connection (and the buffer it kept charged for its next request) is
  // released when the server sees it close, on its own thread: wait for that.
  for (int i = 0; i < 250 && budget.used() != 0; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(budget.used(), 0u);

  // Held memory counts: another client's claim on most of the budget leaves no room.
  ASSERT_TRUE(budget.TryCharge(200 << 10));
  CurlClient other;
  testing::CurlResult r;
  r = other.Post(Url("/echo"), std::string(100 << 10, 'y'));
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("memory limit"), std::string::npos);
  EXPECT_NE(r.headers.find("Retry-After: 1"), std::string::npos);
  r = other.Post(Url("/echo"), Gzip(std::string(200 << 10, 'z')), {"Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 503) << "decoding needs room too";
  r = other.PostChunked(Url("/echo"), std::string(100 << 10, 'y'), 7000);
  EXPECT_EQ(r.status, 503);
  budget.Release(200 << 10);
  r = other.Post(Url("/echo"), std::string(100 << 10, 'y'));
  EXPECT_EQ(r.status, 200);
  EXPECT_GT(server->stats().memory_refusals.load(), 0u);
}

// A body the budget could not hold even if nothing else used it can never succeed: 413, so that
// clients stop, not 503, which they would retry forever. Whatever the encoding.
TEST_F(ServerTest, BodiesTheMemoryBudgetCanNeverHoldAre413) {
  MemoryBudget& budget = Budget(256 << 10);
  options.max_decoded_bytes = 64 << 20;
  Start();
  CurlClient c;
  auto r = c.Post(Url("/echo"), std::string(300 << 10, 'x'));  // Content-Length: before reading
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_NE(r.body.find("memory limit of 262144 bytes"), std::string::npos) << r.body;
  r = c.PostChunked(Url("/echo"), std::string(300 << 10, 'x'), 7000);
  EXPECT_EQ(r.status, 413) << r.body;
  // That connection (closed after the 413, its body unread) releases its buffer once the server
  // has drained and closed it; a budget with no room at all answers 503 at once.
  for (int i = 0; i < 250 && budget.used() > (64 << 10); ++i) std::this_thread::sleep_for(20ms);
  // Decoded bodies: a 32 MiB gzip bomb (multi-member, so no trailer gives it away) and zstd
  // frames with and without a declared size; each within max_decoded_bytes, each past what the
  // budget can hold. Streamed zstd is refused by the budget while growing, long before its end.
  std::string members;
  const std::string member = Gzip(std::string(64 << 10, '\0'));
  for (int i = 0; i < 512; ++i) members += member;
  r = c.Post(Url("/echo"), members, {"Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 413) << r.body;
  r = c.Post(Url("/echo"), Zstd(std::string(1 << 20, '\0')), {"Content-Encoding: zstd"});
  EXPECT_EQ(r.status, 413) << r.body;
  r = c.Post(Url("/echo"), ZstdStreamed(std::string(32 << 20, '\0')), {"Content-Encoding: zstd"});
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(server->stats().memory_refusals.load(), 0u);
  // What fits still goes through.
  r = c.Post(Url("/echo"), Zstd(std::string(100 << 10, 'a')), {"Content-Encoding: zstd"});
  EXPECT_EQ(r.status, 200);
}

// A route's pre-body check answers from the head alone: no byte of the body is read, no memory is
// reserved for it and no "100 Continue" is sent, so clients the check refuses (no credentials)
// cannot hold the memory budget by announcing large bodies and never sending them.
TEST_F(ServerTest, PreBodyCheckAnswersWithoutReadingOrChargingTheBody) {
  MemoryBudget& budget = Budget(2 << 20);
  options.max_body_bytes = 1 << 20;
  std::atomic<int> handled{0};
  std::string seen_org;
  Start([&](Router& router) {
    ASSERT_TRUE(router
                    .Add(
                        "POST", "/guarded/{org}",
                        [&](ExchangePtr ex) {
                          ++handled;
                          Response resp;
                          resp.body = std::to_string(ex->request().body.size());
                          ex->Respond(std::move(resp));
                        },
                        [&](const Request& head) -> std::optional<Response> {
                          seen_org = std::string(head.param("org"));
                          if (head.header("Authorization") == "let me in") return std::nullopt;
                          Response denied = ErrorResponse(401, "who are you?");
                          denied.headers.emplace_back("WWW-Authenticate", "Basic");
                          return denied;
                        })
                    .ok());
  });
  // More announced bodies than the budget can hold at once (16 x 1 MiB against 2 MiB), each
  // waiting for its body: every one is answered 401 at once, and nothing is charged.
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 16; ++i) {
    auto conn = std::make_unique<RawConnection>(server->port());
    ASSERT_TRUE(conn->Send("POST /guarded/a%2Fb HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                           std::to_string(options.max_body_bytes) +
                           (i % 2 ? "\r\nExpect: 100-continue" : "") + "\r\n\r\n"));
    const std::string resp = conn->ReadResponse(5s);
    EXPECT_EQ(StatusOf(resp), 401) << resp;  // not 100 Continue, not 503
    EXPECT_NE(resp.find("WWW-Authenticate: Basic"), std::string::npos);
    EXPECT_NE(resp.find("Connection: close"), std::string::npos);
    idle.push_back(std::move(conn));
  }
  EXPECT_EQ(seen_org, "a/b");  // path parameters are decoded before the check
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_EQ(handled.load(), 0);
  EXPECT_EQ(server->stats().memory_refusals.load(), 0u);
  // While those connections are still open, a request the check lets through is served.
  CurlClient c;
  auto r = c.Post(Url("/guarded/x"), std::string(900 << 10, 'x'), {"Authorization: let me in"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::to_string(900 << 10));
  EXPECT_EQ(handled.load(), 1);
  // Without a body the connection survives the early answer.
  r = c.Post(Url("/guarded/x"), "");
  EXPECT_EQ(r.status, 401);
  r = c.Post(Url("/guarded/x"), "", {"Authorization: let me in"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.new_connections, 0);
  EXPECT_TRUE(idle.back()->WaitForClose(5s));  // the refused ones end after the lingering close
}

TEST_F(ServerTest, Http10PipeliningAndExpectContinue) {
  Start();
  {
    RawConnection c(server->port());
    ASSERT_TRUE(c.Send("GET /hello HTTP/1.0\r\n\r\n"));
    const std::string resp = c.ReadResponse();
    EXPECT_EQ(StatusOf(resp), 200);
    EXPECT_EQ(BodyOf(resp), "hello");
    EXPECT_TRUE(c.WaitForClose(2s));
  }
  {
    RawConnection c(server->port());
    ASSERT_TRUE(c.Send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    EXPECT_NE(c.ReadResponse().find("Connection: keep-alive"), std::string::npos);
    ASSERT_TRUE(c.Send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    EXPECT_EQ(StatusOf(c.ReadResponse()), 200);
  }
  {
    RawConnection c(server->port());
    ASSERT_TRUE(
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
               "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ntwo"
               "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(BodyOf(c.ReadResponse()), "one");
    EXPECT_EQ(BodyOf(c.ReadResponse()), "two");
    EXPECT_EQ(BodyOf(c.ReadResponse()), "hello");
  }
  {
    RawConnection c(server->port());
    ASSERT_TRUE(
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
               "Expect: 100-continue\r\n\r\n"));
    EXPECT_EQ(StatusOf(c.ReadResponse()), 100);
    ASSERT_TRUE(c.Send("hello"));
    EXPECT_EQ(BodyOf(c.ReadResponse()), "hello");
  }
  {
    // HEAD gets the GET route's headers (Content-Length included) but no body.
    RawConnection c(server->port());
    ASSERT_TRUE(c.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\n\r\n"));
    const std::string both = c.ReadAvailable(300ms);
    EXPECT_EQ(StatusOf(both), 200) << both;
    EXPECT_EQ(both.find("hello"), both.rfind("hello")) << both;  // one body: the GET's
    EXPECT_NE(both.find("HTTP/1.1 200", 10), std::string::npos) << both;
  }
}

TEST_F(ServerTest, MalformedRequestsAndHandlerFailures) {
  options.max_header_bytes = 1024;
  Start();
  {
    RawConnection c(server->port());
    ASSERT_TRUE(c.Send("BLAH\r\n\r\n"));
    const std::string resp = c.ReadResponse();
    EXPECT_EQ(StatusOf(resp), 400);
    EXPECT_NE(resp.find("malformed HTTP request"), std::string::npos);
  }
  {
    RawConnection c(server->port());
    ASSERT_TRUE(c.Send("GET /hello HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n"));
    EXPECT_EQ(StatusOf(c.ReadResponse()), 431);
  }
  CurlClient c;
  auto r = c.Get(Url("/throws"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"code":500,"message":"handler failed: boom"})");
  r = c.Get(Url("/drops"));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("dropped the request"), std::string::npos);
  r = c.Get(Url("/hello"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.new_connections, 0);
}

TEST_F(ServerTest, PercentEncodedParamsNearTheHeaderLimit) {
  options.max_header_bytes = 1024;
  Start();
  std::string org;
  for (int i = 0; i < 300; ++i) org += "%41";
  RawConnection c(server->port());
  // Request line and fields each close to the limit (Beast applies it to each separately), so
  // the header arena must grow before the decoded parameter is appended to it.
  ASSERT_TRUE(c.Send("POST /api/" + org + "/s/_json HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                     std::string(900, 'p') + "\r\nContent-Length: 2\r\n\r\n{}"));
  const std::string resp = c.ReadResponse();
  EXPECT_EQ(StatusOf(resp), 200) << resp;
  EXPECT_NE(resp.find("org=" + std::string(300, 'A') + " stream=s "), std::string::npos) << resp;
}

TEST(Server, StartFailsOnBadAddress) {
  ServerOptions o;
  o.address = "127.0.0.1";
  EXPECT_EQ(Server(o, Router()).Start().code(), StatusCode::kInvalidInput);
  o.address = "127.0.0.1:0";
  Server first(o, Router());
  ASSERT_TRUE(first.Start().ok());
  o.address = "127.0.0.1:" + std::to_string(first.port());
  EXPECT_EQ(Server(o, Router()).Start().code(), StatusCode::kIoError);  // port in use
}

}  // namespace
}  // namespace ingot::http
