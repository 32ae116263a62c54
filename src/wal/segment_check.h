// CheckSegmentBytes: reads arbitrary bytes as a segment file and checks what the reader promises
// (docs/wal.md, "Reading rules"). Shared by the fuzz target and a randomized unit test.
#pragma once

#include <string_view>

namespace ingot::wal {

// Aborts (via __builtin_trap) when the reader misbehaves on `bytes`: a record whose fragments do
// not carry valid checksums or do not spell its payload, a report outside the file or overlapping
// a record, a different answer the second time, or records that do not survive re-encoding.
void CheckSegmentBytes(std::string_view bytes);

}  // namespace ingot::wal
