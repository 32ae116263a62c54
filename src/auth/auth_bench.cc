// Cost of Authenticator::CheckAuthorization() per request, for each way a client authenticates.
// Users have the default 600,000 PBKDF2 iterations, as `ingot hash-password` writes them, so the
// miss shows what a wrong password (or a first request) really costs.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "auth/base64.h"

namespace ingot::auth {
namespace {

const std::string kToken = "ingot_Yx0bGkW3Hc9pN2sQ7vT4uE8rA1mZ5dF6gJ0kL3oP9iU";
const std::string kHecToken = "11111111-2222-3333-4444-555555555555";

std::string Basic(std::string_view user_password) {
  return "Basic " +
         Base64Encode(std::span(reinterpret_cast<const unsigned char*>(user_password.data()),
                                user_password.size()),
                      Base64Alphabet::kStandard, true);
}

const Authenticator& Auth() {
  static const Authenticator* auth = [] {
    std::string text;
    // A realistic file: a few dozen users and tokens.
    for (int i = 0; i < 20; ++i) {
      const std::string email = "user" + std::to_string(i) + "@example.com";
      text += FormatUserEntry(email, HashPassword("password-" + std::to_string(i)).value(),
                              std::vector<std::string>{"default", "acme"});
      text += FormatTokenEntry("token-" + std::to_string(i),
                               HashToken(kToken + std::to_string(i)).value(),
                               std::vector<std::string>{"acme"});
    }
    text += FormatTokenEntry("main", HashToken(kToken).value(), std::vector<std::string>{"acme"});
    text +=
        FormatTokenEntry("hec", HashToken(kHecToken).value(), std::vector<std::string>{"default"});
    Result<AuthFile> file = ParseAuthFile(text, "bench.toml");
    if (!file.ok()) std::abort();
    Result<Authenticator> a = Authenticator::Create(std::move(file).value(), AuthConfig{});
    if (!a.ok()) std::abort();
    return new Authenticator(std::move(a).value());
  }();
  return *auth;
}

// Checks once outside the timing (the correctness check, and the cache warm-up), then times.
void Run(benchmark::State& state, const std::string& header, std::string_view org, bool hec,
         int expected_status) {
  const Authenticator& auth = Auth();
  if (auth.CheckAuthorization(header, org, hec).status != expected_status) {
    state.SkipWithError("unexpected decision");
    return;
  }
  for (auto _ : state) {
    Decision d = auth.CheckAuthorization(header, org, hec);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_CheckBasicCached(benchmark::State& state) {
  Run(state, Basic("user7@example.com:password-7"), "acme", false, 0);
}
void BM_CheckBasicToken(benchmark::State& state) {
  Run(state, Basic("fluent-bit:" + kToken), "acme", false, 0);
}
void BM_CheckBearer(benchmark::State& state) { Run(state, "Bearer " + kToken, "acme", false, 0); }
void BM_CheckSplunk(benchmark::State& state) {
  Run(state, "Splunk " + kHecToken, "default", true, 0);
}
void BM_CheckBearerWrongOrg(benchmark::State& state) {
  Run(state, "Bearer " + kToken, "default", false, 403);
}
void BM_CheckBearerMiss(benchmark::State& state) {
  Run(state, "Bearer " + kToken + "x", "acme", false, 401);
}
void BM_CheckMissingHeader(benchmark::State& state) { Run(state, "", "acme", false, 401); }
// A wrong password or an unknown user: one PBKDF2 of 600,000 iterations, never cached.
void BM_CheckBasicMissWrongPassword(benchmark::State& state) {
  Run(state, Basic("user7@example.com:password-8"), "acme", false, 401);
}
void BM_CheckBasicMissUnknownUser(benchmark::State& state) {
  Run(state, Basic("nobody@example.com:password-8"), "acme", false, 401);
}

BENCHMARK(BM_CheckBasicCached)->ThreadRange(1, 2);
BENCHMARK(BM_CheckBasicToken);
BENCHMARK(BM_CheckBearer)->ThreadRange(1, 2);
BENCHMARK(BM_CheckSplunk);
BENCHMARK(BM_CheckBearerWrongOrg);
BENCHMARK(BM_CheckBearerMiss);
BENCHMARK(BM_CheckMissingHeader);
BENCHMARK(BM_CheckBasicMissWrongPassword)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_CheckBasicMissUnknownUser)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_Sha256(benchmark::State& state) {
  const std::string input(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(Sha256({input}));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(64);

}  // namespace
}  // namespace ingot::auth

BENCHMARK_MAIN();
