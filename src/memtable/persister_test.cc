#include "memtable/persister.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <mutex>
#include <vector>

#include "model/batch_builder.h"
#include "parquet/metadata_reader.h"
#include "storage/fault_injection.h"

namespace ingot::memtable {
namespace {

namespace fs = std::filesystem;

SealedPartition MakePartition(int rows, bool as_string = false) {
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
  SealedPartition p;
  p.key = {"org", model::StreamType::kLogs, "app"};
  p.hour = model::HourOf(o.now_us);
  p.chunks.push_back(std::move(b.Finish()));
  p.rows = p.chunks.back().num_rows();
  p.memory_bytes = p.chunks.back().MemoryBytes();
  return p;
}

std::vector<fs::path> ParquetFiles(const fs::path& root) {
  std::vector<fs::path> files;
  if (!fs::exists(root)) return files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  return files;
}

class PersisterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ingot_persister_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    options_.data_dir = root_.string();
    options_.threads = 2;
    options_.retry_delay_ms = 1;
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
  PersisterOptions options_;
};

TEST_F(PersisterTest, WritesEachPartitionToItsHourDirectory) {
  Persister persister(options_, storage::PosixFileSystem());
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
  options_.on_persisted = [&](const SealedPartition&) {
    const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    std::lock_guard lock(mu);
    seen.push_back(nice);
  };
  {
    Persister persister(options_, storage::PosixFileSystem());
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
    Persister persister(options_, storage::PosixFileSystem());
    for (int i = 0; i < 3; ++i) {
      SealedPartition p = MakePartition(100 + i);
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
    Persister persister(options_, storage::PosixFileSystem());
    SealedPartition p = MakePartition(1000);
    tiny.Charge(p.memory_bytes);
    persister.Submit(std::move(p));
    persister.Drain();
    EXPECT_EQ(tiny.used(), 0u);
  }
}

TEST_F(PersisterTest, RetriesUntilTheDiskAcceptsTheFile) {
  storage::FaultInjectingFileSystem faulty(storage::PosixFileSystem());
  faulty.FailNext(storage::FaultInjectingFileSystem::kAppend,
                  Status::ResourceExhausted("injected ENOSPC"), 3);
  Persister persister(options_, faulty);
  persister.Submit(MakePartition(7));
  persister.Drain();
  EXPECT_EQ(ParquetFiles(root_).size(), 1u);
  EXPECT_EQ(persister.stats().failures.load(), 3u);
  EXPECT_EQ(persister.stats().rows.load(), 7u);
}

TEST_F(PersisterTest, ColumnTypesNeverNarrowAcrossFilesOfAStream) {
  options_.threads = 1;
  Persister persister(options_, storage::PosixFileSystem());
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
}  // namespace ingot::memtable
