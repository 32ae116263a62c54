// FileSystem: the file operations ingot's durable paths use (Parquet files now, the WAL later),
// behind an interface so tests can inject faults (failed writes, failed fsyncs, full disks) and
// check that nothing acknowledged is lost and nothing half-written is published.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace ingot::storage {

// A file opened for appending. Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(const void* data, std::size_t n) = 0;
  // Makes the appended data durable (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
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
};

// The real thing (POSIX calls).
FileSystem& PosixFileSystem();

}  // namespace ingot::storage
