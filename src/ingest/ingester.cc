#include "ingest/ingester.h"

#include <memory>

namespace ingot::ingest {

void Ingester::Apply(const RequestHeader& header, protocols::Decoded& decoded, std::uint64_t seq) {
  if (watermark_ != nullptr) watermark_->Begin(seq);
  std::size_t partitions = 0;
  std::uint64_t records = 0;
  model::StreamKey key{header.org, header.type, {}};
  for (auto& stream : decoded.streams()) {
    model::BatchBuilder& builder = stream->builder;
    if (stream->stored == 0) continue;
    records += stream->stored;
    key.stream = stream->name;
    partitions += memtable_.Append(key, std::move(builder.batch()), builder.min_timestamp(),
                                   builder.max_timestamp(), seq);
  }
  if (watermark_ != nullptr) watermark_->Finish(seq, partitions);
  stats_.requests.fetch_add(1, std::memory_order_relaxed);
  stats_.records.fetch_add(records, std::memory_order_relaxed);
  stats_.failed_records.fetch_add(decoded.failed(), std::memory_order_relaxed);
}

void Ingester::Commit(const RequestHeader& header, std::string_view body,
                      protocols::Decoded& decoded, Done done) {
  if (wal_ == nullptr || decoded.successful() == 0) {
    // Nothing to make durable (no WAL, or every record was rejected): answer now.
    Apply(header, decoded, 0);
    done(Status::Ok());
    return;
  }
  // The header lives until the WAL callback; the body is the caller's (valid until `done`).
  auto record_header = std::make_shared<std::string>();
  EncodeRequestHeader(header, *record_header);
  const std::string_view pieces[] = {*record_header, body};
  Status queued = wal_->Append(
      pieces, [this, record_header, &header, &decoded, done](Status st, std::uint64_t seq) {
        if (!st.ok()) {
          stats_.wal_failures.fetch_add(1, std::memory_order_relaxed);
          if (seq != 0) {  // the record may be on disk: make sure replay will not store it
            std::lock_guard lock(aborts_mu_);
            aborted_.Add(seq);
          }
          done(st);
          return;
        }
        Apply(header, decoded, seq);
        done(Status::Ok());
      });
  if (!queued.ok()) {
    stats_.wal_failures.fetch_add(1, std::memory_order_relaxed);
    done(queued);
  }
}

void Ingester::FlushAborts() {
  if (wal_ == nullptr || !wal_->healthy()) return;
  auto record = std::make_shared<std::string>();
  wal::SeqRanges flushing;
  {
    std::lock_guard lock(aborts_mu_);
    if (aborted_.empty() || abort_in_flight_) return;
    flushing = aborted_;
    abort_in_flight_ = true;
  }
  RequestHeader header;
  header.protocol = protocols::Protocol::kAbort;
  EncodeRequestHeader(header, *record);
  *record += flushing.ToString();
  const Status queued =
      wal_->Append(std::string_view(*record), [this, record, flushing](Status st, std::uint64_t) {
        std::lock_guard lock(aborts_mu_);
        abort_in_flight_ = false;
        if (!st.ok()) return;  // tried again on the next call
        aborted_.Remove(flushing);
      });
  if (!queued.ok()) {
    std::lock_guard lock(aborts_mu_);
    abort_in_flight_ = false;
  }
}

std::size_t Ingester::pending_aborts() const {
  std::lock_guard lock(aborts_mu_);
  std::size_t n = 0;
  for (const auto& [first, last] : aborted_.ranges()) n += last - first + 1;
  return n;
}

void Ingester::RenderMetrics(std::string& out) const {
  prometheus::Help(out, "ingot_records_ingested_total", "counter", "Records acknowledged.");
  prometheus::Sample(out, "ingot_records_ingested_total", "",
                     static_cast<double>(stats_.records.load(std::memory_order_relaxed)));
  prometheus::Help(out, "ingot_records_rejected_total", "counter",
                   "Records rejected one by one (e.g. _timestamp outside the accepted window).");
  prometheus::Sample(out, "ingot_records_rejected_total", "",
                     static_cast<double>(stats_.failed_records.load(std::memory_order_relaxed)));
}

}  // namespace ingot::ingest
