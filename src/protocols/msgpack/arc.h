// Arc MessagePack (`POST /api/v1/write/msgpack`, Basekick Arc's binary write protocol) into
// columns, one stream per measurement. The mapping is docs/arc-msgpack.md:
//
//   body   = item | {"batch": [item, ...]} | [item, ...]
//   item   = row | columnar
//   row    = {m, t?, h?, tags?: {k: v}, fields: {k: v} | f: [v, ...]}
//   columnar = {m, columns: {time?: [...], <col>: [...], ...}, tag_keys?: [k, ...]}
//
// `m` names the stream. Tags and `h` (as `host`) become string columns, fields typed columns;
// `t` and the `time` column become `_timestamp`, their unit guessed from the magnitude as Arc
// does (< 1e10 s, < 1e13 ms, < 1e16 µs, else ns: per value in rows, from the column's first value
// in columnar items); a timestamp extension (-1) is exact. A record without a time gets the
// builder's now_us (the WAL header's, so replay is identical).
//
// Any malformed input (bad MessagePack, a wrong shape, unequal column lengths, invalid UTF-8, a
// bad measurement name, a record the builder rejects) fails the whole request with kInvalidInput
// saying what and where (item, row, byte offset): nothing of it is stored.
#pragma once

#include <string_view>

#include "common/status.h"
#include "protocols/decoded.h"

namespace ingot::protocols::msgpack {

// Decodes an Arc MessagePack body into `out` (streams named by each item's measurement).
// REQUIRES: kInputPadding readable bytes after `body` (not read; kept for every decoder).
Status DecodeArc(std::string_view body, Decoded& out);

}  // namespace ingot::protocols::msgpack
