// SyncMode: when the WAL calls an append's callback relative to fdatasync (docs/wal.md,
// "Durability"). Parsed from the `--wal-sync` flag.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ingot::wal {

struct SyncMode {
  enum class Kind {
    kAlways,    // callback after the group's fdatasync: nothing acknowledged is ever lost
    kInterval,  // callback after the write; fdatasync at most (and at least) every `interval`
    kNone,      // callback after the write; never fdatasync (the kernel writes back)
  };

  static SyncMode Always() { return {Kind::kAlways, {}}; }
  static SyncMode Interval(std::chrono::milliseconds every) { return {Kind::kInterval, every}; }
  static SyncMode None() { return {Kind::kNone, {}}; }

  // "always", "interval:50", "none": what ParseSyncMode accepts.
  std::string ToString() const;
  bool operator==(const SyncMode&) const = default;

  Kind kind = Kind::kAlways;
  std::chrono::milliseconds interval{0};
};

// Parses "always", "none" or "interval:<ms>" (1 <= ms <= 60000); kInvalidInput otherwise, with a
// message that names the accepted forms.
Result<SyncMode> ParseSyncMode(std::string_view text);

}  // namespace ingot::wal
