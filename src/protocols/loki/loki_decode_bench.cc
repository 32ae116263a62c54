// Decode throughput of Loki push bodies into columns (stage benchmark; see docs/benchmarks.md):
// promtail-like streams (3 labels, 100 entries each, a structured-metadata pair on every entry),
// as snappy protobuf (snappy included) and as JSON.
#include <benchmark/benchmark.h>
#include <snappy.h>

#include <string>

#include "common/input_padding.h"
#include "common/json_escape.h"
#include "protocols/loki/loki.h"

namespace ingot::protocols::loki {
namespace {

// Appends a protobuf field: tag byte(s) for `field` (< 16) with wire type 2, length, bytes.
void AppendLen(std::string& out, int field, std::string_view bytes) {
  out.push_back(static_cast<char>(field << 3 | 2));
  for (std::size_t n = bytes.size();; n >>= 7) {
    if (n < 0x80) {
      out.push_back(static_cast<char>(n));
      break;
    }
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
  }
  out += bytes;
}
void AppendVarint(std::string& out, int field, std::uint64_t v) {
  out.push_back(static_cast<char>(field << 3));
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>((v & 0x7f) | 0x80));
  out.push_back(static_cast<char>(v));
}

std::string Line(std::size_t i) {
  return "level=info ts=2026-12-03T18:00:00Z caller=handler.go:42 msg=\"request served\" "
         "path=/api/v1/items/" +
         std::to_string(i) + " status=200 duration_ms=" + std::to_string(i % 97);
}

struct Bodies {
  std::string protobuf, json;
  std::size_t entries = 0, message_bytes = 0;
};

Bodies Make(std::size_t entries) {
  Bodies b;
  b.entries = entries;
  std::string request;
  b.json = "{\"streams\":[";
  constexpr std::size_t kPerStream = 100;
  for (std::size_t s = 0; s * kPerStream < entries; ++s) {
    const std::string labels = "{job=\"varlogs\", host=\"node-" + std::to_string(s % 8) +
                               "\", filename=\"/var/log/app.log\"}";
    std::string stream;
    AppendLen(stream, 1, labels);
    b.json += (s ? "," : "") + std::string("{\"stream\":{\"job\":\"varlogs\",\"host\":\"node-") +
              std::to_string(s % 8) + "\",\"filename\":\"/var/log/app.log\"},\"values\":[";
    for (std::size_t i = s * kPerStream; i < std::min(entries, (s + 1) * kPerStream); ++i) {
      const std::int64_t seconds = 1'700'000'000 + static_cast<std::int64_t>(i);
      std::string ts, pair, entry;
      AppendVarint(ts, 1, static_cast<std::uint64_t>(seconds));
      AppendVarint(ts, 2, 123'456'789);
      AppendLen(pair, 1, "trace_id");
      AppendLen(pair, 2, "4bf92f3577b34da6a3ce929d0e0e4736");
      AppendLen(entry, 1, ts);
      AppendLen(entry, 2, Line(i));
      AppendLen(entry, 3, pair);
      AppendLen(stream, 2, entry);
      b.json += (i % kPerStream ? ",[\"" : "[\"") + std::to_string(seconds) + "123456789\",";
      AppendJsonString(Line(i), b.json);
      b.json += ",{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}]";
    }
    b.json += "]}";
    AppendLen(request, 1, stream);
  }
  b.json += "]}";
  b.message_bytes = request.size();
  snappy::Compress(request.data(), request.size(), &b.protobuf);
  return b;
}

template <Status (*kDecode)(std::string_view, StreamRecords&)>
void BM_Decode(benchmark::State& state, bool protobuf) {
  Bodies b = Make(static_cast<std::size_t>(state.range(0)));
  std::string& body = protobuf ? b.protobuf : b.json;
  const std::size_t size = body.size();
  body.append(kInputPadding, '\0');
  model::BuilderOptions options;
  options.now_us = 1'700'000'000'000'000;
  {
    Decoded check(options);
    if (!kDecode(std::string_view(body.data(), size), check.Stream("app")).ok()) {
      state.SkipWithError("the generated body did not decode");
      return;
    }
  }
  for (auto _ : state) {
    Decoded decoded(options);
    benchmark::DoNotOptimize(kDecode(std::string_view(body.data(), size), decoded.Stream("app")));
    decoded.Finish();
    benchmark::DoNotOptimize(decoded.successful());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * b.entries));
  // Bytes of the uncompressed message (or the JSON), so both forms compare.
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * (protobuf ? b.message_bytes : size)));
}
void BM_DecodeSnappyProtobuf(benchmark::State& state) { BM_Decode<DecodeProtobuf>(state, true); }
void BM_DecodeJson(benchmark::State& state) { BM_Decode<DecodeJson>(state, false); }
BENCHMARK(BM_DecodeSnappyProtobuf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_DecodeJson)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace ingot::protocols::loki

BENCHMARK_MAIN();
