// Helpers shared by the WAL's tests: a scratch directory, a reporter that remembers, and reading
// a whole WAL back.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "wal/recovery.h"
#include "wal/reporter.h"

namespace ingot::wal::testing {

struct Report {
  std::string segment;
  std::uint64_t offset;
  std::uint64_t bytes;
  DropKind kind;
  std::string reason;
};

class RecordingReporter final : public Reporter {
 public:
  void Dropped(const Drop& drop) override {
    reports.push_back(
        {std::string(drop.segment), drop.offset, drop.bytes, drop.kind, std::string(drop.reason)});
  }
  std::vector<Report> reports;
};

// A fresh directory per test, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    path_ = (std::filesystem::temp_directory_path() /
             ("ingot_wal_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ReadBack {
  std::vector<std::pair<std::uint64_t, std::string>> records;
  std::vector<Report> reports;
  RecoveryResult result;
  Status status;
};

inline ReadBack ReadWal(const std::string& dir, fs::FileSystem* fs = nullptr, bool repair = true) {
  ReadBack back;
  RecordingReporter reporter;
  RecoveryOptions options;
  options.fs = fs;
  options.reporter = &reporter;
  options.repair = repair;
  auto result = Recover(dir, options, [&](std::uint64_t seq, std::string_view payload) {
    back.records.emplace_back(seq, std::string(payload));
    return Status::Ok();
  });
  back.reports = reporter.reports;
  if (result.ok()) {
    back.result = *result;
  } else {
    back.status = result.status();
  }
  return back;
}

inline std::string FileContents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFileContents(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// A payload of `size` bytes that tells where it came from.
inline std::string Payload(std::uint64_t id, std::size_t size) {
  std::string s(size, '\0');
  std::uint64_t x = id * 0x9e3779b97f4a7c15ull + 1;
  for (char& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

}  // namespace ingot::wal::testing
