#include "ingest/ingest_flow.h"

#include <gtest/gtest.h>

#include "memtable/memtable.h"

namespace ingot::ingest {
namespace {

TEST(GrpcCodeTest, RefusalsMapToTheSpecsCodes) {
  EXPECT_EQ(GrpcCodeFor({400, "", {}}), 3);
  EXPECT_EQ(GrpcCodeFor({401, "", {}}), 16);
  EXPECT_EQ(GrpcCodeFor({403, "", {}}), 7);
  EXPECT_EQ(GrpcCodeFor({413, "", {}}), 8);
  EXPECT_EQ(GrpcCodeFor({415, "", {}}), 3);
  EXPECT_EQ(GrpcCodeFor({429, "", {}}), 8);
  EXPECT_EQ(GrpcCodeFor({500, "", {}}), 13);
  EXPECT_EQ(GrpcCodeFor({503, "", {}}), 14);
  EXPECT_EQ(GrpcCodeFor({418, "", {}}), 2);
}

TEST(OtlpEndpointTest, PerSignal) {
  EXPECT_EQ(OtlpHttpEndpoint(protocols::otlp::Signal::kMetrics), Endpoint::kOtlpHttpMetrics);
  EXPECT_EQ(OtlpGrpcEndpoint(protocols::otlp::Signal::kTraces), Endpoint::kOtlpGrpcTraces);
  EXPECT_EQ(EndpointName(OtlpGrpcEndpoint(protocols::otlp::Signal::kLogs)), "otlp_grpc_logs");
}

TEST(IngestFlowMetrics, AdmissionAddsTheTransportsMemoryRefusals) {
  MemoryBudget budget(1 << 20);
  std::atomic<bool> disk_low{true};
  IngestFlow flow({.memory_budget = &budget, .disk_low = &disk_low});
  std::atomic<std::uint64_t> http_refusals{3};
  flow.AddMemoryRefusals(&http_refusals);
  std::string out;
  flow.admission_section().RenderMetrics(out);
  EXPECT_NE(out.find("ingot_memory_budget_bytes 1048576\n"), std::string::npos) << out;
  EXPECT_NE(out.find("ingot_rejected_requests_total{reason=\"memory\"} 3\n"), std::string::npos)
      << out;
  EXPECT_NE(out.find("ingot_disk_low 1\n"), std::string::npos) << out;
}

TEST(IngestFlowMetrics, TheIngestersTotalsOnceItIsSet) {
  IngestFlow flow({});
  std::string before;
  flow.requests_section().RenderMetrics(before);
  EXPECT_NE(before.find("ingot_request_duration_seconds"), std::string::npos);
  EXPECT_EQ(before.find("ingot_records_ingested_total"), std::string::npos);
  memtable::Memtable memtable({}, [](memtable::SealedPartition&&) {});
  Ingester ingester(memtable, nullptr, nullptr);
  flow.set_ingester(&ingester);
  std::string after;
  flow.requests_section().RenderMetrics(after);
  EXPECT_EQ(after.substr(0, before.size()), before);
  EXPECT_NE(after.find("ingot_records_ingested_total 0\n"), std::string::npos) << after;
}

}  // namespace
}  // namespace ingot::ingest
