// OTLP/HTTP answers (https://opentelemetry.io/docs/specs/otlp/#otlphttp): which encoding a request
// uses (its Content-Type, among those the protocol registry lists), the Export*ServiceResponse of a
// stored request, and the google.rpc.Status body of a refused one, each in the request's own
// encoding. Refusals map to gRPC codes as on OTLP/gRPC (ingest::GrpcCodeFor).
#pragma once

#include <optional>
#include <string_view>

#include "http/response.h"
#include "ingest/ingest_flow.h"
#include "protocols/otlp/otlp.h"

namespace ingot::api {

using OtlpEncoding = protocols::otlp::Encoding;

// The encoding a Content-Type value names: one of the content types the registry lists for the
// OTLP protocols (application/x-protobuf or application/protobuf, application/json), compared
// case-insensitively, parameters (`; charset=utf-8`) ignored. None for anything else, an absent
// header included (the caller answers 415).
std::optional<OtlpEncoding> ParseOtlpContentType(std::string_view content_type);

// "application/x-protobuf" or "application/json": the Content-Type answers in `encoding` carry.
std::string_view OtlpContentType(OtlpEncoding encoding);

// 200 with the Export*ServiceResponse of `signal`; partial_success when records were rejected.
http::Response OtlpExportResponse(protocols::otlp::Signal signal, OtlpEncoding encoding,
                                  const protocols::otlp::ExportResult& result);

// The refusal's HTTP status with a google.rpc.Status body; Retry-After on 429/503,
// WWW-Authenticate on 401.
http::Response OtlpErrorResponse(OtlpEncoding encoding, const ingest::Refusal& refusal);

}  // namespace ingot::api
