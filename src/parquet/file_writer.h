// FileWriter: lays encoded row groups out as one Parquet file.
//
//   "PAR1" | row group 0 | row group 1 | ... | FileMetaData | u32 LE footer length | "PAR1"
//
// Row groups are encoded elsewhere (EncodeRowGroup, on any thread) and appended here in order;
// this class only writes bytes and keeps the metadata for the footer, so it is cheap and serial.
// Not thread-safe: callers that encode in parallel append from one thread (or under a lock).
//
// Errors are sticky: after a failed write every later call returns the same error, because what
// reached the stream is unknown.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "parquet/file_schema.h"
#include "parquet/footer.h"
#include "parquet/output_stream.h"
#include "parquet/row_group_encoder.h"
#include "parquet/writer_options.h"

namespace ingot::parquet {

class FileWriter {
 public:
  // `out` must remain live until Close() returns. Row groups must be encoded with this `schema`
  // and options.codec.
  FileWriter(OutputStream& out, FileSchema schema, WriterOptions options);
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Writes the row group's pages (the file header first, if not yet written).
  Status AppendRowGroup(EncodedRowGroup&& row_group);
  // Writes the footer; the file is complete once this returns OK. A file without row groups is
  // valid (the schema, zero rows). Further calls fail.
  Status Close();

  std::uint64_t bytes_written() const { return position_; }
  std::int64_t num_rows() const { return num_rows_; }
  std::size_t num_row_groups() const { return row_groups_.size(); }

 private:
  Status Write(const void* data, std::size_t n);
  Status WriteMagicOnce();

  OutputStream& out_;
  const FileSchema schema_;
  const WriterOptions options_;
  std::vector<PlacedRowGroup> row_groups_;
  std::uint64_t position_ = 0;
  std::int64_t num_rows_ = 0;
  Status status_;  // first error; every call returns it from then on
  bool closed_ = false;
};

}  // namespace ingot::parquet
