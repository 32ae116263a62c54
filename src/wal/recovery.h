// Recover: reads a WAL directory back after a restart (or a crash) and repairs its end so a new
// WalWriter can start after it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "fs/file_system.h"
#include "wal/reporter.h"
#include "wal/wal_stats.h"

namespace ingot::wal {

struct RecoveryOptions {
  fs::FileSystem* fs = nullptr;  // null: the POSIX file system
  Reporter* reporter = nullptr;  // told about every dropped byte range; may be null
  WalStats* stats = nullptr;     // recovered_records, corruptions, torn tails; may be null
  // Records with a smaller sequence (already persisted elsewhere: the caller's watermark) are
  // read and checked but not passed to the visitor.
  std::uint64_t skip_before = 0;
  // Truncate the last segment after its last intact record and remove it if it has none, so
  // that the next writer starts cleanly. Off for read-only inspection.
  bool repair = true;
};

struct RecoveryResult {
  std::uint64_t next_seq = 1;  // what to give WalWriter::Open
  std::uint64_t last_seq = 0;  // of the last intact record, 0 if none
  std::uint64_t records = 0;   // passed to the visitor
  std::uint64_t segments = 0;  // segment files read
  std::uint64_t corrupt_bytes = 0;
  std::uint64_t torn_tail_bytes = 0;
  std::uint64_t truncated_bytes = 0;  // removed from the end of the last segment by the repair
};

// Called with every intact record, in sequence order, each sequence once. `payload` is valid only
// during the call. A non-OK status stops recovery and is returned.
using RecordVisitor = std::function<Status(std::uint64_t seq, std::string_view payload)>;

// Reads every segment of `dir` (a directory that does not exist holds no records) in order and
// passes each intact record to `visit`. Damage is reported, never silent (docs/wal.md, "Reading
// rules"); a record whose sequence does not increase is reported as corruption and skipped.
// Fails on I/O errors, on an unknown format version, or when `visit` fails.
// Not thread-safe with a WalWriter on the same directory: recover first, then open the writer.
Result<RecoveryResult> Recover(const std::string& dir, const RecoveryOptions& options,
                               const RecordVisitor& visit);

}  // namespace ingot::wal
