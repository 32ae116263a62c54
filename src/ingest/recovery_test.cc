#include "ingest/recovery.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <thread>

#include "ingest/ingester.h"
#include "memtable/persister.h"
#include "parquet/metadata_reader.h"
#include "protocols/json/json_walker.h"
#include "protocols/json/multi.h"
#include "storage/fault_injection.h"

namespace ingot::ingest {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kHourUs = 3'600'000'000;
constexpr std::int64_t kBase = 1'700'000'000'000'000 / kHourUs * kHourUs;

// One server "life" over a data directory: persister, memtable, and (when `with_writer`) a WAL
// writer and ingester. Crash() drops whatever the memtable holds, as a killed process would.
struct Life {
  Life(const std::string& data_dir, bool with_writer,
       storage::FileSystem& wal_fs = storage::PosixFileSystem())
      : watermark(1) {
    memtable::PersisterOptions po;
    po.data_dir = data_dir;
    po.on_persisted = [this](const memtable::SealedPartition& p) { watermark.Persisted(p.seqs); };
    persister = std::make_unique<memtable::Persister>(po, storage::PosixFileSystem());
    memtable = std::make_unique<memtable::Memtable>(
        memtable::MemtableOptions{},
        [this](memtable::SealedPartition&& p) { persister->Submit(std::move(p)); });
    if (!with_writer) return;
    wal::WalOptions o;
    o.dir = data_dir + "/wal";
    o.segment_size = 1 << 20;
    o.fs = &wal_fs;
    o.retry_interval = std::chrono::milliseconds(10);
    auto opened = wal::WalWriter::Open(o, 1);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    writer = std::move(*opened);
    ingester = std::make_unique<Ingester>(*memtable, writer.get(), &watermark);
  }

  // Ingests NDJSON into org "o", `stream`, and waits for the answer.
  void Ingest(const std::string& stream, const std::string& ndjson) {
    ASSERT_TRUE(TryIngest(stream, ndjson).ok());
  }

  Status TryIngest(const std::string& stream, const std::string& ndjson) {
    RequestHeader header;
    header.protocol = Protocol::kNdjson;
    header.org = "o";
    header.stream = stream;
    header.options.now_us = kBase;
    std::string body = ndjson;
    body.append(protocols::json::kPadding, '\0');
    protocols::Decoded decoded(header.options);
    EXPECT_TRUE(
        protocols::json::DecodeNdjson({body.data(), ndjson.size()}, decoded.Stream(stream)).ok());
    decoded.Finish();
    std::promise<Status> answered;
    ingester->Commit(header, {body.data(), ndjson.size()}, decoded,
                     [&](Status st) { answered.set_value(st); });
    return answered.get_future().get();
  }

  // Persists everything buffered (a clean shutdown, or the end of recovery).
  void PersistAll() {
    memtable->SealAll();
    persister->Drain();
  }

  void Crash() {
    ingester.reset();
    if (writer) writer->Close();
    memtable.reset();  // unsealed partitions die with it
  }

  PersistedWatermark watermark;
  std::unique_ptr<memtable::Persister> persister;
  std::unique_ptr<memtable::Memtable> memtable;
  std::unique_ptr<wal::WalWriter> writer;
  std::unique_ptr<Ingester> ingester;
};

std::string Records(int first, int count, std::int64_t ts) {
  std::string out;
  for (int i = first; i < first + count; ++i) {
    out += "{\"i\":" + std::to_string(i) + ",\"_timestamp\":" + std::to_string(ts) + "}\n";
  }
  return out;
}

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("ingot_replay_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Rows in all Parquet files of stream `s`, from their footers.
  std::int64_t RowsInParquet(const std::string& s) {
    std::int64_t rows = 0;
    const fs::path root = fs::path(dir_) / "files" / "o" / "logs" / s;
    if (!fs::exists(root)) return 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (e.path().extension() != ".parquet") continue;
      auto footer = parquet::ReadFooter(e.path().string());
      EXPECT_TRUE(footer.ok());
      rows += footer->num_rows;
    }
    return rows;
  }

  Result<ReplayReport> Replay(Life& life) {
    return ReplayWal(dir_, storage::PosixFileSystem(), *life.memtable, life.watermark, nullptr,
                     nullptr);
  }

  std::string dir_;
};

TEST_F(ReplayTest, RecordsAcknowledgedButNeverPersistedAreReplayed) {
  {
    Life first(dir_, true);
    first.Ingest("s", Records(0, 10, kBase / 1000));
    first.Ingest("s", Records(10, 5, kBase / 1000) + Records(15, 5, (kBase + kHourUs) / 1000));
    first.Crash();
  }
  EXPECT_EQ(RowsInParquet("s"), 0);

  Life second(dir_, false);  // replay comes before the next writer opens, as in serve
  auto report = Replay(second);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, 2u);
  EXPECT_EQ(report->parts_replayed, 3u);  // one hour, then two
  EXPECT_EQ(report->parts_skipped, 0u);
  EXPECT_EQ(report->next_seq, 3u);
  second.PersistAll();
  EXPECT_EQ(RowsInParquet("s"), 20);
  EXPECT_EQ(second.watermark.watermark(), 3u);
}

TEST_F(ReplayTest, PartsAlreadyInParquetAreNotReplayedTwice) {
  {
    Life first(dir_, true);
    first.Ingest("s", Records(0, 10, kBase / 1000));  // seq 1
    first.PersistAll();                               // -> a file holding seq 1
    first.Ingest("s", Records(10, 5, kBase / 1000));  // seq 2: only in memory
    first.Ingest("t", Records(0, 3, kBase / 1000));   // seq 3: only in memory
    EXPECT_EQ(first.watermark.watermark(), 2u);
    first.Crash();
  }
  EXPECT_EQ(RowsInParquet("s"), 10);

  for (int restart = 0; restart < 2; ++restart) {  // the second: a crash right after the first
    Life life(dir_, false);
    auto report = Replay(life);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->records, 3u);
    EXPECT_EQ(report->next_seq, 4u);
    EXPECT_EQ(report->parts_skipped, restart == 0 ? 1u : 3u);
    EXPECT_EQ(report->parts_replayed, restart == 0 ? 2u : 0u);
    life.PersistAll();
    EXPECT_EQ(RowsInParquet("s"), 15) << "restart " << restart;
    EXPECT_EQ(RowsInParquet("t"), 3) << "restart " << restart;
    EXPECT_EQ(life.watermark.watermark(), 4u);
  }
}

TEST_F(ReplayTest, RecordsAnsweredWithAnErrorAreNeverReplayed) {
  storage::FaultInjectingFileSystem faulty(storage::PosixFileSystem());
  {
    Life first(dir_, true, faulty);
    first.Ingest("s", Records(0, 10, kBase / 1000));  // seq 1
    // The next group is written, then its fsync fails: the client gets an error, yet the
    // record's bytes are in the segment and a plain replay would store them.
    faulty.FailNext(storage::FaultInjectingFileSystem::kSync, Status::IoError("injected EIO"));
    EXPECT_FALSE(first.TryIngest("s", Records(100, 5, kBase / 1000)).ok());
    EXPECT_EQ(first.ingester->pending_aborts(), 1u);
    // The WAL heals itself (a probe writes a fresh segment); the abort record goes out.
    for (int i = 0; i < 500 && first.ingester->pending_aborts() > 0; ++i) {
      first.ingester->FlushAborts();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(first.ingester->pending_aborts(), 0u);
    first.Ingest("s", Records(10, 3, kBase / 1000));  // a later record still replays
    first.Crash();
  }
  Life second(dir_, false);
  auto report = Replay(second);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->aborted, 1u) << report->records << " records, " << report->parts_replayed;
  second.PersistAll();
  EXPECT_EQ(RowsInParquet("s"), 13);  // 10 + 3, not the 5 that were answered with an error
}

}  // namespace
}  // namespace ingot::ingest
