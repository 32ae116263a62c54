#include "parquet/metadata_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "parquet/format/parquet_types.h"
#include "parquet/thrift_io.h"

namespace ingot::parquet {

namespace {

constexpr std::size_t kTrailer = 8;  // u32 footer length + "PAR1"

std::uint32_t LoadU32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // little-endian, as the build targets x86-64
}

Status ReadAt(int fd, std::uint64_t offset, std::size_t n, std::string& out) {
  out.resize(n);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd, out.data() + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      return Status::IoError(std::string("read: ") +
                             (got < 0 ? std::strerror(errno) : "short file"));
    done += static_cast<std::size_t>(got);
  }
  return Status::Ok();
}

}  // namespace

std::string_view FooterSummary::Value(std::string_view key) const {
  for (const auto& [k, v] : key_value_metadata) {
    if (k == key) return v;
  }
  return {};
}

Result<FooterSummary> ParseFooter(std::string_view tail) {
  if (tail.size() < kTrailer || tail.substr(tail.size() - 4) != "PAR1") {
    return Status::InvalidInput("not a Parquet file: no PAR1 at the end");
  }
  const std::uint32_t length = LoadU32(tail.data() + tail.size() - kTrailer);
  if (length > tail.size() - kTrailer) return Status::InvalidInput("footer length past the data");
  format::FileMetaData meta;
  std::uint32_t consumed = 0;
  INGOT_RETURN_IF_ERROR(
      internal::ReadThrift(tail.substr(tail.size() - kTrailer - length, length), &meta, &consumed));
  if (consumed != length) return Status::InvalidInput("footer length does not match its content");
  FooterSummary summary;
  summary.num_rows = meta.num_rows;
  for (const auto& kv : meta.key_value_metadata) {
    summary.key_value_metadata.emplace_back(kv.key, kv.value);
  }
  return summary;
}

Result<FooterSummary> ReadFooter(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("open " + path + ": " + std::strerror(errno));
  struct stat st;
  Status status;
  std::string trailer, tail;
  if (::fstat(fd, &st) != 0) {
    status = Status::IoError("stat " + path + ": " + std::strerror(errno));
  } else if (static_cast<std::uint64_t>(st.st_size) < 4 + kTrailer) {
    status = Status::InvalidInput(path + " is too short to be a Parquet file");
  } else {
    const auto size = static_cast<std::uint64_t>(st.st_size);
    status = ReadAt(fd, size - kTrailer, kTrailer, trailer);
    if (status.ok()) {
      const std::uint64_t length = LoadU32(trailer.data());
      if (length + kTrailer + 4 > size) {
        status = Status::InvalidInput(path + ": footer length past the start of the file");
      } else {
        status = ReadAt(fd, size - kTrailer - length, length + kTrailer, tail);
      }
    }
  }
  ::close(fd);
  if (!status.ok()) return status;
  auto summary = ParseFooter(tail);
  if (!summary.ok()) return Status::InvalidInput(path + ": " + summary.status().message());
  return summary;
}

}  // namespace ingot::parquet
