// ContentDecoder: undoes the Content-Encoding of a request body (gzip, zstd) into a PaddedBuffer,
// without ever letting the output grow past a limit. That limit is what turns a decompression bomb
// into a cheap 413 instead of an out-of-memory kill.
//
// One decoder per I/O thread: it owns the libdeflate and zstd contexts (the zstd one holds up to a
// 128 MiB window for streamed frames), and decoding is synchronous on that thread, so sharing it
// between the thread's connections costs nothing and keeps the memory per thread, not per
// connection.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "http/padded_buffer.h"

struct libdeflate_decompressor;
struct ZSTD_DCtx_s;

namespace ingot::http {

enum class ContentEncoding : unsigned char { kIdentity, kGzip, kZstd };

// Parses a Content-Encoding header value ("" means identity). Returns nullopt for anything we do
// not decode, including stacked codings ("gzip, zstd"); the server answers those with 415.
std::optional<ContentEncoding> ParseContentEncoding(std::string_view value);

class ContentDecoder {
 public:
  ContentDecoder();
  ~ContentDecoder();
  ContentDecoder(const ContentDecoder&) = delete;
  ContentDecoder& operator=(const ContentDecoder&) = delete;

  // Replaces the contents of `out` with `in` decoded. REQUIRES: encoding != kIdentity.
  // Never allocates more than `limit` bytes (plus padding and page rounding) for `out`.
  // Errors: kTooLarge when the decoded body would exceed `limit`, kInvalidInput when `in` is
  // corrupt or truncated. Does not seal the padding.
  Status Decode(ContentEncoding encoding, std::string_view in, std::size_t limit,
                PaddedBuffer& out);

 private:
  Status Gunzip(std::string_view in, std::size_t limit, PaddedBuffer& out);
  Status Unzstd(std::string_view in, std::size_t limit, PaddedBuffer& out);

  struct FreeInflater {
    void operator()(libdeflate_decompressor* d) const;
  };
  struct FreeZstd {
    void operator()(ZSTD_DCtx_s* d) const;
  };
  // Created on first use: most I/O threads of a plain-JSON deployment never see a compressed body.
  std::unique_ptr<libdeflate_decompressor, FreeInflater> inflater_;
  std::unique_ptr<ZSTD_DCtx_s, FreeZstd> zstd_;
};

}  // namespace ingot::http
