// How a refusal of the shared ingestion flow (ingest::Refusal) becomes a gRPC status, as the OTLP
// specification asks (https://opentelemetry.io/docs/specs/otlp/#failures): INVALID_ARGUMENT for
// malformed data, UNAUTHENTICATED / PERMISSION_DENIED for credentials, and, under backpressure,
// UNAVAILABLE carrying a google.rpc.RetryInfo in its details (the `grpc-status-details-bin`
// trailer), which tells OTLP exporters to retry after that delay.
#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/ingest_flow.h"

namespace ingot::grpc_server {

// The serialized google.rpc.Status {code, message, details: [Any(google.rpc.RetryInfo
// {retry_delay: retry_seconds})]}, for grpc::Status's error_details.
std::string EncodeRetryStatusDetails(int code, std::string_view message,
                                     std::int64_t retry_seconds);

// The gRPC status of `refusal` (code from ingest::GrpcCodeFor); retryable refusals (503, 429) carry
// RetryInfo with a one-second delay, like the HTTP answers' Retry-After.
grpc::Status GrpcStatusFor(const ingest::Refusal& refusal);

}  // namespace ingot::grpc_server
