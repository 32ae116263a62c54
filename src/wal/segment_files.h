// The segment files of a WAL directory, oldest first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"

namespace ingot::wal {

struct SegmentFile {
  std::uint64_t first_seq;  // from the name
  std::string path;         // dir + "/" + name
};

// The files of `dir` named like segments, sorted by first sequence; other names are ignored. A
// directory that does not exist has no segments.
Result<std::vector<SegmentFile>> ListSegments(fs::FileSystem& fs, const std::string& dir);

std::string JoinPath(const std::string& dir, std::string_view name);

}  // namespace ingot::wal
