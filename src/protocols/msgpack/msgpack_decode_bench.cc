// Decode throughput of Arc MessagePack into columns (stage benchmark; see docs/benchmarks.md), and
// msgpack-cxx reading the same bodies, the reason the reader is hand-written (reader.h).
//
// Records as the target has them: one measurement, 2 tags and 3 fields, a time in ms.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "protocols/msgpack/arc.h"
#include "protocols/msgpack/test_pack.h"
#include "workload/line_protocol_generator.h"

namespace ingot::protocols::msgpack {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

// The points of `ingot-load --endpoint lp` and `msgpack-*` (workload/line_protocol_generator.h),
// with their host tags spelled out.
std::vector<workload::CpuPoint> Points(std::size_t n, std::vector<std::string>& hosts) {
  workload::LineProtocolGenerator gen(42);
  gen.set_timestamp_ms(kStartMs);
  std::vector<workload::CpuPoint> out(n);
  hosts.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = gen.Next();
    workload::LineProtocolGenerator::AppendHost(out[i].host, hosts[i]);
  }
  return out;
}

std::string Columnar(std::size_t n) {
  std::vector<std::string> hosts;
  const std::vector<workload::CpuPoint> m = Points(n, hosts);
  const auto count = static_cast<std::uint32_t>(n);
  Pack p;
  p.Map(2).Str("m").Str("cpu").Str("columns").Map(6);
  p.Str("time").Array(count);
  for (const auto& x : m) p.V(x.time_ns / 1'000'000);  // milliseconds
  p.Str("host").Array(count);
  for (const std::string& host : hosts) p.Str(host);
  p.Str("region").Array(count);
  for (const auto& x : m) p.Str(x.region);
  p.Str("usage_user").Array(count);
  for (const auto& x : m) p.V(x.usage_user);
  p.Str("usage_system").Array(count);
  for (const auto& x : m) p.V(x.usage_system);
  p.Str("requests").Array(count);
  for (const auto& x : m) p.V(x.requests);
  return p.bytes();
}

std::string Rows(std::size_t n) {
  std::vector<std::string> hosts;
  const std::vector<workload::CpuPoint> m = Points(n, hosts);
  Pack p;
  p.Map(1).Str("batch").Array(static_cast<std::uint32_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    p.Map(4).Str("m").Str("cpu").Str("t").V(m[i].time_ns / 1'000'000);
    p.Str("tags").Map(2).Str("host").Str(hosts[i]).Str("region").Str(m[i].region);
    p.Str("fields").Map(3).Str("usage_user").V(m[i].usage_user);
    p.Str("usage_system").V(m[i].usage_system).Str("requests").V(m[i].requests);
  }
  return p.bytes();
}

void Decode(benchmark::State& state, const std::string& bytes, std::size_t records) {
  const Padded body(bytes);
  model::BuilderOptions options;
  options.now_us = kStartMs * 1000;
  for (auto _ : state) {
    Decoded decoded(options);
    const Status st = DecodeArc(body.view(), decoded);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    decoded.Finish();
    benchmark::DoNotOptimize(decoded.successful());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

void BM_DecodeArcColumnar(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Decode(state, Columnar(n), n);
}
BENCHMARK(BM_DecodeArcColumnar)->Arg(1000)->Arg(10000);

void BM_DecodeArcRows(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Decode(state, Rows(n), n);
}
BENCHMARK(BM_DecodeArcRows)->Arg(1000)->Arg(10000);

// msgpack-cxx's unpack of the columnar body into its object tree (24 bytes per value in a zone,
// outside the memory budget), and nothing else.
void BM_MsgpackCxxUnpackColumnar(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::string bytes = Columnar(n);
  for (auto _ : state) {
    ::msgpack::object_handle h = ::msgpack::unpack(bytes.data(), bytes.size());
    benchmark::DoNotOptimize(h.get().via.map.size);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_MsgpackCxxUnpackColumnar)->Arg(1000)->Arg(10000);

// The columnar fast path on msgpack-cxx instead of the reader: unpack, then the same builder calls
// row by row from the object tree (this body's shape only, no checks): what the decoder would cost
// on the library. Compare with BM_DecodeArcColumnar.
void BM_MsgpackCxxColumnarIntoColumns(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::string bytes = Columnar(n);
  model::BuilderOptions options;
  options.now_us = kStartMs * 1000;
  using model::BatchBuilder;
  for (auto _ : state) {
    Decoded decoded(options);
    ::msgpack::object_handle h = ::msgpack::unpack(bytes.data(), bytes.size());
    const ::msgpack::object_map& item = h.get().via.map;
    const ::msgpack::object_map& columns = item.ptr[1].val.via.map;
    BatchBuilder& b = decoded.Stream("cpu").builder;
    b.ExpectRecords(n, bytes.size());
    std::vector<BatchBuilder::FieldId> fields(columns.size);
    for (std::uint32_t c = 1; c < columns.size; ++c) {
      const ::msgpack::object_str& name = columns.ptr[c].key.via.str;
      fields[c] = b.Child(BatchBuilder::kRoot, std::string_view(name.ptr, name.size));
    }
    std::string error;
    for (std::size_t r = 0; r < n; ++r) {
      b.BeginRecord();
      b.SetTimestamp(static_cast<std::int64_t>(columns.ptr[0].val.via.array.ptr[r].via.u64) * 1000);
      for (std::uint32_t c = 1; c < columns.size; ++c) {
        const ::msgpack::object& v = columns.ptr[c].val.via.array.ptr[r];
        switch (v.type) {
          case ::msgpack::type::STR:
            b.AddString(fields[c], std::string_view(v.via.str.ptr, v.via.str.size));
            break;
          case ::msgpack::type::FLOAT64: b.AddDouble(fields[c], v.via.f64); break;
          case ::msgpack::type::POSITIVE_INTEGER:
            b.AddInt(fields[c], static_cast<std::int64_t>(v.via.u64));
            break;
          default: break;
        }
      }
      if (!b.EndRecord(&error)) state.SkipWithError(error.c_str());
    }
    decoded.Finish();
    benchmark::DoNotOptimize(decoded.successful());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_MsgpackCxxColumnarIntoColumns)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace ingot::protocols::msgpack

BENCHMARK_MAIN();
