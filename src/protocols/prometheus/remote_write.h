// Prometheus remote_write bodies (protobuf, after the HTTP layer undid their snappy
// Content-Encoding) to columns: one row per sample and per native histogram, as
// docs/schema-metrics.md
// ("Prometheus remote_write") describes.
//
// Two messages: remote write 1.0's `prometheus.WriteRequest` (labels as strings, metadata per
// metric family beside the series) and 2.0's `io.prometheus.write.v2.Request` (labels and
// metadata as references into one symbol table). A malformed body fails the whole request (Status
// kInvalidInput naming where: "timeseries[3].labels[1]: string field is not valid UTF-8"); samples
// the normalization rejects one by one (a `_timestamp` outside the window) are counted in the
// stream (StreamRecords::failed) and the rest is stored.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "protocols/decoded.h"

namespace ingot::protocols::prometheus {

enum class Version : std::uint8_t { kV1, kV2 };

// Each row repeats its series' labels, so a small body can ask for far more column bytes than it
// has: a series of large labels with many samples, or 2.0 references to one large symbol. A
// request may write at most this many bytes of labels (and bucket counts) per byte of body, plus
// 16 MiB, else it fails with kTooLarge; the registry charges the memory budget as much.
inline constexpr std::uint32_t kMaxExpansion = 32;

// What the 2.0 answer's X-Prometheus-Remote-Write-{Samples,Histograms,Exemplars}-Written headers
// are made from.
struct WriteResult {
  std::int64_t samples = 0;     // sample rows stored (the normalization accepted them)
  std::int64_t histograms = 0;  // native histogram rows stored
  std::int64_t exemplars = 0;   // received, not stored
};

// Decodes a `version` request into `out`. The body is read in place: `body` must stay alive until
// `out`'s batch is finished. Accepts and rejects exactly what libprotobuf would parse (for the
// messages of proto/remote_write.proto), plus these rules of the mapping: a native histogram
// whose spans do not describe its buckets and, in 2.0, a symbol reference past the table or an
// odd `labels_refs` count fail the request (kInvalidInput); so does a request whose rows would
// repeat too many label bytes for its size (kTooLarge, RowWriter::kMaxExpansion).
Status Decode(Version version, std::string_view body, StreamRecords& out, WriteResult& result);

// The name of a metric type number (MetricMetadata.type, Metadata.type): "counter", "gauge",
// "histogram", "gaugehistogram", "summary", "info", "stateset"; empty for 0 (unknown /
// unspecified); another number as its decimal text in `scratch`.
std::string_view MetricTypeText(std::int32_t type, std::string& scratch);

}  // namespace ingot::protocols::prometheus
