#include "workload/wide_log_generator.h"

#include <fmt/format.h>

#include <iterator>

namespace ingot::workload {

namespace {

constexpr const char* kLevels[] = {"INFO", "WARN", "ERROR", "DEBUG"};
constexpr const char* kLoggers[] = {
    "com.example.checkout.PaymentService", "com.example.catalog.ProductRepository",
    "com.example.gateway.RequestRouter",   "com.example.auth.SessionManager",
    "com.example.orders.OrderController",  "com.example.search.QueryPlanner",
};
constexpr const char* kTemplates[] = {
    "Completed request for customer order; downstream services answered within budget and the "
    "response was cached for subsequent reads",
    "Upstream dependency responded slowly; falling back to the secondary replica after the "
    "configured soft timeout expired",
    "Authorization token refreshed for session; previous token revoked and audit event emitted "
    "to the security pipeline",
    "Inventory reservation conflicted with a concurrent update; retrying with exponential backoff "
    "and a fresh read of the row version",
    "Search query planned with partial index; estimated cost exceeded the threshold so results "
    "were truncated to the first page",
};
constexpr const char* kServices[] = {"checkout", "catalog", "gateway", "auth", "orders", "search"};
constexpr const char* kEnvironments[] = {"production", "staging"};
constexpr const char* kMethods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
constexpr const char* kResources[] = {"orders", "items", "customers", "carts", "products"};
constexpr int kStatuses[] = {200, 200, 200, 200, 201, 204, 304, 400, 404, 500, 503};
constexpr const char* kUserAgents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "okhttp/4.12.0",
};
constexpr const char* kTeams[] = {"payments", "storefront", "platform", "identity"};
constexpr const char* kTiers[] = {"frontend", "backend", "worker"};
constexpr const char* kRegions[] = {"us-east-1", "eu-west-1", "ap-southeast-2"};
constexpr const char* kInstanceTypes[] = {"m6i.large", "c6i.xlarge", "r6g.large"};
constexpr const char* kErrorTypes[] = {"java.net.SocketTimeoutException",
                                       "java.lang.IllegalStateException",
                                       "org.postgresql.util.PSQLException"};

template <typename T, std::size_t N>
const T& Pick(std::mt19937_64& rng, const T (&options)[N]) {
  return options[rng() % N];
}

}  // namespace

void WideLogGenerator::AppendRecord(std::string& out) {
  std::mt19937_64& r = rng_;
  timestamp_ms_ += static_cast<std::int64_t>(r() % 4);
  const std::uint64_t level_roll = r() % 100;
  const char* level = level_roll < 70   ? kLevels[0]
                      : level_roll < 85 ? kLevels[1]
                      : level_roll < 90 ? kLevels[2]
                                        : kLevels[3];
  const unsigned service = static_cast<unsigned>(r() % std::size(kServices));
  const unsigned host = static_cast<unsigned>(r() % 50);
  const unsigned region = static_cast<unsigned>(r() % std::size(kRegions));
  std::exponential_distribution<double> duration(1 / 120.0);
  const double duration_ms = duration(r);
  auto it = std::back_inserter(out);

  fmt::format_to(it,
                 "{{\"timestamp\":{},\"level\":\"{}\",\"logger\":\"{}\",\"thread\":\"http-nio-8080-"
                 "exec-{}\",\"message\":\"{} id={} (attempt {}, shard {}, cache "
                 "{})\",\"trace_id\":\"{:016x}{:016x}\",\"span_id\":"
                 "\"{:016x}\",\"parent_span_id\":\"{:016x}\",",
                 timestamp_ms_, level, Pick(r, kLoggers), r() % 200, Pick(r, kTemplates),
                 r() % 10'000'001, 1 + r() % 3, r() % 64, r() % 2 == 0 ? "warm" : "cold", r(), r(),
                 r(), r());
  fmt::format_to(it,
                 "\"user_id\":{},\"session_id\":\"{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}\","
                 "\"request_id\":\"{:016x}{:016x}\",\"duration_ms\":{},\"db_query_ms\":{:.3f},"
                 "\"cache_hit\":{},\"retry_count\":{},",
                 r() % 1'000'000 + 1, r() & 0xffffffff, r() & 0xffff, r() & 0xfff,
                 (r() & 0x3fff) | 0x8000, r() & 0xffffffffffff, r(), r(),
                 static_cast<int>(duration_ms), duration_ms * 0.4, r() % 3 == 0 ? "true" : "false",
                 r() % 8 == 0 ? static_cast<int>(r() % 3) + 1 : 0);
  fmt::format_to(it,
                 "\"service\":{{\"name\":\"{}\",\"version\":\"2.{}.{}\",\"environment\":\"{}\","
                 "\"instance_id\":\"i-{:017x}\"}},",
                 kServices[service], r() % 12, r() % 30, Pick(r, kEnvironments),
                 r() & 0x1ffffffffffffffULL);
  const char* method = Pick(r, kMethods);
  fmt::format_to(it,
                 "\"http\":{{\"method\":\"{}\",\"path\":\"/api/v2/{}/{}/{}\",\"query\":\"page={}&"
                 "per_page=50&sort=created_at&order=desc&include=items,customer,shipping\","
                 "\"status_code\":{},"
                 "\"request_bytes\":{},\"response_bytes\":{},\"user_agent\":\"{}\",\"client_ip\":"
                 "\"{}.{}.{}.{}\",\"accept\":\"application/json, text/plain, "
                 "*/*\",\"referer\":\"https://shop.example.com/{}/{}\",\"protocol\":"
                 "\"HTTP/1.1\"}},",
                 method, Pick(r, kResources), r() % 1'000'000, Pick(r, kResources), r() % 40,
                 Pick(r, kStatuses), method[0] == 'G' ? 0 : r() % 4096, r() % 65536,
                 Pick(r, kUserAgents), 10 + r() % 200, r() % 256, r() % 256, 1 + r() % 254,
                 Pick(r, kResources), r() % 100'000);
  fmt::format_to(it,
                 "\"kubernetes\":{{\"namespace\":\"{}-{}\",\"pod_name\":\"{}-deployment-{:010x}-"
                 "{:05x}\",\"container_name\":\"{}\",\"container_image\":\"registry.example.com/"
                 "{}:2.{}.0@sha256:{:016x}{:016x}{:016x}{:016x}\",\"node_name\":\"ip-10-0-{}-{}."
                 "ec2.internal\",\"pod_uid\":\"{:08x}-"
                 "{:04x}-{:04x}-{:04x}-{:012x}\",\"labels\":{{\"app\":\"{}\",\"team\":\"{}\","
                 "\"tier\":\"{}\",\"version\":\"v{}\"}}}},",
                 kServices[service], Pick(r, kEnvironments), kServices[service], r() & 0xffffffffff,
                 r() & 0xfffff, kServices[service], kServices[service], r() % 12, r(), r(), r(),
                 r(), host / 10, host, r() & 0xffffffff, r() & 0xffff, r() & 0xffff, r() & 0xffff,
                 r() & 0xffffffffffff, kServices[service], Pick(r, kTeams), Pick(r, kTiers),
                 r() % 5 + 1);
  fmt::format_to(it,
                 "\"host\":{{\"name\":\"web-{:02d}.example\",\"ip\":\"10.0.{}.{}\",\"os\":"
                 "\"linux\",\"arch\":\"x86_64\"}},\"cloud\":{{\"provider\":\"aws\",\"region\":"
                 "\"{}\",\"availability_zone\":\"{}{}\",\"account_id\":\"{:012d}\","
                 "\"instance_type\":\"{}\"}},",
                 host, host / 10, host, kRegions[region], kRegions[region],
                 static_cast<char>('a' + r() % 3), 100'000'000'000ULL + host * 7919,
                 Pick(r, kInstanceTypes));
  fmt::format_to(it, "\"event\":{{\"dataset\":\"{}.access\",\"module\":\"http\"}},",
                 kServices[service]);
  fmt::format_to(it, "\"tags\":[\"{}\",\"{}\",\"canary-{}\"],\"cpu_pct\":{:.2f},\"mem_mb\":{}",
                 kServices[service], kRegions[region], r() % 2 == 0 ? "no" : "yes",
                 static_cast<double>(r() % 10'000) / 100.0, 256 + r() % 3840);
  if (level == kLevels[2]) {
    const char* type = Pick(r, kErrorTypes);
    fmt::format_to(it,
                   ",\"error\":{{\"type\":\"{}\",\"message\":\"operation failed after {} ms\","
                   "\"stack_trace\":\"{}: operation failed\\n\\tat com.example.{}.Handler."
                   "handle(Handler.java:{})\\n\\tat com.example.common.Pipeline.run(Pipeline.java:"
                   "{})\\n\\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker("
                   "ThreadPoolExecutor.java:1136)\\n\\tat java.base/java.lang.Thread.run("
                   "Thread.java:840)\"}}",
                   type, static_cast<int>(duration_ms), type, kServices[service], 40 + r() % 400,
                   20 + r() % 200);
  }
  out.append("}\n");
}

}  // namespace ingot::workload
