#include "wal/wal_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "fs/fault_injection.h"
#include "wal/format.h"
#include "wal/segment_files.h"
#include "wal/test_util.h"

namespace ingot::wal {
namespace {

using namespace std::chrono_literals;
using fs::FaultInjectingFileSystem;
using testing::Payload;
using testing::ReadWal;
using testing::ScratchDir;

constexpr auto kWaitLimit = 30s;

// Remembers each callback's outcome by a token chosen by the test, and checks that each runs
// exactly once.
class Outcomes {
 public:
  struct Outcome {
    Status status;
    std::uint64_t seq;
  };

  WalWriter::Callback For(std::uint64_t token) {
    return [this, token](Status status, std::uint64_t seq) {
      std::lock_guard lock(mu_);
      const bool first = outcomes_.emplace(token, Outcome{std::move(status), seq}).second;
      EXPECT_TRUE(first) << "callback of " << token << " ran twice";
      changed_.notify_all();
    };
  }

  // Waits until `n` callbacks ran.
  void WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    ASSERT_TRUE(changed_.wait_for(lock, kWaitLimit, [&] { return outcomes_.size() >= n; }))
        << outcomes_.size() << " of " << n << " callbacks ran";
  }

  std::map<std::uint64_t, Outcome> Snapshot() {
    std::lock_guard lock(mu_);
    return outcomes_;
  }
  std::size_t size() {
    std::lock_guard lock(mu_);
    return outcomes_.size();
  }
  void Clear() {
    std::lock_guard lock(mu_);
    outcomes_.clear();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::uint64_t, Outcome> outcomes_;
};

bool WaitUntil(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

class WalWriterTest : public ::testing::Test {
 protected:
  WalOptions Options(fs::FileSystem* fs = nullptr) {
    WalOptions options;
    options.dir = dir_.path() + "/wal";
    options.fs = fs;
    options.retry_interval = 20ms;
    return options;
  }

  std::unique_ptr<WalWriter> Open(const WalOptions& options, std::uint64_t next_seq = 1) {
    auto writer = WalWriter::Open(options, next_seq);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  // Keeps payloads alive (a deque never moves its elements) and appends them.
  Status Append(WalWriter& writer, std::uint64_t token, std::size_t size) {
    std::string_view payload;
    {
      std::lock_guard lock(payloads_mu_);
      payload = payloads_.emplace(token, Payload(token, size)).first->second;
    }
    return writer.Append(payload, outcomes_.For(token));
  }
  std::string PayloadOf(std::uint64_t token) {
    std::lock_guard lock(payloads_mu_);
    return payloads_.at(token);
  }

  std::vector<std::string> SegmentNames() {
    std::vector<std::string> names;
    auto segments = ListSegments(fs::PosixFileSystem(), dir_.path() + "/wal");
    for (const SegmentFile& s : *segments) names.push_back(SegmentFileName(s.first_seq));
    return names;
  }

  // Every acknowledged record is read back with its payload; nothing is read twice; every
  // record read is one that was appended (acknowledged or not). Only torn tails are reported,
  // unless `holes` (a power loss that keeps random unsynced pages can leave a hole before
  // intact unacknowledged records, which the reader rightly reports as corruption).
  void ExpectAcknowledgedRecordsRecovered(fs::FileSystem* fs = nullptr, bool holes = false) {
    const auto back = ReadWal(dir_.path() + "/wal", fs);
    ASSERT_TRUE(back.status.ok()) << back.status.ToString();
    std::map<std::uint64_t, std::uint64_t> token_of_seq;
    std::size_t acknowledged = 0;
    for (const auto& [token, outcome] : outcomes_.Snapshot()) {
      if (outcome.seq != 0) token_of_seq[outcome.seq] = token;
      acknowledged += outcome.status.ok();
    }
    std::set<std::uint64_t> read;
    std::uint64_t previous = 0;
    for (const auto& [seq, payload] : back.records) {
      EXPECT_GT(seq, previous);
      previous = seq;
      ASSERT_TRUE(token_of_seq.contains(seq)) << "read a record never appended: " << seq;
      EXPECT_EQ(payload, PayloadOf(token_of_seq[seq])) << seq;
      read.insert(seq);
    }
    std::size_t found = 0;
    for (const auto& [token, outcome] : outcomes_.Snapshot()) {
      if (!outcome.status.ok()) continue;
      EXPECT_TRUE(read.contains(outcome.seq)) << "acknowledged record lost: seq " << outcome.seq;
      ++found;
    }
    EXPECT_EQ(found, acknowledged);
    for (const auto& report : back.reports) {
      if (holes) continue;
      EXPECT_EQ(report.kind, DropKind::kTornTail)
          << report.segment << " @" << report.offset << ": " << report.reason;
    }
  }

  ScratchDir dir_;
  Outcomes outcomes_;
  std::mutex payloads_mu_;
  std::map<std::uint64_t, std::string> payloads_;
};

class SyncModes : public WalWriterTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(SyncModes, AppendsReadBackInOrderAndANewWriterContinues) {
  WalOptions options = Options();
  options.sync = ParseSyncMode(GetParam()).value();
  auto writer = Open(options);
  ASSERT_NE(writer, nullptr);
  const std::size_t sizes[] = {0, 1, 1000, 40'000, 300'000};
  for (std::uint64_t token = 0; token < 50; ++token) {
    ASSERT_TRUE(Append(*writer, token, sizes[token % 5]).ok());
  }
  // One record in three pieces, gathered.
  const std::string a = "first piece/", b(10'000, 'b'), c = "/last piece";
  const std::string_view pieces[] = {a, b, c};
  ASSERT_TRUE(writer->Append(pieces, outcomes_.For(1000)).ok());
  outcomes_.WaitFor(51);
  for (const auto& [token, outcome] : outcomes_.Snapshot()) {
    EXPECT_TRUE(outcome.status.ok()) << outcome.status.ToString();
    EXPECT_EQ(outcome.seq, token == 1000 ? 51 : token + 1) << "single appender: append order";
  }
  writer->Close();
  EXPECT_FALSE(writer->Append("late", outcomes_.For(2000)).ok());

  auto back = ReadWal(options.dir);
  ASSERT_TRUE(back.status.ok());
  EXPECT_TRUE(back.reports.empty());
  ASSERT_EQ(back.records.size(), 51u);
  for (std::uint64_t token = 0; token < 50; ++token) {
    EXPECT_EQ(back.records[token].first, token + 1);
    EXPECT_EQ(back.records[token].second, Payload(token, sizes[token % 5]));
  }
  EXPECT_EQ(back.records[50].second, a + b + c);
  EXPECT_EQ(back.result.next_seq, 52u);

  writer = Open(options, back.result.next_seq);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(Append(*writer, 3000, 10).ok());
  outcomes_.WaitFor(52);
  EXPECT_EQ(outcomes_.Snapshot().at(3000).seq, 52u);
  writer.reset();
  EXPECT_EQ(SegmentNames(), (std::vector<std::string>{SegmentFileName(1), SegmentFileName(52)}));
  back = ReadWal(options.dir);
  ASSERT_EQ(back.records.size(), 52u);
  EXPECT_EQ(back.records.back().second, Payload(3000, 10));
}

INSTANTIATE_TEST_SUITE_P(Wal, SyncModes, ::testing::Values("always", "interval:5", "none"));

TEST_F(WalWriterTest, ConcurrentAppendersGetUniqueIncreasingSequencesInGroups) {
  auto writer = Open(Options());
  ASSERT_NE(writer, nullptr);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 300;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::uint64_t token = t * 10'000 + i;
        EXPECT_TRUE(Append(*writer, token, 100 + (token * 37) % 3000).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  outcomes_.WaitFor(kThreads * kPerThread);
  const auto outcomes = outcomes_.Snapshot();
  std::set<std::uint64_t> seqs;
  for (int t = 0; t < kThreads; ++t) {
    std::uint64_t previous = 0;
    for (int i = 0; i < kPerThread; ++i) {
      const auto& outcome = outcomes.at(t * 10'000 + i);
      ASSERT_TRUE(outcome.status.ok());
      EXPECT_GT(outcome.seq, previous) << "one thread's appends keep their order";
      previous = outcome.seq;
      EXPECT_TRUE(seqs.insert(outcome.seq).second) << "sequence given twice: " << outcome.seq;
    }
  }
  EXPECT_EQ(*seqs.begin(), 1u);
  EXPECT_EQ(*seqs.rbegin(), std::uint64_t{kThreads * kPerThread});

  const WalStats& stats = writer->stats();
  EXPECT_EQ(stats.records.load(), std::uint64_t{kThreads * kPerThread});
  EXPECT_LT(stats.groups.load(), stats.records.load()) << "group commit did not group";
  EXPECT_EQ(stats.group_records.count(), stats.groups.load());
  EXPECT_EQ(stats.group_records.sum(), stats.records.load());
  EXPECT_EQ(stats.fsync_micros.count(), stats.fsyncs.load());
  EXPECT_GE(stats.fsyncs.load(), stats.groups.load());
  writer.reset();
  ExpectAcknowledgedRecordsRecovered();
  EXPECT_EQ(ReadWal(dir_.path() + "/wal").records.size(), seqs.size());
}

TEST_F(WalWriterTest, RollsSegmentsAndRemovesExactlyTheCoveredOnes) {
  WalOptions options = Options();
  options.segment_size = 64 * 1024;
  auto writer = Open(options);
  ASSERT_NE(writer, nullptr);
  std::uint64_t token = 0;
  const auto append_and_wait = [&](std::size_t size) {
    ASSERT_TRUE(Append(*writer, token++, size).ok());
    outcomes_.WaitFor(token);
  };
  for (int i = 0; i < 150; ++i) append_and_wait(1000);
  append_and_wait(200'000);  // larger than a segment: a segment of its own
  append_and_wait(1000);
  const std::vector<std::string> names = SegmentNames();
  ASSERT_GE(names.size(), 4u);
  std::vector<std::uint64_t> firsts;
  for (const std::string& name : names) firsts.push_back(*ParseSegmentFileName(name));
  // Rolled segments are trimmed to what they hold; none was allowed to pass the target size
  // except the one holding the big record.
  for (std::size_t i = 0; i + 1 < names.size(); ++i) {
    const auto size = std::filesystem::file_size(options.dir + "/" + names[i]);
    const bool big = firsts[i] == 151;
    EXPECT_TRUE(big ? size > options.segment_size : size <= options.segment_size)
        << names[i] << " " << size;
  }
  EXPECT_EQ(firsts.back(), 152u) << "the record after the big one starts a segment";
  EXPECT_EQ(writer->stats().segments_live.load(), names.size());

  EXPECT_TRUE(writer->RemoveSegmentsBefore(0).ok());
  EXPECT_EQ(SegmentNames(), names);
  // A watermark inside segment 2 removes segment 1 only.
  ASSERT_TRUE(writer->RemoveSegmentsBefore(firsts[2] - 1).ok());
  EXPECT_EQ(SegmentNames(), std::vector<std::string>(names.begin() + 1, names.end()));
  // Exactly at the first sequence of segment 3: segment 2 is fully covered.
  ASSERT_TRUE(writer->RemoveSegmentsBefore(firsts[2]).ok());
  EXPECT_EQ(SegmentNames(), std::vector<std::string>(names.begin() + 2, names.end()));
  // Everything persisted: all but the segment being written go.
  ASSERT_TRUE(writer->RemoveSegmentsBefore(UINT64_MAX).ok());
  EXPECT_EQ(SegmentNames(), std::vector<std::string>{names.back()});
  EXPECT_EQ(writer->stats().segments_live.load(), 1u);
  EXPECT_EQ(writer->stats().segments_removed.load(), names.size() - 1);
  append_and_wait(10);
  writer.reset();
  const auto back = ReadWal(options.dir);
  ASSERT_EQ(back.records.size(), 2u);
  EXPECT_EQ(back.records[0].first, 152u);
  EXPECT_EQ(back.records[1].first, 153u);
}

// Power loss at a random moment under concurrent load, in always mode: every acknowledged
// record survives, byte for byte, and no record is read twice.
TEST_F(WalWriterTest, PowerLossKeepsEveryAcknowledgedRecord) {
  for (const auto loss :
       {FaultInjectingFileSystem::Loss::kAll, FaultInjectingFileSystem::Loss::kRandomPages}) {
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
      SCOPED_TRACE(::testing::Message() << "loss " << static_cast<int>(loss) << " seed " << seed);
      std::filesystem::remove_all(dir_.path() + "/wal");
      outcomes_.Clear();
      FaultInjectingFileSystem faulty(fs::PosixFileSystem());
      WalOptions options = Options(&faulty);
      options.segment_size = 256 * 1024;  // several rollovers per run
      auto writer = Open(options, 1);
      ASSERT_NE(writer, nullptr);
      std::atomic<bool> stop{false};
      std::vector<std::thread> threads;
      for (std::uint64_t t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
          for (std::uint64_t i = 0; !stop.load(); ++i) {
            const std::uint64_t token = seed * 10'000'000 + t * 1'000'000 + i;
            if (!Append(*writer, token, 200 + (i * 7919) % 40'000).ok()) {
              std::this_thread::sleep_for(1ms);
            }
          }
        });
      }
      outcomes_.WaitFor(150 + seed * 40);
      ASSERT_TRUE(faulty.SimulatePowerLoss(loss, seed).ok());
      stop = true;
      for (auto& thread : threads) thread.join();
      writer.reset();  // its last writes fail: the machine is down
      faulty.Restart();
      const bool holes = loss == FaultInjectingFileSystem::Loss::kRandomPages;
      ExpectAcknowledgedRecordsRecovered(&faulty, holes);

      // The log goes on after the recovery.
      const auto back = ReadWal(options.dir, &faulty);
      writer = Open(options, back.result.next_seq);
      ASSERT_NE(writer, nullptr);
      ASSERT_TRUE(Append(*writer, seed * 10'000'000 + 9'999'999, 100).ok());
      writer.reset();
      ExpectAcknowledgedRecordsRecovered(&faulty, holes);
    }
  }
}

TEST_F(WalWriterTest, IntervalModeSyncsWithinTheInterval) {
  FaultInjectingFileSystem faulty(fs::PosixFileSystem());
  WalOptions options = Options(&faulty);
  options.sync = SyncMode::Interval(20ms);
  auto writer = Open(options);
  ASSERT_NE(writer, nullptr);
  const std::uint64_t fsyncs = writer->stats().fsyncs.load();
  ASSERT_TRUE(Append(*writer, 1, 100).ok());
  outcomes_.WaitFor(1);
  ASSERT_TRUE(WaitUntil([&] { return writer->stats().fsyncs.load() > fsyncs; }));
  ASSERT_TRUE(faulty.SimulatePowerLoss().ok());
  writer.reset();
  faulty.Restart();
  EXPECT_EQ(ReadWal(options.dir, &faulty).records.size(), 1u);
}

// The documented risk of `none`: acknowledged data can be lost on power loss.
TEST_F(WalWriterTest, NoneModeLosesAcknowledgedRecordsOnPowerLoss) {
  FaultInjectingFileSystem faulty(fs::PosixFileSystem());
  WalOptions options = Options(&faulty);
  options.sync = SyncMode::None();
  auto writer = Open(options);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(Append(*writer, 1, 100).ok());
  outcomes_.WaitFor(1);
  EXPECT_TRUE(outcomes_.Snapshot().at(1).status.ok());
  ASSERT_TRUE(faulty.SimulatePowerLoss().ok());
  writer.reset();
  faulty.Restart();
  EXPECT_EQ(ReadWal(options.dir, &faulty).records.size(), 0u);
}

struct Fault {
  const char* name;
  FaultInjectingFileSystem::Op op;
  StatusCode code;
  std::size_t partial_bytes;  // of the failing write that reach the disk
};

class IoFaults : public WalWriterTest, public ::testing::WithParamInterface<Fault> {};

TEST_P(IoFaults, FailTheGroupThenFailFastUntilAProbeSucceedsInAFreshSegment) {
  const Fault fault = GetParam();
  FaultInjectingFileSystem faulty(fs::PosixFileSystem());
  auto writer = Open(Options(&faulty));
  ASSERT_NE(writer, nullptr);
  for (std::uint64_t token = 0; token < 10; ++token) {
    ASSERT_TRUE(Append(*writer, token, 3000).ok());
    outcomes_.WaitFor(token + 1);
  }
  faulty.SetPartialWriteBytes(fault.partial_bytes);
  // The fault lasts: the first probes fail too.
  faulty.FailNext(fault.op, Status(fault.code, "injected"), 3);
  ASSERT_TRUE(Append(*writer, 10, 3000).ok());
  outcomes_.WaitFor(11);
  const auto failed = outcomes_.Snapshot().at(10);
  EXPECT_EQ(failed.status.code(), StatusCode::kUnavailable) << failed.status.ToString();
  EXPECT_NE(failed.status.message().find("injected"), std::string::npos);
  EXPECT_FALSE(writer->healthy());
  EXPECT_FALSE(writer->stats().healthy.load());
  // Fail fast, without a callback.
  const Status rejected = Append(*writer, 11, 10);
  EXPECT_EQ(rejected.code(), StatusCode::kUnavailable);
  EXPECT_GE(writer->stats().rejected_appends.load(), 1u);

  ASSERT_TRUE(WaitUntil([&] { return writer->healthy(); })) << "no probe succeeded";
  EXPECT_GE(writer->stats().probes.load(), 3u);
  ASSERT_TRUE(Append(*writer, 12, 3000).ok());
  outcomes_.WaitFor(12);
  const auto after = outcomes_.Snapshot().at(12);
  ASSERT_TRUE(after.status.ok()) << after.status.ToString();
  // The record went to a fresh segment, named after its sequence (the failed one used 11).
  EXPECT_EQ(after.seq, 12u);
  EXPECT_EQ(SegmentNames().back(), SegmentFileName(12));
  EXPECT_EQ(writer->stats().io_errors.load(), 3u);  // the failure and two failed probes
  writer.reset();
  ExpectAcknowledgedRecordsRecovered(&faulty);
}

INSTANTIATE_TEST_SUITE_P(
    Wal, IoFaults,
    ::testing::Values(Fault{"write", FaultInjectingFileSystem::kWrite, StatusCode::kIoError, 0},
                      Fault{"fsync", FaultInjectingFileSystem::kSync, StatusCode::kIoError, 0},
                      Fault{"enospc_half_written", FaultInjectingFileSystem::kWrite,
                            StatusCode::kResourceExhausted, 1500}),
    [](const ::testing::TestParamInfo<Fault>& param) { return param.param.name; });

TEST_F(WalWriterTest, FullDiskAtRolloverFailsTheGroupAndKeepsEarlierRecords) {
  FaultInjectingFileSystem faulty(fs::PosixFileSystem());
  WalOptions options = Options(&faulty);
  options.segment_size = 32 * 1024;
  auto writer = Open(options);
  ASSERT_NE(writer, nullptr);
  // No new segment can be allocated from now on.
  faulty.FailNext(FaultInjectingFileSystem::kAllocate,
                  Status::ResourceExhausted("injected: no space left on device"), 1'000'000);
  std::uint64_t token = 0;
  while (writer->healthy() && token < 100) {
    ASSERT_TRUE(Append(*writer, token++, 2000).ok());
    outcomes_.WaitFor(token);
  }
  ASSERT_FALSE(writer->healthy()) << "the segment never filled up";
  EXPECT_EQ(outcomes_.Snapshot().at(token - 1).status.code(), StatusCode::kUnavailable);
  std::this_thread::sleep_for(100ms);  // probes keep failing
  EXPECT_FALSE(writer->healthy());
  faulty.FailNext(FaultInjectingFileSystem::kAllocate, Status::Ok(), 0);  // space is back
  ASSERT_TRUE(WaitUntil([&] { return writer->healthy(); }));
  ASSERT_TRUE(Append(*writer, 1000, 2000).ok());
  outcomes_.WaitFor(token + 1);
  EXPECT_TRUE(outcomes_.Snapshot().at(1000).status.ok());
  writer.reset();
  ExpectAcknowledgedRecordsRecovered(&faulty);
}

TEST_F(WalWriterTest, ProbeCleansUpAfterItsOwnFailedAttempt) {
  FaultInjectingFileSystem faulty(fs::PosixFileSystem());
  auto writer = Open(Options(&faulty));
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(Append(*writer, 0, 100).ok());
  outcomes_.WaitFor(1);
  faulty.FailNext(FaultInjectingFileSystem::kWrite, Status::IoError("injected"));
  // The first probe renames its segment into place, then cannot fsync the directory.
  faulty.FailNext(FaultInjectingFileSystem::kSyncDir, Status::IoError("injected dir fsync"));
  ASSERT_TRUE(Append(*writer, 1, 100).ok());
  outcomes_.WaitFor(2);
  ASSERT_TRUE(WaitUntil([&] { return writer->healthy(); }));
  EXPECT_GE(writer->stats().probes.load(), 2u);
  ASSERT_TRUE(Append(*writer, 2, 100).ok());
  outcomes_.WaitFor(3);
  EXPECT_TRUE(outcomes_.Snapshot().at(2).status.ok());
  writer.reset();
  EXPECT_EQ(SegmentNames(), (std::vector<std::string>{SegmentFileName(1), SegmentFileName(3)}));
  ExpectAcknowledgedRecordsRecovered(&faulty);
}

TEST_F(WalWriterTest, OpenRefusesSegmentsAtOrPastTheNextSequence) {
  auto writer = Open(Options(), 5);
  ASSERT_NE(writer, nullptr);
  writer.reset();
  EXPECT_EQ(WalWriter::Open(Options(), 5).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(WalWriter::Open(Options(), 3).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(WalWriter::Open(Options(), 0).status().code(), StatusCode::kInvalidInput);
  // Recovery removes the empty segment 5 and says where to go on.
  const auto back = ReadWal(dir_.path() + "/wal");
  EXPECT_EQ(back.result.next_seq, 5u);
  EXPECT_NE(Open(Options(), back.result.next_seq), nullptr);
}

TEST_F(WalWriterTest, CloseCommitsEverythingQueued) {
  WalOptions options = Options();
  options.sync = SyncMode::None();
  auto writer = Open(options);
  ASSERT_NE(writer, nullptr);
  for (std::uint64_t token = 0; token < 2000; ++token) {
    ASSERT_TRUE(Append(*writer, token, 50).ok());
  }
  writer->Close();
  EXPECT_EQ(outcomes_.size(), 2000u);
  for (const auto& [token, outcome] : outcomes_.Snapshot()) EXPECT_TRUE(outcome.status.ok());
  writer.reset();
  EXPECT_EQ(ReadWal(options.dir).records.size(), 2000u);
}

TEST_F(WalWriterTest, TooLargeRecordIsRejectedWithoutACallback) {
  WalOptions options = Options();
  options.max_record_size = 100;
  auto writer = Open(options);
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(Append(*writer, 1, 101).code(), StatusCode::kTooLarge);
  EXPECT_TRUE(Append(*writer, 2, 100).ok());
  writer.reset();
  EXPECT_EQ(outcomes_.size(), 1u);
}

TEST_F(WalWriterTest, CallbacksMayAppend) {
  auto writer = Open(Options());
  ASSERT_NE(writer, nullptr);
  std::atomic<int> chain{0};
  std::function<void(Status, std::uint64_t)> next = [&](Status status, std::uint64_t) {
    EXPECT_TRUE(status.ok());
    if (chain.fetch_add(1) < 20) {
      EXPECT_TRUE(writer->Append("chained", next).ok());
    }
  };
  ASSERT_TRUE(writer->Append("first", next).ok());
  ASSERT_TRUE(WaitUntil([&] { return chain.load() == 21; }));  // the first and 20 chained
  writer.reset();
  EXPECT_EQ(chain.load(), 21);
  EXPECT_EQ(ReadWal(dir_.path() + "/wal").records.size(), 21u);
}

}  // namespace
}  // namespace ingot::wal
