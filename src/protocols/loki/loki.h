// Loki push bodies (docs/loki.md): `logproto.PushRequest` as snappy-compressed protobuf (what
// promtail and Grafana Alloy send) and its JSON form
//
//   {"streams":[{"stream":{"app":"x"},"values":[["<ns>","line",{"key":"structured metadata"}]]}]}
//
// One row per entry, in the request's stream: the line in `body`, `_timestamp` from the entry's
// nanoseconds (floored to µs), the exact nanoseconds in `time_unix_nano`, each stream label and
// each structured-metadata key a string column. A malformed body (or label string) fails the
// request whole (kInvalidInput, nothing kept); an entry the normalization rejects (a `_timestamp`
// outside the accepted window) fails alone and the rest is stored.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "protocols/decoded.h"

namespace ingot::protocols::loki {

// Decodes a snappy-compressed (block format, as Loki takes it) PushRequest into `out`.
// REQUIRES: kInputPadding readable bytes after `body`.
Status DecodeProtobuf(std::string_view body, StreamRecords& out);

// Decodes an uncompressed PushRequest (what DecodeProtobuf does after snappy).
Status DecodePushRequest(std::string_view message, StreamRecords& out);

// Decodes the JSON form into `out`.
// REQUIRES: kInputPadding readable bytes after `body`.
Status DecodeJson(std::string_view body, StreamRecords& out);

// Bytes a snappy body says it uncompresses to (its length preamble), for the memory estimate; 0
// when the preamble is malformed or claims more than snappy can encode in the body (the decoder
// then refuses the body).
std::uint64_t UncompressedBytes(std::string_view body);

}  // namespace ingot::protocols::loki
