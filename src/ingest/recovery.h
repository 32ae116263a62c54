// Replaying the write-ahead log into the memtable after a restart, exactly once.
//
// Every intact WAL record is decoded again (ingest/request_record.h). Its rows are appended to
// the memtable unless the Parquet file of their (stream, hour) already holds them: each file lists
// the WAL sequences it has rows of ("ingot.wal_seqs" in its metadata), and a request's rows for
// one stream and hour always go to one file. Whatever moment the process died -- before the
// answer, while writing Parquet, between the file's rename and the WAL segment's removal -- a
// record is then in Parquet exactly once after the replayed partitions are persisted.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "ingest/persisted_watermark.h"
#include "memtable/memtable.h"
#include "storage/file_system.h"
#include "wal/recovery.h"

namespace ingot::ingest {

struct ReplayReport {
  std::uint64_t next_seq = 1;        // for WalWriter::Open
  std::uint64_t records = 0;         // WAL records read
  std::uint64_t parts_replayed = 0;  // (record, stream, hour) parts put back into the memtable
  std::uint64_t parts_skipped = 0;   // (record, stream, hour) parts already in Parquet
  std::uint64_t undecodable = 0;     // records whose payload could not be decoded (reported)
  std::uint64_t aborted = 0;         // records skipped: their request was answered with an error
  std::uint64_t files_examined = 0;  // Parquet footers read to learn what is persisted
  wal::RecoveryResult wal;
};

// Replays `data_dir`/wal into `memtable`, tracking what it appends in `watermark`. Corruption in
// the WAL is reported through `reporter` (and counted), never silent.
Result<ReplayReport> ReplayWal(const std::string& data_dir, storage::FileSystem& fs,
                               memtable::Memtable& memtable, PersistedWatermark& watermark,
                               wal::Reporter* reporter, wal::WalStats* stats);

}  // namespace ingot::ingest
