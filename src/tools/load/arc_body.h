// Arc MessagePack bodies for ingot-load's `msgpack-columnar` and `msgpack-rows` endpoints
// (POST /api/v1/write/msgpack, the org in x-arc-database): the cpu points of `--endpoint lp`
// (workload::LineProtocolGenerator: 2 tags host and region, 3 fields usage_user, usage_system
// and requests, a nanosecond time), as the Arc target of issue 12 has them, the measurement
// named by the stream.
// Columnar: {"m": M, "columns": {"time": [...], "host": [...], "region": [...], "usage_user":
// [...], "usage_system": [...], "requests": [...]}}. Rows: {"batch": [{"m": M, "t": ns, "tags":
// {...}, "fields": {...}}, ...]}.
//
// Written by hand (the MessagePack spec's shortest encodings), deterministic for a seed, before the
// run. Records carry no load_id: --ack-file is refused for these endpoints.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "workload/line_protocol_generator.h"

namespace ingot::load {

class ArcBody {
 public:
  ArcBody(bool columnar, std::string measurement, std::uint64_t seed, std::int64_t start_ms);

  // Appends one body of `records` records to `out`.
  void Append(std::uint32_t records, std::string& out);

 private:
  const bool columnar_;
  const std::string measurement_;
  workload::LineProtocolGenerator points_;
  std::vector<workload::CpuPoint> batch_;  // of the body being written (columnar)
  std::string host_;                       // scratch
};

// MessagePack encoding, shortest forms (exposed for tests).
void AppendMsgpackMap(std::uint32_t pairs, std::string& out);
void AppendMsgpackArray(std::uint32_t n, std::string& out);
void AppendMsgpackStr(std::string_view s, std::string& out);
void AppendMsgpackInt(std::int64_t v, std::string& out);
void AppendMsgpackDouble(double v, std::string& out);

}  // namespace ingot::load
