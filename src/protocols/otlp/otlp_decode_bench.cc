// Decode throughput of OTLP logs into columns: the hand-written protobuf decoder (read in place)
// against libprotobuf (parse on an Arena, then the same mapping), and the OTLP/JSON decoder.
// Records have the content of the JSON benchmark's (workload::LogGenerator: level, message, ids,
// nested metadata), mapped as ingot-load's OTLP mode maps them (src/tools/load/otlp_body.h):
// timestamp -> time_unix_nano, level -> severity, message -> body, the rest -> attributes (metadata
// as a kvlist). Issue 5 keeps the hand-written decoder only if it is at least 2x libprotobuf's.
//
//   otlp_decode_bench --benchmark_filter=/1000
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <string>

#include "common/input_padding.h"
#include "protocols/otlp/otlp.h"
#include "protocols/otlp/reference.h"
#include "protocols/otlp/test_util.h"
#include "workload/log_generator.h"

namespace ingot::protocols::otlp {
namespace {

namespace common = opentelemetry::proto::common::v1;
using LogsRequest = pb::collector_logs::ExportLogsServiceRequest;

void SetValue(simdjson::dom::element e, common::AnyValue* v) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING:
      v->set_string_value(std::string(e.get_string().value()));
      break;
    case simdjson::dom::element_type::INT64: v->set_int_value(e.get_int64().value()); break;
    case simdjson::dom::element_type::UINT64:
      v->set_int_value(static_cast<std::int64_t>(e.get_uint64().value()));
      break;
    case simdjson::dom::element_type::DOUBLE: v->set_double_value(e.get_double().value()); break;
    case simdjson::dom::element_type::BOOL: v->set_bool_value(e.get_bool().value()); break;
    case simdjson::dom::element_type::OBJECT: {
      const simdjson::dom::object object = e.get_object().value();
      for (auto [key, value] : object) {
        auto* kv = v->mutable_kvlist_value()->add_values();
        kv->set_key(std::string(key));
        SetValue(value, kv->mutable_value());
      }
      break;
    }
    default: break;
  }
}

int Severity(std::string_view level) {
  if (level == "TRACE") return 1;
  if (level == "DEBUG") return 5;
  if (level == "INFO") return 9;
  if (level == "WARN") return 13;
  if (level == "ERROR") return 17;
  if (level == "FATAL") return 21;
  return 0;
}

// An ExportLogsServiceRequest of `records` generated log records.
LogsRequest MakeRequest(std::size_t records) {
  std::string ndjson;
  workload::LogGenerator gen;
  gen.AppendRecords(records, ndjson);
  LogsRequest req;
  auto* rl = req.add_resource_logs();
  auto* service = rl->mutable_resource()->add_attributes();
  service->set_key("service.name");
  service->mutable_value()->set_string_value("ingot-load");
  auto* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("ingot-load");
  simdjson::dom::parser parser;
  for (auto doc : parser.parse_many(ndjson)) {
    auto* r = sl->add_log_records();
    const simdjson::dom::object object = doc.get_object().value();
    for (auto [key, value] : object) {
      if (key == "timestamp") {
        r->set_time_unix_nano(static_cast<std::uint64_t>(value.get_int64().value()) * 1'000'000);
      } else if (key == "level") {
        const std::string_view level = value.get_string().value();
        r->set_severity_text(std::string(level));
        r->set_severity_number(
            static_cast<opentelemetry::proto::logs::v1::SeverityNumber>(Severity(level)));
      } else if (key == "message") {
        r->mutable_body()->set_string_value(std::string(value.get_string().value()));
      } else {
        auto* kv = r->add_attributes();
        kv->set_key(std::string(key));
        SetValue(value, kv->mutable_value());
      }
    }
  }
  return req;
}

model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  return o;
}

std::string Padded(std::string s) {
  s.append(kInputPadding, '\0');
  return s;
}

template <class Decode>
void Run(benchmark::State& state, const std::string& padded, std::size_t size, Decode decode) {
  const auto records = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    Decoded decoded(Options());
    ExportResult result;
    const Status st = decode(std::string_view(padded.data(), size), decoded.Stream("s"), result);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    decoded.Finish();
    if (decoded.successful() != records) state.SkipWithError("wrong record count");
    benchmark::DoNotOptimize(decoded.successful());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void BM_OtlpProtobufWire(benchmark::State& state) {
  const std::string body =
      MakeRequest(static_cast<std::size_t>(state.range(0))).SerializeAsString();
  Run(state, Padded(body), body.size(), [](std::string_view b, StreamRecords& s, ExportResult& r) {
    return DecodeProtobuf(Signal::kLogs, b, s, r);
  });
}
BENCHMARK(BM_OtlpProtobufWire)->Arg(100)->Arg(1000)->Arg(10000);

void BM_OtlpProtobufLibprotobufArena(benchmark::State& state) {
  const std::string body =
      MakeRequest(static_cast<std::size_t>(state.range(0))).SerializeAsString();
  Run(state, Padded(body), body.size(), [](std::string_view b, StreamRecords& s, ExportResult& r) {
    google::protobuf::Arena arena;
    return DecodeReference(Signal::kLogs, b, &arena, s, r);
  });
}
BENCHMARK(BM_OtlpProtobufLibprotobufArena)->Arg(100)->Arg(1000)->Arg(10000);

// libprotobuf's parse alone (no mapping): the floor of approach (b).
void BM_OtlpLibprotobufParseOnly(benchmark::State& state) {
  const auto records = static_cast<std::size_t>(state.range(0));
  const std::string body = MakeRequest(records).SerializeAsString();
  for (auto _ : state) {
    google::protobuf::Arena arena;
    auto* req = google::protobuf::Arena::CreateMessage<LogsRequest>(&arena);
    if (!req->ParseFromString(body)) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(req);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_OtlpLibprotobufParseOnly)->Arg(1000);

void BM_OtlpJson(benchmark::State& state) {
  const std::string body =
      testing::ToOtlpJson(MakeRequest(static_cast<std::size_t>(state.range(0))));
  Run(state, Padded(body), body.size(), [](std::string_view b, StreamRecords& s, ExportResult& r) {
    return DecodeJson(Signal::kLogs, b, s, r);
  });
}
BENCHMARK(BM_OtlpJson)->Arg(1000);

}  // namespace
}  // namespace ingot::protocols::otlp

BENCHMARK_MAIN();
