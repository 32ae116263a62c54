#include "ingest/recovery.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "common/input_padding.h"
#include "ingest/request_record.h"
#include "parquet/metadata_reader.h"
#include "persist/layout.h"
#include "persist/persister.h"
#include "persist/quarantine.h"

namespace ingot::ingest {

namespace {

// Parses "<created>_w<min>-<max>_<n>.parquet" (persist::Persister::NextFileName). Files without
// the "_w" part hold no WAL records.
bool WalRangeFromName(std::string_view name, std::uint64_t& min, std::uint64_t& max) {
  const std::size_t w = name.find("_w");
  if (w == std::string_view::npos) return false;
  const char* p = name.data() + w + 2;
  const char* end = name.data() + name.size();
  auto [dash, ec1] = std::from_chars(p, end, min);
  if (ec1 != std::errc() || dash == end || *dash != '-') return false;
  auto [rest, ec2] = std::from_chars(dash + 1, end, max);
  return ec2 == std::errc() && rest != end && *rest == '_';
}

// Which WAL sequences the Parquet files of a partition directory hold, read lazily per directory
// and only from files whose name says they may hold sequences still in the WAL.
class PersistedIndex {
 public:
  PersistedIndex(fs::FileSystem& fs, ReplayReport& report) : fs_(fs), report_(report) {}

  // Called once, with the first sequence in the WAL: files below it cannot matter.
  void set_first_wal_seq(std::uint64_t seq) { first_wal_seq_ = seq; }

  bool Contains(const std::string& dir, std::uint64_t seq) {
    auto it = dirs_.find(dir);
    if (it == dirs_.end()) it = dirs_.emplace(dir, Load(dir)).first;
    for (const wal::SeqRanges& file : it->second) {
      if (file.Contains(seq)) return true;
    }
    return false;
  }

 private:
  std::vector<wal::SeqRanges> Load(const std::string& dir) {
    std::vector<wal::SeqRanges> files;
    auto names = fs_.ListDir(dir);
    if (!names.ok()) return files;  // no directory: nothing persisted there
    for (const std::string& name : *names) {
      std::uint64_t min, max;
      if (!name.ends_with(".parquet") || name.front() == '.' || !WalRangeFromName(name, min, max) ||
          max < first_wal_seq_) {
        continue;
      }
      ++report_.files_examined;
      const std::string path = dir + "/" + name;
      auto footer = parquet::ReadFooter(path);
      if (!footer.ok()) {
        // Files are fsynced before they are renamed into place, so this is damage from outside.
        // Replaying its records again may duplicate them; skipping them could lose them.
        spdlog::error("cannot read {}: {}; its WAL records will be replayed", path,
                      footer.status().ToString());
        continue;
      }
      auto seqs = wal::SeqRanges::Parse(footer->Value(persist::kWalSeqsKey));
      if (seqs.ok()) {
        files.push_back(std::move(*seqs));
      } else {
        spdlog::error("{}: {}", path, seqs.status().ToString());
      }
    }
    return files;
  }

  fs::FileSystem& fs_;
  ReplayReport& report_;
  std::uint64_t first_wal_seq_ = 0;
  std::map<std::string, std::vector<wal::SeqRanges>> dirs_;
};

}  // namespace

Status MakeRoomForReplay(MemoryBudget& budget, memtable::Memtable& memtable,
                         persist::Persister& persister, const std::atomic<bool>* stop) {
  const auto started = std::chrono::steady_clock::now();
  auto next_report = started + std::chrono::seconds(10);
  for (;;) {
    if (stop != nullptr && stop->load()) return Status::Unavailable("stopping");
    if (budget.used() <= budget.limit() / 2) return Status::Ok();
    memtable.SealLargest(budget.limit() / 4);
    // Nothing left that writing files would free (the rest is held elsewhere): go on.
    if (memtable.memory_bytes() == 0 && persister.stats().queued_partitions.load() == 0) {
      return Status::Ok();
    }
    persister.WaitForProgress(std::chrono::milliseconds(100));
    if (std::chrono::steady_clock::now() >= next_report) {
      next_report += std::chrono::seconds(10);
      spdlog::error(
          "WAL replay waiting {:.0f}s for memory: {} MiB of --memory-limit {} MiB used, {} "
          "partitions waiting for a retry of their Parquet file (see the errors above)",
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
          budget.used() >> 20, budget.limit() >> 20, persister.stats().retrying_partitions.load());
    }
  }
}

Result<ReplayReport> ReplayWal(const std::string& data_dir, fs::FileSystem& fs,
                               memtable::Memtable& memtable, PersistedWatermark& watermark,
                               wal::Reporter* reporter, wal::WalStats* stats,
                               const std::function<Status()>& make_room) {
  ReplayReport report;
  const persist::QuarantineIndex quarantined = persist::QuarantineIndex::Load(fs, data_dir);
  persist::Quarantine quarantine(fs, data_dir);
  // First pass: the abort records, which come after the records they cancel.
  wal::SeqRanges aborted;
  {
    wal::RecoveryOptions first_pass;
    first_pass.fs = &fs;
    first_pass.repair = false;  // the second pass repairs (and reports damage) once
    RequestHeader header;
    auto scanned = wal::Recover(data_dir + "/wal", first_pass,
                                [&](std::uint64_t, std::string_view payload) -> Status {
                                  std::string_view body;
                                  if (DecodeRequestRecord(payload, header, body).ok() &&
                                      header.protocol == protocols::Protocol::kAbort) {
                                    if (auto seqs = wal::SeqRanges::Parse(body); seqs.ok()) {
                                      aborted.Add(*seqs);
                                    }
                                  }
                                  return Status::Ok();
                                });
    if (!scanned.ok()) return scanned.status();
  }
  PersistedIndex index(fs, report);
  std::string padded;  // the body, with the padding the decoders need
  RequestHeader header;
  wal::RecoveryOptions options;
  options.fs = &fs;
  options.reporter = reporter;
  options.stats = stats;
  auto result = wal::Recover(
      data_dir + "/wal", options, [&](std::uint64_t seq, std::string_view payload) -> Status {
        if (report.records++ == 0) index.set_first_wal_seq(seq);
        std::string_view body;
        Status st = DecodeRequestRecord(payload, header, body);
        const bool header_read = st.ok();
        if (st.ok() && (header.protocol == protocols::Protocol::kAbort || aborted.Contains(seq))) {
          report.aborted += header.protocol != protocols::Protocol::kAbort;
          return Status::Ok();
        }
        if (make_room) INGOT_RETURN_IF_ERROR(make_room());
        padded.assign(body);
        padded.append(kInputPadding, '\0');
        protocols::Decoded decoded(header.options);
        if (st.ok()) st = DecodeRequestBody(header, {padded.data(), body.size()}, decoded);
        if (!st.ok()) {
          // The record was written only after its request decoded, so this means a format or a
          // rule of an earlier version this binary does not follow, or damage the checksum
          // missed. The request was acknowledged: keep it where people can send it again.
          ++report.undecodable;
          if (quarantined.ContainsRequest(seq)) return Status::Ok();
          const Status q = quarantine.PutRequest(
              seq,
              header_read ? ProtocolEndpoint(header.protocol) : "(unknown: the header is damaged)",
              header_read ? header.org : "", header_read ? header.stream : "",
              header_read ? body : payload, st.ToString());
          if (q.ok()) {
            ++report.requests_quarantined;
            spdlog::error("WAL record {} cannot be replayed ({}); its request is in {}/{}", seq,
                          st.ToString(), data_dir, persist::kQuarantineDir);
          } else {
            spdlog::error("WAL record {} cannot be replayed ({}) nor quarantined ({})", seq,
                          st.ToString(), q.ToString());
          }
          return Status::Ok();
        }
        watermark.Begin(seq);
        std::size_t partitions = 0;
        model::StreamKey key{header.org, header.type, {}};
        for (auto& stream : decoded.streams()) {
          model::BatchBuilder& builder = stream->builder;
          if (stream->stored == 0) continue;
          key.stream = stream->name;
          const std::size_t appended =
              memtable.Append(key, std::move(builder.batch()), builder.min_timestamp(),
                              builder.max_timestamp(), seq, [&](std::int64_t hour) {
                                if (quarantined.Contains(key, hour, seq)) {
                                  ++report.parts_quarantined;
                                  return true;
                                }
                                const bool persisted =
                                    index.Contains(persist::PartitionDir(data_dir, key, hour), seq);
                                report.parts_skipped += persisted;
                                return persisted;
                              });
          partitions += appended;
        }
        watermark.Finish(seq, partitions);
        report.parts_replayed += partitions;
        return Status::Ok();
      });
  if (!result.ok()) return result.status();
  report.wal = *result;
  report.next_seq = result->next_seq;
  return report;
}

}  // namespace ingot::ingest
