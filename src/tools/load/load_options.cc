#include "tools/load/load_options.h"

#include <charconv>

namespace ingot::load {

Result<Endpoint> ParseEndpoint(std::string_view name) {
  if (name == "json") return Endpoint::kJson;
  if (name == "multi") return Endpoint::kMulti;
  if (name == "bulk") return Endpoint::kBulk;
  if (name == "hec") return Endpoint::kHec;
  if (name == "otlp-proto") return Endpoint::kOtlpProto;
  if (name == "otlp-json") return Endpoint::kOtlpJson;
  if (name == "lp") return Endpoint::kLp;
  if (name == "msgpack-columnar") return Endpoint::kMsgpackColumnar;
  if (name == "msgpack-rows") return Endpoint::kMsgpackRows;
  if (name == "prom-rw") return Endpoint::kPromRw;
  if (name == "loki") return Endpoint::kLoki;
  return Status::InvalidInput("unknown endpoint '" + std::string(name) +
                              "' (json, multi, bulk, hec, otlp-proto, otlp-json, lp, "
                              "msgpack-columnar, msgpack-rows, prom-rw, loki)");
}

Result<Workload> ParseWorkload(std::string_view name) {
  if (name == "logs") return Workload::kLogs;
  if (name == "wide") return Workload::kWide;
  if (name == "narrow") return Workload::kNarrow;
  if (name == "metrics") return Workload::kMetrics;
  return Status::InvalidInput("unknown workload '" + std::string(name) +
                              "' (logs, wide, narrow, metrics)");
}

std::string_view EndpointName(Endpoint e) {
  switch (e) {
    case Endpoint::kJson: return "json";
    case Endpoint::kMulti: return "multi";
    case Endpoint::kBulk: return "bulk";
    case Endpoint::kHec: return "hec";
    case Endpoint::kOtlpProto: return "otlp-proto";
    case Endpoint::kOtlpJson: return "otlp-json";
    case Endpoint::kLp: return "lp";
    case Endpoint::kMsgpackColumnar: return "msgpack-columnar";
    case Endpoint::kMsgpackRows: return "msgpack-rows";
    case Endpoint::kPromRw: return "prom-rw";
    case Endpoint::kLoki: return "loki";
  }
  return "?";
}

std::string_view WorkloadName(Workload w) {
  switch (w) {
    case Workload::kLogs: return "logs";
    case Workload::kWide: return "wide";
    case Workload::kNarrow: return "narrow";
    case Workload::kMetrics: return "metrics";
  }
  return "?";
}

Status Validate(const LoadOptions& o) {
  if (o.records_per_request == 0) return Status::InvalidInput("--records-per-request must be > 0");
  if (o.connections == 0) return Status::InvalidInput("--connections must be > 0");
  if (o.threads == 0) return Status::InvalidInput("--threads must be > 0");
  if (o.bodies == 0) return Status::InvalidInput("--bodies must be > 0");
  if (!(o.rate >= 0)) return Status::InvalidInput("--rate must be >= 0");
  if (o.duration.count() <= 0 && o.max_requests == 0 && o.max_records == 0) {
    return Status::InvalidInput("the run needs a bound: --duration, --requests or --records");
  }
  if (IsMsgpack(o.endpoint) && !o.ack_file.empty()) {
    return Status::InvalidInput("--ack-file is not supported with the msgpack endpoints");
  }
  if (o.gzip && o.endpoint == Endpoint::kPromRw) {
    return Status::InvalidInput("--gzip does not apply to prom-rw (remote_write is always snappy)");
  }
  if (o.gzip_level < 1 || o.gzip_level > 12) {
    return Status::InvalidInput("--gzip-level must be 1..12");
  }
  if (o.run_id.size() > 32) return Status::InvalidInput("--run-id is limited to 32 characters");
  for (char c : o.run_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.';
    if (!ok) return Status::InvalidInput("--run-id may only hold letters, digits, '_' and '.'");
  }
  for (const std::string& h : o.headers) {
    const std::size_t colon = h.find(':');
    if (colon == 0 || colon == std::string::npos || h.find_first_of("\r\n") != std::string::npos) {
      return Status::InvalidInput("--header '" + h + "' is not 'Name: value'");
    }
  }
  if (o.timeout.count() <= 0) return Status::InvalidInput("--timeout must be > 0");
  return Status::Ok();
}

Result<Target> ParseUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status::InvalidInput("--url must start with http:// (https is not supported)");
  }
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  Target t;
  t.host_header = std::string(authority);
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:5080
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidInput("--url: unbalanced '['");
    t.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Status::InvalidInput("--url: bad port");
      port_text = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    t.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (t.host.empty()) return Status::InvalidInput("--url has no host");
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return Status::InvalidInput("--url: bad port '" + std::string(port_text) + "'");
    }
    t.port = static_cast<std::uint16_t>(port);
  }
  t.path_prefix = std::string(path);
  return t;
}

}  // namespace ingot::load
