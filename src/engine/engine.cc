#include "engine/engine.h"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <thread>

#include "api/admin_api.h"
#include "api/ingest_api.h"
#include "auth/authenticator.h"
#include "auth/exposure.h"
#include "common/memory_budget.h"
#include "engine/maintenance.h"
#include "fs/file_system.h"
#include "grpc/otlp_grpc_server.h"
#include "http/server.h"
#include "ingest/ingest_flow.h"
#include "ingest/ingester.h"
#include "ingest/persisted_watermark.h"
#include "ingest/recovery.h"
#include "memtable/memtable.h"
#include "model/timestamp.h"
#include "parquet/codec.h"
#include "persist/parquet_file.h"
#include "persist/persister.h"
#include "wal/wal_writer.h"

namespace ingot::engine {

namespace {

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
// `last_trim`: when this last gave memory back to the kernel.
void RelieveMemoryPressure(const MemoryBudget& budget, memtable::Memtable& memtable,
                           std::chrono::steady_clock::time_point& last_trim) {
  if (budget.used() > budget.limit() / 2 && memtable.memory_bytes() > budget.limit() / 4) {
    memtable.SealLargest(budget.limit() / 4);
  }
  // Memory freed into glibc's heaps (blocks under the 1 MiB mmap threshold: columns, freed by the
  // persist threads) stays resident, outside the budget: with 64 connections of 20 MB gzipped
  // wide requests it reached 170-300 MiB, and peak RSS 2090 MiB under a 2048 MiB budget. Near the
  // budget, hand it back to the kernel, at most once a second.
  const auto now = std::chrono::steady_clock::now();
  if (budget.used() > budget.limit() / 2 && now - last_trim >= std::chrono::seconds(1)) {
    last_trim = now;
    malloc_trim(0);
  }
}

// Sets `disk_low` while the data directory's file system has less than --min-free-disk free,
// logging each change.
void UpdateDiskLow(const EngineOptions& options, std::atomic<bool>& disk_low) {
  struct statvfs st;
  if (::statvfs(options.data_dir.c_str(), &st) != 0) return;
  const std::uint64_t free_bytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  const bool low = free_bytes < options.min_free_disk_bytes;
  if (low != disk_low.exchange(low)) {
    if (low) {
      spdlog::error(
          "free disk space {} MiB is below --min-free-disk: refusing data until it returns",
          free_bytes >> 20);
    } else {
      spdlog::info("free disk space {} MiB: accepting data again", free_bytes >> 20);
    }
  }
}

std::string HostOf(const std::string& address) { return address.substr(0, address.rfind(':')); }

}  // namespace

// The stages of a node, declared in the order they are built, so that they are destroyed in the
// reverse order: nothing outlives what it uses.
struct Engine::Node {
  explicit Node(const EngineOptions& o) : budget(o.memory_limit_bytes) {}

  std::optional<auth::Authenticator> authenticator;
  MemoryBudget budget;
  std::atomic<bool> disk_low{false};
  ingest::PersistedWatermark watermark;
  std::unique_ptr<persist::Persister> persister;
  std::unique_ptr<memtable::Memtable> memtable;
  wal::WalStats wal_stats;
  std::unique_ptr<ingest::IngestFlow> flow;
  std::unique_ptr<api::IngestApi> ingest_api;
  std::unique_ptr<api::AdminApi> admin_api;
  std::unique_ptr<grpc_server::OtlpGrpcServer> grpc;
  std::unique_ptr<http::Server> http;
  std::unique_ptr<wal::WalWriter> wal;
  std::unique_ptr<ingest::Ingester> ingester;
  Maintenance maintenance;
  std::chrono::steady_clock::time_point last_trim;  // for the maintenance thread only
  bool listening = false;

  // No new requests or calls; those in flight are answered (their WAL callbacks have run when
  // this returns). Before the WAL closes.
  void StopTransports(std::chrono::milliseconds grace) {
    if (!listening) return;
    listening = false;
    if (grpc != nullptr) grpc->Stop(grace);
    http->Stop();
  }
};

Engine::Engine(EngineOptions options)
    : options_(std::move(options)), node_(std::make_unique<Node>(options_)) {}

Engine::~Engine() {
  Stop(std::chrono::steady_clock::now() + std::chrono::microseconds(options_.stop_timeout_us));
}

std::uint16_t Engine::http_port() const { return node_->http ? node_->http->port() : 0; }
std::uint16_t Engine::grpc_port() const { return node_->grpc ? node_->grpc->port() : 0; }
std::uint64_t Engine::files_written() const {
  return node_->persister ? node_->persister->stats().files.load() : 0;
}
std::uint64_t Engine::rows_written() const {
  return node_->persister ? node_->persister->stats().rows.load() : 0;
}

Status Engine::Open() {
  Node& n = *node_;
  const EngineOptions& o = options_;
  auth::AuthConfig auth_config;
  auth_config.auth_file = o.auth_file;
  auth::ReadRootUserFromEnvironment(auth_config);
  auto authenticator = auth::Authenticator::Load(auth_config);
  if (!authenticator.ok()) return authenticator.status();
  n.authenticator.emplace(std::move(*authenticator));
  for (const std::string& addr : {o.http_addr, o.grpc_addr}) {
    if (addr.empty()) continue;
    INGOT_RETURN_IF_ERROR(auth::CheckExposure(addr, n.authenticator->enabled(), o.no_auth));
  }
  if (!n.authenticator->enabled()) {
    spdlog::warn("no credentials configured: anyone who can reach {}{}{} may write data",
                 o.http_addr, o.grpc_addr.empty() ? "" : " or ", o.grpc_addr);
  }

  fs::FileSystem& fs = fs::PosixFileSystem();
  const std::string files_dir = o.data_dir + "/files";
  if (Status st = fs.CreateDirs(files_dir); !st.ok()) {
    return Status(st.code(), "cannot create " + files_dir + ": " + st.message());
  }
  if (std::size_t removed = persist::RemoveTemporaryFiles(fs, files_dir); removed > 0) {
    spdlog::warn("removed {} partial Parquet files left by an interrupted run", removed);
  }
  UpdateDiskLow(o, n.disk_low);

  persist::PersisterOptions persist;
  persist.memory_budget = &n.budget;
  persist.test_delay = std::chrono::microseconds(o.test_persist_delay_us);
  persist.data_dir = o.data_dir;
  persist.threads = o.persist_threads ? o.persist_threads : Cores();
  persist.nice = o.persist_nice;
  auto codec = parquet::ParseCodec(o.compression);
  if (!codec.ok()) return codec.status();
  persist.writer.codec = *codec;
  if (o.zstd_level != 0) persist.writer.zstd_level = o.zstd_level;
  persist.on_persisted = [&n](const memtable::SealedPartition& p) {
    n.watermark.Persisted(p.seqs);
  };
  n.persister = std::make_unique<persist::Persister>(persist, fs);

  memtable::MemtableOptions memtable;
  memtable.max_partition_rows = o.max_file_rows;
  memtable.max_partition_bytes = o.max_file_bytes;
  memtable.max_age_us = o.max_file_age_us;
  memtable.max_columns = o.max_columns;
  memtable.memory_budget = &n.budget;
  n.memtable = std::make_unique<memtable::Memtable>(
      memtable, [&n](memtable::SealedPartition&& p) { n.persister->Submit(std::move(p)); });

  // The transports start before the WAL is replayed, so that /healthz, /readyz and /metrics
  // answer meanwhile, and ingestion answers 503 + Retry-After (gRPC: UNAVAILABLE + RetryInfo)
  // rather than refusing connections, which clients would treat as an outage.
  ingest::IngestFlowOptions flow;
  flow.max_depth = o.flatten_depth;
  flow.max_columns = o.max_columns;
  flow.max_past_us = o.max_past_us;
  flow.max_future_us = o.max_future_us;
  flow.hec_default_stream = o.hec_default_stream;
  flow.fingerprint = o.fingerprint;
  flow.fingerprint_fields = o.fingerprint_fields;
  flow.max_fields = o.max_fields;
  flow.max_record_bytes = o.max_record_bytes;
  flow.memory_budget = &n.budget;
  flow.disk_low = &n.disk_low;
  flow.authenticator = &*n.authenticator;
  n.flow = std::make_unique<ingest::IngestFlow>(flow);
  n.ingest_api = std::make_unique<api::IngestApi>(*n.flow);
  n.admin_api = std::make_unique<api::AdminApi>(&n.wal_stats);
  if (!o.grpc_addr.empty()) {
    n.grpc = std::make_unique<grpc_server::OtlpGrpcServer>(
        *n.flow, grpc_server::GrpcServerOptions{.address = o.grpc_addr,
                                                .max_message_bytes = o.max_body_bytes,
                                                .max_decoded_bytes = o.max_decoded_bytes});
  }
  http::Router router;
  INGOT_RETURN_IF_ERROR(n.ingest_api->Register(router));
  INGOT_RETURN_IF_ERROR(n.admin_api->Register(router));
  http::ServerOptions http;
  http.address = o.http_addr;
  http.io_threads = o.io_threads;
  http.max_body_bytes = o.max_body_bytes;
  http.max_decoded_bytes = o.max_decoded_bytes;
  http.max_connections = o.max_connections;
  http.header_timeout = std::chrono::milliseconds(o.header_timeout_us / 1000);
  http.body_timeout = std::chrono::milliseconds(o.body_timeout_us / 1000);
  http.stop_timeout = std::chrono::milliseconds(o.stop_timeout_us / 3000);
  http.memory_budget = &n.budget;
  n.http = std::make_unique<http::Server>(http, std::move(router));
  // /metrics, stage by stage, in data-flow order. Bodies the HTTP server refused for memory count
  // as the flow's memory refusals.
  n.flow->AddMemoryRefusals(&n.http->stats().memory_refusals);
  const std::initializer_list<const MetricsSection*> sections = {
      n.http.get(),      &n.flow->requests_section(),  n.memtable.get(),
      n.persister.get(), &n.flow->admission_section(), &n.wal_stats};
  for (const MetricsSection* section : sections) n.admin_api->AddSection(section);
  if (n.grpc != nullptr) n.admin_api->AddSection(&n.grpc->stats());
  if (Status st = n.http->Start(); !st.ok()) {
    return Status(st.code(), "cannot listen on " + o.http_addr + ": " + st.message());
  }
  n.listening = true;
  spdlog::info("ingot listening on http://{}:{} (data in {}, memory limit {} MiB)",
               HostOf(o.http_addr), n.http->port(), o.data_dir, o.memory_limit_bytes >> 20);
  if (n.grpc != nullptr) {
    INGOT_RETURN_IF_ERROR(n.grpc->Start());
    spdlog::info("OTLP/gRPC listening on {}:{}", HostOf(o.grpc_addr), n.grpc->port());
  }
  return Status::Ok();
}

Status Engine::Recover(const std::atomic<bool>* stop) {
  Node& n = *node_;
  const EngineOptions& o = options_;
  fs::FileSystem& fs = fs::PosixFileSystem();
  LoggingReporter reporter;
  const auto started = std::chrono::steady_clock::now();
  auto replay = ingest::ReplayWal(
      o.data_dir, fs, *n.memtable, n.watermark, &reporter, &n.wal_stats,
      [&] { return ingest::MakeRoomForReplay(n.budget, *n.memtable, *n.persister, stop); });
  if (!replay.ok()) return replay.status();
  // Everything replayed is tried once before data is accepted. Partitions whose files keep
  // failing (a full disk) wait for their retries meanwhile, their rows safe in the WAL; rows that
  // can never be written are in the quarantine by now.
  n.memtable->SealAll();
  while (
      !n.persister->WaitTried(std::chrono::steady_clock::now() + std::chrono::milliseconds(100))) {
    if (stop != nullptr && stop->load()) return Status::Unavailable("stopping");
  }
  if (const std::size_t retrying = n.persister->stats().retrying_partitions.load(); retrying > 0) {
    spdlog::error("{} replayed partitions could not be written yet; retrying in the background",
                  retrying);
  }
  if (replay->records > 0) {
    spdlog::info(
        "WAL replayed in {:.2f}s: {} records, {} parts restored, {} already in Parquet, {} "
        "already in quarantine, {} answered with an error (skipped), {} undecodable ({} of their "
        "requests put in quarantine now), {} damaged bytes skipped",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
        replay->records, replay->parts_replayed, replay->parts_skipped, replay->parts_quarantined,
        replay->aborted, replay->undecodable, replay->requests_quarantined,
        replay->wal.corrupt_bytes);
  }

  wal::WalOptions wal;
  wal.dir = o.data_dir + "/wal";
  wal.fs = &fs;
  auto sync = wal::ParseSyncMode(o.wal_sync);
  if (!sync.ok()) return sync.status();
  wal.sync = *sync;
  wal.segment_size = o.wal_segment_bytes;
  wal.stats = &n.wal_stats;
  auto opened = wal::WalWriter::Open(wal, replay->next_seq);
  if (!opened.ok()) {
    return Status(opened.status().code(),
                  "cannot open the write-ahead log: " + opened.status().message());
  }
  n.wal = std::move(*opened);
  RemovePersistedSegments(*n.wal, n.watermark);
  n.ingester = std::make_unique<ingest::Ingester>(*n.memtable, n.wal.get(), &n.watermark);
  return Status::Ok();
}

void Engine::Start() {
  Node& n = *node_;
  const EngineOptions& o = options_;
  const auto seal_period =
      std::chrono::microseconds(std::clamp<std::int64_t>(o.max_file_age_us / 4, 10'000, 1'000'000));
  n.maintenance.Add("seal by age", seal_period,
                    [&n] { n.memtable->SealExpired(model::NowMicros()); });
  n.maintenance.Add("memory relief", seal_period,
                    [&n] { RelieveMemoryPressure(n.budget, *n.memtable, n.last_trim); });
  n.maintenance.Add("free disk", seal_period, [&n, &o] { UpdateDiskLow(o, n.disk_low); });
  n.maintenance.Add("abort records", seal_period, [&n] { n.ingester->FlushAborts(); });
  n.maintenance.Add("WAL cleanup", seal_period,
                    [&n] { RemovePersistedSegments(*n.wal, n.watermark); });
  n.maintenance.Start();
  n.flow->set_ingester(n.ingester.get());  // its totals join /metrics
  n.admin_api->set_ready(true);
  spdlog::info("ready: accepting data (WAL sync {})", o.wal_sync);
}

bool Engine::Stop(std::chrono::steady_clock::time_point deadline) {
  if (stopped_) return true;
  stopped_ = true;
  Node& n = *node_;
  if (n.admin_api != nullptr) n.admin_api->set_ready(false);
  n.maintenance.Stop();
  n.StopTransports(std::chrono::milliseconds(options_.stop_timeout_us / 3000));
  if (n.persister == nullptr) return true;  // Open failed before anything was buffered
  if (n.ingester != nullptr) n.ingester->FlushAborts();
  if (n.wal != nullptr) n.wal->Close();
  n.memtable->SealAll();
  const bool drained = n.persister->DrainUntil(deadline);
  if (n.wal != nullptr) RemovePersistedSegments(*n.wal, n.watermark);
  if (!drained) {
    const auto& s = n.persister->stats();
    n.persister->Abandon();
    spdlog::error(
        "stopped at --stop-timeout with {} partitions not yet in Parquet ({} waiting for a "
        "retry): they stay in the WAL and are written at the next start",
        s.queued_partitions.load(), s.retrying_partitions.load());
  }
  return drained;
}

}  // namespace ingot::engine
