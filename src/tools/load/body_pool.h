// BodyPool: every request body of a run, built before the clock starts, so the client's hot path
// only writes bytes that already exist.
//
// Bodies hold `records_per_request` generated records in the endpoint's format:
//   json   [rec,rec,...]
//   multi  rec\n rec\n ...                                   (NDJSON)
//   bulk   {"create":{"_index":"<stream>"}}\n rec\n ...      (action line, document line)
//   hec    {"time":<s.ms>,"source":"ingot-load","sourcetype":"_json","index":"<stream>",
//           "event":rec}\n ...
//   otlp-* an ExportLogsServiceRequest (otlp_body.h)
//   prom-rw a remote_write 1.0 WriteRequest, sent snappy-compressed (prom_rw_body.h)
// Each body also has its request head (request line and headers through the blank line) ready.
//
// Record ids (when LoadOptions::ack_file is set): every record starts with
// "load_id":"<run_id>-NNNNNNNNNNNN" (12 digits). The pool remembers where each record's digits
// are, and PatchIds() rewrites them in place before a send -- 12 bytes a record, no allocation,
// the length never changes, so Content-Length and the head stay valid. A connection patches only
// bodies it owns (BodyPool::Build makes the pool a multiple of the connection count for that), so
// a body is never rewritten while another connection sends it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tools/load/load_options.h"

struct libdeflate_compressor;

namespace ingot::load {

inline constexpr int kIdDigits = 12;

struct Body {
  std::string head;        // "POST ... HTTP/1.1\r\n...Content-Length: N\r\n\r\n"
  std::string raw;         // the body before Content-Encoding
  std::string compressed;  // gzip or snappy of raw when compressed before the run, else empty
  std::uint32_t records = 0;
  std::vector<std::uint32_t> id_offsets;  // offset in `raw` of each record's id digits

  // The bytes sent, unless the pool compresses per request (BodyPool::CompressedPerRequest).
  std::string_view wire() const { return compressed.empty() ? std::string_view(raw) : compressed; }
};

enum class Compression : std::uint8_t { kNone, kGzip, kSnappy };

class BodyPool {
 public:
  // Builds max(options.bodies, 1) bodies (rounded up to a multiple of options.connections when
  // records carry ids). `records_per_request` is the records in each body; `run_id` is
  // non-empty when records carry ids. With ids and gzip, bodies are compressed per request
  // instead (their `compressed` and `head` stay empty): see CompressedPerRequest(). prom-rw
  // bodies are always snappy-compressed (remote_write's encoding).
  static Result<BodyPool> Build(const LoadOptions& options, const Target& target,
                                std::uint32_t records_per_request, const std::string& run_id);

  std::size_t size() const { return bodies_.size(); }
  Body& body(std::size_t i) { return bodies_[i]; }
  const Body& body(std::size_t i) const { return bodies_[i]; }
  bool has_ids() const { return !run_id_.empty(); }
  const std::string& run_id() const { return run_id_; }
  // How bodies are compressed: gzip (--gzip), snappy (prom-rw), or not.
  Compression compression() const { return compression_; }
  // Ids change the raw bytes of every send, so compression happens at send time.
  bool CompressedPerRequest() const { return compression_ != Compression::kNone && has_ids(); }
  // The head without its Content-Length line and blank line, for per-request compression.
  const std::string& head_prefix() const { return head_prefix_; }

 private:
  std::vector<Body> bodies_;
  std::string run_id_;
  std::string head_prefix_;
  Compression compression_ = Compression::kNone;
};

// The body a connection sends first when every connection cycles through the whole pool (records
// without ids): connections start evenly spread over the pool, so a body goes out again only after
// about a pool's worth of requests. (Starting them side by side would send each body once per
// connection in quick succession: repeated records close together flatter the server's
// compression and dictionary encoding.)
std::size_t FirstBody(std::uint32_t connection, std::uint32_t connections, std::size_t bodies);

// Rewrites the id digits of every record of `body`: record i gets id first_id + i.
void PatchIds(Body& body, std::uint64_t first_id);

// Appends "<run_id>-<first_id + i, 12 digits>\n" for i in [0, n).
void AppendIdLines(std::string_view run_id, std::uint64_t first_id, std::uint32_t n,
                   std::string& out);

// Request path for the endpoint: /api/{org}/{stream}/_multi, /api/{org}/_bulk, ...
std::string RequestPath(const LoadOptions& options, const Target& target);

// Replaces `out` with snappy(in), the raw block format remote_write sends.
void SnappyCompress(std::string_view in, std::string& out);

// A gzip compressor (libdeflate) kept for a thread's lifetime.
class GzipCompressor {
 public:
  explicit GzipCompressor(int level);
  ~GzipCompressor();
  GzipCompressor(const GzipCompressor&) = delete;
  GzipCompressor& operator=(const GzipCompressor&) = delete;
  // Replaces `out` with gzip(in); `out` keeps its capacity between calls.
  void Compress(std::string_view in, std::string& out);

 private:
  libdeflate_compressor* c_;
};

}  // namespace ingot::load
