#include "wal/segment_files.h"

#include <algorithm>

#include "wal/format.h"

namespace ingot::wal {

std::string JoinPath(const std::string& dir, std::string_view name) {
  std::string path = dir;
  if (!path.empty() && path.back() != '/') path += '/';
  return path.append(name);
}

Result<std::vector<SegmentFile>> ListSegments(fs::FileSystem& fs, const std::string& dir) {
  std::vector<SegmentFile> segments;
  if (!fs.Exists(dir)) return segments;
  auto names = fs.ListDir(dir);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    if (auto seq = ParseSegmentFileName(name)) segments.push_back({*seq, JoinPath(dir, name)});
  }
  std::sort(segments.begin(), segments.end(),
            [](const SegmentFile& a, const SegmentFile& b) { return a.first_seq < b.first_seq; });
  return segments;
}

}  // namespace ingot::wal
