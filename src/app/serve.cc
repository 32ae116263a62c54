#include "app/serve.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/admin_api.h"
#include "api/ingest_api.h"
#include "http/server.h"
#include "ingest/ingester.h"
#include "memtable/memtable.h"
#include "memtable/persister.h"
#include "model/timestamp.h"
#include "parquet/codec.h"
#include "storage/file_system.h"
#include "storage/parquet_file.h"

namespace ingot::app {

namespace {

// Seals memtable partitions that reached --max-file-age, checking a few times per age.
class AgeTicker {
 public:
  AgeTicker(memtable::Memtable& memtable, std::int64_t max_age_us)
      : memtable_(memtable),
        period_(
            std::chrono::microseconds(std::clamp<std::int64_t>(max_age_us / 4, 10'000, 1'000'000))),
        thread_([this] { Run(); }) {}
  ~AgeTicker() {
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
      memtable_.SealExpired(model::NowMicros());
      lock.lock();
    }
  }

  memtable::Memtable& memtable_;
  const std::chrono::microseconds period_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

unsigned Cores() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace

int RunServe(const ServeConfig& config) {
  // Signals are taken by sigwait below; block them before any thread exists so that every
  // thread inherits the mask and none is interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  storage::FileSystem& fs = storage::PosixFileSystem();
  const std::string files_dir = config.data_dir + "/files";
  if (Status st = fs.CreateDirs(files_dir); !st.ok()) {
    spdlog::critical("cannot create {}: {}", files_dir, st.ToString());
    return 1;
  }
  if (std::size_t n = storage::RemoveTemporaryFiles(fs, files_dir); n > 0) {
    spdlog::warn("removed {} partial Parquet files left by an interrupted run", n);
  }

  memtable::PersisterOptions persist_options;
  persist_options.data_dir = config.data_dir;
  persist_options.threads = config.persist_threads ? config.persist_threads : Cores();
  persist_options.writer.codec = parquet::ParseCodec(config.compression).value();
  if (config.zstd_level != 0) persist_options.writer.zstd_level = config.zstd_level;
  memtable::Persister persister(persist_options, fs);

  memtable::MemtableOptions memtable_options;
  memtable_options.max_partition_rows = config.max_file_rows;
  memtable_options.max_partition_bytes = config.max_file_bytes;
  memtable_options.max_age_us = config.max_file_age_us;
  memtable_options.max_columns = config.max_columns;
  memtable::Memtable memtable(memtable_options, [&persister](memtable::SealedPartition&& p) {
    persister.Submit(std::move(p));
  });
  ingest::Ingester ingester(memtable);

  api::IngestApiOptions api_options;
  api_options.max_depth = config.flatten_depth;
  api_options.max_columns = config.max_columns;
  api_options.max_past_us = config.max_past_us;
  api_options.max_future_us = config.max_future_us;
  api_options.hec_default_stream = config.hec_default_stream;
  api::IngestApi ingest_api(api_options, ingester);
  api::AdminApi admin_api({nullptr, &ingester, &memtable, &persister});

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
  http::Server server(http_options, std::move(router));
  admin_api.set_server(&server);
  if (Status st = server.Start(); !st.ok()) {
    spdlog::critical("cannot listen on {}: {}", config.http_addr, st.ToString());
    return 1;
  }
  const std::string host = config.http_addr.substr(0, config.http_addr.rfind(':'));
  spdlog::info("ingot listening on http://{}:{} (data in {})", host, server.port(),
               config.data_dir);
  admin_api.set_ready(true);

  int exit_code = 0;
  {
    AgeTicker ticker(memtable, config.max_file_age_us);
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("{}: stopping; finishing requests and writing buffered records",
                 strsignal(signal_number));
    admin_api.set_ready(false);
    server.Stop();
  }
  memtable.SealAll();
  persister.Drain();
  const auto& s = persister.stats();
  spdlog::info("stopped: {} Parquet files, {} rows written by this run", s.files.load(),
               s.rows.load());
  return exit_code;
}

}  // namespace ingot::app
