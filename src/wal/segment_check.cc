#include "wal/segment_check.h"

#include <string>
#include <vector>

#include "fs/file_system.h"
#include "wal/crc32c.h"
#include "wal/format.h"
#include "wal/group_encoder.h"
#include "wal/segment_reader.h"

namespace ingot::wal {

namespace {

void Require(bool condition) {
  if (!condition) __builtin_trap();
}

// A read-only segment in memory.
class MemoryFile final : public fs::RandomRWFile {
 public:
  explicit MemoryFile(std::string_view bytes) : bytes_(bytes) {}
  Result<std::size_t> ReadAt(std::uint64_t offset, void* buf, std::size_t n) override {
    if (offset >= bytes_.size()) return std::size_t{0};
    return bytes_.copy(static_cast<char*>(buf), n, offset);
  }
  Status WriteAt(std::uint64_t, std::span<const iovec>) override { return ReadOnly(); }
  Status Sync() override { return ReadOnly(); }
  Status Allocate(std::uint64_t, std::uint64_t) override { return ReadOnly(); }
  Status Truncate(std::uint64_t) override { return ReadOnly(); }
  Result<std::uint64_t> Size() override { return bytes_.size(); }
  Status Close() override { return Status::Ok(); }

 private:
  static Status ReadOnly() { return Status::Internal("read-only"); }
  std::string_view bytes_;
};

struct Dropped {
  std::uint64_t offset;
  std::uint64_t bytes;
  DropKind kind;
};

class Collector final : public Reporter {
 public:
  void Dropped(const Drop& drop) override { drops.push_back({drop.offset, drop.bytes, drop.kind}); }
  std::vector<struct Dropped> drops;
};

struct Read {
  std::uint64_t seq;
  std::string payload;
  std::uint64_t offset;
  std::uint64_t end;
  bool operator==(const Read&) const = default;
};

struct Outcome {
  bool version_error = false;
  std::vector<Read> records;
  std::vector<Dropped> drops;
};

Outcome ReadAll(std::string_view bytes) {
  MemoryFile file(bytes);
  Collector collector;
  SegmentReader reader(file, "fuzz", &collector);
  Outcome outcome;
  Record record;
  while (true) {
    auto more = reader.Next(&record);
    if (!more.ok()) {
      Require(more.status().code() == StatusCode::kInvalidInput);  // unknown version only
      outcome.version_error = true;
      break;
    }
    if (!*more) {
      Require(reader.valid_end() <= bytes.size());
      break;
    }
    outcome.records.push_back({record.seq, std::string(record.payload), record.offset, record.end});
  }
  outcome.drops = std::move(collector.drops);
  return outcome;
}

// Walks the fragments of `record` in `bytes` without the reader's help: each one's checksum must
// hold and their data must spell the record's prefix and payload.
void CheckFragments(std::string_view bytes, const Read& record) {
  std::string data;
  std::uint64_t pos = record.offset;
  while (true) {
    const std::uint64_t in_block = pos % kBlockSize;
    const std::uint64_t left = kBlockSize - in_block;
    if (left < kHeaderSize || (in_block != 0 && left < kMinRecordStart)) {
      pos += left;  // a trailer between two fragments
      continue;
    }
    Require(pos + kHeaderSize <= record.end);
    const char* header = bytes.data() + pos;
    const std::size_t length = DecodeFixed16(header + kLengthOffset);
    Require(pos + kHeaderSize + length <= record.end);
    Require(crc32c::Unmask(DecodeFixed32(header + kCrcOffset)) ==
            crc32c::Value(header + kCrcCoverageStart, kHeaderSize + length - kCrcCoverageStart));
    Require(static_cast<std::uint8_t>(header[kVersionOffset]) == kFormatVersion);
    data.append(header + kHeaderSize, length);
    pos += kHeaderSize + length;
    const auto type = static_cast<FragmentType>(header[kTypeOffset]);
    if (type == FragmentType::kFull || type == FragmentType::kLast) break;
  }
  Require(pos == record.end);
  Require(data.size() == kRecordPrefixSize + record.payload.size());
  Require(DecodeFixed64(data.data()) == record.seq);
  Require(DecodeFixed32(data.data() + 8) == record.payload.size());
  Require(data.compare(kRecordPrefixSize, std::string::npos, record.payload) == 0);
}

}  // namespace

void CheckSegmentBytes(std::string_view bytes) {
  const Outcome first = ReadAll(bytes);
  std::uint64_t previous_end = 0;
  for (const Read& record : first.records) {
    Require(record.offset >= previous_end && record.offset < record.end);
    Require(record.end <= bytes.size());
    previous_end = record.end;
    CheckFragments(bytes, record);
    for (const Dropped& drop : first.drops) {
      Require(drop.offset + drop.bytes <= record.offset || drop.offset >= record.end);
    }
  }
  std::uint64_t drop_end = 0;
  for (const Dropped& drop : first.drops) {
    Require(drop.bytes > 0 && drop.offset >= drop_end && drop.offset + drop.bytes <= bytes.size());
    drop_end = drop.offset + drop.bytes;
  }

  // Deterministic.
  const Outcome second = ReadAll(bytes);
  Require(second.records == first.records && second.drops.size() == first.drops.size());

  // Differential: the records, written again by the encoder, read back as they are.
  GroupEncoder encoder;
  encoder.Reset(0);
  encoder.AddSegmentHeader();
  for (const Read& record : first.records) {
    const std::string_view piece = record.payload;
    encoder.AddRecord(record.seq, {&piece, 1});
  }
  std::string again;
  for (const iovec& v : encoder.Finish()) {
    again.append(static_cast<const char*>(v.iov_base), v.iov_len);
  }
  const Outcome round_trip = ReadAll(again);
  Require(round_trip.drops.empty() && !round_trip.version_error);
  Require(round_trip.records.size() == first.records.size());
  for (std::size_t i = 0; i < first.records.size(); ++i) {
    Require(round_trip.records[i].seq == first.records[i].seq);
    Require(round_trip.records[i].payload == first.records[i].payload);
  }
}

}  // namespace ingot::wal
