// GroupEncoder: lays out a group of records as fragments (docs/wal.md) for one gathered write.
//
// Fragment headers, record prefixes, block trailers and small payload pieces are copied into a
// staging buffer; payload pieces of kCopyBelow bytes or more are referenced where they are (the
// write gathers them), so a 256 MB request body is never copied. The CRCs are computed here.
// Reused from group to group: once warm, encoding allocates nothing.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::wal {

class GroupEncoder {
 public:
  // Payload slices shorter than this are copied: a memcpy of 4 KiB costs less than the kernel's
  // handling of one more iovec, and it keeps a group of small records to a few iovecs.
  static constexpr std::size_t kCopyBelow = 4096;

  // Starts a new group whose first byte goes at `offset` in the segment.
  void Reset(std::uint64_t offset);
  // Adds the segment header. REQUIRES: the group starts at offset 0 and is empty.
  void AddSegmentHeader();
  // Adds one record made of `payload`'s pieces, concatenated. The pieces' bytes must stay valid
  // until the write of Finish()'s iovecs is done. REQUIRES: total size <= kMaxRecordSize.
  void AddRecord(std::uint64_t seq, std::span<const std::string_view> payload);

  // The bytes of the group, in order, to write at the offset given to Reset(). Valid until the
  // next Reset().
  std::span<const iovec> Finish();

  // Where the group's next byte would go (the segment offset after the group).
  std::uint64_t end_offset() const { return offset_; }
  std::uint64_t size() const { return offset_ - start_; }

 private:
  // A run of bytes of the group: in the staging buffer (data == nullptr) or referenced.
  struct Chunk {
    const char* data;
    std::size_t staged_at;
    std::size_t size;
  };

  void Stage(const char* data, std::size_t n);
  void Reference(const char* data, std::size_t n);

  std::uint64_t start_ = 0;
  std::uint64_t offset_ = 0;
  std::string staging_;
  std::vector<Chunk> chunks_;
  std::vector<iovec> iovecs_;
};

}  // namespace ingot::wal
