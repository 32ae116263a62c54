// Arc MessagePack bodies for ingot-load's `msgpack-columnar` and `msgpack-rows` endpoints
// (POST /api/v1/write/msgpack, the org in x-arc-database): metrics of one measurement (the
// stream) with 2 tags and 3 fields, as the Arc target of issue 12 has them:
//   tags    host ("host-0" .. "host-49"), region (one of 4)
//   fields  usage_user, usage_system (float64, 0.00 .. 99.99), requests (int64, 0 .. 99999)
//   time    milliseconds, one apart from the run's start
// Columnar: {"m": M, "columns": {"time": [...], "host": [...], "region": [...], "usage_user":
// [...], "usage_system": [...], "requests": [...]}}. Rows: {"batch": [{"m": M, "t": ms, "tags":
// {...}, "fields": {...}}, ...]}.
//
// Written by hand (the MessagePack spec's shortest encodings), deterministic for a seed, before the
// run. Records carry no load_id: --ack-file is refused for these endpoints.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::load {

class ArcBody {
 public:
  ArcBody(bool columnar, std::string measurement, std::uint64_t seed, std::int64_t start_ms);

  // Appends one body of `records` records to `out`.
  void Append(std::uint32_t records, std::string& out);

 private:
  struct Metric {
    std::int64_t time_ms;
    std::uint32_t host, region;
    double usage_user, usage_system;
    std::int64_t requests;
  };
  Metric Next();

  const bool columnar_;
  const std::string measurement_;
  std::mt19937_64 rng_;
  std::int64_t next_ms_;
  std::vector<Metric> metrics_;  // of the body being written (columnar)
};

// MessagePack encoding, shortest forms (exposed for tests).
void AppendMsgpackMap(std::uint32_t pairs, std::string& out);
void AppendMsgpackArray(std::uint32_t n, std::string& out);
void AppendMsgpackStr(std::string_view s, std::string& out);
void AppendMsgpackInt(std::int64_t v, std::string& out);
void AppendMsgpackDouble(double v, std::string& out);

}  // namespace ingot::load
