#include "app/serve.h"

#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "api/admin_api.h"
#include "api/ingest_api.h"
#include "api/ingest_flow.h"
#include "app/fd_limit.h"
#include "auth/authenticator.h"
#include "auth/exposure.h"
#include "common/memory_budget.h"
#include "fs/file_system.h"
#include "grpc/otlp_grpc_server.h"
#include "http/server.h"
#include "ingest/ingester.h"
#include "ingest/persisted_watermark.h"
#include "ingest/recovery.h"
#include "memtable/memtable.h"
#include "model/timestamp.h"
#include "parquet/codec.h"
#include "persist/parquet_file.h"
#include "persist/persister.h"
#include "wal/wal_writer.h"

namespace ingot::app {

namespace {

// Runs `tick` every `period` on its own thread until destroyed: seals memtable partitions that
// reached --max-file-age and removes WAL segments that are entirely in Parquet.
class Ticker {
 public:
  Ticker(std::chrono::microseconds period, std::function<void()> tick)
      : period_(period), tick_(std::move(tick)), thread_([this] { Run(); }) {}
  ~Ticker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, period_, [this] { return stop_; })) {
      lock.unlock();
      tick_();
      lock.lock();
    }
  }

  const std::chrono::microseconds period_;
  const std::function<void()> tick_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Logs every range of bytes the WAL reader had to drop (they are counted in the metrics too).
class LoggingReporter final : public wal::Reporter {
 public:
  void Dropped(const wal::Drop& d) override {
    if (d.kind == wal::DropKind::kCorruption) {
      spdlog::error("WAL {} at offset {}: {} damaged bytes skipped ({})", d.segment, d.offset,
                    d.bytes, d.reason);
    } else {
      spdlog::warn("WAL {} at offset {}: unfinished write of {} bytes cut ({})", d.segment,
                   d.offset, d.bytes, d.reason);
    }
  }
};

// Waits for SIGTERM or SIGINT on a thread of its own, from the start (a stop during WAL replay
// counts too). The first signal starts a stop that may take --stop-timeout; a second signal, or
// the end of the stop timeout plus kStopGrace, ends the process at once, whatever it is doing:
// a stop never hangs. Nothing acknowledged is lost by that -- it is in the WAL, replayed at the
// next start.
class StopSignal {
 public:
  // Beyond --stop-timeout, the time the last steps of a stop may take (closing the WAL, the
  // persist threads finishing the file they are writing) before the process is ended.
  static constexpr std::chrono::seconds kStopGrace{5};

  StopSignal(const sigset_t& signals, std::chrono::microseconds stop_timeout)
      : signals_(signals), stop_timeout_(stop_timeout), thread_([this] { Run(); }) {}
  ~StopSignal() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    // The thread is in sigwait or sigtimedwait: a signal only this process sees ends it.
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }

  // Set once a stop was asked for.
  const std::atomic<bool>& requested() const { return requested_; }
  // Blocks until a stop is asked for; returns the signal's name.
  std::string Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return requested_.load(); });
    return signal_name_;
  }
  // When a stop asked for now has to be done (the stop timeout from the signal).
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }

 private:
  void Run() {
    int number = 0;
    sigwait(&signals_, &number);
    {
      std::lock_guard lock(mu_);
      if (done_) return;
      signal_name_ = strsignal(number);
      deadline_ = std::chrono::steady_clock::now() + stop_timeout_;
      requested_ = true;
    }
    cv_.notify_all();
    // sigtimedwait also returns early with EINTR, without a signal of the set, when the process
    // is stopped and continued (SIGSTOP / SIGCONT, a debugger attaching): that is no timeout.
    const auto end = std::chrono::steady_clock::now() + stop_timeout_ + kStopGrace;
    int second = -1;
    for (auto left = end - std::chrono::steady_clock::now(); left.count() > 0;
         left = end - std::chrono::steady_clock::now()) {
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      const timespec timeout{static_cast<time_t>(ns / 1'000'000'000),
                             static_cast<long>(ns % 1'000'000'000)};
      second = sigtimedwait(&signals_, nullptr, &timeout);
      if (second > 0 || errno != EINTR) break;
    }
    {
      std::lock_guard lock(mu_);
      if (done_) return;
    }
    if (second > 0) {
      spdlog::critical("{} again: stopping now; records not yet in Parquet stay in the WAL",
                       strsignal(second));
    } else {
      spdlog::critical(
          "the stop did not finish within --stop-timeout + {}s: ending the process; records not "
          "yet in Parquet stay in the WAL",
          kStopGrace.count());
    }
    spdlog::default_logger()->flush();
    std::_Exit(1);
  }

  const sigset_t signals_;
  const std::chrono::microseconds stop_timeout_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> requested_{false};
  bool done_ = false;                               // GUARDED_BY(mu_)
  std::string signal_name_;                         // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point deadline_;  // set before requested_
  std::thread thread_;
};

unsigned Cores() { return std::max(1u, std::thread::hardware_concurrency()); }

void RemovePersistedSegments(wal::WalWriter& wal, const ingest::PersistedWatermark& watermark) {
  if (Status st = wal.RemoveSegmentsBefore(watermark.watermark()); !st.ok()) {
    spdlog::warn("removing persisted WAL segments: {}", st.ToString());
  }
}

// Once half the budget is used, buffered records are the memory ingot can give back (by writing
// them out): seal the largest partitions down to a quarter of the budget, so that requests are
// refused only while the persist stage is really behind, not while records merely wait for their
// age.
void RelieveMemoryPressure(const MemoryBudget& budget, memtable::Memtable& memtable) {
  if (budget.used() > budget.limit() / 2 && memtable.memory_bytes() > budget.limit() / 4) {
    memtable.SealLargest(budget.limit() / 4);
  }
  // Memory freed into glibc's heaps (blocks under the 1 MiB mmap threshold: columns, freed by the
  // persist threads) stays resident, outside the budget: with 64 connections of 20 MB gzipped
  // wide requests it reached 170-300 MiB, and peak RSS 2090 MiB under a 2048 MiB budget. Near the
  // budget, hand it back to the kernel, at most once a second (called from one thread only).
  static auto last_trim = std::chrono::steady_clock::time_point();
  const auto now = std::chrono::steady_clock::now();
  if (budget.used() > budget.limit() / 2 && now - last_trim >= std::chrono::seconds(1)) {
    last_trim = now;
    malloc_trim(0);
  }
}

// Sets `disk_low` while the data directory's file system has less than --min-free-disk free,
// logging each change.
void UpdateDiskLow(const ServeConfig& config, std::atomic<bool>& disk_low) {
  struct statvfs st;
  if (::statvfs(config.data_dir.c_str(), &st) != 0) return;
  const std::uint64_t free_bytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  const bool low = free_bytes < config.min_free_disk_bytes;
  if (low != disk_low.exchange(low)) {
    if (low) {
      spdlog::error(
          "free disk space {} MiB is below --min-free-disk: refusing data until it "
          "returns",
          free_bytes >> 20);
    } else {
      spdlog::info("free disk space {} MiB: accepting data again", free_bytes >> 20);
    }
  }
}

}  // namespace

int RunServe(const ServeConfig& config) {
  // Signals are taken by StopSignal's thread; block them before any thread exists so that every
  // thread inherits the mask and none is interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  StopSignal stop(signals, std::chrono::microseconds(config.stop_timeout_us));
  // Buffers of a MiB or more come from mmap and go back to the kernel when freed. glibc's default
  // raises that threshold to the size of each large block freed (up to 32 MiB), after which large
  // column and body buffers live in its heaps, where freed memory stays resident: under 64
  // connections of 20 MB requests peak RSS reached 2.4 GiB with a 2 GiB --memory-limit whose
  // accounting said 1.9 GiB; with the fixed threshold 1.9 GiB (bench/run --full cell
  // closed/wide/r10000/plain/c64/none). Setting it also turns the dynamic raising off, and with
  // it the raising of the trim threshold, which is set here too: a heap keeps up to 16 MiB free
  // at its top instead of 128 KiB. (bench/audit counts ~0.8 mprotect calls per 1000-record
  // request with these settings, 0.17 without: heap growth, a microsecond per request.)
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  // Before anything opens files: connections must leave descriptors for WAL and Parquet files.
  const std::size_t max_connections = PlanFileDescriptors(config);

  auth::AuthConfig auth_config;
  auth_config.auth_file = config.auth_file;
  auth::ReadRootUserFromEnvironment(auth_config);
  auto authenticator = auth::Authenticator::Load(auth_config);
  if (!authenticator.ok()) {
    spdlog::critical("{}", authenticator.status().message());
    return 1;
  }
  for (const std::string& addr : {config.http_addr, config.grpc_addr}) {
    if (addr.empty()) continue;
    if (Status st = auth::CheckExposure(addr, authenticator->enabled(), config.no_auth); !st.ok()) {
      spdlog::critical("{}", st.message());
      return 1;
    }
  }
  if (!authenticator->enabled()) {
    spdlog::warn("no credentials configured: anyone who can reach {}{}{} may write data",
                 config.http_addr, config.grpc_addr.empty() ? "" : " or ", config.grpc_addr);
  }

  fs::FileSystem& fs = fs::PosixFileSystem();
  const std::string files_dir = config.data_dir + "/files";
  if (Status st = fs.CreateDirs(files_dir); !st.ok()) {
    spdlog::critical("cannot create {}: {}", files_dir, st.ToString());
    return 1;
  }
  if (std::size_t n = persist::RemoveTemporaryFiles(fs, files_dir); n > 0) {
    spdlog::warn("removed {} partial Parquet files left by an interrupted run", n);
  }

  MemoryBudget budget(config.memory_limit_bytes);
  std::atomic<bool> disk_low{false};
  UpdateDiskLow(config, disk_low);

  ingest::PersistedWatermark watermark;
  persist::PersisterOptions persist_options;
  persist_options.memory_budget = &budget;
  persist_options.test_delay = std::chrono::microseconds(config.test_persist_delay_us);
  persist_options.data_dir = config.data_dir;
  persist_options.threads = config.persist_threads ? config.persist_threads : Cores();
  persist_options.nice = config.persist_nice;
  persist_options.writer.codec = parquet::ParseCodec(config.compression).value();
  if (config.zstd_level != 0) persist_options.writer.zstd_level = config.zstd_level;
  persist_options.on_persisted = [&watermark](const memtable::SealedPartition& p) {
    watermark.Persisted(p.seqs);
  };
  persist::Persister persister(persist_options, fs);

  memtable::MemtableOptions memtable_options;
  memtable_options.max_partition_rows = config.max_file_rows;
  memtable_options.max_partition_bytes = config.max_file_bytes;
  memtable_options.max_age_us = config.max_file_age_us;
  memtable_options.max_columns = config.max_columns;
  memtable_options.memory_budget = &budget;
  memtable::Memtable memtable(memtable_options, [&persister](memtable::SealedPartition&& p) {
    persister.Submit(std::move(p));
  });

  // The HTTP server starts first so that /healthz, /readyz and /metrics answer while the WAL is
  // replayed; ingestion endpoints answer 503 + Retry-After until then.
  wal::WalStats wal_stats;
  api::IngestApiOptions api_options;
  api_options.max_depth = config.flatten_depth;
  api_options.max_columns = config.max_columns;
  api_options.max_past_us = config.max_past_us;
  api_options.max_future_us = config.max_future_us;
  api_options.hec_default_stream = config.hec_default_stream;
  api_options.max_fields = config.max_fields;
  api_options.max_record_bytes = config.max_record_bytes;
  api_options.memory_budget = &budget;
  api_options.disk_low = &disk_low;
  api_options.authenticator = &*authenticator;
  api::IngestFlow ingest_flow(api_options);
  api::IngestApi ingest_api(ingest_flow);
  api::AdminApi admin_api({.memtable = &memtable,
                           .persister = &persister,
                           .wal = &wal_stats,
                           .memory_budget = &budget,
                           .rejections = &ingest_flow.rejections(),
                           .ingest_metrics = &ingest_flow.metrics(),
                           .disk_low = &disk_low,
                           .sections = {}});
  // OTLP/gRPC goes through the same flow; like HTTP it answers (UNAVAILABLE + RetryInfo) while the
  // WAL is replayed rather than refusing connections, which exporters would treat as an outage.
  std::unique_ptr<grpc_server::OtlpGrpcServer> grpc_server;
  if (!config.grpc_addr.empty()) {
    grpc_server = std::make_unique<grpc_server::OtlpGrpcServer>(
        ingest_flow, grpc_server::GrpcServerOptions{.address = config.grpc_addr,
                                                    .max_message_bytes = config.max_body_bytes,
                                                    .max_decoded_bytes = config.max_decoded_bytes});
    admin_api.AddSection(&grpc_server->stats());
  }
  http::Router router;
  for (Status st : {ingest_api.Register(router), admin_api.Register(router)}) {
    if (!st.ok()) {
      spdlog::critical("routes: {}", st.ToString());
      return 1;
    }
  }
  http::ServerOptions http_options;
  http_options.address = config.http_addr;
  http_options.io_threads = config.io_threads;
  http_options.max_body_bytes = config.max_body_bytes;
  http_options.max_decoded_bytes = config.max_decoded_bytes;
  http_options.max_connections = max_connections;
  http_options.header_timeout = std::chrono::milliseconds(config.header_timeout_us / 1000);
  http_options.body_timeout = std::chrono::milliseconds(config.body_timeout_us / 1000);
  // A stop gives requests in flight a third of --stop-timeout, and the rest to the persist stage.
  const auto transport_stop_timeout = std::chrono::milliseconds(config.stop_timeout_us / 3000);
  http_options.stop_timeout = transport_stop_timeout;
  http_options.memory_budget = &budget;
  http::Server server(http_options, std::move(router));
  admin_api.set_server(&server);
  if (Status st = server.Start(); !st.ok()) {
    spdlog::critical("cannot listen on {}: {}", config.http_addr, st.ToString());
    return 1;
  }
  const std::string host = config.http_addr.substr(0, config.http_addr.rfind(':'));
  spdlog::info("ingot listening on http://{}:{} (data in {}, memory limit {} MiB)", host,
               server.port(), config.data_dir, config.memory_limit_bytes >> 20);
  if (grpc_server != nullptr) {
    if (Status st = grpc_server->Start(); !st.ok()) {
      spdlog::critical("{}", st.message());
      server.Stop();
      return 1;
    }
    spdlog::info("OTLP/gRPC listening on {}:{}",
                 config.grpc_addr.substr(0, config.grpc_addr.rfind(':')), grpc_server->port());
  }
  // Stops both transports: no new calls, in-flight ones answered (their WAL callbacks have run
  // when this returns). Before the WAL closes.
  auto stop_transports = [&] {
    if (grpc_server != nullptr) grpc_server->Stop(transport_stop_timeout);
    server.Stop();
  };

  // Replay what the WAL holds and no Parquet file does, and persist it, before accepting data.
  LoggingReporter reporter;
  const auto replay_started = std::chrono::steady_clock::now();
  auto replay = ingest::ReplayWal(
      config.data_dir, fs, memtable, watermark, &reporter, &wal_stats,
      [&] { return ingest::MakeRoomForReplay(budget, memtable, persister, &stop.requested()); });
  if (!replay.ok() && stop.requested()) {
    spdlog::info("{}: stopped during WAL replay; the rest is replayed at the next start",
                 stop.Wait());
    stop_transports();
    persister.Abandon();
    return 0;
  }
  if (!replay.ok()) {
    spdlog::critical("cannot replay the write-ahead log: {}", replay.status().ToString());
    stop_transports();
    return 1;
  }
  // Everything replayed is tried once before data is accepted. Partitions whose files keep
  // failing (a full disk) wait for their retries meanwhile, their rows safe in the WAL; rows that
  // can never be written are in the quarantine by now.
  memtable.SealAll();
  while (!persister.WaitTried(std::chrono::steady_clock::now() + std::chrono::milliseconds(100))) {
    if (stop.requested()) break;
  }
  if (stop.requested()) {
    spdlog::info(
        "{}: stopped while writing the replayed records; the rest is replayed at the "
        "next start",
        stop.Wait());
    stop_transports();
    persister.Abandon();
    return 0;
  }
  if (const std::size_t n = persister.stats().retrying_partitions.load(); n > 0) {
    spdlog::error("{} replayed partitions could not be written yet; retrying in the background", n);
  }
  const double replay_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - replay_started).count();
  if (replay->records > 0) {
    spdlog::info(
        "WAL replayed in {:.2f}s: {} records, {} parts restored, {} already in Parquet, {} "
        "already in quarantine, {} answered with an error (skipped), {} undecodable ({} of their "
        "requests put in quarantine now), {} damaged bytes skipped",
        replay_s, replay->records, replay->parts_replayed, replay->parts_skipped,
        replay->parts_quarantined, replay->aborted, replay->undecodable,
        replay->requests_quarantined, replay->wal.corrupt_bytes);
  }

  wal::WalOptions wal_options;
  wal_options.dir = config.data_dir + "/wal";
  wal_options.fs = &fs;
  wal_options.sync = wal::ParseSyncMode(config.wal_sync).value();
  wal_options.segment_size = config.wal_segment_bytes;
  wal_options.stats = &wal_stats;
  auto opened = wal::WalWriter::Open(wal_options, replay->next_seq);
  if (!opened.ok()) {
    spdlog::critical("cannot open the write-ahead log: {}", opened.status().ToString());
    stop_transports();
    return 1;
  }
  std::unique_ptr<wal::WalWriter> wal = std::move(*opened);
  RemovePersistedSegments(*wal, watermark);

  ingest::Ingester ingester(memtable, wal.get(), &watermark);
  ingest_flow.set_ingester(&ingester);
  admin_api.set_ingester(&ingester);
  admin_api.set_ready(true);
  spdlog::info("ready: accepting data (WAL sync {})", config.wal_sync);

  {
    const auto period = std::chrono::microseconds(
        std::clamp<std::int64_t>(config.max_file_age_us / 4, 10'000, 1'000'000));
    Ticker ticker(period, [&] {
      memtable.SealExpired(model::NowMicros());
      RelieveMemoryPressure(budget, memtable);
      UpdateDiskLow(config, disk_low);
      ingester.FlushAborts();
      RemovePersistedSegments(*wal, watermark);
    });
    spdlog::info("{}: stopping; finishing requests and writing buffered records (at most {}s)",
                 stop.Wait(), config.stop_timeout_us / 1'000'000);
    admin_api.set_ready(false);
    stop_transports();  // in-flight requests finish; their WAL callbacks have run when it returns
  }
  ingester.FlushAborts();
  wal->Close();
  memtable.SealAll();
  const bool drained = persister.DrainUntil(stop.deadline());
  RemovePersistedSegments(*wal, watermark);
  const auto& s = persister.stats();
  if (!drained) {
    persister.Abandon();
    spdlog::error(
        "stopped at --stop-timeout with {} partitions not yet in Parquet ({} waiting for a "
        "retry): they stay in the WAL and are written at the next start",
        s.queued_partitions.load(), s.retrying_partitions.load());
  }
  spdlog::info("stopped: {} Parquet files, {} rows written by this run", s.files.load(),
               s.rows.load());
  return 0;
}

}  // namespace ingot::app
