// Ingester: where decoded requests are committed. It is the one place that decides when data is
// safe to acknowledge: today it appends to the memtable (the data is then persisted to Parquet
// within --max-file-age); with the write-ahead log it will first make the records durable in the
// WAL and call back only then.
//
// Commit is asynchronous on purpose: the callback may run on another thread (a WAL group-commit
// thread) so that request threads never block on fsync.
#pragma once

#include <functional>
#include <string>

#include "common/status.h"
#include "memtable/memtable.h"
#include "model/stream_key.h"
#include "protocols/decoded.h"

namespace ingot::ingest {

struct IngestStats {
  std::atomic<std::uint64_t> records{0};
  std::atomic<std::uint64_t> failed_records{0};
  std::atomic<std::uint64_t> requests{0};
};

class Ingester {
 public:
  using Done = std::function<void(Status)>;

  explicit Ingester(memtable::Memtable& memtable) : memtable_(memtable) {}

  // Commits every stream of `decoded` (finished) for `org` and signal `type`, then calls `done`
  // with OK, or with the error that prevented the commit (nothing of the request is then kept).
  // `decoded` must stay alive until `done` runs.
  void Commit(const std::string& org, model::StreamType type, protocols::Decoded& decoded,
              Done done);

  const IngestStats& stats() const { return stats_; }

 private:
  memtable::Memtable& memtable_;
  IngestStats stats_;
};

}  // namespace ingot::ingest
