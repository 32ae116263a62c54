// OTLP log bodies for ingot-load's `otlp-proto` and `otlp-json` endpoints: the workload's
// records, turned into an ExportLogsServiceRequest, so that OTLP and the JSON endpoints are
// measured on the same record content.
//
// A generated record (one flat-ish JSON object, src/workload) becomes one LogRecord:
//   "timestamp" (ms, integer)  -> time_unix_nano
//   "level"    (string)        -> severity_text, and severity_number (TRACE 1, DEBUG 5, INFO 9,
//                                 WARN 13, ERROR 17, FATAL 21)
//   "message"  (string)        -> body (string_value)
//   anything else              -> an attribute: strings, integers (int_value), other numbers
//                                 (double_value), booleans; objects as kvlist_value (ingot
//                                 flattens them like JSON objects: metadata.host -> metadata_host),
//                                 arrays as array_value, null as an empty AnyValue.
// Records share one ResourceLogs (resource attribute service.name = "ingot-load") and one
// ScopeLogs (scope name "ingot-load"), as an SDK batch does.
//
// With record ids, each LogRecord's first attribute is `load_id` = "<run_id>-<12 digits>", and the
// builder reports where the digits are: they are the same bytes in protobuf (a string field) and
// in JSON, so BodyPool::PatchIds rewrites them in place as for the JSON endpoints.
//
// Encoding is done once, before the run; the protobuf is written by hand (wire format: tag,
// varint length, bytes) so that the tool keeps depending on nothing but the workload generators.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ingot::load {

class OtlpLogsBody {
 public:
  // `json`: OTLP/JSON, else protobuf. `run_id` empty: records carry no id.
  OtlpLogsBody(bool json, std::string run_id);

  // Adds one generated record (a JSON object, without the trailing newline).
  // Errors: kInvalidInput when `record` is not a JSON object this encoder reads.
  Status Add(std::string_view record);

  // Appends the whole request to `out`; `id_offsets` gets the offset in `out` of each record's
  // id digits (when records carry ids). Resets the builder for the next body.
  void Finish(std::string& out, std::vector<std::uint32_t>& id_offsets);

 private:
  const bool json_;
  const std::string run_id_;
  std::string records_;                  // the log records, encoded and concatenated
  std::vector<std::uint32_t> id_at_;     // id digit offsets inside records_
  std::string scratch_, attrs_, value_;  // reused between records
};

}  // namespace ingot::load
