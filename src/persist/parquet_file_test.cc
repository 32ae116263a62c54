#include "persist/parquet_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fs/fault_injection.h"
#include "model/batch_builder.h"

namespace ingot::persist {
namespace {

namespace stdfs = std::filesystem;

class PublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = stdfs::temp_directory_path() /
            ("ingot_publish_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(root_);
    model::BuilderOptions o;
    o.now_us = 1'700'000'000'000'000;
    builder_.Reset(o);
    std::string err;
    for (int i = 0; i < 10; ++i) {
      builder_.BeginRecord();
      builder_.AddInt(builder_.Child(model::BatchBuilder::kRoot, "n"), i);
      ASSERT_TRUE(builder_.EndRecord(&err));
    }
    builder_.Finish();
  }
  void TearDown() override { stdfs::remove_all(root_); }

  std::vector<std::string> Entries(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : stdfs::directory_iterator(dir)) names.push_back(e.path().filename());
    return names;
  }

  stdfs::path root_;
  model::BatchBuilder builder_;
};

TEST_F(PublishTest, PublishesACompleteFileAndNoTemporary) {
  const std::string dir = (root_ / "a" / "b").string();
  auto published =
      PublishParquetFile(fs::PosixFileSystem(), dir, "f.parquet", builder_.batch(), {});
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(published->path, dir + "/f.parquet");
  EXPECT_EQ(Entries(dir), std::vector<std::string>{"f.parquet"});
  EXPECT_EQ(stdfs::file_size(published->path), published->bytes);
  std::ifstream in(published->path, std::ios::binary);
  char magic[4];
  in.read(magic, 4);
  EXPECT_EQ(std::string(magic, 4), "PAR1");
}

TEST_F(PublishTest, NeverReplacesAnExistingFile) {
  const std::string dir = root_.string();
  ASSERT_TRUE(
      PublishParquetFile(fs::PosixFileSystem(), dir, "f.parquet", builder_.batch(), {}).ok());
  auto again = PublishParquetFile(fs::PosixFileSystem(), dir, "f.parquet", builder_.batch(), {});
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(Entries(dir), std::vector<std::string>{"f.parquet"});
}

TEST_F(PublishTest, AFailedWriteSyncOrRenamePublishesNothing) {
  using F = fs::FaultInjectingFileSystem;
  for (F::Op op : {F::kAppend, F::kSync, F::kRename}) {
    fs::FaultInjectingFileSystem faulty(fs::PosixFileSystem());
    faulty.FailNext(op, Status::ResourceExhausted("injected: no space left on device"));
    const std::string dir = (root_ / std::to_string(op)).string();
    auto published = PublishParquetFile(faulty, dir, "f.parquet", builder_.batch(), {});
    ASSERT_FALSE(published.ok()) << op;
    EXPECT_EQ(published.status().code(), StatusCode::kResourceExhausted);
    EXPECT_TRUE(Entries(dir).empty()) << "op " << op << " left " << Entries(dir).size();
    // Space came back: the same call succeeds.
    EXPECT_TRUE(PublishParquetFile(faulty, dir, "f.parquet", builder_.batch(), {}).ok());
  }
}

TEST_F(PublishTest, RemovesLeftoverTemporaries) {
  const stdfs::path dir = root_ / "x" / "y";
  stdfs::create_directories(dir);
  std::ofstream(dir / ".f.parquet.tmp") << "partial";
  std::ofstream(dir / "keep.parquet") << "x";
  EXPECT_EQ(RemoveTemporaryFiles(fs::PosixFileSystem(), root_.string()), 1u);
  EXPECT_EQ(Entries(dir.string()), std::vector<std::string>{"keep.parquet"});
}

}  // namespace
}  // namespace ingot::persist
