// Quarantine: where the persist stage puts rows it can never write as Parquet, so that one bad
// batch never stops the WAL from moving on (issue: "no input may brick a node").
//
// A partition whose Parquet file fails with an error retrying cannot fix (a name the file system
// refuses, a Parquet encoding error, a bug) is written to
//   <data-dir>/quarantine/<name>.ndjson   its rows, one JSON object a line
//   <data-dir>/quarantine/<name>.json     what they were: org, type, stream, hour, WAL sequences,
//                                         row count and the reason
// NDJSON because the Parquet writer may be what failed, because any tool reads it, and because
// it goes straight back into `POST /api/{org}/{stream}/_multi` once the cause is fixed
// (docs/operations.md, "Quarantine"). `_timestamp` is written as RFC 3339 text, and the fields of
// `_extra` as fields of the row again, so a re-ingested row is the record that was sent.
//
// <name> is "<created µs>_<partition id>_h<hour>_w<min seq>-<max seq>_<n>": the partition id is
// a hash of org, type and stream (the names themselves may be what could not be written), so
// recovery tells from the names alone which WAL records are already here and does not replay
// them into the quarantine twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"
#include "model/record_batch.h"
#include "model/stream_key.h"
#include "wal/seq_ranges.h"

namespace ingot::persist {

// The folder of quarantined rows below the data directory.
inline constexpr std::string_view kQuarantineDir = "quarantine";

struct QuarantineStats {
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> rows{0};
};

class Quarantine {
 public:
  Quarantine(fs::FileSystem& fs, std::string data_dir);

  // Writes the rows of `batch` (partition `key` / `hour`, holding WAL records `seqs`) and the
  // note saying why, both fsynced: rows first, then the note, so a note never names rows that
  // are not there. kResourceExhausted / kIoError when the disk cannot take them now (the caller
  // retries later, as for a Parquet file).
  Status Put(const model::StreamKey& key, std::int64_t hour, const wal::SeqRanges& seqs,
             const model::RecordBatch& batch, std::string_view reason);

  // A WAL record that could not be decoded again at replay (written by an earlier version whose
  // rules differ, or damage the checksum missed): its request body as it was received, in
  // <name>.body, and a note saying how to send it again (`endpoint`, e.g. "POST
  // /api/{org}/{stream}/_multi"), for which org and stream, and why it is here. <name> is
  // "<created µs>_r<WAL seq>_<n>": replay skips a record whose request is already here.
  Status PutRequest(std::uint64_t seq, std::string_view endpoint, std::string_view org,
                    std::string_view stream, std::string_view body, std::string_view reason);

  const QuarantineStats& stats() const { return stats_; }

 private:
  // Publishes `note` as <name>.json after the data file was published, and counts it.
  Status PublishNote(const std::string& name, const std::string& note);

  fs::FileSystem& fs_;
  const std::string dir_;
  std::atomic<std::uint64_t> sequence_{0};
  QuarantineStats stats_;
};

// The rows of a batch as NDJSON lines (see above), one after the other.
class NdjsonRows {
 public:
  // `batch` must outlive this object.
  explicit NdjsonRows(const model::RecordBatch& batch);
  bool done() const { return next_row_ == batch_.num_rows(); }
  // Appends the next row's line (with its '\n') to `out`. REQUIRES: !done().
  void AppendNext(std::string& out);

 private:
  const model::RecordBatch& batch_;
  std::size_t next_row_ = 0;
  std::vector<std::size_t> next_value_;  // per column: index of its next defined value
};

// Which WAL records of which partitions are in the quarantine, from its notes' names: WAL replay
// leaves them out, as it leaves out what is already in Parquet.
class QuarantineIndex {
 public:
  // Reads the names in <data_dir>/quarantine (none: an empty index).
  static QuarantineIndex Load(fs::FileSystem& fs, const std::string& data_dir);

  bool Contains(const model::StreamKey& key, std::int64_t hour, std::uint64_t seq) const;
  // Whether the request of WAL record `seq` is here (PutRequest).
  bool ContainsRequest(std::uint64_t seq) const { return requests_.contains(seq); }
  std::size_t notes() const { return notes_; }

 private:
  struct Range {
    std::uint64_t min, max;
  };
  // By (partition id, hour).
  std::map<std::pair<std::uint64_t, std::int64_t>, std::vector<Range>> ranges_;
  std::set<std::uint64_t> requests_;
  std::size_t notes_ = 0;
};

// The partition id in quarantine names: a stable hash (XXH3-64) of org, type and stream.
std::uint64_t QuarantinePartitionId(const model::StreamKey& key);

}  // namespace ingot::persist
