#include "ingest/recovery.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "common/input_padding.h"
#include "fs/fault_injection.h"
#include "ingest/ingester.h"
#include "parquet/metadata_reader.h"
#include "persist/persister.h"
#include "protocols/json/multi.h"

namespace ingot::ingest {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kHourUs = 3'600'000'000;
constexpr std::int64_t kBase = 1'700'000'000'000'000 / kHourUs * kHourUs;

// One server "life" over a data directory: persister, memtable, and (when `with_writer`) a WAL
// writer and ingester. Crash() drops whatever the memtable holds, as a killed process would.
struct Life {
  Life(const std::string& data_dir, bool with_writer,
       ingot::fs::FileSystem& wal_fs = ingot::fs::PosixFileSystem(), MemoryBudget* budget = nullptr)
      : watermark(1) {
    persist::PersisterOptions po;
    po.data_dir = data_dir;
    po.memory_budget = budget;
    po.on_persisted = [this](const memtable::SealedPartition& p) { watermark.Persisted(p.seqs); };
    persister = std::make_unique<persist::Persister>(po, ingot::fs::PosixFileSystem());
    memtable::MemtableOptions mo;
    mo.memory_budget = budget;
    memtable = std::make_unique<memtable::Memtable>(
        mo, [this](memtable::SealedPartition&& p) { persister->Submit(std::move(p)); });
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
    header.protocol = protocols::Protocol::kNdjson;
    header.org = "o";
    header.stream = stream;
    header.options.now_us = kBase;
    std::string body = ndjson;
    body.append(kInputPadding, '\0');
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
  std::unique_ptr<persist::Persister> persister;
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

  Result<ReplayReport> Replay(Life& life, const std::function<Status()>& make_room = nullptr) {
    return ReplayWal(dir_, ingot::fs::PosixFileSystem(), *life.memtable, life.watermark, nullptr,
                     nullptr, make_room);
  }

  std::size_t QuarantineNotes() {
    std::size_t n = 0;
    const fs::path root = fs::path(dir_) / "quarantine";
    if (!fs::exists(root)) return 0;
    for (const auto& e : fs::directory_iterator(root)) n += e.path().extension() == ".json";
    return n;
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
  ingot::fs::FaultInjectingFileSystem faulty(ingot::fs::PosixFileSystem());
  {
    Life first(dir_, true, faulty);
    first.Ingest("s", Records(0, 10, kBase / 1000));  // seq 1
    // The next group is written, then its fsync fails: the client gets an error, yet the
    // record's bytes are in the segment and a plain replay would store them.
    faulty.FailNext(ingot::fs::FaultInjectingFileSystem::kSync, Status::IoError("injected EIO"));
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

// A record whose stream name no file system takes (written by an earlier version, which did not
// check names) is quarantined at replay, and the rest replays: the node does not wedge. A crash
// after it was quarantined, before the WAL moved on, does not quarantine it twice.
TEST_F(ReplayTest, WhatCannotBeWrittenIsQuarantinedOnceAndTheRestReplays) {
  const std::string too_long(300, 'x');
  {
    Life first(dir_, true);
    first.Ingest(too_long, Records(0, 4, kBase / 1000));  // seq 1
    first.Ingest("s", Records(0, 6, kBase / 1000));       // seq 2
    first.Crash();
  }
  for (int restart = 0; restart < 2; ++restart) {
    Life life(dir_, false);
    auto report = Replay(life);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->parts_quarantined, restart == 0 ? 0u : 1u);
    life.PersistAll();
    EXPECT_EQ(RowsInParquet("s"), 6) << "restart " << restart;
    EXPECT_EQ(QuarantineNotes(), 1u) << "restart " << restart;
    EXPECT_EQ(life.watermark.watermark(), 3u);  // everything done: the WAL may go
    // The first life's WAL segments are not removed by this test, as if the crash came before.
  }
}

// A WAL record this binary cannot decode again (an earlier version's rules, or damage the
// checksum missed) was acknowledged: its request goes to the quarantine, once, with how to send
// it again, and the rest replays.
TEST_F(ReplayTest, ARecordThatCannotBeDecodedAgainIsQuarantinedAsItsRequest) {
  {
    Life first(dir_, true);
    // Decoded from valid lines, logged with a body that no longer decodes.
    RequestHeader header;
    header.protocol = protocols::Protocol::kNdjson;
    header.org = "o";
    header.stream = "s";
    header.options.now_us = kBase;
    const std::string good = Records(0, 2, kBase / 1000);
    std::string body = good + std::string(kInputPadding, '\0');
    protocols::Decoded decoded(header.options);
    ASSERT_TRUE(
        protocols::json::DecodeNdjson({body.data(), good.size()}, decoded.Stream("s")).ok());
    decoded.Finish();
    std::promise<Status> answered;
    first.ingester->Commit(header, "{not json", decoded,
                           [&](Status st) { answered.set_value(st); });
    ASSERT_TRUE(answered.get_future().get().ok());
    first.Ingest("s", Records(2, 3, kBase / 1000));
    first.Crash();
  }
  for (int restart = 0; restart < 2; ++restart) {
    Life life(dir_, false);
    auto report = Replay(life);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->undecodable, 1u);
    EXPECT_EQ(report->requests_quarantined, restart == 0 ? 1u : 0u);
    life.PersistAll();
    EXPECT_EQ(RowsInParquet("s"), 3);
  }
  std::vector<fs::path> bodies, notes;
  for (const auto& e : fs::directory_iterator(fs::path(dir_) / "quarantine")) {
    (e.path().extension() == ".body" ? bodies : notes).push_back(e.path());
  }
  ASSERT_EQ(bodies.size(), 1u);
  ASSERT_EQ(notes.size(), 1u);
  std::ifstream in(bodies[0]);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "{not json");
  std::ifstream note_in(notes[0]);
  const std::string note(std::istreambuf_iterator<char>(note_in), {});
  EXPECT_NE(note.find(R"("endpoint":"POST /api/{org}/{stream}/_multi")"), std::string::npos)
      << note;
  EXPECT_NE(note.find(R"("org":"o","stream":"s")"), std::string::npos) << note;
  EXPECT_NE(note.find(R"("wal_seq":1)"), std::string::npos) << note;
}

// A WAL far larger than the memory budget replays within it: MakeRoomForReplay seals and waits
// for the persister before each record.
TEST_F(ReplayTest, ReplayStaysWithinTheMemoryBudget) {
  std::string batch;
  for (int i = 0; i < 200; ++i) {
    batch += "{\"i\":" + std::to_string(i) + ",\"text\":\"" + std::string(200, 'a' + i % 26) +
             "\",\"_timestamp\":" + std::to_string(kBase / 1000) + "}\n";
  }
  constexpr int kRecords = 60;
  {
    Life first(dir_, true);
    for (int i = 0; i < kRecords; ++i) first.Ingest("s", batch);
    first.Crash();
  }
  MemoryBudget budget(256 << 10);  // the WAL holds ~3 MB of columns
  Life life(dir_, false, ingot::fs::PosixFileSystem(), &budget);
  std::uint64_t peak = 0;  // memory used after each record was appended
  int calls = 0;
  auto report = Replay(life, [&] {
    ++calls;
    peak = std::max(peak, budget.used());
    return MakeRoomForReplay(budget, *life.memtable, *life.persister);
  });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(calls, kRecords);
  EXPECT_GT(peak, 0u);
  EXPECT_LE(peak, budget.limit());  // half the budget, plus one record
  life.PersistAll();
  EXPECT_EQ(RowsInParquet("s"), 200 * kRecords);
}

// A stop during replay ends it at once; the records not replayed stay in the WAL for the next
// start, which replays them.
TEST_F(ReplayTest, AStopEndsTheReplayAndTheNextStartFinishesIt) {
  {
    Life first(dir_, true);
    for (int i = 0; i < 5; ++i) first.Ingest("s", Records(i * 10, 10, kBase / 1000));
    first.Crash();
  }
  {
    MemoryBudget budget(64 << 20);
    Life life(dir_, false, ingot::fs::PosixFileSystem(), &budget);
    std::atomic<bool> stop{false};
    int calls = 0;
    auto report = Replay(life, [&] {
      if (++calls == 3) stop = true;
      return MakeRoomForReplay(budget, *life.memtable, *life.persister, &stop);
    });
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().code(), StatusCode::kUnavailable);
    life.PersistAll();
    EXPECT_EQ(RowsInParquet("s"), 20);
  }
  Life life(dir_, false);
  auto report = Replay(life);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  life.PersistAll();
  EXPECT_EQ(RowsInParquet("s"), 50);
}

}  // namespace
}  // namespace ingot::ingest
