#include "fs/file_system.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fs/fault_injection.h"

namespace ingot::fs {
namespace {

namespace stdfs = std::filesystem;

class FileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (stdfs::temp_directory_path() /
             ("ingot_fs_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    stdfs::remove_all(root_);
    stdfs::create_directories(root_);
  }
  void TearDown() override { stdfs::remove_all(root_); }

  static std::string Contents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static Status Write(RandomRWFile& file, std::uint64_t offset, std::string_view bytes) {
    const iovec piece{const_cast<char*>(bytes.data()), bytes.size()};
    return file.WriteAt(offset, {&piece, 1});
  }

  std::string root_;
};

TEST_F(FileSystemTest, PositionalFileAllocatesWritesGathersAndTruncates) {
  FileSystem& posix = PosixFileSystem();
  const std::string path = root_ + "/f";
  auto file = posix.OpenRandomRWFile(path, OpenMode::kCreateNew);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_FALSE(posix.OpenRandomRWFile(path, OpenMode::kCreateNew).ok());

  ASSERT_TRUE((*file)->Allocate(0, 1 << 20).ok());
  EXPECT_EQ((*file)->Size().value(), 1u << 20);
  // More pieces than IOV_MAX (1024), of uneven sizes: the write must gather them all in order.
  std::string expected;
  std::vector<std::string> storage;
  for (int i = 0; i < 3000; ++i)
    storage.push_back(std::string(i % 7, static_cast<char>('a' + i % 26)));
  std::vector<iovec> pieces;
  for (auto& s : storage) {
    pieces.push_back({s.data(), s.size()});
    expected += s;
  }
  ASSERT_TRUE((*file)->WriteAt(100, pieces).ok());
  std::string back(expected.size(), '\0');
  auto read = (*file)->ReadAt(100, back.data(), back.size());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, expected.size());
  EXPECT_EQ(back, expected);
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Truncate(100 + expected.size()).ok());
  EXPECT_EQ((*file)->Size().value(), 100 + expected.size());
  // Reading past the end returns what there is.
  char tail[64];
  EXPECT_EQ((*file)->ReadAt(100 + expected.size() - 10, tail, sizeof tail).value(), 10u);
  ASSERT_TRUE((*file)->Close().ok());

  EXPECT_EQ(Contents(path).substr(0, 100), std::string(100, '\0'));
  auto reopened = posix.OpenRandomRWFile(path, OpenMode::kReadOnly);
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(Write(**reopened, 0, "x").ok());
  EXPECT_FALSE(posix.OpenRandomRWFile(root_ + "/missing", OpenMode::kReadWrite).ok());
}

TEST_F(FileSystemTest, PowerLossDropsEverythingNotSynced) {
  FaultInjectingFileSystem faulty(PosixFileSystem());
  const std::string a = root_ + "/a";
  const std::string b = root_ + "/b";
  auto file = faulty.OpenRandomRWFile(a, OpenMode::kCreateNew);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Allocate(0, 8192).ok());
  ASSERT_TRUE(Write(**file, 0, "durable").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE(faulty.SyncDir(root_).ok());
  ASSERT_TRUE(Write(**file, 7, "+lost").ok());    // into preallocated space
  ASSERT_TRUE(Write(**file, 0, "DURABLE").ok());  // overwrites synced bytes
  ASSERT_TRUE(Write(**file, 8192, "grown").ok());
  auto other = faulty.OpenRandomRWFile(b, OpenMode::kCreateNew);  // never SyncDir'ed
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Sync().ok());

  ASSERT_TRUE(faulty.SimulatePowerLoss().ok());
  EXPECT_FALSE(Write(**file, 0, "x").ok());
  EXPECT_FALSE(faulty.OpenRandomRWFile(a, OpenMode::kReadOnly).ok());
  faulty.Restart();
  EXPECT_FALSE((*file)->Sync().ok()) << "a file opened before the crash stays dead";

  EXPECT_EQ(Contents(a), "durable" + std::string(8192 - 7, '\0'));
  EXPECT_FALSE(stdfs::exists(b));
  auto again = faulty.OpenRandomRWFile(a, OpenMode::kReadWrite);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(Write(**again, 0, "after").ok());
  ASSERT_TRUE((*again)->Sync().ok());
  EXPECT_EQ(Contents(a).substr(0, 7), "afterle");
}

TEST_F(FileSystemTest, PowerLossUndoesUnsyncedRenamesAndAppends) {
  FaultInjectingFileSystem faulty(PosixFileSystem());
  {
    auto file = faulty.NewWritableFile(root_ + "/tmp");
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Append("synced", 6).ok());
    ASSERT_TRUE((*file)->Sync().ok());
    ASSERT_TRUE((*file)->Append("-unsynced", 9).ok());
  }
  ASSERT_TRUE(faulty.SyncDir(root_).ok());
  ASSERT_TRUE(faulty.RenameNoReplace(root_ + "/tmp", root_ + "/final").ok());
  ASSERT_TRUE(faulty.SimulatePowerLoss().ok());
  faulty.Restart();
  EXPECT_FALSE(stdfs::exists(root_ + "/final"));
  EXPECT_EQ(Contents(root_ + "/tmp"), "synced");
}

TEST_F(FileSystemTest, RandomPageLossKeepsSomePagesAndDropsOthers) {
  FaultInjectingFileSystem faulty(PosixFileSystem());
  const std::string path = root_ + "/f";
  auto file = faulty.OpenRandomRWFile(path, OpenMode::kCreateNew);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Allocate(0, 64 * 4096).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE(faulty.SyncDir(root_).ok());
  ASSERT_TRUE(Write(**file, 0, std::string(64 * 4096, 'x')).ok());
  ASSERT_TRUE(faulty.SimulatePowerLoss(FaultInjectingFileSystem::Loss::kRandomPages, 1).ok());
  faulty.Restart();
  const std::string after = Contents(path);
  ASSERT_EQ(after.size(), 64u * 4096);
  int kept = 0;
  for (int page = 0; page < 64; ++page) {
    const std::string p = after.substr(page * 4096, 4096);
    EXPECT_TRUE(p == std::string(4096, 'x') || p == std::string(4096, '\0')) << page;
    kept += p[0] == 'x';
  }
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 64);
}

TEST_F(FileSystemTest, FailedWriteCanLeaveAPrefix) {
  FaultInjectingFileSystem faulty(PosixFileSystem());
  auto file = faulty.OpenRandomRWFile(root_ + "/f", OpenMode::kCreateNew);
  ASSERT_TRUE(file.ok());
  faulty.SetPartialWriteBytes(3);
  faulty.FailNext(FaultInjectingFileSystem::kWrite, Status::ResourceExhausted("no space"));
  const Status st = Write(**file, 0, "abcdef");
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Contents(root_ + "/f"), "abc");
  EXPECT_TRUE(Write(**file, 0, "abcdef").ok());
  EXPECT_EQ(faulty.calls(FaultInjectingFileSystem::kWrite), 2);
}

}  // namespace
}  // namespace ingot::fs
