// What ingot writes to the WAL for one request: a small header (how the body was decoded) and the
// request body itself, as received after Content-Encoding. Replaying a record decodes the body
// again with the same options, so it yields exactly the records that were acknowledged, split into
// the same streams and hours, with the same per-record failures. Writing the body (not columns)
// keeps the WAL write a gathered write of the bytes already in memory: no copy, no encoding.
//
// Header, little-endian (docs/wal.md, "Record payloads"):
//   u8  version (2)        u8 protocol          u8 stream type      u8 variant (0 but below)
//   u32 max_depth          u32 max_columns
//   i64 now_us             i64 min_timestamp_us i64 max_timestamp_us
//   u32 max_fields         u64 max_record_bytes                     (version 2 only)
//   u16 org length, org bytes, u16 stream length, stream bytes
//   ... body
// Version 1 records (without the two limits) are still read: they replay without those limits,
// as they did.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/batch_builder.h"
#include "model/stream_key.h"
#include "protocols/decoded.h"
#include "protocols/registry.h"

namespace ingot::ingest {

// Version 2 records the per-record limits too (max_fields, max_record_bytes), so that a record the
// request rejected for them is rejected again on replay; version 3 whether records were
// fingerprinted and where their message was (docs/wal.md).
inline constexpr std::uint8_t kRequestRecordVersion = 3;

// The protocol byte is a protocols::Protocol id: a registered protocol (protocols/registry.h), or
// kAbort: not a request, the body lists (SeqRanges text) WAL sequences whose records the WAL may
// hold but whose requests were answered with an error (their write or fsync failed). Replay skips
// them, so a client's retry does not store the same records twice.
struct RequestHeader {
  protocols::Protocol protocol = protocols::Protocol::kNdjson;
  model::StreamType type = model::StreamType::kLogs;
  std::string org;
  // _json/_multi/OTLP: the stream. _bulk/HEC: the default stream (may be empty for _bulk).
  std::string stream;
  // The protocol's per-request option, passed to its decoder (protocols::Decoder): the line
  // protocol's precision (protocols::influx::Precision). 0 for every other protocol, and in
  // records written before it existed (the byte was reserved and always 0).
  std::uint8_t variant = 0;
  model::BuilderOptions options;
};

// How a request of `protocol` is sent to ingot, for people re-sending a quarantined one (the
// registry's ProtocolSpec::endpoint), or what the record is when it is no request.
std::string_view ProtocolEndpoint(protocols::Protocol protocol);

// Appends the encoded header to `out`.
void EncodeRequestHeader(const RequestHeader& header, std::string& out);

// Splits a WAL payload into its header and body.
Status DecodeRequestRecord(std::string_view payload, RequestHeader& header, std::string_view& body);

// Decodes `body` the way `header` says (with the registered protocol's decoder, as the request
// was) into `decoded` (made with header.options), then finishes it.
// REQUIRES: kInputPadding readable bytes after `body`.
Status DecodeRequestBody(const RequestHeader& header, std::string_view body,
                         protocols::Decoded& decoded);

}  // namespace ingot::ingest
