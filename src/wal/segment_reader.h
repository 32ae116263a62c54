// SegmentReader: reads the intact records of one segment file, in file order (docs/wal.md,
// "Reading rules"). Bad fragments are skipped up to the next block boundary; skipped bytes are
// reported as corruption when an intact record follows them, as a torn tail when the file ends
// after them and they are not all zeros, and not at all when they are a zero tail.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "fs/file_system.h"
#include "wal/reporter.h"

namespace ingot::wal {

struct Record {
  std::uint64_t seq;
  std::string_view payload;  // valid until the next call to Next()
  std::uint64_t offset;      // of the record's first fragment in the segment
  std::uint64_t end;         // just past its last fragment
};

class SegmentReader {
 public:
  // `file` and `reporter` (may be null) must outlive the reader; `name` is used in reports.
  SegmentReader(fs::RandomRWFile& file, std::string name, Reporter* reporter);

  // Reads the next intact record into `*record` and returns true, or returns false at the end of
  // the segment. Fails only when the file cannot be read or holds a fragment of a format version
  // this code does not know (a newer ingot wrote it; nothing is dropped then).
  Result<bool> Next(Record* record);

  // Valid once Next() returned false:
  // Offset just past the last intact record (or segment header); 0 when there is none.
  std::uint64_t valid_end() const { return valid_end_; }
  // Bytes after valid_end(): a zero tail, a torn tail, or block trailers.
  std::uint64_t tail_bytes() const { return file_size_ - valid_end_; }
  std::uint64_t file_size() const { return file_size_; }
  std::uint64_t records() const { return records_; }
  std::uint64_t corrupt_bytes() const { return corrupt_bytes_; }
  std::uint64_t torn_bytes() const { return torn_bytes_; }

 private:
  // Makes the block holding `offset` readable at block_ (block_size_ bytes, short at the end).
  Status LoadBlock(std::uint64_t offset);
  // The bytes from `begin` on cannot be used (`nonzero`: the ones seen so far are not all
  // zeros); the drop lasts until an intact record or the end of the file classifies it. An open
  // record is dropped with them. `reason` must be a string literal.
  void Drop(std::uint64_t begin, const char* reason, bool nonzero);
  // An intact record (or header) starts at `offset`: a pending drop is corruption.
  void EndDropAt(std::uint64_t offset);
  void Report(std::uint64_t begin, std::uint64_t end, DropKind kind, const char* reason);
  void Finish();

  fs::RandomRWFile& file_;
  const std::string name_;
  Reporter* const reporter_;

  bool started_ = false;
  bool finished_ = false;
  std::uint64_t file_size_ = 0;
  std::uint64_t pos_ = 0;  // next unread byte
  std::uint64_t valid_end_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t corrupt_bytes_ = 0;
  std::uint64_t torn_bytes_ = 0;

  // Reads go chunk_ at a time (many blocks); block_ points into it.
  std::string chunk_;
  std::uint64_t chunk_offset_ = 0;
  std::size_t chunk_size_ = 0;

  // The record being assembled from FIRST, MIDDLE... fragments.
  bool in_record_ = false;
  std::uint64_t record_offset_ = 0;
  std::uint64_t record_seq_ = 0;
  std::uint64_t record_length_ = 0;
  std::string record_;

  // Bytes being dropped since drop_begin_, not yet classified.
  bool dropping_ = false;
  bool drop_nonzero_ = false;
  std::uint64_t drop_begin_ = 0;
  const char* drop_reason_ = "";
};

}  // namespace ingot::wal
