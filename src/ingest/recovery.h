// Replaying the write-ahead log into the memtable after a restart, exactly once.
//
// Every intact WAL record is decoded again (ingest/request_record.h). Its rows are appended to
// the memtable unless the Parquet file of their (stream, hour) already holds them: each file lists
// the WAL sequences it has rows of ("ingot.wal_seqs" in its metadata), and a request's rows for
// one stream and hour always go to one file. Whatever moment the process died -- before the
// answer, while writing Parquet, between the file's rename and the WAL segment's removal -- a
// record is then in Parquet exactly once after the replayed partitions are persisted. Rows the
// persist stage put in the quarantine (persist/quarantine.h) are left out the same way, so they
// are not quarantined twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/memory_budget.h"
#include "common/status.h"
#include "fs/file_system.h"
#include "ingest/persisted_watermark.h"
#include "memtable/memtable.h"
#include "persist/persister.h"
#include "wal/recovery.h"

namespace ingot::ingest {

struct ReplayReport {
  std::uint64_t next_seq = 1;           // for WalWriter::Open
  std::uint64_t records = 0;            // WAL records read
  std::uint64_t parts_replayed = 0;     // (record, stream, hour) parts put back into the memtable
  std::uint64_t parts_skipped = 0;      // (record, stream, hour) parts already in Parquet
  std::uint64_t parts_quarantined = 0;  // (record, stream, hour) parts already in quarantine
  std::uint64_t undecodable = 0;        // records whose payload could not be decoded (reported)
  std::uint64_t requests_quarantined = 0;  // of those, requests put in the quarantine now
  std::uint64_t aborted = 0;         // records skipped: their request was answered with an error
  std::uint64_t files_examined = 0;  // Parquet footers read to learn what is persisted
  wal::RecoveryResult wal;
};

// Replays `data_dir`/wal into `memtable`, tracking what it appends in `watermark`. Corruption in
// the WAL is reported through `reporter` (and counted), never silent. `make_room`, when set, is
// called before each record is decoded and may block until memory allows it (see
// MakeRoomForReplay): a WAL larger than the memory budget then replays within it. A non-OK
// status from it ends the replay with that status (the server is stopping: what was not
// replayed stays in the WAL).
Result<ReplayReport> ReplayWal(const std::string& data_dir, fs::FileSystem& fs,
                               memtable::Memtable& memtable, PersistedWatermark& watermark,
                               wal::Reporter* reporter, wal::WalStats* stats,
                               const std::function<Status()>& make_room = nullptr);

// A `make_room` for ReplayWal: while more than half of `budget` is used, seals the memtable's
// largest partitions and waits for `persister` to write them. Waits as long as that takes (a
// full disk holds replay back, with an error logged every 10 seconds), since replaying further
// would only grow memory; kUnavailable as soon as `stop` is set.
Status MakeRoomForReplay(MemoryBudget& budget, memtable::Memtable& memtable,
                         persist::Persister& persister, const std::atomic<bool>* stop = nullptr);

}  // namespace ingot::ingest
