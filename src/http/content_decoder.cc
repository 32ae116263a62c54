#include "http/content_decoder.h"

#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "http/ascii.h"

namespace ingot::http {
namespace {

Status TooLarge(std::size_t limit) {
  return Status::TooLarge("decompressed body exceeds the limit of " + std::to_string(limit) +
                          " bytes");
}

Status OverBudget() {
  return Status::ResourceExhausted("memory limit reached while decompressing; retry later");
}

// Sum of the content sizes the frames declare, ZSTD_CONTENTSIZE_UNKNOWN when one does not, or
// ZSTD_CONTENTSIZE_ERROR when the frame headers are malformed. (ZSTD_findDecompressedSize does
// this, but it is outside zstd's stable API, which the shared library does not promise.)
unsigned long long DeclaredZstdSize(std::string_view in) {
  unsigned long long total = 0;
  while (!in.empty()) {
    const unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return size;
    const std::size_t frame = ZSTD_findFrameCompressedSize(in.data(), in.size());
    if (ZSTD_isError(frame)) return ZSTD_CONTENTSIZE_ERROR;
    total += size;
    if (total < size) return ZSTD_CONTENTSIZE_ERROR;  // overflow: nonsense sizes
    in.remove_prefix(frame);
  }
  return total;
}

// Deflate's best case: a 258-byte match coded in 2 bits.
constexpr std::size_t kMaxDeflateRatio = 1032;

// Smallest first guess for an output buffer whose size we cannot know in advance.
constexpr std::size_t kMinGuess = 64 * 1024;

}  // namespace

std::optional<ContentEncoding> ParseContentEncoding(std::string_view value) {
  value = TrimWhitespace(value);
  if (value.empty() || EqualsIgnoreCase(value, "identity")) return ContentEncoding::kIdentity;
  if (EqualsIgnoreCase(value, "gzip") || EqualsIgnoreCase(value, "x-gzip")) {
    return ContentEncoding::kGzip;
  }
  if (EqualsIgnoreCase(value, "zstd")) return ContentEncoding::kZstd;
  return std::nullopt;
}

void ContentDecoder::FreeInflater::operator()(libdeflate_decompressor* d) const {
  libdeflate_free_decompressor(d);
}
void ContentDecoder::FreeZstd::operator()(ZSTD_DCtx_s* d) const { ZSTD_freeDCtx(d); }

ContentDecoder::ContentDecoder() = default;
ContentDecoder::~ContentDecoder() = default;

Status ContentDecoder::Decode(ContentEncoding encoding, std::string_view in, std::size_t limit,
                              PaddedBuffer& out) {
  out.Clear();
  if (in.empty()) return Status::Ok();
  switch (encoding) {
    case ContentEncoding::kGzip: return Gunzip(in, limit, out);
    case ContentEncoding::kZstd: return Unzstd(in, limit, out);
    case ContentEncoding::kIdentity: break;
  }
  return Status::Internal("identity bodies are not decoded");
}

// libdeflate only inflates whole buffers, so the output must be large enough before we start.
// The gzip trailer's ISIZE (decoded size mod 2^32) of the last member gives the exact size of a
// single-member body, and an ISIZE over the limit rejects a bomb before a byte is inflated.
// Multi-member bodies (concatenated gzip files, which some shippers produce) are inflated member by
// member; a member that does not fit is inflated again into a buffer twice as large, which costs at
// most about twice the work and never allocates past the limit.
Status ContentDecoder::Gunzip(std::string_view in, std::size_t limit, PaddedBuffer& out) {
  if (!inflater_) {
    inflater_.reset(libdeflate_alloc_decompressor());
    if (!inflater_) return Status::ResourceExhausted("cannot allocate a gzip decompressor");
  }
  // Built only on failure: constructing the Status allocates its message.
  auto corrupt = [] { return Status::InvalidInput("gzip body is corrupt or truncated"); };
  if (in.size() < 18) return corrupt();  // 10-byte header + 8-byte trailer at the very least
  const auto* tail = reinterpret_cast<const unsigned char*>(in.data() + in.size() - 4);
  const std::uint32_t isize = std::uint32_t{tail[0]} | std::uint32_t{tail[1]} << 8 |
                              std::uint32_t{tail[2]} << 16 | std::uint32_t{tail[3]} << 24;
  // Deflate cannot expand more than 1032:1, so a trailer claiming more than that is not a trailer:
  // the body is truncated or corrupt. A plausible claim over the limit is refused as too large
  // without inflating (a corrupt body whose last bytes happen to look plausible gets 413 rather
  // than 400; it is refused either way).
  if (isize / kMaxDeflateRatio > in.size()) return corrupt();
  if (isize > limit) return TooLarge(limit);
  if (!out.Reserve(std::min(limit, std::max<std::size_t>(isize, kMinGuess)), limit)) {
    return OverBudget();
  }

  std::size_t in_pos = 0;
  std::size_t out_pos = 0;
  while (in_pos < in.size()) {
    const std::size_t avail = std::min(out.capacity(), limit) - out_pos;
    std::size_t in_used = 0;
    std::size_t out_used = 0;
    const libdeflate_result r =
        libdeflate_gzip_decompress_ex(inflater_.get(), in.data() + in_pos, in.size() - in_pos,
                                      out.data() + out_pos, avail, &in_used, &out_used);
    if (r == LIBDEFLATE_SUCCESS) {
      in_pos += in_used;
      out_pos += out_used;
      continue;
    }
    if (r != LIBDEFLATE_INSUFFICIENT_SPACE) return corrupt();
    if (out_pos + avail >= limit) return TooLarge(limit);
    out.Resize(out_pos);  // Reserve keeps the members inflated so far
    if (!out.Reserve(std::min(limit, std::max(2 * out.capacity(), out_pos + kMinGuess)), limit)) {
      return OverBudget();
    }
  }
  out.Resize(out_pos);
  return Status::Ok();
}

// When every frame declares its content size (what ZSTD_compress and most libraries write), the
// body is decoded in one call straight into an exactly sized buffer, and a declared size over the
// limit is refused before decoding. Streamed frames without a size are decoded incrementally into a
// buffer that doubles up to limit + 1 bytes: reaching limit + 1 proves the body is too large.
Status ContentDecoder::Unzstd(std::string_view in, std::size_t limit, PaddedBuffer& out) {
  if (!zstd_) {
    zstd_.reset(ZSTD_createDCtx());
    if (!zstd_) return Status::ResourceExhausted("cannot allocate a zstd decompressor");
  }
  auto corrupt = [](std::size_t code) {
    return Status::InvalidInput(std::string("zstd body is corrupt or truncated (") +
                                ZSTD_getErrorName(code) + ")");
  };
  const unsigned long long declared = DeclaredZstdSize(in);
  if (declared == ZSTD_CONTENTSIZE_ERROR) {
    return Status::InvalidInput("zstd body is corrupt or truncated");
  }
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN) {
    if (declared > limit) return TooLarge(limit);
    const auto size = static_cast<std::size_t>(declared);
    if (!out.Reserve(size, limit)) return OverBudget();
    const std::size_t n = ZSTD_decompressDCtx(zstd_.get(), out.data(), size, in.data(), in.size());
    if (ZSTD_isError(n)) return corrupt(n);
    out.Resize(n);
    return Status::Ok();
  }

  ZSTD_DCtx_reset(zstd_.get(), ZSTD_reset_session_only);
  const std::size_t hard_cap = limit + 1;
  if (!out.Reserve(std::min(hard_cap, std::max(kMinGuess, in.size() * 4)), hard_cap)) {
    return OverBudget();
  }
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  std::size_t pos = 0;
  for (;;) {
    ZSTD_outBuffer dst{out.data(), std::min(out.capacity(), hard_cap), pos};
    const std::size_t ret = ZSTD_decompressStream(zstd_.get(), &dst, &src);
    if (ZSTD_isError(ret)) return corrupt(ret);
    pos = dst.pos;
    if (pos > limit) return TooLarge(limit);
    if (src.pos == src.size && ret == 0) break;  // every frame complete, all input used
    if (dst.pos == dst.size) {
      out.Resize(pos);
      if (!out.Reserve(std::min(hard_cap, 2 * out.capacity()), hard_cap)) return OverBudget();
    } else if (src.pos == src.size) {
      return Status::InvalidInput("zstd body is corrupt or truncated");
    }
  }
  out.Resize(pos);
  return Status::Ok();
}

}  // namespace ingot::http
