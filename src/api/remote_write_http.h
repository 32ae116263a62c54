// Prometheus remote_write over HTTP (remote write specifications 1.0 and 2.0): which message a
// request carries (its Content-Type), and the answers Prometheus expects: 204 with no body when
// every sample was stored; 400 when some were rejected (the rest is stored: Prometheus does not
// retry a 4xx, so nothing is stored twice); a refusal's status otherwise (503 + Retry-After, which
// Prometheus retries). 2.0 answers carry the X-Prometheus-Remote-Write-*-Written headers.
#pragma once

#include <optional>
#include <string_view>

#include "http/response.h"
#include "ingest/ingest_flow.h"
#include "protocols/prometheus/remote_write.h"

namespace ingot::api {

using RemoteWriteVersion = protocols::prometheus::Version;

// The message a Content-Type names: `application/x-protobuf` (case-insensitive) with no `proto`
// parameter or `proto=prometheus.WriteRequest` is 1.0, with `proto=io.prometheus.write.v2.Request`
// 2.0; an absent header is 1.0 (what senders older than the 1.0 specification send). None for
// anything else (the caller answers 415).
std::optional<RemoteWriteVersion> ParseRemoteWriteContentType(std::string_view content_type);

// The answer to a stored request.
http::Response RemoteWriteResponse(RemoteWriteVersion version, const ingest::RequestState& state);

// Adds the X-Prometheus-Remote-Write-*-Written headers to a 2.0 answer (nothing to a 1.0 one):
// the samples and native histograms stored, no exemplars (ingot does not store them). Refusals
// (the server's JSON error shape, which Prometheus logs) get them with 0.
void AddRemoteWriteHeaders(RemoteWriteVersion version,
                           const protocols::prometheus::WriteResult& written, http::Response& r);

}  // namespace ingot::api
