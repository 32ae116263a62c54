// Byte surgery on real segment files: the reader must return every intact record, report every
// dropped byte range, and never return a damaged record.
#include "wal/segment_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "wal/crc32c.h"
#include "wal/format.h"
#include "wal/group_encoder.h"
#include "wal/test_util.h"

namespace ingot::wal {
namespace {

using testing::FileContents;
using testing::Payload;
using testing::ReadWal;
using testing::Report;
using testing::ScratchDir;
using testing::WriteFileContents;

struct Placed {
  std::uint64_t seq;
  std::string payload;
  std::uint64_t offset;
  std::uint64_t end;
};

// Encodes a segment holding `payloads` as records first_seq, first_seq + 1, ...
std::string EncodeSegment(const std::vector<std::string>& payloads, std::uint64_t first_seq,
                          bool header = true) {
  GroupEncoder encoder;
  encoder.Reset(0);
  if (header) encoder.AddSegmentHeader();
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const std::string_view piece = payloads[i];
    encoder.AddRecord(first_seq + i, {&piece, 1});
  }
  std::string bytes;
  for (const iovec& v : encoder.Finish()) {
    bytes.append(static_cast<const char*>(v.iov_base), v.iov_len);
  }
  return bytes;
}

class SegmentSurgery : public ::testing::Test {
 protected:
  std::string SegmentPath(std::uint64_t first_seq) {
    return dir_.path() + "/" + SegmentFileName(first_seq);
  }

  // Writes a segment of `count` records of `size` bytes and learns where each one is.
  void WriteSegment(std::uint64_t first_seq, std::size_t count, std::size_t size) {
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < count; ++i) payloads.push_back(Payload(first_seq + i, size));
    WriteRaw(first_seq, EncodeSegment(payloads, first_seq));
    auto file =
        fs::PosixFileSystem().OpenRandomRWFile(SegmentPath(first_seq), fs::OpenMode::kReadOnly);
    ASSERT_TRUE(file.ok());
    SegmentReader reader(**file, "clean", nullptr);
    Record record;
    while (reader.Next(&record).value()) {
      placed_.push_back({record.seq, std::string(record.payload), record.offset, record.end});
    }
    ASSERT_EQ(reader.records(), count);
    ASSERT_EQ(reader.tail_bytes(), 0u);
  }
  void WriteRaw(std::uint64_t first_seq, const std::string& bytes) {
    WriteFileContents(SegmentPath(first_seq), bytes);
  }
  const Placed& Find(std::uint64_t seq) {
    for (const Placed& p : placed_) {
      if (p.seq == seq) return p;
    }
    ADD_FAILURE() << "no record " << seq;
    return placed_.front();
  }
  void Patch(std::uint64_t first_seq, std::uint64_t offset, const std::string& bytes) {
    std::string contents = FileContents(SegmentPath(first_seq));
    contents.replace(offset, bytes.size(), bytes);
    WriteRaw(first_seq, contents);
  }
  void FlipByte(std::uint64_t first_seq, std::uint64_t offset) {
    std::string contents = FileContents(SegmentPath(first_seq));
    contents[offset] = static_cast<char>(contents[offset] ^ 0x40);
    WriteRaw(first_seq, contents);
  }

  // Every written record is read back intact, or lies within a reported range; nothing read
  // overlaps a reported range; sequences increase. Returns how many records were lost.
  std::size_t CheckAccounting(const testing::ReadBack& back, const std::string& segment_name) {
    EXPECT_TRUE(back.status.ok()) << back.status.ToString();
    std::size_t lost = 0;
    std::size_t next = 0;
    for (const Placed& p : placed_) {
      const bool read = next < back.records.size() && back.records[next].first == p.seq;
      if (read) {
        EXPECT_EQ(back.records[next].second, p.payload) << p.seq;
        ++next;
      }
      bool covered = false;
      for (const Report& r : back.reports) {
        if (r.segment == segment_name && p.offset < r.offset + r.bytes && r.offset < p.end) {
          covered = true;
        }
      }
      EXPECT_NE(read, covered) << "record " << p.seq << (read ? " read but" : " lost and not")
                               << " inside a reported range";
      lost += read ? 0 : 1;
    }
    EXPECT_EQ(next, back.records.size()) << "records read that were never written";
    return lost;
  }

  ScratchDir dir_;
  std::vector<Placed> placed_;
};

TEST_F(SegmentSurgery, RoundTripsRecordsOfManySizesAcrossBlocks) {
  std::vector<std::string> payloads;
  for (std::size_t size : {0ul, 1ul, 100ul, kBlockSize - 30, kBlockSize, 3 * kBlockSize + 5,
                           100'000ul, 1ul << 20, 5ul << 20, 7ul}) {
    payloads.push_back(Payload(payloads.size(), size));
  }
  WriteRaw(1, EncodeSegment(payloads, 1));
  const auto back = ReadWal(dir_.path());
  ASSERT_TRUE(back.status.ok());
  EXPECT_TRUE(back.reports.empty());
  ASSERT_EQ(back.records.size(), payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    EXPECT_EQ(back.records[i].first, i + 1);
    EXPECT_EQ(back.records[i].second, payloads[i]) << i;
  }
  EXPECT_EQ(back.result.next_seq, payloads.size() + 1);
  EXPECT_EQ(back.result.truncated_bytes, 0u);
}

TEST_F(SegmentSurgery, FlippedByteIsReportedAndLaterRecordsAreRead) {
  WriteSegment(1, 200, 1000);  // about six blocks
  const Placed& victim = Find(5);
  FlipByte(1, victim.offset + kHeaderSize + kRecordPrefixSize + 10);  // in the payload
  const auto back = ReadWal(dir_.path());
  ASSERT_EQ(back.reports.size(), 1u);
  EXPECT_EQ(back.reports[0].kind, DropKind::kCorruption);
  EXPECT_EQ(back.reports[0].reason, "checksum mismatch");
  EXPECT_EQ(back.reports[0].offset, victim.offset);
  const std::size_t lost = CheckAccounting(back, SegmentFileName(1));
  // The rest of the block is lost with it, and nothing more than that plus the record that
  // straddles into the next block.
  EXPECT_GE(lost, 1u);
  EXPECT_LE(lost, kBlockSize / 1020 + 1);
  EXPECT_EQ(back.records.back().first, 200u);
}

TEST_F(SegmentSurgery, BadLengthFieldIsReported) {
  WriteSegment(1, 200, 1000);
  const Placed& victim = Find(40);  // in block 1
  Patch(1, victim.offset + kLengthOffset, std::string("\xff\x7f", 2));
  const auto back = ReadWal(dir_.path());
  ASSERT_EQ(back.reports.size(), 1u);
  EXPECT_EQ(back.reports[0].kind, DropKind::kCorruption);
  EXPECT_EQ(back.reports[0].reason, "fragment length runs past its block");
  EXPECT_GE(CheckAccounting(back, SegmentFileName(1)), 1u);

  // A smaller wrong length stays inside the block: the checksum catches it.
  placed_.clear();
  WriteSegment(1, 200, 1000);
  Patch(1, Find(40).offset + kLengthOffset, std::string("\x10\x00", 2));
  const auto again = ReadWal(dir_.path());
  ASSERT_EQ(again.reports.size(), 1u);
  EXPECT_EQ(again.reports[0].reason, "checksum mismatch");
  CheckAccounting(again, SegmentFileName(1));
}

TEST_F(SegmentSurgery, TornTailIsReportedAndTruncated) {
  WriteSegment(1, 20, 100'000);  // multi-block records
  const Placed& last = placed_.back();
  const std::string path = SegmentPath(1);
  std::filesystem::resize_file(path, last.offset + 50'000);
  const auto back = ReadWal(dir_.path());
  ASSERT_EQ(back.records.size(), 19u);
  ASSERT_EQ(back.reports.size(), 1u);
  EXPECT_EQ(back.reports[0].kind, DropKind::kTornTail);
  EXPECT_EQ(back.reports[0].offset, last.offset);
  EXPECT_EQ(back.reports[0].bytes, 50'000u);
  EXPECT_EQ(back.result.next_seq, 20u);
  EXPECT_EQ(back.result.truncated_bytes, 50'000u);
  EXPECT_EQ(std::filesystem::file_size(path), last.offset);
  CheckAccounting(back, SegmentFileName(1));
  // Repaired: a second recovery finds a clean log.
  const auto again = ReadWal(dir_.path());
  EXPECT_TRUE(again.reports.empty());
  EXPECT_EQ(again.records.size(), 19u);
}

TEST_F(SegmentSurgery, TornHeaderAtTheEndIsATornTail) {
  WriteSegment(1, 5, 100);
  std::string contents = FileContents(SegmentPath(1));
  contents += std::string("\x12\x34\x56", 3);  // three bytes of the next header
  WriteRaw(1, contents);
  const auto back = ReadWal(dir_.path());
  EXPECT_EQ(back.records.size(), 5u);
  ASSERT_EQ(back.reports.size(), 1u);
  EXPECT_EQ(back.reports[0].kind, DropKind::kTornTail);
  EXPECT_EQ(back.reports[0].bytes, 3u);
}

TEST_F(SegmentSurgery, ZeroFilledTailIsTheEndNotDamage) {
  WriteSegment(1, 50, 3000);
  const std::uint64_t end = placed_.back().end;
  std::string contents = FileContents(SegmentPath(1));
  contents += std::string(1 << 20, '\0');  // preallocated, never written
  WriteRaw(1, contents);
  const auto back = ReadWal(dir_.path(), nullptr, /*repair=*/false);
  EXPECT_TRUE(back.reports.empty());
  EXPECT_EQ(back.records.size(), 50u);
  EXPECT_EQ(std::filesystem::file_size(SegmentPath(1)), end + (1 << 20));
  const auto repaired = ReadWal(dir_.path());
  EXPECT_TRUE(repaired.reports.empty());
  EXPECT_EQ(std::filesystem::file_size(SegmentPath(1)), end);
}

TEST_F(SegmentSurgery, HalfWrittenRecordInPreallocatedSpaceIsATornTail) {
  WriteSegment(1, 10, 200'000);
  const Placed& last = placed_.back();
  std::string contents = FileContents(SegmentPath(1));
  // The last record's second half never reached the disk; the space after it is preallocated.
  const std::uint64_t half = last.offset + (last.end - last.offset) / 2;
  contents.replace(half, last.end - half, std::string(last.end - half, '\0'));
  contents += std::string(4 * kBlockSize, '\0');
  WriteRaw(1, contents);
  const auto back = ReadWal(dir_.path());
  EXPECT_EQ(back.records.size(), 9u);
  ASSERT_EQ(back.reports.size(), 1u);
  EXPECT_EQ(back.reports[0].kind, DropKind::kTornTail);
  EXPECT_EQ(back.reports[0].offset, last.offset);
  EXPECT_EQ(std::filesystem::file_size(SegmentPath(1)), last.offset);
}

TEST_F(SegmentSurgery, ZeroedPageInTheMiddleIsCorruption) {
  WriteSegment(1, 300, 700);
  const std::uint64_t page = 2 * kBlockSize + 4096;  // inside block 2, records follow
  Patch(1, page, std::string(4096, '\0'));
  const auto back = ReadWal(dir_.path());
  ASSERT_EQ(back.reports.size(), 1u);
  EXPECT_EQ(back.reports[0].kind, DropKind::kCorruption);
  EXPECT_LE(back.reports[0].offset, page);
  EXPECT_GE(back.reports[0].offset + back.reports[0].bytes, page + 4096);
  EXPECT_GE(CheckAccounting(back, SegmentFileName(1)), 5u);
  EXPECT_EQ(back.records.back().first, 300u);
}

TEST_F(SegmentSurgery, LostFirstFragmentDropsTheWholeRecordOnce) {
  std::vector<std::string> payloads = {Payload(1, 500), Payload(2, 5 * kBlockSize),
                                       Payload(3, 500)};
  WriteRaw(1, EncodeSegment(payloads, 1));
  WriteSegment(100, 1, 10);  // placed_ for a second segment, unused
  placed_.clear();
  auto file = fs::PosixFileSystem().OpenRandomRWFile(SegmentPath(1), fs::OpenMode::kReadOnly);
  ASSERT_TRUE(file.ok());
  SegmentReader clean(**file, "clean", nullptr);
  Record record;
  while (clean.Next(&record).value()) {
    placed_.push_back({record.seq, std::string(record.payload), record.offset, record.end});
  }
  FlipByte(1, placed_[1].offset + 1);  // the FIRST fragment's CRC
  const auto back = ReadWal(dir_.path());
  ASSERT_EQ(back.reports.size(), 1u);
  EXPECT_EQ(back.reports[0].kind, DropKind::kCorruption);
  EXPECT_EQ(back.reports[0].offset, placed_[1].offset);
  EXPECT_EQ(back.reports[0].offset + back.reports[0].bytes, placed_[1].end);
  ASSERT_EQ(back.records.size(), 3u);  // records 1 and 3, and the other segment's
  EXPECT_EQ(back.records[0].first, 1u);
  EXPECT_EQ(back.records[1].first, 3u);
  EXPECT_EQ(back.records[1].second, payloads[2]);
  EXPECT_EQ(back.records[2].first, 100u);
}

TEST_F(SegmentSurgery, MissingMiddleFragmentDropsTheRecord) {
  std::vector<std::string> payloads = {Payload(1, 500), Payload(2, 5 * kBlockSize),
                                       Payload(3, 500)};
  WriteRaw(1, EncodeSegment(payloads, 1));
  Patch(1, 2 * kBlockSize, std::string(kBlockSize, '\0'));  // a MIDDLE fragment's block
  const auto back = ReadWal(dir_.path());
  ASSERT_EQ(back.reports.size(), 1u);
  EXPECT_EQ(back.reports[0].kind, DropKind::kCorruption);
  ASSERT_EQ(back.records.size(), 2u);
  EXPECT_EQ(back.records[1].second, payloads[2]);
}

TEST_F(SegmentSurgery, EmptySegmentsHoldNothingAndAreNotDamage) {
  WriteSegment(1, 3, 10);
  WriteRaw(4, "");                                                 // created, nothing written
  WriteRaw(5, EncodeSegment({}, 5));                               // header only
  WriteRaw(6, std::string(1 << 20, '\0'));                         // preallocated, header lost
  WriteRaw(7, EncodeSegment({"x", "y"}, 7));                       // records again
  WriteRaw(9, EncodeSegment({}, 9) + std::string(100'000, '\0'));  // last: header only
  const auto back = ReadWal(dir_.path());
  ASSERT_TRUE(back.status.ok());
  EXPECT_TRUE(back.reports.empty());
  ASSERT_EQ(back.records.size(), 5u);
  EXPECT_EQ(back.records[3], (std::pair<std::uint64_t, std::string>(7, "x")));
  EXPECT_EQ(back.result.segments, 6u);
  // The empty last segment is removed; the empty ones in the middle stay (they are deleted with
  // the segments around them).
  EXPECT_FALSE(std::filesystem::exists(SegmentPath(9)));
  EXPECT_TRUE(std::filesystem::exists(SegmentPath(5)));
  EXPECT_EQ(back.result.next_seq, 9u);  // sequence 8 may have been given out
}

TEST_F(SegmentSurgery, GarbageFileNamesAreIgnored) {
  WriteSegment(1, 3, 10);
  for (const char* name : {"foo.wal", "1.wal", "0000000000000000000x.wal",
                           "00000000000000000002.wal.bak", "prepared-segment.tmp", "README"}) {
    WriteFileContents(dir_.path() + "/" + name, "garbage that is not a segment");
  }
  const auto back = ReadWal(dir_.path());
  EXPECT_TRUE(back.reports.empty());
  EXPECT_EQ(back.records.size(), 3u);
  EXPECT_EQ(back.result.segments, 1u);
}

TEST_F(SegmentSurgery, MissingDirectoryHoldsNoRecords) {
  const auto back = ReadWal(dir_.path() + "/nope");
  ASSERT_TRUE(back.status.ok());
  EXPECT_EQ(back.records.size(), 0u);
  EXPECT_EQ(back.result.next_seq, 1u);
}

TEST_F(SegmentSurgery, TornTailOfAnOlderSegmentIsReportedButKept) {
  WriteSegment(1, 5, 1000);
  std::string contents = FileContents(SegmentPath(1));
  WriteRaw(1, contents + contents.substr(kSegmentHeaderSize, 700));  // a write cut short
  WriteSegment(10, 2, 10);
  const auto back = ReadWal(dir_.path());
  EXPECT_EQ(back.records.size(), 7u);
  ASSERT_EQ(back.reports.size(), 1u);
  EXPECT_EQ(back.reports[0].kind, DropKind::kTornTail);
  EXPECT_EQ(back.reports[0].segment, SegmentFileName(1));
  EXPECT_EQ(FileContents(SegmentPath(1)).size(), contents.size() + 700);
}

TEST_F(SegmentSurgery, SequenceThatDoesNotIncreaseIsReportedAndSkipped) {
  WriteSegment(1, 5, 10);
  // A second segment that repeats sequences 4 and 5, then goes on.
  WriteRaw(4, EncodeSegment({"dup4", "dup5", "six"}, 4));
  const auto back = ReadWal(dir_.path());
  ASSERT_EQ(back.records.size(), 6u);
  EXPECT_EQ(back.records[5], (std::pair<std::uint64_t, std::string>(6, "six")));
  ASSERT_EQ(back.reports.size(), 2u);
  for (const Report& r : back.reports) {
    EXPECT_EQ(r.kind, DropKind::kCorruption);
    EXPECT_EQ(r.reason, "sequence number does not increase");
  }
}

TEST_F(SegmentSurgery, UnknownFormatVersionStopsRecovery) {
  WriteSegment(1, 3, 10);
  const Placed& second = Find(2);
  std::string contents = FileContents(SegmentPath(1));
  contents[second.offset + kVersionOffset] = 2;
  const std::uint32_t crc = crc32c::Value(contents.data() + second.offset + kCrcCoverageStart,
                                          second.end - second.offset - kCrcCoverageStart);
  EncodeFixed32(contents.data() + second.offset, crc32c::Mask(crc));
  WriteRaw(1, contents);
  const auto back = ReadWal(dir_.path());
  EXPECT_EQ(back.status.code(), StatusCode::kInvalidInput);
  EXPECT_NE(back.status.message().find("format version 2"), std::string::npos);
  EXPECT_EQ(FileContents(SegmentPath(1)), contents) << "nothing repaired after an error";
}

TEST_F(SegmentSurgery, NonZeroTrailerIsCorruption) {
  // 16 + 32 * (20 + 1003) = 32752: the first block ends with a 16-byte trailer.
  WriteSegment(1, 100, 1003);
  std::uint64_t trailer = 0;
  for (std::size_t i = 0; i + 1 < placed_.size(); ++i) {
    if (placed_[i].end < kBlockSize && placed_[i + 1].offset == kBlockSize &&
        placed_[i].end != kBlockSize) {
      trailer = placed_[i].end;
    }
  }
  ASSERT_EQ(trailer, 32752u);
  Patch(1, trailer, "!");
  const auto back = ReadWal(dir_.path());
  ASSERT_EQ(back.reports.size(), 1u);
  EXPECT_EQ(back.reports[0].kind, DropKind::kCorruption);
  EXPECT_EQ(back.records.size(), 100u);
}

}  // namespace
}  // namespace ingot::wal
