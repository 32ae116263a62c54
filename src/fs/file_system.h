// FileSystem: the file operations ingot's durable paths use (Parquet files and the WAL), behind
// an interface so tests can inject faults (failed writes, failed fsyncs, full disks, power loss)
// and check that nothing acknowledged is lost and nothing half-written is published.
#pragma once

#include <sys/uio.h>  // iovec

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"

namespace ingot::fs {

// A file opened for appending. Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(const void* data, std::size_t n) = 0;
  // Makes the appended data durable (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
};

// A file read and written at explicit offsets: what the WAL needs for segments it preallocates
// and then overwrites. Not thread-safe.
class RandomRWFile {
 public:
  virtual ~RandomRWFile() = default;
  // Reads up to `n` bytes at `offset` into `buf`; returns how many were read, fewer than `n` only
  // at the end of the file.
  virtual Result<std::size_t> ReadAt(std::uint64_t offset, void* buf, std::size_t n) = 0;
  // Writes every byte of `pieces`, one after the other, starting at `offset` (a gathered
  // pwritev, any number of pieces). After a failure any prefix of the bytes may be written.
  virtual Status WriteAt(std::uint64_t offset, std::span<const iovec> pieces) = 0;
  // Makes the written data durable (fdatasync).
  virtual Status Sync() = 0;
  // Reserves disk space for [offset, offset + length), growing the file to cover it; the new
  // bytes read as zeros. Overwriting allocated space later needs no block allocation and no size
  // change, which makes each fdatasync cheaper (docs/wal.md). ENOSPC shows up here.
  virtual Status Allocate(std::uint64_t offset, std::uint64_t length) = 0;
  // Sets the file's size (shrinking drops the bytes past it).
  virtual Status Truncate(std::uint64_t size) = 0;
  virtual Result<std::uint64_t> Size() = 0;
  virtual Status Close() = 0;
};

enum class OpenMode {
  kReadOnly,
  kReadWrite,  // the file must exist
  kCreateNew,  // read-write; fails if the file exists
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates `path` for writing; fails if it exists.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Renames `from` to `to` atomically; fails with kIoError if `to` exists (never replaces).
  virtual Status RenameNoReplace(const std::string& from, const std::string& to) = 0;
  // Makes the directory's entries (creations, renames, removals) durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Creates `dir` and missing parents, syncing each parent whose entries changed.
  virtual Status CreateDirs(const std::string& dir) = 0;
  virtual Status Remove(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Opens `path` for positional I/O. A file system that does not implement it answers kInternal.
  virtual Result<std::unique_ptr<RandomRWFile>> OpenRandomRWFile(const std::string& path,
                                                                 OpenMode mode) {
    (void)mode;
    return Status::Internal("this file system cannot open " + path + " for positional I/O");
  }
};

// The real thing (POSIX calls).
FileSystem& PosixFileSystem();

}  // namespace ingot::fs
