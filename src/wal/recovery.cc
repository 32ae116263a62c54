#include "wal/recovery.h"

#include <algorithm>

#include "wal/segment_files.h"
#include "wal/segment_reader.h"

namespace ingot::wal {

namespace {

// Passes reports on and counts them.
class CountingReporter final : public Reporter {
 public:
  CountingReporter(Reporter* next, WalStats* stats) : next_(next), stats_(stats) {}

  void Dropped(const Drop& drop) override {
    if (stats_ != nullptr) {
      const bool corruption = drop.kind == DropKind::kCorruption;
      (corruption ? stats_->corruptions : stats_->torn_tails).fetch_add(1);
      (corruption ? stats_->corrupt_bytes : stats_->torn_tail_bytes).fetch_add(drop.bytes);
    }
    if (next_ != nullptr) next_->Dropped(drop);
  }

 private:
  Reporter* next_;
  WalStats* stats_;
};

std::string_view FileName(const std::string& path) {
  return std::string_view(path).substr(path.find_last_of('/') + 1);
}

}  // namespace

Result<RecoveryResult> Recover(const std::string& dir, const RecoveryOptions& options,
                               const RecordVisitor& visit) {
  fs::FileSystem& fs = options.fs != nullptr ? *options.fs : fs::PosixFileSystem();
  CountingReporter reporter(options.reporter, options.stats);
  auto segments = ListSegments(fs, dir);
  if (!segments.ok()) return segments.status();

  RecoveryResult result;
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const SegmentFile& segment = (*segments)[i];
    const bool last = i + 1 == segments->size();
    // A segment is named after the next sequence when it was created: sequences below it are
    // spoken for even if none of their records survived.
    result.next_seq = std::max(result.next_seq, segment.first_seq);
    auto file = fs.OpenRandomRWFile(segment.path, fs::OpenMode::kReadOnly);
    if (!file.ok()) return file.status();
    SegmentReader reader(**file, std::string(FileName(segment.path)), &reporter);
    Record record;
    while (true) {
      auto more = reader.Next(&record);
      if (!more.ok()) return more.status();
      if (!*more) break;
      if (record.seq <= result.last_seq || record.seq < segment.first_seq) {
        reporter.Dropped({FileName(segment.path), record.offset, record.end - record.offset,
                          DropKind::kCorruption, "sequence number does not increase"});
        result.corrupt_bytes += record.end - record.offset;
        continue;
      }
      result.last_seq = record.seq;
      if (record.seq < options.skip_before) continue;
      INGOT_RETURN_IF_ERROR(visit(record.seq, record.payload));
      ++result.records;
      if (options.stats != nullptr) options.stats->recovered_records.fetch_add(1);
    }
    ++result.segments;
    result.corrupt_bytes += reader.corrupt_bytes();
    result.torn_tail_bytes += reader.torn_bytes();
    INGOT_RETURN_IF_ERROR((*file)->Close());

    if (!last || !options.repair) continue;
    if (reader.records() == 0) {
      // Nothing was ever acknowledged from it; the next writer creates a segment by this name.
      INGOT_RETURN_IF_ERROR(fs.Remove(segment.path));
      INGOT_RETURN_IF_ERROR(fs.SyncDir(dir));
      result.truncated_bytes += reader.file_size();
    } else if (reader.tail_bytes() > 0) {
      auto rw = fs.OpenRandomRWFile(segment.path, fs::OpenMode::kReadWrite);
      if (!rw.ok()) return rw.status();
      INGOT_RETURN_IF_ERROR((*rw)->Truncate(reader.valid_end()));
      INGOT_RETURN_IF_ERROR((*rw)->Sync());
      INGOT_RETURN_IF_ERROR((*rw)->Close());
      result.truncated_bytes += reader.tail_bytes();
    }
  }
  result.next_seq = std::max(result.next_seq, result.last_seq + 1);
  return result;
}

}  // namespace ingot::wal
