// libFuzzer target: arbitrary bytes as a WAL segment file. The reader must not crash, and every
// record it returns must be made of fragments with valid checksums (CheckSegmentBytes).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wal/segment_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ingot::wal::CheckSegmentBytes(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
