// Test helpers shared by the Loki tests, fuzzer and benchmark: bodies made from the generated
// classes, and a decode into comparable rows.
#pragma once

#include <snappy.h>

#include <string>
#include <string_view>
#include <vector>

#include "loki_push.pb.h"
#include "protocols/json/test_body.h"
#include "protocols/loki/loki.h"
#include "protocols/otlp/test_util.h"

namespace ingot::protocols::loki::testing {

// The body promtail sends for `request`: the message, snappy-compressed.
inline std::string SnappyBody(const logproto::PushRequest& request) {
  std::string compressed;
  snappy::Compress(request.SerializeAsString().data(), request.ByteSizeLong(), &compressed);
  return compressed;
}

// Builder options with no `_timestamp` window, so that every time is kept.
inline model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;
  return o;
}

struct Outcome {
  Status status;
  std::vector<std::string> rows;
  std::size_t failed = 0;
};

// Decodes `body` (padded here) with `decode` into stream "app", finished.
template <typename Decode>
Outcome DecodeWith(Decode decode, std::string_view body,
                   const model::BuilderOptions& options = Options()) {
  json::PaddedBody padded(body);
  Decoded decoded(options);
  StreamRecords& stream = decoded.Stream("app");
  Outcome out;
  out.status = decode(padded.view(), stream);
  decoded.Finish();
  out.failed = decoded.failed();
  if (out.status.ok()) out.rows = otlp::testing::RowsText(decoded.streams()[0]->builder.batch());
  return out;
}

}  // namespace ingot::protocols::loki::testing
