// ContentDecoder: undoes the Content-Encoding of a request body (gzip, zstd) into a PaddedBuffer,
// without ever letting the output grow past a limit. That limit is what turns a decompression bomb
// into a cheap 413 instead of an out-of-memory kill.
//
// One decoder per thread that decodes (each HTTP I/O thread; gRPC threads have one each too): it
// owns the libdeflate and zstd contexts (the zstd one holds up to a 128 MiB window for streamed
// frames), and decoding is synchronous on that thread, so sharing it between the thread's
// connections costs nothing and keeps the memory per thread, not per connection.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "common/status.h"
#include "http/padded_buffer.h"

struct libdeflate_decompressor;
struct ZSTD_DCtx_s;

namespace ingot::http {

// kDeflate is the zlib format (RFC 1950), which gRPC calls "deflate"; HTTP bodies never get it
// (ParseContentEncoding does not return it).
enum class ContentEncoding : unsigned char { kIdentity, kGzip, kZstd, kDeflate };

// Parses a Content-Encoding header value ("" means identity). Returns nullopt for anything we do
// not decode, including stacked codings ("gzip, zstd"); the server answers those with 415.
std::optional<ContentEncoding> ParseContentEncoding(std::string_view value);

// The compression a body without Content-Encoding has by its first bytes, as Arc recognises it:
// gzip (1f 8b) or a zstd frame (28 b5 2f fd); nullopt for anything else. For routes whose bodies
// can never start so (RouteOptions::sniff_compression).
std::optional<ContentEncoding> SniffCompression(std::string_view body);

class ContentDecoder {
 public:
  ContentDecoder();
  ~ContentDecoder();
  ContentDecoder(const ContentDecoder&) = delete;
  ContentDecoder& operator=(const ContentDecoder&) = delete;

  // Replaces the contents of `out` with `in` decoded. REQUIRES: encoding != kIdentity.
  // Never allocates more than `limit` bytes (plus padding and page rounding) for `out`.
  // Errors: kTooLarge when the decoded body would exceed `limit`; kInvalidInput when `in` is
  // corrupt or truncated; kResourceExhausted when `out`'s memory budget refuses room for a body
  // that is within `limit`. A body over the limit is kTooLarge even when the budget refuses its
  // growth first: the rest is then decoded into scratch memory only to count it, so a bomb is not
  // told to retry. Only when the budget cannot grant even the first guess (a declared or trailer
  // size within the limit, or 64 KiB) is the answer kResourceExhausted at once, without decoding:
  // the memory is full now. Does not seal the padding.
  Status Decode(ContentEncoding encoding, std::string_view in, std::size_t limit,
                PaddedBuffer& out);

 private:
  // gzip (multi-member) and zlib.
  Status Inflate(ContentEncoding encoding, std::string_view in, std::size_t limit,
                 PaddedBuffer& out);
  // After the budget refused room for an inflated body: decodes it again only to count it.
  Status CountInflated(bool gzip, std::string_view in, std::size_t limit, PaddedBuffer& out);
  Status Unzstd(std::string_view in, std::size_t limit, PaddedBuffer& out);
  // Memory to decode into only to count the output, once the budget refused room: the larger of
  // `out`'s current memory and a small buffer of the decoder's own.
  std::span<char> CountingSpace(PaddedBuffer& out);

  struct FreeInflater {
    void operator()(libdeflate_decompressor* d) const;
  };
  struct FreeZstd {
    void operator()(ZSTD_DCtx_s* d) const;
  };
  // Created on first use: most I/O threads of a plain-JSON deployment never see a compressed body.
  std::unique_ptr<libdeflate_decompressor, FreeInflater> inflater_;
  std::unique_ptr<ZSTD_DCtx_s, FreeZstd> zstd_;
  std::unique_ptr<char[]> scratch_;  // CountingSpace, allocated on first use
};

}  // namespace ingot::http
