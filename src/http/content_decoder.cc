#include "http/content_decoder.h"

#include <libdeflate.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>

#include "common/ascii.h"

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
// zstd's best case: an RLE block, a 3-byte header and one byte, regenerates at most 128 KiB.
constexpr std::size_t kMaxZstdRatio = (128 << 10) / 4;

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

std::optional<ContentEncoding> SniffCompression(std::string_view body) {
  if (body.starts_with("\x1f\x8b")) return ContentEncoding::kGzip;
  if (body.starts_with("\x28\xb5\x2f\xfd")) return ContentEncoding::kZstd;
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
    case ContentEncoding::kGzip:
    case ContentEncoding::kDeflate: return Inflate(encoding, in, limit, out);
    case ContentEncoding::kZstd: return Unzstd(in, limit, out);
    case ContentEncoding::kIdentity: break;
  }
  return Status::Internal("identity bodies are not decoded");
}

std::span<char> ContentDecoder::CountingSpace(PaddedBuffer& out) {
  if (out.capacity() >= kMinGuess) return {out.data(), out.capacity()};
  if (!scratch_) scratch_ = std::make_unique_for_overwrite<char[]>(kMinGuess);
  return {scratch_.get(), kMinGuess};
}

// libdeflate only inflates whole buffers, so the output must be large enough before we start.
// The gzip trailer's ISIZE (decoded size mod 2^32) of the last member gives the exact size of a
// single-member body, and an ISIZE over the limit rejects a bomb before a byte is inflated.
// Multi-member bodies (concatenated gzip files, which some shippers produce) and zlib streams are
// inflated member by member; a member that does not fit is inflated again into a buffer twice as
// large, which costs at most about twice the work and never allocates past the limit. When the
// budget refuses that growth, CountInflated tells a body over the limit (413) from one that fits
// (503).
Status ContentDecoder::Inflate(ContentEncoding encoding, std::string_view in, std::size_t limit,
                               PaddedBuffer& out) {
  if (!inflater_) {
    inflater_.reset(libdeflate_alloc_decompressor());
    if (!inflater_) return Status::ResourceExhausted("cannot allocate a gzip decompressor");
  }
  const bool gzip = encoding == ContentEncoding::kGzip;
  // Built only on failure: constructing the Status allocates its message.
  auto corrupt = [gzip] {
    return Status::InvalidInput(gzip ? "gzip body is corrupt or truncated"
                                     : "deflate (zlib) body is corrupt or truncated");
  };
  std::size_t guess = std::max(kMinGuess, in.size() * 4);
  if (gzip) {
    if (in.size() < 18) return corrupt();  // 10-byte header + 8-byte trailer at the very least
    const auto* tail = reinterpret_cast<const unsigned char*>(in.data() + in.size() - 4);
    const std::uint32_t isize = std::uint32_t{tail[0]} | std::uint32_t{tail[1]} << 8 |
                                std::uint32_t{tail[2]} << 16 | std::uint32_t{tail[3]} << 24;
    // Deflate cannot expand more than 1032:1, so a trailer claiming more than that is not a
    // trailer: the body is truncated or corrupt. A plausible claim over the limit is refused as too
    // large without inflating (a corrupt body whose last bytes happen to look plausible gets 413
    // rather than 400; it is refused either way).
    if (isize / kMaxDeflateRatio > in.size()) return corrupt();
    if (isize > limit) return TooLarge(limit);
    guess = std::max<std::size_t>(isize, kMinGuess);
  } else if (in.size() < 6) {  // 2-byte header + 4-byte Adler-32 at the very least
    return corrupt();
  }
  const auto decompress = gzip ? libdeflate_gzip_decompress_ex : libdeflate_zlib_decompress_ex;

  // Refused at once: the budget has no room even for the first guess (the trailer's size, within
  // the limit, or 64 KiB), so retrying later is right. Counting costs a second decode, which under
  // memory pressure would be spent on every refused body; it is kept for bodies that grow past
  // their first guess (more members than the trailer tells), where a bomb hides.
  if (!out.Reserve(std::min(limit, guess), limit)) return OverBudget();
  std::size_t in_pos = 0;
  std::size_t out_pos = 0;
  while (in_pos < in.size()) {
    const std::size_t avail = std::min(out.capacity(), limit) - out_pos;
    std::size_t in_used = 0;
    std::size_t out_used = 0;
    const libdeflate_result r = decompress(inflater_.get(), in.data() + in_pos, in.size() - in_pos,
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
      return CountInflated(gzip, in, limit, out);
    }
  }
  out.Resize(out_pos);
  return Status::Ok();
}

// libdeflate cannot inflate piecewise, so learning the size of a body that does not fit uses
// zlib's streaming inflate, into scratch memory. Only after the budget refused room, so rare.
Status ContentDecoder::CountInflated(bool gzip, std::string_view in, std::size_t limit,
                                     PaddedBuffer& out) {
  const std::span<char> scratch = CountingSpace(out);
  z_stream z{};
  // 15-bit window; +16: gzip framing (zlib's convention).
  if (inflateInit2(&z, gzip ? 16 + 15 : 15) != Z_OK) return OverBudget();
  Status result = OverBudget();  // the body fits the limit unless the loop finds otherwise
  std::size_t total = 0;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  std::size_t in_left = in.size();
  for (;;) {
    // avail_in is 32 bits wide: feed very large bodies in steps.
    const auto step = static_cast<uInt>(std::min<std::size_t>(in_left, UINT32_MAX));
    z.avail_in = step;
    z.next_out = reinterpret_cast<Bytef*>(scratch.data());
    z.avail_out = static_cast<uInt>(std::min<std::size_t>(scratch.size(), UINT32_MAX));
    const uInt out_room = z.avail_out;
    const int r = inflate(&z, Z_NO_FLUSH);
    in_left -= step - z.avail_in;
    total += out_room - z.avail_out;
    if (total > limit) {
      result = TooLarge(limit);
      break;
    }
    if (r == Z_STREAM_END) {
      if (in_left == 0) break;
      if (!gzip || inflateReset(&z) != Z_OK) {  // a zlib stream has one member
        result = Status::InvalidInput("deflate (zlib) body is corrupt or truncated");
        break;
      }
      continue;
    }
    if (r != Z_OK) {  // Z_BUF_ERROR: no progress possible, i.e. truncated
      result = Status::InvalidInput(gzip ? "gzip body is corrupt or truncated"
                                         : "deflate (zlib) body is corrupt or truncated");
      break;
    }
  }
  inflateEnd(&z);
  return result;
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
    // More than zstd can expand: the frame lies about its size (and would fail to decode after
    // the whole claim was allocated).
    if (declared / kMaxZstdRatio > in.size()) {
      return Status::InvalidInput("zstd body is corrupt: it declares more content than it holds");
    }
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
    return OverBudget();  // no room even to start (see Inflate)
  }
  bool counting = false;
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  std::size_t total = 0;  // bytes decoded so far
  for (;;) {
    // Counting, the output goes over the start of the scratch again and again.
    ZSTD_outBuffer dst{out.data(), std::min(out.capacity(), hard_cap), total};
    if (counting) {
      const std::span<char> scratch = CountingSpace(out);
      dst = {scratch.data(), std::min(scratch.size(), hard_cap - total), 0};
    }
    const std::size_t ret = ZSTD_decompressStream(zstd_.get(), &dst, &src);
    if (ZSTD_isError(ret)) return corrupt(ret);
    total = counting ? total + dst.pos : dst.pos;
    if (total > limit) return TooLarge(limit);
    if (src.pos == src.size && ret == 0) break;  // every frame complete, all input used
    if (dst.pos == dst.size) {
      if (!counting) {
        out.Resize(total);
        counting = !out.Reserve(std::min(hard_cap, 2 * out.capacity()), hard_cap);
      }
    } else if (src.pos == src.size) {
      return Status::InvalidInput("zstd body is corrupt or truncated");
    }
  }
  if (counting) return OverBudget();
  out.Resize(total);
  return Status::Ok();
}

}  // namespace ingot::http
