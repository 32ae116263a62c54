// The fuzz target's checks, run by ctest on valid segments and random mutations of them.
#include "wal/segment_check.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "wal/group_encoder.h"
#include "wal/test_util.h"

namespace ingot::wal {
namespace {

std::string ValidSegment(std::mt19937_64& rng) {
  GroupEncoder encoder;
  encoder.Reset(0);
  encoder.AddSegmentHeader();
  std::vector<std::string> payloads;
  const int count = 1 + static_cast<int>(rng() % 12);
  for (int i = 0; i < count; ++i) {
    const std::size_t size = rng() % 4 == 0 ? rng() % 80'000 : rng() % 300;
    payloads.push_back(testing::Payload(rng(), size));
  }
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const std::string_view piece = payloads[i];
    encoder.AddRecord(100 + i, {&piece, 1});
  }
  std::string bytes;
  for (const iovec& v : encoder.Finish()) {
    bytes.append(static_cast<const char*>(v.iov_base), v.iov_len);
  }
  return bytes;
}

TEST(SegmentCheck, ValidAndMutatedSegments) {
  std::mt19937_64 rng(20261122);
  for (int round = 0; round < 1500; ++round) {
    std::string bytes = ValidSegment(rng);
    switch (round % 6) {
      case 0: break;
      case 1: bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255); break;
      case 2: bytes.resize(rng() % bytes.size()); break;
      case 3: bytes.replace(rng() % bytes.size(), 0, std::string(rng() % 5000, '\0')); break;
      case 4:
        for (int i = 0; i < 20; ++i) bytes[rng() % bytes.size()] = static_cast<char>(rng());
        break;
      case 5: bytes += ValidSegment(rng).substr(16); break;  // shifted blocks
    }
    CheckSegmentBytes(bytes);
  }
  CheckSegmentBytes("");
  CheckSegmentBytes(std::string(100'000, '\0'));
  CheckSegmentBytes(std::string(70'000, '\xff'));
}

}  // namespace
}  // namespace ingot::wal
