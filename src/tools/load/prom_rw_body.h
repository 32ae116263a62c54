// Prometheus remote_write 1.0 bodies for ingot-load's `prom-rw` endpoint (before snappy): the
// workload's records as series of one sample each, so remote_write is measured on the same
// record content as the other endpoints. The `metrics` workload's records are Prometheus-shaped:
//   "timestamp" (ms, integer)  -> the sample's timestamp
//   "value"    (number)        -> the sample's value (0 when absent)
//   "__type__" (string)        -> the MetricMetadata type of the record's `__name__` family,
//                                 once per family and body (counter, gauge, ...)
//   any other string           -> a label (`__name__` included); other values are left out
// With record ids, each series' first label is `load_id` = "<run_id>-<12 digits>", and the
// builder reports where the digits are, so BodyPool::PatchIds rewrites them in place (the body is
// then snappy-compressed per request).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ingot::load {

class PromRwBody {
 public:
  explicit PromRwBody(std::string run_id) : run_id_(std::move(run_id)) {}

  // Adds one generated record (a JSON object, without the trailing newline).
  // Errors: kInvalidInput when `record` is not a JSON object.
  Status Add(std::string_view record);

  // Appends the WriteRequest to `out`; `id_offsets` gets the offset in `out` of each record's id
  // digits (when records carry ids). Resets the builder for the next body.
  void Finish(std::string& out, std::vector<std::uint32_t>& id_offsets);

 private:
  const std::string run_id_;
  std::string series_;                 // the TimeSeries, encoded and concatenated
  std::string metadata_;               // the MetricMetadata
  std::vector<std::string> families_;  // families with metadata in this body
  std::vector<std::uint32_t> id_at_;   // id digit offsets inside series_
  std::string scratch_, label_;        // reused between records
};

}  // namespace ingot::load
