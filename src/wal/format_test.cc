#include "wal/format.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wal/crc32c.h"
#include "wal/group_encoder.h"

namespace ingot::wal {
namespace {

std::string Concatenate(std::span<const iovec> pieces) {
  std::string bytes;
  for (const iovec& piece : pieces)
    bytes.append(static_cast<const char*>(piece.iov_base), piece.iov_len);
  return bytes;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    if (!hex.empty()) hex += ' ';
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

TEST(Format, SegmentFileNamesSortBySequence) {
  EXPECT_EQ(SegmentFileName(1), "00000000000000000001.wal");
  EXPECT_EQ(SegmentFileName(183922), "00000000000000183922.wal");
  EXPECT_EQ(SegmentFileName(UINT64_MAX), "18446744073709551615.wal");
  EXPECT_EQ(ParseSegmentFileName("00000000000000183922.wal"), 183922u);
  EXPECT_EQ(ParseSegmentFileName(SegmentFileName(UINT64_MAX)), UINT64_MAX);
  for (const char* garbage :
       {"183922.wal", "0000000000000018392x.wal", "00000000000000183922.wal.bak",
        "00000000000000183922.WAL", "99999999999999999999.wal", "-0000000000000183922.wal",
        "prepared-segment.tmp", "", ".wal"}) {
    EXPECT_FALSE(ParseSegmentFileName(garbage).has_value()) << garbage;
  }
}

// The worked example of docs/wal.md, byte for byte.
TEST(Format, WorkedExampleFromTheDocs) {
  GroupEncoder encoder;
  encoder.Reset(0);
  encoder.AddSegmentHeader();
  const std::string_view hello = "hello";
  encoder.AddRecord(1, {&hello, 1});
  const std::string bytes = Concatenate(encoder.Finish());
  EXPECT_EQ(Hex(bytes.substr(0, 16)), "2e 2d 23 7c 08 00 05 01 49 4e 47 4f 54 57 41 4c");
  EXPECT_EQ(Hex(bytes.substr(16)),
            "3f 0a fd b2 11 00 01 01 01 00 00 00 00 00 00 00 05 00 00 00 68 65 6c 6c 6f");
  EXPECT_EQ(encoder.end_offset(), 0x29u);
  EXPECT_EQ(crc32c::Unmask(DecodeFixed32(bytes.data() + 16)), 0x0fb3883du);
}

// The 100 KB record of the worked example: FIRST, MIDDLE, MIDDLE, LAST at the documented places.
TEST(Format, LargeRecordFragments) {
  GroupEncoder encoder;
  encoder.Reset(0x29);
  const std::string payload(100000, 'x');
  const std::string_view piece = payload;
  encoder.AddRecord(2, {&piece, 1});
  std::string bytes(0x29, '\0');
  bytes += Concatenate(encoder.Finish());
  struct Expected {
    std::size_t offset;
    FragmentType type;
    std::size_t length;
  };
  for (const Expected& e :
       {Expected{0x29, FragmentType::kFirst, 32719}, Expected{32768, FragmentType::kMiddle, 32760},
        Expected{65536, FragmentType::kMiddle, 32760},
        Expected{98304, FragmentType::kLast, 1773}}) {
    EXPECT_EQ(static_cast<FragmentType>(bytes[e.offset + kTypeOffset]), e.type) << e.offset;
    EXPECT_EQ(DecodeFixed16(bytes.data() + e.offset + kLengthOffset), e.length) << e.offset;
  }
  EXPECT_EQ(bytes.size(), 98304u + kHeaderSize + 1773);
  EXPECT_EQ(encoder.end_offset(), bytes.size());
}

TEST(Format, LargePiecesAreGatheredNotCopied) {
  GroupEncoder encoder;
  encoder.Reset(kSegmentHeaderSize);
  const std::string big(3 * kBlockSize, 'b');
  const std::string small = "small";
  const std::string_view pieces[] = {small, big, small};
  encoder.AddRecord(7, pieces);
  const std::span<const iovec> iov = encoder.Finish();
  std::size_t referenced = 0;
  for (const iovec& v : iov) {
    const char* p = static_cast<const char*>(v.iov_base);
    if (p >= big.data() && p < big.data() + big.size()) referenced += v.iov_len;
  }
  // Only a slice shorter than kCopyBelow at the end of the last fragment is copied.
  EXPECT_GT(referenced, big.size() - GroupEncoder::kCopyBelow);
  EXPECT_LE(iov.size(), 10u);
}

TEST(Format, RecordStartsInTheNextBlockWhenTheTrailerIsTooShort) {
  GroupEncoder encoder;
  encoder.Reset(kBlockSize - kMinRecordStart + 1);  // 19 bytes left: too few
  const std::string_view empty;
  encoder.AddRecord(3, {&empty, 1});
  const std::string bytes = Concatenate(encoder.Finish());
  EXPECT_EQ(bytes.substr(0, kMinRecordStart - 1), std::string(kMinRecordStart - 1, '\0'));
  EXPECT_EQ(static_cast<FragmentType>(bytes[kMinRecordStart - 1 + kTypeOffset]),
            FragmentType::kFull);
  EXPECT_EQ(encoder.end_offset(), kBlockSize + kMinRecordStart);

  encoder.Reset(kBlockSize - kMinRecordStart);  // exactly enough
  encoder.AddRecord(4, {&empty, 1});
  EXPECT_EQ(encoder.end_offset(), kBlockSize);
}

}  // namespace
}  // namespace ingot::wal
