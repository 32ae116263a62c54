// The reference decoder: libprotobuf parses the request into the generated classes of our .proto
// files, and MessageSource walks those messages through the same mapping (mapper.h) as the
// hand-written decoders. The differential tests, the differential fuzzer and the benchmark compare
// DecodeProtobuf (otlp.h) with it: same rows, and failure exactly when libprotobuf fails.
//
// Not used to serve requests (library ingot_otlp_reference, linked by tests, fuzzers, benchmark).
#pragma once

#include <google/protobuf/arena.h>

#include <string_view>

#include "common/status.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "protocols/decoded.h"
#include "protocols/otlp/otlp.h"

namespace ingot::protocols::otlp {

namespace pb {
namespace collector_logs = opentelemetry::proto::collector::logs::v1;
namespace collector_metrics = opentelemetry::proto::collector::metrics::v1;
namespace collector_trace = opentelemetry::proto::collector::trace::v1;
}  // namespace pb

// Parses `body` as the Export*ServiceRequest of `signal` with libprotobuf (on `arena` when not
// null) and maps it into `out`. Fails (kInvalidInput) exactly when libprotobuf's parse fails.
Status DecodeReference(Signal signal, std::string_view body, google::protobuf::Arena* arena,
                       StreamRecords& out, ExportResult& result);

// Maps already parsed requests.
Status MapReference(const pb::collector_logs::ExportLogsServiceRequest& request, StreamRecords& out,
                    ExportResult& result);
Status MapReference(const pb::collector_metrics::ExportMetricsServiceRequest& request,
                    StreamRecords& out, ExportResult& result);
Status MapReference(const pb::collector_trace::ExportTraceServiceRequest& request,
                    StreamRecords& out, ExportResult& result);

}  // namespace ingot::protocols::otlp
