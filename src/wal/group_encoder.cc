#include "wal/group_encoder.h"

#include <algorithm>
#include <cassert>

#include "wal/crc32c.h"
#include "wal/format.h"

namespace ingot::wal {

void GroupEncoder::Reset(std::uint64_t offset) {
  start_ = offset_ = offset;
  staging_.clear();
  chunks_.clear();
  iovecs_.clear();
}

void GroupEncoder::Stage(const char* data, std::size_t n) {
  if (n == 0) return;
  if (!chunks_.empty() && chunks_.back().data == nullptr) {
    chunks_.back().size += n;
  } else {
    chunks_.push_back({nullptr, staging_.size(), n});
  }
  staging_.append(data, n);
}

void GroupEncoder::Reference(const char* data, std::size_t n) {
  if (n < kCopyBelow) return Stage(data, n);
  chunks_.push_back({data, 0, n});
}

void GroupEncoder::AddSegmentHeader() {
  assert(offset_ == 0 && chunks_.empty());
  char fragment[kSegmentHeaderSize];
  EncodeFixed16(fragment + kLengthOffset, static_cast<std::uint16_t>(kSegmentMagic.size()));
  fragment[kTypeOffset] = static_cast<char>(FragmentType::kSegmentHeader);
  fragment[kVersionOffset] = static_cast<char>(kFormatVersion);
  kSegmentMagic.copy(fragment + kHeaderSize, kSegmentMagic.size());
  const std::uint32_t crc =
      crc32c::Value(fragment + kCrcCoverageStart, kSegmentHeaderSize - kCrcCoverageStart);
  EncodeFixed32(fragment + kCrcOffset, crc32c::Mask(crc));
  Stage(fragment, sizeof fragment);
  offset_ += sizeof fragment;
}

void GroupEncoder::AddRecord(std::uint64_t seq, std::span<const std::string_view> payload) {
  std::uint64_t payload_size = 0;
  for (std::string_view piece : payload) payload_size += piece.size();
  assert(payload_size <= kMaxRecordSize);

  std::size_t block_left = kBlockSize - offset_ % kBlockSize;
  if (block_left < kMinRecordStart) {
    static constexpr char kZeros[kMinRecordStart] = {};
    Stage(kZeros, block_left);
    offset_ += block_left;
    block_left = kBlockSize;
  }

  char prefix[kRecordPrefixSize];
  EncodeFixed64(prefix, seq);
  EncodeFixed32(prefix + 8, static_cast<std::uint32_t>(payload_size));

  // The record's bytes are the prefix followed by the payload pieces; a cursor walks them.
  std::size_t piece = 0;       // index in payload, once the prefix is out
  std::size_t piece_used = 0;  // bytes of the current piece already written
  bool in_prefix = true;
  std::uint64_t left = kRecordPrefixSize + payload_size;
  bool first = true;
  while (true) {
    const std::size_t data_size =
        static_cast<std::size_t>(std::min<std::uint64_t>(left, block_left - kHeaderSize));
    const bool last = data_size == left;
    const FragmentType type = first  ? (last ? FragmentType::kFull : FragmentType::kFirst)
                              : last ? FragmentType::kLast
                                     : FragmentType::kMiddle;
    char header[kHeaderSize];
    EncodeFixed16(header + kLengthOffset, static_cast<std::uint16_t>(data_size));
    header[kTypeOffset] = static_cast<char>(type);
    header[kVersionOffset] = static_cast<char>(kFormatVersion);
    std::uint32_t crc = crc32c::Value(header + kCrcCoverageStart, kHeaderSize - kCrcCoverageStart);
    const std::size_t header_at = staging_.size();
    Stage(header, kHeaderSize);

    for (std::size_t need = data_size; need > 0;) {
      if (in_prefix) {
        const std::size_t n = std::min(need, kRecordPrefixSize - piece_used);
        crc = crc32c::Extend(crc, prefix + piece_used, n);
        Stage(prefix + piece_used, n);
        piece_used += n;
        need -= n;
        if (piece_used == kRecordPrefixSize) {
          in_prefix = false;
          piece_used = 0;
        }
        continue;
      }
      const std::string_view current = payload[piece];
      const std::size_t n = std::min(need, current.size() - piece_used);
      crc = crc32c::Extend(crc, current.data() + piece_used, n);
      Reference(current.data() + piece_used, n);
      piece_used += n;
      need -= n;
      if (piece_used == current.size()) {
        ++piece;
        piece_used = 0;
      }
    }
    EncodeFixed32(staging_.data() + header_at + kCrcOffset, crc32c::Mask(crc));

    offset_ += kHeaderSize + data_size;
    left -= data_size;
    if (last) break;
    first = false;
    block_left = kBlockSize;
  }
}

std::span<const iovec> GroupEncoder::Finish() {
  iovecs_.clear();
  for (const Chunk& chunk : chunks_) {
    char* data =
        chunk.data == nullptr ? staging_.data() + chunk.staged_at : const_cast<char*>(chunk.data);
    iovecs_.push_back({data, chunk.size});
  }
  return iovecs_;
}

}  // namespace ingot::wal
