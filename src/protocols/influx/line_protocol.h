// InfluxDB line protocol bodies (docs/influx.md): one point per line,
//
//   <measurement>[,<tag_key>=<tag_value>...] <field_key>=<field_value>[,...] [<timestamp>]
//
// The measurement is the point's stream (checked like any stream name), each tag a string column,
// each field a typed column (float, `i` int64, `u` uint64, boolean, quoted string), the timestamp
// (in the request's precision; the arrival time when absent) its `_timestamp`. Lines are decoded
// one by one: a line that is not valid line protocol (or whose record fails, e.g. a timestamp
// outside the accepted window) is counted in LineErrors and the rest go on, as InfluxDB 1.x's
// "partial write".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "protocols/decoded.h"

namespace ingot::protocols::influx {

// The unit of the timestamps of a request (`precision=`). The numbers are on disk: the WAL record
// header's variant byte (docs/wal.md), never renumber one.
enum class Precision : std::uint8_t {
  kNanoseconds = 0,  // the default
  kMicroseconds = 1,
  kMilliseconds = 2,
  kSeconds = 3,
  kMinutes = 4,
  kHours = 5,
};
inline constexpr std::uint8_t kMaxPrecision = 5;

// `ns`, `us`, `ms`, `s` (InfluxDB 2.x) and `n`, `u`, `m` (minutes), `h` (InfluxDB 1.x); empty is
// nanoseconds. Anything else: nullopt (the request is answered 400).
std::optional<Precision> ParsePrecision(std::string_view text);

// The lines of a body that were not stored, for the answer.
struct LineErrors {
  std::size_t bad = 0;  // lines not stored
  // "line 3: unable to parse 'cpu value=': missing field value": the first bad line.
  std::string first;

  bool ok() const { return bad == 0; }
  void Add(std::size_t line, std::string_view text, std::string_view why);
};

// Decodes `body` into `out`, one stream per measurement, with timestamps in `precision`. A body
// whose every point is bad is InvalidInput (nothing stored), with LineErrors::first as message;
// otherwise Ok, with the bad lines in `errors`. Blank lines, `#` comments and CRLF line ends are
// allowed.
// REQUIRES: kInputPadding readable bytes after `body`.
Status DecodeLineProtocol(std::string_view body, Precision precision, Decoded& out,
                          LineErrors& errors);

}  // namespace ingot::protocols::influx
