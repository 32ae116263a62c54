#include "wal/wal_stats.h"

namespace ingot::wal {

void WalStats::RenderMetrics(std::string& out) const {
  using prometheus::Help;
  using prometheus::Sample;
  auto load = [](const auto& a) { return static_cast<double>(a.load(std::memory_order_relaxed)); };
  Help(out, "ingot_wal_healthy", "gauge",
       "1 while the WAL can write; 0 after an I/O error (503s).");
  Sample(out, "ingot_wal_healthy", "", healthy.load() ? 1 : 0);
  Help(out, "ingot_wal_records_total", "counter", "Records written to the WAL.");
  Sample(out, "ingot_wal_records_total", "", load(records));
  Help(out, "ingot_wal_bytes_total", "counter", "Bytes written to the WAL, framing included.");
  Sample(out, "ingot_wal_bytes_total", "", load(bytes_written));
  Help(out, "ingot_wal_io_errors_total", "counter",
       "Failed WAL writes, fsyncs or segment creations.");
  Sample(out, "ingot_wal_io_errors_total", "", load(io_errors));
  Help(out, "ingot_wal_segments", "gauge", "WAL segment files on disk.");
  Sample(out, "ingot_wal_segments", "", load(segments_live));
  Help(out, "ingot_wal_fsync_seconds", "histogram", "fdatasync latency of WAL group commits.");
  prometheus::HistogramSamples(out, "ingot_wal_fsync_seconds", "", fsync_micros, 1e-6);
  Help(out, "ingot_wal_group_records", "histogram", "Records per WAL group commit.");
  prometheus::HistogramSamples(out, "ingot_wal_group_records", "", group_records, 1);
  Help(out, "ingot_wal_recovered_records_total", "counter", "WAL records read back at start.");
  Sample(out, "ingot_wal_recovered_records_total", "", load(recovered_records));
  Help(out, "ingot_wal_corrupt_bytes_total", "counter",
       "WAL bytes dropped at start because they were damaged (each drop is also logged).");
  Sample(out, "ingot_wal_corrupt_bytes_total", "", load(corrupt_bytes));
  Help(out, "ingot_wal_torn_tail_bytes_total", "counter",
       "Bytes of unfinished writes cut from the end of the WAL at start.");
  Sample(out, "ingot_wal_torn_tail_bytes_total", "", load(torn_tail_bytes));
}

}  // namespace ingot::wal
