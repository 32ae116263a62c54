#include "tools/load/load_run.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tools/load/body_pool.h"
#include "tools/load/client.h"

namespace ingot::load {

namespace {

using internal::Clock;
using namespace std::chrono_literals;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

std::string RandomRunId() {
  std::random_device rd;
  char id[9];
  std::snprintf(id, sizeof id, "%08x", static_cast<unsigned>(rd()));
  return id;
}

Result<std::vector<boost::asio::ip::tcp::endpoint>> Resolve(const Target& target) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(target.host, std::to_string(target.port), ec);
  if (ec || results.empty()) {
    return Status::IoError("cannot resolve " + target.host + ": " + ec.message());
  }
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  for (const auto& r : results) endpoints.push_back(r.endpoint());
  return endpoints;
}

// "1,234,567"
std::string Grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

class ProgressLine {
 public:
  ProgressLine(std::FILE* out, const internal::RunState& run) : out_(out), run_(run) {
    tty_ = out != nullptr && isatty(fileno(out));
  }

  void Print(Clock::time_point now, std::uint64_t requests, std::uint64_t records_ok,
             std::uint64_t errors) {
    if (out_ == nullptr) return;
    const double elapsed = Seconds(now - run_.start);
    const double dt = Seconds(now - last_time_);
    const double rate = dt > 0 ? static_cast<double>(records_ok - last_records_) / dt : 0;
    last_time_ = now;
    last_records_ = records_ok;
    const char* phase = now < run_.warmup_end                      ? "  (warmup)"
                        : run_.stop.load() || now >= run_.deadline ? "  (finishing)"
                                                                   : "";
    std::fprintf(out_,
                 "%singot-load %6.1fs  requests %s  records %s  %.0f records/s  errors %s%s%s",
                 tty_ ? "\r" : "", elapsed, Grouped(requests).c_str(), Grouped(records_ok).c_str(),
                 rate, Grouped(errors).c_str(), phase, tty_ ? "\x1b[K" : "\n");
    std::fflush(out_);
    printed_ = true;
  }
  void Done() {
    if (out_ != nullptr && tty_ && printed_) std::fputc('\n', out_);
  }
  void Start(Clock::time_point t) { last_time_ = t; }

 private:
  std::FILE* out_;
  const internal::RunState& run_;
  bool tty_ = false;
  bool printed_ = false;
  Clock::time_point last_time_;
  std::uint64_t last_records_ = 0;
};

void MergeInto(LoadReport& into, const LoadReport& from) {
  into.requests += from.requests;
  into.requests_ok += from.requests_ok;
  into.records_sent += from.records_sent;
  into.records_ok += from.records_ok;
  into.wire_bytes += from.wire_bytes;
  into.raw_bytes += from.raw_bytes;
  into.partial += from.partial;
  into.acked_ids += from.acked_ids;
  into.ack_write_errors += from.ack_write_errors;
  into.missed += from.missed;
  into.connect_errors += from.connect_errors;
  into.io_errors += from.io_errors;
  into.timeouts += from.timeouts;
  into.reconnects += from.reconnects;
  for (const auto& [status, n] : from.statuses) into.statuses[status] += n;
  for (const auto& [status, body] : from.first_error_body)
    into.first_error_body.emplace(status, body);
  into.latency_ns.Merge(from.latency_ns);
  into.service_ns.Merge(from.service_ns);
}

}  // namespace

Result<LoadReport> RunLoad(const LoadOptions& input, std::FILE* progress,
                           const std::atomic<int>* interrupts) {
  INGOT_RETURN_IF_ERROR(Validate(input));
  LoadOptions options = input;
  Result<Target> target = ParseUrl(options.url);
  if (!target.ok()) return target.status();

  // Count bounds: whole requests; a record bound below one request shrinks the request.
  std::uint64_t max_requests = options.max_requests;
  if (options.max_records > 0) {
    if (options.max_records < options.records_per_request) {
      options.records_per_request = static_cast<std::uint32_t>(options.max_records);
    }
    const std::uint64_t for_records =
        (options.max_records + options.records_per_request - 1) / options.records_per_request;
    max_requests = max_requests == 0 ? for_records : std::min(max_requests, for_records);
  }
  const bool with_ids = !options.ack_file.empty();
  const std::string run_id = options.run_id.empty() ? RandomRunId() : options.run_id;

  auto endpoints = Resolve(*target);
  if (!endpoints.ok()) return endpoints.status();

  const auto build_started = Clock::now();
  Result<BodyPool> pool =
      BodyPool::Build(options, *target, options.records_per_request, with_ids ? run_id : "");
  if (!pool.ok()) return pool.status();
  if (progress != nullptr) {
    std::uint64_t raw = 0, wire = 0;
    for (std::size_t i = 0; i < pool->size(); ++i) {
      raw += pool->body(i).raw.size();
      wire += pool->body(i).wire().size();
    }
    std::fprintf(progress,
                 "ingot-load: built %zu bodies of %u records (%.1f MB, %.1f MB as sent) "
                 "in %.2f s\n",
                 pool->size(), options.records_per_request, raw / 1e6,
                 pool->CompressedPerRequest() ? 0.0 : wire / 1e6,
                 Seconds(Clock::now() - build_started));
  }

  int ack_fd = -1;
  if (with_ids) {
    ack_fd = ::open(options.ack_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (ack_fd < 0) {
      return Status::IoError("cannot open --ack-file " + options.ack_file + ": " +
                             std::strerror(errno));
    }
  }

  internal::RunState run(options, *pool);
  run.endpoints = std::move(*endpoints);
  run.ack_fd = ack_fd;
  if (max_requests > 0) run.remaining_requests = static_cast<std::int64_t>(max_requests);

  const std::uint32_t thread_count = std::min(options.threads, options.connections);
  const double requests_per_second =
      options.rate > 0 ? options.rate / options.records_per_request : 0;
  std::vector<std::unique_ptr<internal::ClientThread>> clients;
  run.start = Clock::now();
  run.warmup_end = run.start + std::chrono::duration_cast<Clock::duration>(options.warmup);
  if (options.duration.count() > 0) {
    run.deadline = run.warmup_end + std::chrono::duration_cast<Clock::duration>(options.duration);
  }
  for (std::uint32_t t = 0; t < thread_count; ++t) {
    const std::uint32_t conns = (options.connections - t + thread_count - 1) / thread_count;
    const double share = requests_per_second * conns / options.connections;
    // Threads interleave their slots: thread t's first send is t slots of the whole rate late.
    const auto phase = requests_per_second > 0
                           ? std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(t / requests_per_second))
                           : Clock::duration::zero();
    clients.push_back(std::make_unique<internal::ClientThread>(run, share, phase));
  }
  for (std::uint32_t c = 0; c < options.connections; ++c) {
    std::vector<Body*> bodies;
    std::size_t first = 0;
    if (with_ids) {
      // A connection rewrites the ids of the bodies it sends: it must own them.
      for (std::size_t j = c; j < pool->size(); j += options.connections) {
        bodies.push_back(&pool->body(j));
      }
    } else {
      for (std::size_t j = 0; j < pool->size(); ++j) bodies.push_back(&pool->body(j));
      first = FirstBody(c, options.connections, pool->size());
    }
    clients[c % thread_count]->AddConnection(std::move(bodies), first);
  }

  const double cpu_before = CpuSeconds();
  std::atomic<std::uint32_t> finished{0};
  std::vector<std::thread> threads;
  for (auto& client : clients) {
    threads.emplace_back([&client, &finished] {
      client->Run();
      finished.fetch_add(1);
    });
  }

  ProgressLine line(progress, run);
  line.Start(run.start);
  auto next_progress = run.start + options.progress_interval;
  int seen_interrupts = 0;
  while (finished.load() < clients.size()) {
    std::this_thread::sleep_for(20ms);
    const int n = interrupts != nullptr ? interrupts->load() : 0;
    if (n != seen_interrupts) {
      seen_interrupts = n;
      if (n >= 1) run.stop = true;
      if (n >= 2) run.abort = true;
    }
    const auto now = Clock::now();
    if (now >= next_progress && options.progress_interval.count() > 0) {
      next_progress += std::chrono::duration_cast<Clock::duration>(options.progress_interval);
      if (next_progress < now) next_progress = now + options.progress_interval;
      std::uint64_t requests = 0, records = 0, errors = 0;
      for (auto& client : clients) {
        requests += client->live().requests.load(std::memory_order_relaxed);
        records += client->live().records_ok.load(std::memory_order_relaxed);
        errors += client->live().errors.load(std::memory_order_relaxed);
      }
      line.Print(now, requests, records, errors);
    }
  }
  for (std::thread& t : threads) t.join();
  const auto end = Clock::now();
  line.Done();
  if (ack_fd >= 0) ::close(ack_fd);

  LoadReport report;
  report.url = options.url;
  report.endpoint = std::string(EndpointName(options.endpoint));
  report.workload = std::string(WorkloadName(options.workload));
  report.run_id = run_id;
  report.connections = options.connections;
  report.threads = thread_count;
  report.records_per_request = options.records_per_request;
  report.target_rate = options.rate;
  report.gzip = options.gzip;
  report.client_cpu_seconds = CpuSeconds() - cpu_before;
  report.run_seconds = Seconds(end - run.start);
  Clock::time_point last_answer{};
  for (auto& client : clients) {
    report.whole_run_requests += client->live().requests.load();
    report.whole_run_records_ok += client->live().records_ok.load();
    report.whole_run_errors += client->live().errors.load();
    MergeInto(report, client->stats());
    report.gave_up += client->gave_up();
    last_answer = std::max(last_answer, client->last_answer());
  }
  if (last_answer > run.warmup_end) report.measured_seconds = Seconds(last_answer - run.warmup_end);
  if (seen_interrupts > 0) {
    report.stop_reason = "interrupted";
  } else if (report.gave_up == options.connections) {
    report.stop_reason = "unreachable";
  } else if (max_requests > 0 && run.remaining_requests.load() <= 0) {
    report.stop_reason = "count";
  } else {
    report.stop_reason = "duration";
  }
  // Unsent backlog only means something when the run was meant to last until the deadline.
  if (report.stop_reason != "duration") report.missed = 0;
  return report;
}

}  // namespace ingot::load
