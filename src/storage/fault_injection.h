// A FileSystem for tests: passes calls to a real one, but fails chosen operations on demand,
// the way a full disk or a dying device would. Used to check that a failed write or fsync never
// publishes a partial file and never loses acknowledged data.
#pragma once

#include <atomic>
#include <string>

#include "storage/file_system.h"

namespace ingot::storage {

class FaultInjectingFileSystem final : public FileSystem {
 public:
  enum Op { kCreate, kAppend, kSync, kRename, kSyncDir, kOpCount };

  explicit FaultInjectingFileSystem(FileSystem& base) : base_(base) {}

  // The next `count` calls of `op` fail with `status` (after `skip` successful ones).
  void FailNext(Op op, Status status, int count = 1, int skip = 0) {
    faults_[op].status = std::move(status);
    faults_[op].skip = skip;
    faults_[op].count = count;
  }
  int calls(Op op) const { return faults_[op].calls; }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    if (Status st = Check(kCreate); !st.ok()) return st;
    auto file = base_.NewWritableFile(path);
    if (!file.ok()) return file.status();
    return std::unique_ptr<WritableFile>(std::make_unique<File>(*this, std::move(*file)));
  }
  Status RenameNoReplace(const std::string& from, const std::string& to) override {
    INGOT_RETURN_IF_ERROR(Check(kRename));
    return base_.RenameNoReplace(from, to);
  }
  Status SyncDir(const std::string& dir) override {
    INGOT_RETURN_IF_ERROR(Check(kSyncDir));
    return base_.SyncDir(dir);
  }
  Status CreateDirs(const std::string& dir) override { return base_.CreateDirs(dir); }
  Status Remove(const std::string& path) override { return base_.Remove(path); }
  bool Exists(const std::string& path) override { return base_.Exists(path); }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    return base_.ListDir(dir);
  }

 private:
  struct Fault {
    Status status;
    int skip = 0;
    int count = 0;
    int calls = 0;
  };

  class File final : public WritableFile {
   public:
    File(FaultInjectingFileSystem& fs, std::unique_ptr<WritableFile> base)
        : fs_(fs), base_(std::move(base)) {}
    Status Append(const void* data, std::size_t n) override {
      INGOT_RETURN_IF_ERROR(fs_.Check(kAppend));
      return base_->Append(data, n);
    }
    Status Sync() override {
      INGOT_RETURN_IF_ERROR(fs_.Check(kSync));
      return base_->Sync();
    }
    Status Close() override { return base_->Close(); }

   private:
    FaultInjectingFileSystem& fs_;
    std::unique_ptr<WritableFile> base_;
  };

  Status Check(Op op) {
    Fault& f = faults_[op];
    ++f.calls;
    if (f.skip > 0) {
      --f.skip;
      return Status::Ok();
    }
    if (f.count > 0) {
      --f.count;
      return f.status;
    }
    return Status::Ok();
  }

  FileSystem& base_;
  Fault faults_[kOpCount];
};

}  // namespace ingot::storage
