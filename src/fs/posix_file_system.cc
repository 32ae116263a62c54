#include <dirent.h>
#include <fcntl.h>
#include <limits.h>  // IOV_MAX
#include <stdio.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "fs/file_system.h"

namespace ingot::fs {

namespace {

Status ErrnoStatus(const std::string& what, const std::string& path, int err) {
  const std::string message = what + " " + path + ": " + std::strerror(err);
  switch (err) {
    // Resource exhaustion: callers answer 503 and retry later.
    case ENOSPC:
    case EDQUOT: return Status::ResourceExhausted(message);
    // The same call fails the same way every time (a name too long, a file too large, an
    // argument the file system refuses): retrying cannot help, so the persist stage quarantines
    // what it could not write instead of retrying forever.
    case ENAMETOOLONG:
    case EINVAL:
    case ENOTDIR:
    case ELOOP:
    case EFBIG:
    case EOVERFLOW: return Status::InvalidInput(message);
    // Everything else (EIO, EACCES, EROFS, EMFILE, ...) may heal: retried.
    default: return Status::IoError(message);
  }
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(const void* data, std::size_t n) override {
    const auto* p = static_cast<const char*>(data);
    while (n > 0) {
      const ssize_t written = ::write(fd_, p, n);
      if (written < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("write", path_, errno);
      }
      p += written;
      n -= static_cast<std::size_t>(written);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoStatus("fdatasync", path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return ErrnoStatus("close", path_, errno);
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
};

class PosixRandomRWFile final : public RandomRWFile {
 public:
  PosixRandomRWFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomRWFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Result<std::size_t> ReadAt(std::uint64_t offset, void* buf, std::size_t n) override {
    auto* p = static_cast<char*>(buf);
    std::size_t done = 0;
    while (done < n) {
      const ssize_t got = ::pread(fd_, p + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("read", path_, errno);
      }
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

  Status WriteAt(std::uint64_t offset, std::span<const iovec> pieces) override {
    std::size_t i = 0;
    while (i < pieces.size()) {
      const int count = static_cast<int>(std::min<std::size_t>(pieces.size() - i, IOV_MAX));
      const ssize_t written = ::pwritev(fd_, &pieces[i], count, static_cast<off_t>(offset));
      if (written < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("write", path_, errno);
      }
      auto left = static_cast<std::size_t>(written);
      offset += left;
      const std::size_t first = i;
      while (i < pieces.size() && left >= pieces[i].iov_len) left -= pieces[i++].iov_len;
      if (i == first && left == 0) return Status::IoError("write " + path_ + ": wrote nothing");
      if (left > 0) {
        // A short write stopped inside pieces[i]: finish that piece, then gather again.
        const iovec rest{static_cast<char*>(pieces[i].iov_base) + left, pieces[i].iov_len - left};
        INGOT_RETURN_IF_ERROR(WriteAt(offset, {&rest, 1}));
        offset += rest.iov_len;
        ++i;
      }
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoStatus("fdatasync", path_, errno);
    return Status::Ok();
  }

  Status Allocate(std::uint64_t offset, std::uint64_t length) override {
    if (::fallocate(fd_, 0, static_cast<off_t>(offset), static_cast<off_t>(length)) == 0) {
      return Status::Ok();
    }
    if (errno != EOPNOTSUPP) return ErrnoStatus("fallocate", path_, errno);
    // File systems without fallocate: glibc writes zeros instead.
    const int err = ::posix_fallocate(fd_, static_cast<off_t>(offset), static_cast<off_t>(length));
    if (err != 0) return ErrnoStatus("posix_fallocate", path_, err);
    return Status::Ok();
  }

  Status Truncate(std::uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return ErrnoStatus("truncate", path_, errno);
    }
    return Status::Ok();
  }

  Result<std::uint64_t> Size() override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoStatus("stat", path_, errno);
    return static_cast<std::uint64_t>(st.st_size);
  }

  Status Close() override {
    const int fd = fd_;
    fd_ = -1;
    if (fd < 0) return Status::Ok();
    if (::close(fd) != 0) return ErrnoStatus("close", path_, errno);
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
};

class Posix final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("create", path, errno);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd));
  }

  Status RenameNoReplace(const std::string& from, const std::string& to) override {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
      return ErrnoStatus("rename to", to, errno);
    }
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open directory", dir, errno);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoStatus("fsync directory", dir, err);
    return Status::Ok();
  }

  Status CreateDirs(const std::string& dir) override {
    if (dir.empty() || Exists(dir)) return Status::Ok();
    const auto slash = dir.find_last_of('/');
    const std::string parent = slash == std::string::npos ? "." : dir.substr(0, slash);
    if (slash != 0 && slash != std::string::npos) INGOT_RETURN_IF_ERROR(CreateDirs(parent));
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus("mkdir", dir, errno);
    }
    // The new entry lives in the parent: make it durable before files below it are relied on.
    return SyncDir(slash == 0 ? "/" : parent);
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("remove", path, errno);
    return Status::Ok();
  }

  bool Exists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoStatus("list", dir, errno);
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
        names.emplace_back(e->d_name);
      }
    }
    ::closedir(d);
    return names;
  }

  Result<std::unique_ptr<RandomRWFile>> OpenRandomRWFile(const std::string& path,
                                                         OpenMode mode) override {
    int flags = O_CLOEXEC;
    switch (mode) {
      case OpenMode::kReadOnly: flags |= O_RDONLY; break;
      case OpenMode::kReadWrite: flags |= O_RDWR; break;
      case OpenMode::kCreateNew: flags |= O_RDWR | O_CREAT | O_EXCL; break;
    }
    const int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    return std::unique_ptr<RandomRWFile>(std::make_unique<PosixRandomRWFile>(path, fd));
  }
};

}  // namespace

FileSystem& PosixFileSystem() {
  static Posix fs;
  return fs;
}

}  // namespace ingot::fs
