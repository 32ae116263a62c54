// OTLP/HTTP answers (https://opentelemetry.io/docs/specs/otlp/#otlphttp): which encoding a request
// uses (its Content-Type), the Export*ServiceResponse of a stored request, and the
// google.rpc.Status body of a refused one, each in the request's own encoding. The gRPC server
// shares GrpcCodeFor() so that both transports refuse the same things the same way.
#pragma once

#include <optional>
#include <string_view>

#include "api/ingest_flow.h"
#include "http/response.h"
#include "protocols/otlp/otlp.h"

namespace ingot::api {

enum class OtlpEncoding : unsigned char { kProtobuf = 0, kJson = 1 };

// The encoding a Content-Type value names: application/x-protobuf (or application/protobuf) and
// application/json, compared case-insensitively, parameters (`; charset=utf-8`) ignored. None for
// anything else, an absent header included (the caller answers 415).
std::optional<OtlpEncoding> ParseOtlpContentType(std::string_view content_type);

// "application/x-protobuf" or "application/json".
std::string_view OtlpContentType(OtlpEncoding encoding);

// Per signal: the metrics label of its OTLP/HTTP and OTLP/gRPC endpoints, the type of its streams,
// its path segment ("logs" in /v1/logs), and the WAL protocol id of its encodings.
Endpoint OtlpHttpEndpoint(protocols::otlp::Signal signal);
Endpoint OtlpGrpcEndpoint(protocols::otlp::Signal signal);
model::StreamType OtlpStreamType(protocols::otlp::Signal signal);
std::string_view OtlpSignalPath(protocols::otlp::Signal signal);
ingest::Protocol OtlpProtocol(protocols::otlp::Signal signal, OtlpEncoding encoding);

// The gRPC status code (google.rpc.Code) of a refusal: 400 INVALID_ARGUMENT, 401 UNAUTHENTICATED,
// 403 PERMISSION_DENIED, 413 RESOURCE_EXHAUSTED (no retry information: retrying does not help),
// 415 INVALID_ARGUMENT, 429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE, 500 INTERNAL, others UNKNOWN.
int GrpcCodeFor(const Refusal& refusal);

// Records a stored request rejected, and why: the decoder's count, or, when records failed
// later (the `_timestamp` window), the stream's failures and first message.
protocols::otlp::ExportResult ExportResultOf(const RequestState& state);

// 200 with the Export*ServiceResponse of `signal`; partial_success when records were rejected.
http::Response OtlpExportResponse(protocols::otlp::Signal signal, OtlpEncoding encoding,
                                  const protocols::otlp::ExportResult& result);

// The refusal's HTTP status with a google.rpc.Status body; Retry-After on 429/503,
// WWW-Authenticate on 401.
http::Response OtlpErrorResponse(OtlpEncoding encoding, const Refusal& refusal);

}  // namespace ingot::api
