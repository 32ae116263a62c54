#include "ingest/ingest_flow.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ingot::ingest
