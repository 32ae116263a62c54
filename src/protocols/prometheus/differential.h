// The differential check of the remote_write decoder, shared by the unit tests and the fuzzer:
// `body` decoded by the wire decoder and by libprotobuf + the same RowWriter (reference.h) must
// fail together or give the same rows, counts and WriteResult. A failure is InvalidInput, or
// TooLarge (labels repeated past RowWriter::kMaxExpansion), which our decoder may find before a
// malformed part further on that libprotobuf rejects first; libprotobuf's TooLarge is ours too.
#pragma once

#include <string>
#include <string_view>

#include "common/input_padding.h"
#include "protocols/decoded.h"
#include "protocols/fuzz_invariants.h"
#include "protocols/otlp/test_util.h"
#include "protocols/prometheus/reference.h"
#include "protocols/prometheus/remote_write.h"

namespace ingot::protocols::prometheus::testing {

// Options under which some samples fail one by one (the window) and `_extra` overflows.
inline model::BuilderOptions DifferentialOptions() {
  model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  o.min_timestamp_us = 1'600'000'000'000'000;
  o.max_columns = 32;
  o.max_fields = 100;
  return o;
}

// Empty when both decoders agree, else what differs. Checks the decoded batch's invariants too.
inline std::string Differ(Version version, std::string_view body) {
  std::string padded(body);
  padded.append(kInputPadding, '\0');
  const std::string_view in(padded.data(), body.size());
  Decoded ours(DifferentialOptions());
  WriteResult ours_result;
  const Status st = Decode(version, in, ours.Stream("s"), ours_result);
  Decoded ref(DifferentialOptions());
  WriteResult ref_result;
  const Status ref_st = DecodeReference(version, in, ref.Stream("s"), ref_result);
  if (!st.ok() && st.code() != StatusCode::kInvalidInput && st.code() != StatusCode::kTooLarge) {
    return "neither InvalidInput nor TooLarge: " + st.ToString();
  }
  if (st.ok() != ref_st.ok() ||
      (ref_st.code() == StatusCode::kTooLarge && st.code() != StatusCode::kTooLarge)) {
    return "ours: " + st.ToString() + "\nlibprotobuf: " + ref_st.ToString();
  }
  if (!st.ok()) return {};
  ours.Finish();
  ref.Finish();
  CheckDecodedInvariants(ours);
  if (otlp::testing::RowsText(ours.streams()[0]->builder.batch()) !=
      otlp::testing::RowsText(ref.streams()[0]->builder.batch())) {
    return "rows differ from libprotobuf's";
  }
  if (ours.failed() != ref.failed() || ours_result.samples != ref_result.samples ||
      ours_result.exemplars != ref_result.exemplars) {
    return "counts differ";
  }
  return {};
}

}  // namespace ingot::protocols::prometheus::testing
