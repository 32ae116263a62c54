// Test-only: request bodies compressed the ways clients send them, for the tests (and the
// benchmark) of Content-Encoding and of the compressed OTLP and remote_write paths. Links
// libdeflate, libzstd and libsnappy, which ingot_http already does.
#pragma once

#include <libdeflate.h>
#include <snappy.h>
#include <zstd.h>

#include <string>
#include <string_view>

namespace ingot::http::testing {

// `in` compressed by libdeflate at level 6, in the format of `bound` and `compress`
// (libdeflate_gzip_compress_bound and libdeflate_gzip_compress, say).
template <typename Bound, typename Compress>
std::string Deflate(std::string_view in, Bound bound, Compress compress) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(6);
  std::string out(bound(c, in.size()), '\0');
  out.resize(compress(c, in.data(), in.size(), out.data(), out.size()));
  libdeflate_free_compressor(c);
  return out;
}

// One gzip member.
inline std::string Gzip(std::string_view in) {
  return Deflate(in, libdeflate_gzip_compress_bound, libdeflate_gzip_compress);
}

// The zlib format (gRPC's "deflate").
inline std::string Zlib(std::string_view in) {
  return Deflate(in, libdeflate_zlib_compress_bound, libdeflate_zlib_compress);
}

// One zstd frame (level 3) that declares its content size.
inline std::string Zstd(std::string_view in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

// A snappy block (the raw format, no framing), as Prometheus remote_write sends it.
inline std::string Snappy(std::string_view in) {
  std::string out;
  snappy::Compress(in.data(), in.size(), &out);
  return out;
}

// A zstd frame without a declared content size, as streaming encoders write it.
inline std::string ZstdStreamed(std::string_view in) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  std::string out(ZSTD_compressBound(in.size()) + 64, '\0');
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  ZSTD_outBuffer dst{out.data(), out.size(), 0};
  while (ZSTD_compressStream2(c, &dst, &src, ZSTD_e_end) != 0) {
  }
  out.resize(dst.pos);
  ZSTD_freeCCtx(c);
  return out;
}

}  // namespace ingot::http::testing
