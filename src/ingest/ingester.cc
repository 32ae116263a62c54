#include "ingest/ingester.h"

namespace ingot::ingest {

void Ingester::Commit(const std::string& org, model::StreamType type, protocols::Decoded& decoded,
                      Done done) {
  std::uint64_t records = 0;
  model::StreamKey key{org, type, {}};
  for (auto& stream : decoded.streams()) {
    const model::BatchBuilder& builder = stream->builder;
    records += builder.records();
    if (builder.records() == 0) continue;
    key.stream = stream->name;
    memtable_.Append(key, stream->builder.batch(), builder.min_timestamp(),
                     builder.max_timestamp());
  }
  stats_.requests.fetch_add(1, std::memory_order_relaxed);
  stats_.records.fetch_add(records, std::memory_order_relaxed);
  stats_.failed_records.fetch_add(decoded.failed(), std::memory_order_relaxed);
  done(Status::Ok());
}

}  // namespace ingot::ingest
