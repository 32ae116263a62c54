#include "wal/segment_reader.h"

#include <algorithm>

#include "wal/crc32c.h"
#include "wal/format.h"

namespace ingot::wal {

namespace {

constexpr std::size_t kChunkSize = 32 * kBlockSize;  // 1 MiB per read

bool AllZero(const char* p, std::size_t n) {
  return std::all_of(p, p + n, [](char c) { return c == 0; });
}

}  // namespace

SegmentReader::SegmentReader(fs::RandomRWFile& file, std::string name, Reporter* reporter)
    : file_(file), name_(std::move(name)), reporter_(reporter) {}

Status SegmentReader::LoadBlock(std::uint64_t offset) {
  const std::uint64_t block = offset - offset % kBlockSize;
  if (block >= chunk_offset_ && block < chunk_offset_ + chunk_size_) return Status::Ok();
  if (chunk_.empty()) chunk_.resize(kChunkSize);
  const auto want =
      static_cast<std::size_t>(std::min<std::uint64_t>(kChunkSize, file_size_ - block));
  auto read = file_.ReadAt(block, chunk_.data(), want);
  if (!read.ok()) return read.status();
  if (*read < want) file_size_ = block + *read;  // the file shrank while we read it
  chunk_offset_ = block;
  chunk_size_ = *read;
  return Status::Ok();
}

void SegmentReader::Drop(std::uint64_t begin, const char* reason, bool nonzero) {
  if (in_record_) {
    begin = record_offset_;
    nonzero = true;
    in_record_ = false;
  }
  if (!dropping_) {
    dropping_ = true;
    drop_begin_ = begin;
    drop_reason_ = reason;
    drop_nonzero_ = false;
  }
  drop_nonzero_ = drop_nonzero_ || nonzero;
}

void SegmentReader::EndDropAt(std::uint64_t offset) {
  if (!dropping_) return;
  dropping_ = false;
  Report(drop_begin_, offset, DropKind::kCorruption, drop_reason_);
}

void SegmentReader::Report(std::uint64_t begin, std::uint64_t end, DropKind kind,
                           const char* reason) {
  (kind == DropKind::kCorruption ? corrupt_bytes_ : torn_bytes_) += end - begin;
  if (reporter_ != nullptr) reporter_->Dropped({name_, begin, end - begin, kind, reason});
}

void SegmentReader::Finish() {
  finished_ = true;
  if (in_record_) Drop(record_offset_, "record cut short by the end of the file", true);
  if (dropping_ && drop_nonzero_) {
    Report(drop_begin_, file_size_, DropKind::kTornTail, drop_reason_);
  }
  dropping_ = false;
}

Result<bool> SegmentReader::Next(Record* record) {
  if (finished_) return false;
  if (!started_) {
    started_ = true;
    auto size = file_.Size();
    if (!size.ok()) return size.status();
    file_size_ = *size;
  }
  while (pos_ < file_size_) {
    INGOT_RETURN_IF_ERROR(LoadBlock(pos_));
    if (pos_ >= file_size_) break;
    const std::uint64_t block_end = std::min(pos_ - pos_ % kBlockSize + kBlockSize, file_size_);
    const auto left = static_cast<std::size_t>(block_end - pos_);
    const char* p = chunk_.data() + (pos_ - chunk_offset_);

    // Too few bytes for a fragment here: the block's trailer (zeros), or a header cut short by
    // the end of the file. Only continuation fragments start at a block boundary, and those may
    // be shorter than a record start.
    if (left < kHeaderSize || (pos_ % kBlockSize != 0 && left < kMinRecordStart)) {
      if (!AllZero(p, left)) Drop(pos_, "unexpected bytes in a block trailer", true);
      pos_ = block_end;
      continue;
    }
    if (AllZero(p, kHeaderSize)) {
      // Preallocated space that was never written, or zeroed by damage: which one depends on
      // whether intact records follow.
      Drop(pos_, "zeroed bytes", !AllZero(p, left));
      pos_ = block_end;
      continue;
    }
    const std::size_t length = DecodeFixed16(p + kLengthOffset);
    if (kHeaderSize + length > left) {
      Drop(pos_,
           block_end == file_size_ ? "fragment cut short by the end of the file"
                                   : "fragment length runs past its block",
           true);
      pos_ = block_end;
      continue;
    }
    const std::uint32_t stored = crc32c::Unmask(DecodeFixed32(p + kCrcOffset));
    if (stored != crc32c::Value(p + kCrcCoverageStart, kHeaderSize + length - kCrcCoverageStart)) {
      Drop(pos_, "checksum mismatch", true);
      pos_ = block_end;
      continue;
    }
    const auto version = static_cast<std::uint8_t>(p[kVersionOffset]);
    if (version != kFormatVersion) {
      return Status::InvalidInput("WAL segment " + name_ + " offset " + std::to_string(pos_) +
                                  ": format version " + std::to_string(version) +
                                  ", this build reads version " + std::to_string(kFormatVersion));
    }

    // An intact fragment: from here on its length can be trusted.
    const std::uint64_t begin = pos_;
    const std::uint64_t end = pos_ + kHeaderSize + length;
    const char* data = p + kHeaderSize;
    pos_ = end;
    const auto type = static_cast<std::uint8_t>(p[kTypeOffset]);
    switch (static_cast<FragmentType>(type)) {
      case FragmentType::kSegmentHeader:
        if (begin != 0 || std::string_view(data, length) != kSegmentMagic) {
          Drop(begin, "misplaced or malformed segment header", true);
        } else {
          valid_end_ = end;
        }
        continue;
      case FragmentType::kFull:
      case FragmentType::kFirst: {
        if (length < kRecordPrefixSize) {
          Drop(begin, "record prefix cut short", true);
          continue;
        }
        const std::uint64_t seq = DecodeFixed64(data);
        const std::uint64_t record_length = DecodeFixed32(data + 8);
        const std::size_t here = length - kRecordPrefixSize;
        const bool full = type == static_cast<std::uint8_t>(FragmentType::kFull);
        if (full ? record_length != here : record_length <= here) {
          Drop(begin, "record length disagrees with its fragments", true);
          continue;
        }
        if (in_record_) Drop(record_offset_, "record missing its last fragment", true);
        EndDropAt(begin);
        if (full) {
          ++records_;
          valid_end_ = end;
          *record = {seq, std::string_view(data + kRecordPrefixSize, here), begin, end};
          return true;
        }
        in_record_ = true;
        record_offset_ = begin;
        record_seq_ = seq;
        record_length_ = record_length;
        // The length was checksummed, but never trust it for an allocation beyond the file.
        record_.reserve(static_cast<std::size_t>(std::min(record_length, file_size_ - begin)));
        record_.assign(data + kRecordPrefixSize, here);
        continue;
      }
      case FragmentType::kMiddle:
      case FragmentType::kLast: {
        if (!in_record_) {
          Drop(begin, "fragment without the start of its record", true);
          continue;
        }
        const bool last = type == static_cast<std::uint8_t>(FragmentType::kLast);
        const std::uint64_t assembled = record_.size() + length;
        if (last ? assembled != record_length_ : assembled >= record_length_) {
          Drop(begin, "record length disagrees with its fragments", true);
          continue;
        }
        record_.append(data, length);
        if (!last) continue;
        in_record_ = false;
        ++records_;
        valid_end_ = end;
        *record = {record_seq_, record_, record_offset_, end};
        return true;
      }
      case FragmentType::kZero: break;
    }
    Drop(begin, "unknown fragment type", true);
  }
  Finish();
  return false;
}

}  // namespace ingot::wal
