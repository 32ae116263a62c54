#include "tools/load/arc_body.h"

#include <bit>
#include <string_view>
#include <vector>

namespace ingot::load {

namespace {

void Big(std::uint64_t v, int bytes, std::string& out) {
  for (int k = bytes - 1; k >= 0; --k) out += static_cast<char>(v >> (8 * k) & 0xff);
}

// A header: `fix` | n when n fits in `fix_bits`, else the 16- or 32-bit form.
void Header(std::uint32_t n, std::uint8_t fix, std::uint32_t fix_max, std::uint8_t tag16,
            std::string& out) {
  if (n <= fix_max) {
    out += static_cast<char>(fix | n);
  } else if (n <= 0xffff) {
    out += static_cast<char>(tag16);
    Big(n, 2, out);
  } else {
    out += static_cast<char>(tag16 + 1);
    Big(n, 4, out);
  }
}

}  // namespace

void AppendMsgpackMap(std::uint32_t pairs, std::string& out) { Header(pairs, 0x80, 15, 0xde, out); }

void AppendMsgpackArray(std::uint32_t n, std::string& out) { Header(n, 0x90, 15, 0xdc, out); }

void AppendMsgpackStr(std::string_view s, std::string& out) {
  const auto n = static_cast<std::uint32_t>(s.size());
  if (n <= 31) {
    out += static_cast<char>(0xa0 | n);
  } else if (n <= 0xff) {
    out += '\xd9';
    Big(n, 1, out);
  } else {
    Header(n, 0, 0, 0xda, out);  // never the fix form: n > 31
  }
  out += s;
}

void AppendMsgpackInt(std::int64_t v, std::string& out) {
  if (v >= 0 && v <= 0x7f) {
    out += static_cast<char>(v);
  } else if (v < 0 && v >= -32) {
    out += static_cast<char>(v);
  } else if (v >= 0) {
    const auto u = static_cast<std::uint64_t>(v);
    const int bytes = u <= 0xff ? 1 : u <= 0xffff ? 2 : u <= 0xffffffff ? 4 : 8;
    out += static_cast<char>(bytes == 1 ? 0xcc : bytes == 2 ? 0xcd : bytes == 4 ? 0xce : 0xcf);
    Big(u, bytes, out);
  } else {
    const int bytes = v >= -128 ? 1 : v >= -32768 ? 2 : v >= -2147483648LL ? 4 : 8;
    out += static_cast<char>(bytes == 1 ? 0xd0 : bytes == 2 ? 0xd1 : bytes == 4 ? 0xd2 : 0xd3);
    Big(static_cast<std::uint64_t>(v), bytes, out);
  }
}

void AppendMsgpackDouble(double v, std::string& out) {
  out += '\xcb';
  Big(std::bit_cast<std::uint64_t>(v), 8, out);
}

ArcBody::ArcBody(bool columnar, std::string measurement, std::uint64_t seed, std::int64_t start_ms)
    : columnar_(columnar), measurement_(std::move(measurement)), points_(seed) {
  points_.set_timestamp_ms(start_ms);
}

void ArcBody::Append(std::uint32_t records, std::string& out) {
  using workload::CpuPoint;
  auto host = [&](const CpuPoint& p) -> std::string_view {
    host_.clear();
    workload::LineProtocolGenerator::AppendHost(p.host, host_);
    return host_;
  };
  if (!columnar_) {
    AppendMsgpackMap(1, out);
    AppendMsgpackStr("batch", out);
    AppendMsgpackArray(records, out);
    for (std::uint32_t i = 0; i < records; ++i) {
      const CpuPoint p = points_.Next();
      AppendMsgpackMap(4, out);
      AppendMsgpackStr("m", out);
      AppendMsgpackStr(measurement_, out);
      AppendMsgpackStr("t", out);
      AppendMsgpackInt(p.time_ns, out);
      AppendMsgpackStr("tags", out);
      AppendMsgpackMap(2, out);
      AppendMsgpackStr("host", out);
      AppendMsgpackStr(host(p), out);
      AppendMsgpackStr("region", out);
      AppendMsgpackStr(p.region, out);
      AppendMsgpackStr("fields", out);
      AppendMsgpackMap(3, out);
      AppendMsgpackStr("usage_user", out);
      AppendMsgpackDouble(p.usage_user, out);
      AppendMsgpackStr("usage_system", out);
      AppendMsgpackDouble(p.usage_system, out);
      AppendMsgpackStr("requests", out);
      AppendMsgpackInt(p.requests, out);
    }
    return;
  }
  batch_.clear();
  for (std::uint32_t i = 0; i < records; ++i) batch_.push_back(points_.Next());
  AppendMsgpackMap(2, out);
  AppendMsgpackStr("m", out);
  AppendMsgpackStr(measurement_, out);
  AppendMsgpackStr("columns", out);
  AppendMsgpackMap(6, out);
  AppendMsgpackStr("time", out);
  AppendMsgpackArray(records, out);
  for (const CpuPoint& p : batch_) AppendMsgpackInt(p.time_ns, out);
  AppendMsgpackStr("host", out);
  AppendMsgpackArray(records, out);
  for (const CpuPoint& p : batch_) AppendMsgpackStr(host(p), out);
  AppendMsgpackStr("region", out);
  AppendMsgpackArray(records, out);
  for (const CpuPoint& p : batch_) AppendMsgpackStr(p.region, out);
  AppendMsgpackStr("usage_user", out);
  AppendMsgpackArray(records, out);
  for (const CpuPoint& p : batch_) AppendMsgpackDouble(p.usage_user, out);
  AppendMsgpackStr("usage_system", out);
  AppendMsgpackArray(records, out);
  for (const CpuPoint& p : batch_) AppendMsgpackDouble(p.usage_system, out);
  AppendMsgpackStr("requests", out);
  AppendMsgpackArray(records, out);
  for (const CpuPoint& p : batch_) AppendMsgpackInt(p.requests, out);
}

}  // namespace ingot::load
