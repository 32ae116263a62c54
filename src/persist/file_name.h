// The names of Parquet files, local and in the bucket:
//
//   <created>[_w<min>-<max>]_<unique>[_<node>].parquet
//
//   created   microseconds since the epoch when the file was written, so names sort by age
//   w<a>-<b>  the smallest and largest WAL sequence the file holds rows of (absent: none), so
//             recovery skips files older than the log without opening them
//   unique    what keeps names of one node apart: a per-process counter for files the persist
//             stage writes ("17"), "c<16 hex>" for a file compaction merged (a hash of its input
//             names, so that a merge redone after a crash writes the same name)
//   node      --node-id of the node that wrote it, so that N nodes writing one bucket never
//             collide and each compacts only its own files (absent in files written before
//             node ids: they belong to the node whose data directory holds them)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ingot::persist {

struct ParquetFileName {
  std::int64_t created_us = 0;
  bool has_wal_range = false;
  std::uint64_t wal_min = 0;
  std::uint64_t wal_max = 0;
  std::string unique;
  std::string node;

  std::string Format() const;
  // False when `name` is not of the form above (a file ingot did not write).
  static bool Parse(std::string_view name, ParquetFileName& out);
};

// Node ids: 1 to 63 of [A-Za-z0-9.-], not starting with '.' or '-' (host names are).
bool IsValidNodeId(std::string_view id);
// The host name made into a valid node id (other characters become '-'); "node" if empty.
std::string DefaultNodeId();

}  // namespace ingot::persist
