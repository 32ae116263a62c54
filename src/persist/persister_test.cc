#include "persist/persister.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <mutex>
#include <vector>

#include "fs/fault_injection.h"
#include "model/batch_builder.h"
#include "parquet/metadata_reader.h"

namespace ingot::persist {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;

memtable::SealedPartition MakePartition(int rows, bool as_string = false,
                                        model::StreamKey key = {"org", model::StreamType::kLogs,
                                                                "app"}) {
  model::BatchBuilder b;
  model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  b.Reset(o);
  std::string err;
  for (int i = 0; i < rows; ++i) {
    b.BeginRecord();
    auto field = b.Child(model::BatchBuilder::kRoot, "n");
    if (as_string) {
      b.AddString(field, "s" + std::to_string(i));
    } else {
      b.AddInt(field, i);
    }
    EXPECT_TRUE(b.EndRecord(&err));
  }
  memtable::SealedPartition p;
  p.key = std::move(key);
  p.hour = model::HourOf(o.now_us);
  p.chunks.push_back(std::move(b.Finish()));
  p.rows = p.chunks.back().num_rows();
  p.memory_bytes = p.chunks.back().MemoryBytes();
  return p;
}

std::vector<stdfs::path> FilesWithExtension(const stdfs::path& root, std::string_view extension) {
  std::vector<stdfs::path> files;
  if (!stdfs::exists(root)) return files;
  for (const auto& e : stdfs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == extension) files.push_back(e.path());
  }
  return files;
}

std::vector<stdfs::path> ParquetFiles(const stdfs::path& root) {
  return FilesWithExtension(root, ".parquet");
}

class PersisterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = stdfs::temp_directory_path() /
            ("ingot_persister_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(root_);
    options_.data_dir = root_.string();
    options_.threads = 2;
    options_.retry_delay_ms = 1;
  }
  void TearDown() override { stdfs::remove_all(root_); }
  stdfs::path root_;
  PersisterOptions options_;
};

TEST_F(PersisterTest, WritesEachPartitionToItsHourDirectory) {
  Persister persister(options_, fs::PosixFileSystem());
  for (int i = 0; i < 5; ++i) persister.Submit(MakePartition(10 + i));
  persister.Drain();
  const auto files = ParquetFiles(root_);
  ASSERT_EQ(files.size(), 5u);
  for (const auto& f : files) {
    EXPECT_EQ(f.parent_path(), root_ / "files/org/logs/app/date=2023-11-14/hour=22");
    EXPECT_EQ(f.extension(), ".parquet");
  }
  EXPECT_EQ(persister.stats().files.load(), 5u);
  EXPECT_EQ(persister.stats().rows.load(), 10u + 11 + 12 + 13 + 14);
  EXPECT_EQ(persister.stats().queued_partitions.load(), 0u);
  EXPECT_EQ(persister.stats().queued_bytes.load(), 0u);
}

TEST_F(PersisterTest, WorkersRunAtTheConfiguredNiceValue) {
  errno = 0;
  const int process_nice = getpriority(PRIO_PROCESS, 0);
  ASSERT_EQ(errno, 0);
  std::mutex mu;
  std::vector<int> seen;
  options_.nice = 5;
  options_.on_persisted = [&](const memtable::SealedPartition&) {
    const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    std::lock_guard lock(mu);
    seen.push_back(nice);
  };
  {
    Persister persister(options_, fs::PosixFileSystem());
    for (int i = 0; i < 4; ++i) persister.Submit(MakePartition(3));
    persister.Drain();
  }
  ASSERT_EQ(seen.size(), 4u);
  // Nice values stop at 19; the test's own process may already run at a positive one.
  for (int nice : seen) EXPECT_EQ(nice, std::min(process_nice + 5, 19));
}

// A persist thread keeps the columns of its last file for the next one, charged to the memory
// budget while it keeps them, and within its share of the budget.
TEST_F(PersisterTest, KeepsTheLastFilesColumnsChargedToTheBudget) {
  MemoryBudget budget(64 << 20);
  options_.threads = 1;
  options_.memory_budget = &budget;
  {
    Persister persister(options_, fs::PosixFileSystem());
    for (int i = 0; i < 3; ++i) {
      memtable::SealedPartition p = MakePartition(100 + i);
      budget.Charge(p.memory_bytes);  // as the memtable does
      persister.Submit(std::move(p));
      persister.Drain();
      // The partition's charge is released; the spares' charge is what is left.
      EXPECT_GT(budget.used(), 0u);
      EXPECT_LT(budget.used(), 64u << 10);
    }
    EXPECT_EQ(ParquetFiles(root_).size(), 3u);
    EXPECT_EQ(persister.stats().rows.load(), 100u + 101 + 102);
  }
  EXPECT_EQ(budget.used(), 0u);  // given back when the threads stop

  // A budget too small for even one file's columns: nothing is kept.
  MemoryBudget tiny(1024);
  options_.memory_budget = &tiny;
  {
    Persister persister(options_, fs::PosixFileSystem());
    memtable::SealedPartition p = MakePartition(1000);
    tiny.Charge(p.memory_bytes);
    persister.Submit(std::move(p));
    persister.Drain();
    EXPECT_EQ(tiny.used(), 0u);
  }
}

TEST_F(PersisterTest, RetriesUntilTheDiskAcceptsTheFile) {
  fs::FaultInjectingFileSystem faulty(fs::PosixFileSystem());
  faulty.FailNext(fs::FaultInjectingFileSystem::kAppend,
                  Status::ResourceExhausted("injected ENOSPC"), 3);
  Persister persister(options_, faulty);
  persister.Submit(MakePartition(7));
  persister.Drain();
  EXPECT_EQ(ParquetFiles(root_).size(), 1u);
  EXPECT_EQ(persister.stats().failures.load(), 3u);
  EXPECT_EQ(persister.stats().rows.load(), 7u);
}

// An error retrying cannot fix (here ENAMETOOLONG from mkdir) puts the rows in the quarantine,
// reports the partition persisted (so the WAL moves on) and releases its memory.
TEST_F(PersisterTest, QuarantinesWhatCanNeverBeWritten) {
  fs::FaultInjectingFileSystem faulty(fs::PosixFileSystem());
  faulty.FailPathsContaining("/bad/", Status::InvalidInput("mkdir: File name too long"));
  MemoryBudget budget(64 << 20);
  options_.memory_budget = &budget;
  options_.reuse_bytes = 0;
  std::vector<model::StreamKey> persisted;
  std::mutex mu;
  options_.on_persisted = [&](const memtable::SealedPartition& p) {
    std::lock_guard lock(mu);
    persisted.push_back(p.key);
  };
  {
    Persister persister(options_, faulty);
    for (const char* stream : {"bad", "good"}) {
      memtable::SealedPartition p =
          MakePartition(4, false, {"org", model::StreamType::kLogs, stream});
      p.seqs.Add(stream[0] == 'b' ? 1 : 2);
      budget.Charge(p.memory_bytes);
      persister.Submit(std::move(p));
    }
    persister.Drain();
    EXPECT_EQ(persister.quarantine_stats().batches.load(), 1u);
    EXPECT_EQ(persister.quarantine_stats().rows.load(), 4u);
    EXPECT_EQ(persister.stats().files.load(), 1u);
    EXPECT_EQ(persister.stats().failures.load(), 1u);  // one attempt, never retried
  }
  EXPECT_EQ(persisted.size(), 2u);
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_EQ(ParquetFiles(root_ / "files").size(), 1u);
  EXPECT_EQ(FilesWithExtension(root_ / "quarantine", ".ndjson").size(), 1u);
  EXPECT_EQ(FilesWithExtension(root_ / "quarantine", ".json").size(), 1u);
}

// Names that cannot be stored (a WAL record of an earlier version) are quarantined too, without
// reaching the file system.
TEST_F(PersisterTest, QuarantinesPartitionsWhoseNamesCannotBeStored) {
  Persister persister(options_, fs::PosixFileSystem());
  persister.Submit(
      MakePartition(3, false, {"org", model::StreamType::kLogs, std::string(300, 'x')}));
  persister.Submit(MakePartition(3, false, {"", model::StreamType::kLogs, "s"}));
  persister.Drain();
  EXPECT_EQ(persister.quarantine_stats().batches.load(), 2u);
  EXPECT_EQ(ParquetFiles(root_).size(), 0u);
}

// A stream whose writes keep failing with an error that may heal waits for its retry without
// holding a persist thread: with one thread, other streams are written meanwhile.
TEST_F(PersisterTest, ARetryingPartitionDoesNotHoldUpOthers) {
  fs::FaultInjectingFileSystem faulty(fs::PosixFileSystem());
  faulty.FailPathsContaining("/full/", Status::ResourceExhausted("injected ENOSPC"));
  options_.threads = 1;
  options_.retry_delay_ms = 50;
  options_.max_retry_delay_ms = 200;
  Persister persister(options_, faulty);
  persister.Submit(MakePartition(2, false, {"org", model::StreamType::kLogs, "full"}));
  for (int i = 0; i < 5; ++i) persister.Submit(MakePartition(3));
  persister.WaitTried();
  EXPECT_EQ(persister.stats().files.load(), 5u);
  EXPECT_EQ(persister.stats().retrying_partitions.load(), 1u);
  EXPECT_FALSE(persister.DrainUntil(std::chrono::steady_clock::now() + 100ms));
  EXPECT_GE(persister.stats().failures.load(), 1u);
  EXPECT_EQ(persister.quarantine_stats().batches.load(), 0u);  // retried, never quarantined
  faulty.ClearPathFaults();
  persister.Drain();
  EXPECT_EQ(persister.stats().files.load(), 6u);
  EXPECT_EQ(persister.stats().retrying_partitions.load(), 0u);
}

// Stopping gives up partitions still failing: they stay in the WAL, their memory is released,
// and the destructor does not wait for them.
TEST_F(PersisterTest, StoppingGivesUpWhatStillFails) {
  fs::FaultInjectingFileSystem faulty(fs::PosixFileSystem());
  faulty.FailPathsContaining("/full/", Status::ResourceExhausted("injected ENOSPC"));
  MemoryBudget budget(64 << 20);
  options_.memory_budget = &budget;
  options_.retry_delay_ms = 60'000;
  std::atomic<int> persisted{0};
  options_.on_persisted = [&](const memtable::SealedPartition&) { ++persisted; };
  {
    Persister persister(options_, faulty);
    memtable::SealedPartition p =
        MakePartition(2, false, {"org", model::StreamType::kLogs, "full"});
    budget.Charge(p.memory_bytes);
    persister.Submit(std::move(p));
    persister.WaitTried();
  }
  EXPECT_EQ(persisted.load(), 0);
  EXPECT_EQ(budget.used(), 0u);
}

// Column types are remembered within a bound: past it the streams written least recently are
// forgotten (and their next file starts afresh), the stream being written never.
TEST_F(PersisterTest, RemembersColumnTypesWithinABound) {
  options_.threads = 1;
  options_.column_types_bytes = 4096;
  Persister persister(options_, fs::PosixFileSystem());
  persister.Submit(MakePartition(2, /*as_string=*/true, {"org", model::StreamType::kLogs, "a"}));
  persister.Drain();
  // Many other streams push "a" out of the remembered types.
  for (int i = 0; i < 100; ++i) {
    persister.Submit(
        MakePartition(1, false, {"org", model::StreamType::kLogs, "s" + std::to_string(i)}));
  }
  persister.Drain();
  persister.Submit(MakePartition(2, false, {"org", model::StreamType::kLogs, "a"}));
  persister.Drain();
  std::vector<std::string> schemas;
  for (const auto& f : ParquetFiles(root_ / "files/org/logs/a")) {
    auto footer = parquet::ReadFooter(f.string());
    ASSERT_TRUE(footer.ok());
    schemas.emplace_back(footer->Value("ingot.schema"));
  }
  ASSERT_EQ(schemas.size(), 2u);
  std::sort(schemas.begin(), schemas.end());
  EXPECT_NE(schemas[0].find(R"({"name":"n","type":"int64"})"), std::string::npos) << schemas[0];
  EXPECT_NE(schemas[1].find(R"({"name":"n","type":"string"})"), std::string::npos) << schemas[1];
}

TEST_F(PersisterTest, ColumnTypesNeverNarrowAcrossFilesOfAStream) {
  options_.threads = 1;
  Persister persister(options_, fs::PosixFileSystem());
  persister.Submit(MakePartition(2, /*as_string=*/true));
  persister.Drain();
  persister.Submit(MakePartition(2));
  persister.Drain();
  const auto files = ParquetFiles(root_);
  ASSERT_EQ(files.size(), 2u);
  for (const auto& f : files) {
    auto footer = parquet::ReadFooter(f.string());
    ASSERT_TRUE(footer.ok());
    EXPECT_NE(footer->Value("ingot.schema").find(R"({"name":"n","type":"string"})"),
              std::string::npos)
        << footer->Value("ingot.schema");
  }
}

}  // namespace
}  // namespace ingot::persist
