// The reference decoder the tests, the differential fuzzer and the benchmark compare the wire
// decoder with: libprotobuf parses the (uncompressed) PushRequest into the classes generated from
// proto/loki_push.proto, and the same Emitter maps it to rows. A body is malformed for ingot
// exactly when libprotobuf fails to parse it; the rows must then be identical.
#pragma once

#include <string_view>

#include "common/status.h"
#include "loki_push.pb.h"
#include "protocols/decoded.h"

namespace ingot::protocols::loki {

// Decodes a parsed PushRequest into `out`, through the Emitter.
Status EmitReference(const logproto::PushRequest& request, StreamRecords& out);

// Parses `message` with libprotobuf (InvalidInput when it fails), then EmitReference.
Status DecodeReference(std::string_view message, StreamRecords& out);

}  // namespace ingot::protocols::loki
