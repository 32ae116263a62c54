// Ingester: where decoded requests are committed, and the one place that decides when data is
// safe to acknowledge. Commit writes the request to the write-ahead log (header + body, a
// gathered write of bytes already in memory); when the WAL reports it durable (per --wal-sync),
// the decoded columns go into the memtable, tagged with the record's sequence, and the caller is
// told. Nothing reaches the memtable -- and so nothing reaches Parquet -- that the WAL did not
// accept, so a request answered with an error is never stored.
//
// The callback runs on the WAL thread: memtable appends happen there in sequence order, which
// keeps each partition's sequence set a few ranges, and request threads never wait on fsync.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "common/prometheus_text.h"
#include "common/status.h"
#include "ingest/persisted_watermark.h"
#include "ingest/request_record.h"
#include "memtable/memtable.h"
#include "protocols/decoded.h"
#include "wal/wal_writer.h"

namespace ingot::ingest {

struct IngestStats {
  std::atomic<std::uint64_t> records{0};         // acknowledged
  std::atomic<std::uint64_t> failed_records{0};  // rejected one by one
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> wal_failures{0};  // requests the WAL refused or failed
};

class Ingester final : public MetricsSection {
 public:
  using Done = std::function<void(Status)>;

  // `wal` and `watermark` may be null (no WAL: tests, and nothing else).
  Ingester(memtable::Memtable& memtable, wal::WalWriter* wal, PersistedWatermark* watermark)
      : memtable_(memtable), wal_(wal), watermark_(watermark) {}

  // Commits the records of `decoded` (finished; decoded from `body` as `header` says). Calls
  // `done` exactly once, on this thread or the WAL thread: OK once the records are durable and in
  // the memtable, or the error that kept them out (kUnavailable when the WAL cannot write: the
  // client should retry). `header`, `body` and `decoded` must stay valid until `done` runs.
  void Commit(const RequestHeader& header, std::string_view body, protocols::Decoded& decoded,
              Done done);

  // Writes to the WAL, as one abort record, the sequences of records the WAL may hold although
  // their requests were answered with an error (a write or fsync that failed after the records
  // were given sequences), so that replay never stores them. Called periodically (a no-op when
  // there are none or the WAL still cannot write); safe from any thread.
  void FlushAborts();
  // Sequences still waiting to be written as an abort record.
  std::size_t pending_aborts() const;

  const IngestStats& stats() const { return stats_; }
  // /metrics: records acknowledged and rejected one by one.
  void RenderMetrics(std::string& out) const override;

 private:
  // Appends every stream of `decoded` to the memtable with WAL sequence `seq`.
  void Apply(const RequestHeader& header, protocols::Decoded& decoded, std::uint64_t seq);

  memtable::Memtable& memtable_;
  wal::WalWriter* const wal_;
  PersistedWatermark* const watermark_;
  IngestStats stats_;

  mutable std::mutex aborts_mu_;
  wal::SeqRanges aborted_;        // GUARDED_BY(aborts_mu_): not yet in an abort record
  bool abort_in_flight_ = false;  // GUARDED_BY(aborts_mu_)
};

}  // namespace ingot::ingest
