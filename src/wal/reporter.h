// Reporter: how the WAL reader tells its caller about bytes it had to drop. Never silent: the
// caller logs every report and counts it in a metric (WalStats does the counting in Recover).
#pragma once

#include <cstdint>
#include <string_view>

namespace ingot::wal {

enum class DropKind {
  // Damage in the middle of the log: intact records follow the dropped bytes, so data that was
  // written (and possibly acknowledged) is lost.
  kCorruption,
  // The end of a segment after its last intact record is not zeros: a write that did not
  // complete (crash, power loss, failed write). Records there were never acknowledged in `always`
  // mode.
  kTornTail,
};

struct Drop {
  std::string_view segment;  // file name
  std::uint64_t offset;      // of the first dropped byte in the file
  std::uint64_t bytes;
  DropKind kind;
  std::string_view reason;  // what the reader found first, e.g. "checksum mismatch"
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  // Called on the reading thread; `drop`'s strings are valid only during the call.
  virtual void Dropped(const Drop& drop) = 0;
};

}  // namespace ingot::wal
