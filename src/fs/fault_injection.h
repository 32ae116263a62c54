// A FileSystem for tests: passes calls to a real one, but fails chosen operations on demand, the
// way a full disk or a dying device would, and can simulate a power loss by dropping every byte
// that was not fsynced. Used to check that a failed write or fsync never publishes a partial file
// and never loses acknowledged data.
//
// Thread-safe: every call, and every call on a file it opened, runs under one mutex, so a crash
// simulated from the test thread never interleaves with a write in flight on another thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "fs/file_system.h"

namespace ingot::fs {

class FaultInjectingFileSystem final : public FileSystem {
 public:
  // kCreate covers NewWritableFile and OpenRandomRWFile(kCreateNew); kAppend is
  // WritableFile::Append; kWrite, kRead, kAllocate, kTruncate are RandomRWFile's; kSync is both
  // kinds of file's Sync.
  enum Op {
    kCreate,
    kAppend,
    kSync,
    kRename,
    kSyncDir,
    kWrite,
    kRead,
    kAllocate,
    kTruncate,
    kRemove,
    kOpCount
  };

  // What a simulated power loss keeps of the data written since the last fsync.
  enum class Loss {
    kAll,          // every unsynced byte is lost: files go back to their last synced contents
    kRandomPages,  // each unsynced 4 KiB page independently survives or not (seeded): torn writes
  };

  explicit FaultInjectingFileSystem(FileSystem& base) : base_(base) {}

  // The next `count` calls of `op` fail with `status` (after `skip` successful ones).
  void FailNext(Op op, Status status, int count = 1, int skip = 0);
  int calls(Op op) const;
  // Every file or directory created below a path containing `part` fails with `status` (the
  // partition of one stream, say), until ClearPathFaults(): NewWritableFile and CreateDirs.
  void FailPathsContaining(std::string part, Status status);
  void ClearPathFaults();
  // A RandomRWFile::WriteAt failed by FailNext first writes this many of its bytes (default 0),
  // like a write that runs out of space halfway.
  void SetPartialWriteBytes(std::size_t bytes);

  // Simulates a power loss: reverts every file opened through this object to its contents as of
  // its last successful Sync (per `loss`), truncates it to its synced size, and removes files
  // (or undoes renames) not made durable by a SyncDir of their directory. Removals and truncations
  // are treated as durable at once. Afterwards every operation fails (the machine is down, and
  // files opened before the crash stay dead) until Restart().
  Status SimulatePowerLoss(Loss loss = Loss::kAll, std::uint32_t seed = 0);
  // The machine is back: operations work again, on files opened from now on.
  void Restart();

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Status RenameNoReplace(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;
  Status CreateDirs(const std::string& dir) override;
  Status Remove(const std::string& path) override;
  bool Exists(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Result<std::unique_ptr<RandomRWFile>> OpenRandomRWFile(const std::string& path,
                                                         OpenMode mode) override;

 private:
  class Appendable;
  class Positional;

  struct Fault {
    Status status;
    int skip = 0;
    int count = 0;
    int calls = 0;
  };
  // Old contents of bytes overwritten since the last Sync, to put back on a power loss.
  struct Undo {
    std::uint64_t offset;
    std::string bytes;
  };
  struct FileState {
    std::uint64_t synced_size = 0;
    std::uint64_t size = 0;  // for appendable files, whose size is only known by counting
    std::vector<Undo> undo;
  };

  // REQUIRES: mu_ is held. Fails when the machine is down or when a fault is due for `op`.
  Status Check(Op op);
  Status CheckAlive(std::uint64_t generation) const;
  // REQUIRES: mu_ is held. The path fault for `path`, if any.
  Status CheckPath(const std::string& path) const;
  // REQUIRES: mu_ is held.
  std::shared_ptr<FileState> NoteCreated(const std::string& path);

  FileSystem& base_;
  mutable std::mutex mu_;
  Fault faults_[kOpCount];                                   // GUARDED_BY(mu_)
  std::size_t partial_write_bytes_ = 0;                      // GUARDED_BY(mu_)
  std::vector<std::pair<std::string, Status>> path_faults_;  // GUARDED_BY(mu_)
  bool down_ = false;                                        // GUARDED_BY(mu_)
  std::uint64_t generation_ = 0;  // GUARDED_BY(mu_); bumped by each power loss
  // By path; an open file keeps its state across renames.
  std::map<std::string, std::shared_ptr<FileState>> files_;  // GUARDED_BY(mu_)
  // Directory entries created since their directory's last SyncDir: path -> the path it was
  // renamed from, or "" for a new file.
  std::map<std::string, std::string> unsynced_entries_;  // GUARDED_BY(mu_)
};

}  // namespace ingot::fs
