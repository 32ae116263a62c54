// libFuzzer target for the Content-Encoding decoder: any input, as gzip, zstd, zlib or snappy,
// must decode or fail with InvalidInput / TooLarge, never write past the limit, and give the same
// answer twice (the decoder's contexts are reused between requests, so a leftover state would show
// up here).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/content_decoder.h"

namespace {

constexpr std::size_t kLimit = 1 << 20;

std::string Decode(ingot::http::ContentDecoder& d, ingot::http::ContentEncoding e,
                   std::string_view in, ingot::http::PaddedBuffer& out) {
  const ingot::Status st = d.Decode(e, in, kLimit, out);
  if (!st.ok() && st.code() != ingot::StatusCode::kInvalidInput &&
      st.code() != ingot::StatusCode::kTooLarge) {
    std::abort();
  }
  if (out.size() > kLimit || out.capacity() > kLimit + 4096 + 1) std::abort();
  out.SealPadding();
  return st.ok() ? "ok:" + std::string(out.view()) : "failed";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static ingot::http::ContentDecoder decoder;
  const auto encoding = data[0] % 4 == 0   ? ingot::http::ContentEncoding::kGzip
                        : data[0] % 4 == 1 ? ingot::http::ContentEncoding::kZstd
                        : data[0] % 4 == 2 ? ingot::http::ContentEncoding::kDeflate
                                           : ingot::http::ContentEncoding::kSnappy;
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  ingot::http::PaddedBuffer a;
  ingot::http::PaddedBuffer b;
  if (Decode(decoder, encoding, in, a) != Decode(decoder, encoding, in, b)) std::abort();
  return 0;
}
