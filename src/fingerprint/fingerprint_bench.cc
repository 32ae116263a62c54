// The cost of a message's template and fingerprint (issue 14's target: <= 100 ns for a typical
// message): BM_FingerprintTypical on the messages of the `logs` workload (bench/run's typical
// workload: src/workload/log_generator.cc), BM_FingerprintMixed on harder real-world shapes
// (addresses, times, paths, hashes).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "fingerprint/fingerprint.h"

namespace {

// As src/workload/log_generator.cc writes them: a sentence and an id.
const std::vector<std::string>& TypicalMessages() {
  static const std::vector<std::string> messages = {
      "User login successful for account id=4821937",
      "Request processed by upstream service id=77",
      "Database query exceeded soft latency threshold id=9100254",
      "Cache miss while resolving session token id=310",
      "Payment authorization declined by provider id=6034721",
  };
  return messages;
}

const std::vector<std::string>& MixedMessages() {
  static const std::vector<std::string> messages = {
      "user 42 logged in from 10.0.0.1:51515 in 30s",
      "request 9f86d081884c7d659a2feaa0c55ad015 completed in 12.5ms with status 200",
      "GET /api/v1/users/1234/orders?limit=50 HTTP/1.1 201 512",
      "connection reset by peer while reading response header from upstream",
      "order 550e8400-e29b-41d4-a716-446655440000 shipped to alice@example.com",
      "Failed password for invalid user admin from 198.51.100.23 port 40022 ssh2",
      "2026-12-03 20:56:36.123 UTC [4567] LOG:  duration: 12.345 ms  statement: SELECT 1",
      "cache hit ratio 99.5% (hits=10234 misses=51)",
  };
  return messages;
}

void Fingerprint(benchmark::State& state, const std::vector<std::string>& messages) {
  ingot::fingerprint::Fingerprinter fingerprinter;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& message = messages[i++ % messages.size()];
    const std::string_view tmpl = fingerprinter.Template(message);
    benchmark::DoNotOptimize(ingot::fingerprint::Fingerprinter::Hash(tmpl));
    bytes += message.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}
void BM_FingerprintTypical(benchmark::State& state) { Fingerprint(state, TypicalMessages()); }
BENCHMARK(BM_FingerprintTypical);
void BM_FingerprintMixed(benchmark::State& state) { Fingerprint(state, MixedMessages()); }
BENCHMARK(BM_FingerprintMixed);

}  // namespace

BENCHMARK_MAIN();
