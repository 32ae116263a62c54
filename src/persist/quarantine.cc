#include "persist/quarantine.h"

#include <xxhash.h>

#include <charconv>
#include <vector>

#include "common/json_escape.h"
#include "model/column.h"
#include "model/timestamp.h"

namespace ingot::persist {

namespace {

// Rows are written in pieces of about this size, so a partition of any size needs no second copy
// of itself in memory.
constexpr std::size_t kFlushBytes = 1 << 20;

void AppendHex(std::uint64_t v, std::string& out) {
  char buf[16];
  for (int i = 15; i >= 0; --i, v >>= 4) buf[i] = "0123456789abcdef"[v & 15];
  out.append(buf, sizeof buf);
}

// One value of `c` as JSON.
void AppendJsonValue(const model::Column& c, std::size_t value, std::string& out) {
  switch (c.type()) {
    case model::ColumnType::kString: AppendJsonString(c.string_at(value), out); break;
    case model::ColumnType::kTimestamp:
      AppendJsonString(model::FormatTimestamp(c.ints()[value]), out);
      break;
    case model::ColumnType::kFloat64: {
      const double d = c.doubles()[value];
      if (d - d != 0) {  // NaN or infinite: JSON has no number for them, keep their name as text
        std::string text;
        model::AppendDoubleText(d, text);
        AppendJsonString(text, out);
      } else {
        model::AppendDoubleText(d, out);
      }
      break;
    }
    default: model::AppendValueText(c, value, out); break;
  }
}

// The members of a JSON object text ("{...}" without its braces), or empty when `text` is not an
// object with members.
std::string_view ObjectMembers(std::string_view text) {
  if (text.size() < 3 || text.front() != '{' || text.back() != '}') return {};
  return text.substr(1, text.size() - 2);
}

// Writes `out` (then empties it) to `file`.
Status Flush(fs::WritableFile& file, std::string& out) {
  Status st = file.Append(out.data(), out.size());
  out.clear();
  return st;
}

// Writes `text` to `dir`/`name` through a fsynced temporary file renamed into place.
template <typename Fill>
Status Publish(fs::FileSystem& fs, const std::string& dir, const std::string& name, Fill&& fill) {
  const std::string tmp = dir + "/." + name + ".tmp";
  auto file = fs.NewWritableFile(tmp);
  if (!file.ok()) return file.status();
  Status st = fill(**file);
  if (st.ok()) st = (*file)->Sync();
  if (st.ok()) st = (*file)->Close();
  file->reset();
  if (st.ok()) st = fs.RenameNoReplace(tmp, dir + "/" + name);
  if (!st.ok()) (void)fs.Remove(tmp);  // best effort; leftovers are removed at the next start
  return st;
}

// Parses "<created>_<id:16 hex>_h<hour>_w<min>-<max>_<n>.json".
bool ParseNoteName(std::string_view name, std::uint64_t& id, std::int64_t& hour, std::uint64_t& min,
                   std::uint64_t& max) {
  if (!name.ends_with(".json") || name.starts_with(".")) return false;
  const char* p = name.data();
  const char* end = p + name.size();
  std::uint64_t created;
  auto r = std::from_chars(p, end, created);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != '_') return false;
  r = std::from_chars(r.ptr + 1, end, id, 16);
  if (r.ec != std::errc() || end - r.ptr < 2 || r.ptr[0] != '_' || r.ptr[1] != 'h') return false;
  r = std::from_chars(r.ptr + 2, end, hour);
  if (r.ec != std::errc() || end - r.ptr < 2 || r.ptr[0] != '_' || r.ptr[1] != 'w') return false;
  r = std::from_chars(r.ptr + 2, end, min);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != '-') return false;
  r = std::from_chars(r.ptr + 1, end, max);
  return r.ec == std::errc() && r.ptr != end && *r.ptr == '_';
}

// Parses "<created>_r<seq>_<n>.json" (PutRequest).
bool ParseRequestNoteName(std::string_view name, std::uint64_t& seq) {
  if (!name.ends_with(".json") || name.starts_with(".")) return false;
  const char* end = name.data() + name.size();
  std::uint64_t created;
  auto r = std::from_chars(name.data(), end, created);
  if (r.ec != std::errc() || end - r.ptr < 2 || r.ptr[0] != '_' || r.ptr[1] != 'r') return false;
  r = std::from_chars(r.ptr + 2, end, seq);
  return r.ec == std::errc() && r.ptr != end && *r.ptr == '_';
}

}  // namespace

std::uint64_t QuarantinePartitionId(const model::StreamKey& key) {
  std::string text = key.org;
  text.push_back('\0');
  text += model::StreamTypeName(key.type);
  text.push_back('\0');
  text += key.stream;
  return XXH3_64bits(text.data(), text.size());
}

NdjsonRows::NdjsonRows(const model::RecordBatch& batch)
    : batch_(batch), next_value_(batch.num_columns(), 0) {}

void NdjsonRows::AppendNext(std::string& out) {
  const std::size_t row = next_row_++;
  out.push_back('{');
  bool first = true;
  std::string_view extra;
  for (std::size_t i = 0; i < batch_.num_columns(); ++i) {
    const model::Column& c = batch_.column(i);
    if (!c.is_defined(row)) continue;
    const std::size_t value = next_value_[i]++;
    if (c.name() == model::kExtraColumn && c.type() == model::ColumnType::kString) {
      extra = ObjectMembers(c.string_at(value));
      if (!extra.empty()) continue;
    }
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(c.name(), out);
    out.push_back(':');
    AppendJsonValue(c, value, out);
  }
  if (!extra.empty()) {  // the fields _extra kept, as fields of the record again
    if (!first) out.push_back(',');
    out += extra;
  }
  out += "}\n";
}

Quarantine::Quarantine(fs::FileSystem& fs, std::string data_dir)
    : fs_(fs), dir_(std::move(data_dir) + "/" + std::string(kQuarantineDir)) {}

Status Quarantine::Put(const model::StreamKey& key, std::int64_t hour, const wal::SeqRanges& seqs,
                       const model::RecordBatch& batch, std::string_view reason) {
  INGOT_RETURN_IF_ERROR(fs_.CreateDirs(dir_));
  std::string name = std::to_string(model::NowMicros());
  name.push_back('_');
  AppendHex(QuarantinePartitionId(key), name);
  name += "_h" + std::to_string(hour) + "_w" + std::to_string(seqs.min()) + "-" +
          std::to_string(seqs.max()) + "_" +
          std::to_string(sequence_.fetch_add(1, std::memory_order_relaxed));

  INGOT_RETURN_IF_ERROR(Publish(fs_, dir_, name + ".ndjson", [&](fs::WritableFile& file) {
    std::string out;
    out.reserve(kFlushBytes + 4096);
    NdjsonRows rows(batch);
    Status written;
    while (!rows.done() && written.ok()) {
      rows.AppendNext(out);
      if (out.size() >= kFlushBytes) written = Flush(file, out);
    }
    return written.ok() ? Flush(file, out) : written;
  }));

  std::string note = "{\"org\":";
  AppendJsonString(key.org, note);
  note += ",\"type\":";
  AppendJsonString(model::StreamTypeName(key.type), note);
  note += ",\"stream\":";
  AppendJsonString(key.stream, note);
  note += ",\"hour\":";
  AppendJsonString(model::FormatTimestamp(hour * model::kMicrosPerHour), note);
  note += ",\"rows\":" + std::to_string(batch.num_rows()) + ",\"wal_seqs\":";
  AppendJsonString(seqs.ToString(), note);
  note += ",\"reason\":";
  AppendJsonString(reason, note);
  note += ",\"rows_file\":";
  AppendJsonString(name + ".ndjson", note);
  note += "}\n";
  INGOT_RETURN_IF_ERROR(PublishNote(name, note));
  stats_.rows.fetch_add(batch.num_rows(), std::memory_order_relaxed);
  return Status::Ok();
}

Status Quarantine::PutRequest(std::uint64_t seq, std::string_view endpoint, std::string_view org,
                              std::string_view stream, std::string_view body,
                              std::string_view reason) {
  INGOT_RETURN_IF_ERROR(fs_.CreateDirs(dir_));
  const std::string name = std::to_string(model::NowMicros()) + "_r" + std::to_string(seq) + "_" +
                           std::to_string(sequence_.fetch_add(1, std::memory_order_relaxed));
  INGOT_RETURN_IF_ERROR(Publish(fs_, dir_, name + ".body", [&](fs::WritableFile& file) {
    return file.Append(body.data(), body.size());
  }));
  std::string note = "{\"org\":";
  AppendJsonString(org, note);
  note += ",\"stream\":";
  AppendJsonString(stream, note);
  note += ",\"endpoint\":";
  AppendJsonString(endpoint, note);
  note += ",\"wal_seq\":" + std::to_string(seq) + ",\"reason\":";
  AppendJsonString(reason, note);
  note += ",\"body_file\":";
  AppendJsonString(name + ".body", note);
  note += "}\n";
  return PublishNote(name, note);
}

Status Quarantine::PublishNote(const std::string& name, const std::string& note) {
  INGOT_RETURN_IF_ERROR(Publish(fs_, dir_, name + ".json", [&](fs::WritableFile& file) {
    return file.Append(note.data(), note.size());
  }));
  INGOT_RETURN_IF_ERROR(fs_.SyncDir(dir_));
  stats_.batches.fetch_add(1, std::memory_order_relaxed);
  return Status::Ok();
}

QuarantineIndex QuarantineIndex::Load(fs::FileSystem& fs, const std::string& data_dir) {
  QuarantineIndex index;
  auto names = fs.ListDir(data_dir + "/" + std::string(kQuarantineDir));
  if (!names.ok()) return index;
  for (const std::string& name : *names) {
    std::uint64_t id, min, max;
    std::int64_t hour;
    if (std::uint64_t seq; ParseRequestNoteName(name, seq)) {
      index.requests_.insert(seq);
      ++index.notes_;
      continue;
    }
    if (!ParseNoteName(name, id, hour, min, max)) continue;
    index.ranges_[{id, hour}].push_back({min, max});
    ++index.notes_;
  }
  return index;
}

bool QuarantineIndex::Contains(const model::StreamKey& key, std::int64_t hour,
                               std::uint64_t seq) const {
  if (ranges_.empty()) return false;
  auto it = ranges_.find({QuarantinePartitionId(key), hour});
  if (it == ranges_.end()) return false;
  for (const Range& r : it->second) {
    if (seq >= r.min && seq <= r.max) return true;
  }
  return false;
}

}  // namespace ingot::persist
