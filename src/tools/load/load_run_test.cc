// End-to-end tests of the load client against an in-process ingot HTTP server whose handler
// answers by script (200, 200 with a rejected record, 503 + Retry-After, late, never) and
// records what it received, so the report and the ack file can be checked against the truth.
#include "tools/load/load_run.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"

namespace ingot::load {
namespace {

using namespace std::chrono_literals;

enum class Answer { kOk, kRejectedOne, kUnavailable, kLate, kNever };

struct Received {
  std::vector<std::string> ids;
  Answer answer;
};

// "load_id" values in a body, whatever the endpoint's envelope: a JSON field, an OTLP/JSON
// attribute, an OTLP protobuf KeyValue {key "load_id", value {string_value}}, or a line protocol
// tag.
std::vector<std::string> LoadIds(std::string_view body) {
  std::vector<std::string> ids;
  for (std::string_view key :
       {std::string_view("\"load_id\":\""),
        std::string_view("\"key\":\"load_id\",\"value\":{\"stringValue\":\"")}) {
    for (std::size_t at = body.find(key); at != std::string_view::npos; at = body.find(key, at)) {
      at += key.size();
      const std::size_t end = body.find('"', at);
      ids.emplace_back(body.substr(at, end - at));
    }
  }
  constexpr std::string_view kTag(",load_id=");
  for (std::size_t at = body.find(kTag); at != std::string_view::npos; at = body.find(kTag, at)) {
    at += kTag.size();
    ids.emplace_back(body.substr(at, body.find(',', at) - at));
  }
  constexpr std::string_view kProtoKey("\x0a\x07load_id\x12", 10);
  for (std::size_t at = body.find(kProtoKey); at != std::string_view::npos;
       at = body.find(kProtoKey, at)) {
    at += kProtoKey.size() + 2;  // the AnyValue's length, then its string_value tag
    const auto n = static_cast<unsigned char>(body[at]);
    ids.emplace_back(body.substr(at + 1, n));
  }
  return ids;
}

class ScriptedServer {
 public:
  // `script(i)` decides the answer to the i-th request (0-based, in arrival order).
  explicit ScriptedServer(std::function<Answer(int)> script, std::chrono::milliseconds late = 0ms)
      : script_(std::move(script)), late_(late) {
    http::ServerOptions options;
    options.address = "127.0.0.1:0";
    options.io_threads = 1;
    options.stop_timeout = 200ms;
    http::Router router;
    for (const char* path :
         {"/api/{org}/{stream}/_multi", "/api/{org}/{stream}/_json", "/api/{org}/_bulk",
          "/api/{org}/_hec", "/api/{org}/v1/logs", "/write", "/api/{org}/loki/api/v1/push"}) {
      EXPECT_TRUE(router.Add("POST", path, [this](http::ExchangePtr ex) { Handle(ex); }).ok());
    }
    server_ = std::make_unique<http::Server>(options, std::move(router));
    EXPECT_TRUE(server_->Start().ok());
  }
  ~ScriptedServer() {
    Stop();
    for (std::thread& t : responders_) t.join();
  }

  void Stop() {
    server_->Stop();
    std::lock_guard l(mu_);
    held_.clear();  // answered 500 to connections that are gone
  }
  void set_retry_after_seconds(int s) { retry_after_seconds_ = s; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<Received> received() {
    std::lock_guard l(mu_);
    return received_;
  }
  std::vector<std::string> paths() {
    std::lock_guard l(mu_);
    return paths_;
  }

 private:
  void Handle(const http::ExchangePtr& ex) {
    std::unique_lock l(mu_);
    const Answer answer = script_(static_cast<int>(received_.size()));
    received_.push_back({LoadIds(ex->request().body), answer});
    paths_.emplace_back(ex->request().path);
    const std::size_t n = received_.back().ids.size();
    l.unlock();
    // A 2xx in the endpoint's own shape, reporting one rejected record when scripted so.
    const bool reject = answer == Answer::kRejectedOne;
    const std::string_view path = ex->request().path;
    http::Response r;
    if (path.ends_with("/v1/logs")) {
      // ExportLogsServiceResponse, with partial_success {rejected_log_records: 1} when rejecting.
      if (ex->request().header("Content-Type") == "application/x-protobuf") {
        r.content_type = "application/x-protobuf";
        r.body = reject ? std::string("\x0a\x02\x08\x01", 4) : "";
      } else {
        r.body =
            reject ? R"({"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"old"}})" : "{}";
      }
    } else if (path == "/write" || path.ends_with("/loki/api/v1/push")) {
      // Line protocol and Loki: 204, or a 400 naming what was not stored when rejecting.
      if (reject) {
        r.status = 400;
        r.body = R"({"error":"partial write: line 1: unable to parse 'x': missing fields"})";
      } else {
        r.status = 204;
        r.content_type.clear();
      }
    } else if (path.ends_with("/_bulk")) {
      r.body =
          std::string(R"({"took":1,"errors":)") + (reject ? "true" : "false") + R"(,"items":[]})";
    } else if (path.ends_with("/_hec")) {
      r.body =
          reject ? R"({"text":"Invalid data format","code":6})" : R"({"text":"Success","code":0})";
    } else {
      r.body = R"({"code":200,"status":[{"name":"s","successful":)" +
               std::to_string(n - (reject ? 1 : 0)) + R"(,"failed":)" + (reject ? "1" : "0") +
               "}]}";
    }
    switch (answer) {
      case Answer::kOk:
      case Answer::kRejectedOne: break;
      case Answer::kUnavailable:
        r = http::ErrorResponse(503, "memory budget exceeded");
        r.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds_));
        break;
      case Answer::kLate: {
        std::lock_guard g(mu_);
        responders_.emplace_back([ex, r, late = late_]() mutable {
          std::this_thread::sleep_for(late);
          ex->Respond(std::move(r));
        });
        return;
      }
      case Answer::kNever: {
        std::lock_guard g(mu_);
        held_.push_back(ex);
        return;
      }
    }
    ex->Respond(std::move(r));
  }

  std::function<Answer(int)> script_;
  std::chrono::milliseconds late_;
  int retry_after_seconds_ = 0;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::vector<Received> received_;
  std::vector<std::string> paths_;
  std::vector<std::thread> responders_;
  std::vector<http::ExchangePtr> held_;
};

class LoadRunTest : public ::testing::Test {
 protected:
  LoadRunTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("ingot_load_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~LoadRunTest() override { std::filesystem::remove_all(dir_); }

  LoadOptions Options(const ScriptedServer& server) {
    LoadOptions o;
    o.url = server.url();
    o.records_per_request = 10;
    o.bodies = 4;
    o.warmup = 0s;
    o.duration = 0s;
    o.timeout = 10s;
    o.progress_interval = 0s;
    return o;
  }

  // A run against a server answering 204, 400 (one record refused) or 503 by turns: only the ids
  // of 204 answers are acknowledged; every request went to `want_path`.
  void Ack204Only(Endpoint endpoint, std::string_view want_path);

  static std::vector<std::string> ReadLines(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::filesystem::path dir_;
};

struct ClientCase {
  Endpoint endpoint;
  bool gzip;
  std::uint32_t threads;
};

class ScriptedAnswers : public LoadRunTest, public ::testing::WithParamInterface<ClientCase> {};

TEST_P(ScriptedAnswers, CountsStatusesAndAcksOnly2xxWithoutRejections) {
  // Every third request 503, every fifth (else) a 200 that reports a rejected record.
  ScriptedServer server([](int i) {
    if (i % 3 == 2) return Answer::kUnavailable;
    if (i % 5 == 4) return Answer::kRejectedOne;
    return Answer::kOk;
  });
  LoadOptions o = Options(server);
  o.endpoint = GetParam().endpoint;
  o.gzip = GetParam().gzip;
  o.threads = GetParam().threads;
  o.connections = 3;
  o.max_requests = 30;
  o.ack_file = (dir_ / "acks.txt").string();
  o.run_id = "t1";
  auto report = RunLoad(o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const LoadReport& r = *report;

  const std::vector<Received> received = server.received();
  ASSERT_EQ(received.size(), 30u);
  std::set<std::string> sent_ids, acked_by_server;
  std::uint64_t ok = 0, rejected = 0, unavailable = 0;
  for (const Received& req : received) {
    EXPECT_EQ(req.ids.size(), 10u);
    for (const std::string& id : req.ids) {
      EXPECT_TRUE(sent_ids.insert(id).second) << "id sent twice: " << id;
      EXPECT_TRUE(id.starts_with("t1-")) << id;
      if (req.answer == Answer::kOk) acked_by_server.insert(id);
    }
    ok += req.answer == Answer::kOk;
    rejected += req.answer == Answer::kRejectedOne;
    unavailable += req.answer == Answer::kUnavailable;
  }
  EXPECT_EQ(unavailable, 10u);
  EXPECT_EQ(rejected, 4u);

  EXPECT_EQ(r.stop_reason, "count");
  EXPECT_EQ(r.requests, 30u);
  EXPECT_EQ(r.requests_ok, ok + rejected);
  EXPECT_EQ(r.records_sent, 300u);
  EXPECT_EQ(r.records_ok, (ok + rejected) * 10);
  EXPECT_EQ(r.partial, rejected);
  EXPECT_EQ(r.statuses.at(200), ok + rejected);
  EXPECT_EQ(r.statuses.at(503), unavailable);
  EXPECT_EQ(r.statuses.size(), 2u);
  EXPECT_EQ(r.latency_ns.count(), 30u);
  EXPECT_EQ(r.io_errors + r.timeouts + r.connect_errors, 0u);
  EXPECT_NE(r.first_error_body.at(503).find("memory budget exceeded"), std::string::npos);
  EXPECT_EQ(r.raw_bytes > r.wire_bytes, o.gzip);

  // The ack file holds exactly the ids of requests answered 2xx without a rejection.
  const std::vector<std::string> lines = ReadLines(dir_ / "acks.txt");
  EXPECT_EQ(lines.size(), acked_by_server.size());
  EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()), acked_by_server);
  EXPECT_EQ(r.acked_ids, acked_by_server.size());

  // The JSON summary is one valid object with the figures.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const std::string json = FormatJson(r);
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  std::uint64_t n = 0;
  EXPECT_EQ(doc["statuses"]["503"].get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 10u);
  EXPECT_EQ(doc["requests"].get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 30u);
  double p99 = -1;
  EXPECT_EQ(doc["latency_ms"]["p99"].get(p99), simdjson::SUCCESS);
  EXPECT_GT(p99, 0);
  EXPECT_FALSE(FormatText(r).empty());
}

// Line protocol and Loki answer 204 when every point (entry) is stored, and a partial write is a
// 400: only the records of 204 answers are acknowledged.
TEST_F(LoadRunTest, LineProtocolAndLokiAckTheRecordsOf204Answers) {
  for (const Endpoint endpoint : {Endpoint::kLp, Endpoint::kLoki}) {
    SCOPED_TRACE(std::string(EndpointName(endpoint)));
    Ack204Only(endpoint, endpoint == Endpoint::kLp ? "/write" : "/api/default/loki/api/v1/push");
  }
}

void LoadRunTest::Ack204Only(Endpoint endpoint, std::string_view want_path) {
  ScriptedServer server([](int i) {
    if (i % 3 == 2) return Answer::kUnavailable;
    if (i % 5 == 4) return Answer::kRejectedOne;
    return Answer::kOk;
  });
  LoadOptions o = Options(server);
  o.endpoint = endpoint;
  o.connections = 2;
  o.max_requests = 15;
  o.ack_file = (dir_ / (std::string(EndpointName(endpoint)) + "-acks.txt")).string();
  o.run_id = "lp";
  auto report = RunLoad(o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::set<std::string> acked_by_server;
  std::uint64_t ok = 0;
  for (const Received& req : server.received()) {
    EXPECT_EQ(req.ids.size(), 10u);
    if (req.answer != Answer::kOk) continue;
    ++ok;
    acked_by_server.insert(req.ids.begin(), req.ids.end());
  }
  for (const std::string& path : server.paths()) EXPECT_EQ(path, want_path);
  EXPECT_EQ(report->statuses.at(204), ok);
  EXPECT_EQ(report->statuses.at(400), 2u);
  EXPECT_EQ(report->records_ok, ok * 10);
  const std::vector<std::string> lines = ReadLines(o.ack_file);
  EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()), acked_by_server);
  EXPECT_EQ(lines.size(), ok * 10);
}

INSTANTIATE_TEST_SUITE_P(Endpoints, ScriptedAnswers,
                         ::testing::Values(ClientCase{Endpoint::kMulti, false, 1},
                                           ClientCase{Endpoint::kJson, false, 2},
                                           ClientCase{Endpoint::kBulk, true, 1},
                                           ClientCase{Endpoint::kHec, true, 2},
                                           ClientCase{Endpoint::kOtlpProto, true, 1},
                                           ClientCase{Endpoint::kOtlpJson, false, 2}),
                         [](const ::testing::TestParamInfo<ClientCase>& p) {
                           std::string name(EndpointName(p.param.endpoint));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name + (p.param.gzip ? "_gzip" : "") + "_" +
                                  std::to_string(p.param.threads) + "threads";
                         });

TEST_F(LoadRunTest, WithoutAckFileRecordsCarryNoIds) {
  ScriptedServer server([](int) { return Answer::kOk; });
  LoadOptions o = Options(server);
  o.max_records = 95;  // rounds up to 10 requests of 10
  auto report = RunLoad(o);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->requests, 10u);
  EXPECT_EQ(report->records_ok, 100u);
  for (const Received& req : server.received()) EXPECT_TRUE(req.ids.empty());
  for (const std::string& path : server.paths()) EXPECT_EQ(path, "/api/default/load/_multi");
}

TEST_F(LoadRunTest, WholeRunTotalsIncludeTheWarmup) {
  ScriptedServer server([](int i) { return i % 4 == 3 ? Answer::kUnavailable : Answer::kOk; });
  LoadOptions o = Options(server);
  o.connections = 2;
  o.warmup = 300ms;
  o.duration = 300ms;
  auto report = RunLoad(o);
  ASSERT_TRUE(report.ok());
  const std::vector<Received> received = server.received();
  std::uint64_t ok = 0;
  for (const Received& r : received) ok += r.answer == Answer::kOk;
  // The measured figures leave the warmup out; the whole-run totals are what the server saw.
  EXPECT_EQ(report->whole_run_requests, received.size());
  EXPECT_EQ(report->whole_run_records_ok, ok * 10);
  EXPECT_EQ(report->whole_run_errors, received.size() - ok);
  EXPECT_LT(report->requests, report->whole_run_requests);
  EXPECT_NE(FormatJson(*report).find(
                "\"whole_run\":{\"requests\":" + std::to_string(received.size()) + ","),
            std::string::npos);
}

TEST_F(LoadRunTest, OpenLoopKeepsToTheRate) {
  ScriptedServer server([](int) { return Answer::kOk; });
  LoadOptions o = Options(server);
  o.connections = 2;
  o.rate = 200;  // records/s: 20 requests/s of 10 records
  o.max_requests = 10;
  auto report = RunLoad(o);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->requests, 10u);
  // The tenth send is due 450 ms after the start: it cannot be earlier, and generous bounds keep
  // a slow machine from failing the test.
  EXPECT_GE(report->run_seconds, 0.40);
  EXPECT_LT(report->run_seconds, 5.0);
  EXPECT_LE(report->requests_per_second(), 23.0);
  EXPECT_GT(report->requests_per_second(), 2.0);
}

TEST_F(LoadRunTest, OpenLoopLatencyCountsTheQueueBehindASlowAnswer) {
  // One connection at 50 requests/s; the 6th answer takes 300 ms. The 14 requests due meanwhile
  // go out late: their service time is short, but their latency from the intended send time is
  // not -- which is what a closed-loop measurement would hide (coordinated omission).
  ScriptedServer server([](int i) { return i == 5 ? Answer::kLate : Answer::kOk; }, 300ms);
  LoadOptions o = Options(server);
  o.records_per_request = 1;
  o.connections = 1;
  o.rate = 50;
  o.max_requests = 30;
  auto report = RunLoad(o);
  ASSERT_TRUE(report.ok());
  const LoadReport& r = *report;
  ASSERT_EQ(r.requests_ok, 30u);
  EXPECT_GE(r.service_ns.CountAbove(250'000'000), 1u);
  EXPECT_LE(r.service_ns.CountAbove(250'000'000), 3u);
  EXPECT_GE(r.latency_ns.CountAbove(100'000'000), 6u);
  EXPECT_GE(r.latency_ns.ValueAtQuantile(0.9), 100'000'000u);
  EXPECT_LT(r.service_ns.ValueAtQuantile(0.5), 100'000'000u);
}

TEST_F(LoadRunTest, RetryAfterPausesTheConnection) {
  for (bool respect : {true, false}) {
    SCOPED_TRACE(respect ? "respected" : "ignored");
    ScriptedServer server([](int i) { return i == 0 ? Answer::kUnavailable : Answer::kOk; });
    server.set_retry_after_seconds(1);
    LoadOptions o = Options(server);
    o.connections = 1;
    o.max_requests = 3;
    o.respect_retry_after = respect;
    auto report = RunLoad(o);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->statuses.at(503), 1u);
    EXPECT_EQ(report->statuses.at(200), 2u);
    if (respect) {
      EXPECT_GE(report->run_seconds, 0.95) << "the second request waited 1 s";
    }
  }
}

TEST_F(LoadRunTest, TimeoutClosesTheConnectionAndTheRunGoesOn) {
  ScriptedServer server([](int i) { return i == 1 ? Answer::kNever : Answer::kOk; });
  LoadOptions o = Options(server);
  o.connections = 1;
  o.max_requests = 5;
  o.timeout = 300ms;
  auto report = RunLoad(o);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->requests, 5u);
  EXPECT_EQ(report->timeouts, 1u);
  EXPECT_EQ(report->requests_ok, 4u);
  EXPECT_EQ(report->latency_ns.count(), 4u) << "an unanswered request has no latency";
}

TEST_F(LoadRunTest, ServerGoingAwayEndsTheRunWithAReport) {
  ScriptedServer server([](int) { return Answer::kOk; });
  LoadOptions o = Options(server);
  o.connections = 2;
  o.duration = 20s;
  o.give_up_after = 500ms;
  auto run = std::async(std::launch::async, [o] { return RunLoad(o); });
  std::this_thread::sleep_for(300ms);
  server.Stop();
  ASSERT_EQ(run.wait_for(15s), std::future_status::ready) << "the client did not give up";
  auto report = run.get();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->stop_reason, "unreachable");
  EXPECT_EQ(report->gave_up, 2u);
  EXPECT_GT(report->requests_ok, 0u);
  EXPECT_GT(report->connect_errors, 0u);
}

TEST_F(LoadRunTest, InterruptStopsADurationRun) {
  ScriptedServer server([](int) { return Answer::kOk; });
  LoadOptions o = Options(server);
  o.duration = 60s;
  std::atomic<int> interrupts{0};
  auto run = std::async(std::launch::async, [&] { return RunLoad(o, nullptr, &interrupts); });
  std::this_thread::sleep_for(200ms);
  interrupts = 1;
  ASSERT_EQ(run.wait_for(10s), std::future_status::ready);
  auto report = run.get();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->stop_reason, "interrupted");
  EXPECT_GT(report->requests_ok, 0u);
  EXPECT_EQ(report->requests, report->requests_ok) << "in-flight requests were let finish";
}

TEST_F(LoadRunTest, UnresolvableHostIsAnError) {
  LoadOptions o;
  o.url = "http://no-such-host.invalid:1";
  o.progress_interval = 0s;
  EXPECT_FALSE(RunLoad(o).ok());
}

}  // namespace
}  // namespace ingot::load
