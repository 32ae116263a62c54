// Reader: a cursor over MessagePack bytes that reads one value header at a time, in place.
//
// Hand-written rather than msgpack-cxx, though msgpack-cxx is not slower: msgpack_decode_bench's
// BM_MsgpackCxxColumnarIntoColumns (unpack, then the same builder calls without any check) decodes
// the columnar body at 11.9M records/s on one core, the decoder on this reader (with its checks:
// UTF-8, nulls, time units, shapes) at 10.3M. msgpack-cxx's tree API throws on malformed input (a
// client's mistake is an expected error here, not an exception) and builds an object of 24 bytes
// per value in its own zone, beside the columns and outside the memory budget (over three times a
// metrics body); its visitor API reads in document order only, and the columnar form is read row
// by row, one cursor per column. See src/protocols/msgpack/README.md.
//
// reader_test.cc checks this reader against msgpack-cxx on random and edge-case documents (the
// differential test), and fuzz_msgpack_arc does it on every input the fuzzer makes.
//
// Strings, binaries and extensions are views into the input; arrays and maps give their element
// count, and their elements follow. Every read is bounds-checked: a truncated or malformed input is
// an error (false), never a read past the end.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ingot::protocols::msgpack {

enum class Type : std::uint8_t { kNil, kBool, kInt, kUint, kFloat, kStr, kBin, kArray, kMap, kExt };

struct Value {
  Type type = Type::kNil;
  bool b = false;            // kBool
  std::int64_t i = 0;        // kInt: every integer that fits in int64 (signed or unsigned encoding)
  std::uint64_t u = 0;       // kUint: unsigned integers above INT64_MAX only
  double d = 0;              // kFloat (float 32 widened)
  std::string_view bytes;    // kStr, kBin, kExt: the payload
  std::uint32_t count = 0;   // kArray: elements; kMap: key/value pairs (both follow)
  std::int8_t ext_type = 0;  // kExt
};

// The name of a type, for messages: "nil", "bool", "integer", "float", "string", ...
std::string_view TypeName(Type type);

class Reader {
 public:
  explicit Reader(std::string_view in) : Reader(in, 0) {}
  // Reads `in` from byte `start` on (offsets still count from the start of `in`).
  Reader(std::string_view in, std::size_t start)
      : begin_(in.data()), p_(in.data() + start), end_(in.data() + in.size()) {}

  // Reads the next value's header (the whole value for scalars, strings, binaries, extensions).
  // False when the input is truncated or holds the never-used byte 0xc1; error() says which.
  // Inline for what metrics are mostly made of (small integers, short strings, doubles).
  bool Read(Value& v) {
    if (p_ != end_) {
      const auto tag = static_cast<std::uint8_t>(*p_);
      if (tag <= 0x7f) {
        ++p_;
        v.type = Type::kInt;
        v.i = tag;
        return true;
      }
      const std::size_t left = remaining() - 1;
      if ((tag & 0xe0) == 0xa0 && std::size_t{tag & 0x1fu} <= left) {
        v.type = Type::kStr;
        v.bytes = std::string_view(p_ + 1, tag & 0x1fu);
        p_ += 1 + v.bytes.size();
        return true;
      }
      if (tag == 0xcb && left >= 8) {
        v.type = Type::kFloat;
        v.d = std::bit_cast<double>(Big64(p_ + 1));
        p_ += 9;
        return true;
      }
      // uint 8/16/32/64 (0xcc-0xcf) and int 8/16/32/64 (0xd0-0xd3); uint64 above INT64_MAX is
      // kUint, left to ReadSlow.
      if (tag >= 0xcc && tag <= 0xd3 && left >= (std::size_t{1} << (tag & 3))) {
        const char* q = p_ + 1;
        std::uint64_t raw;
        switch (tag & 3) {
          case 0: raw = static_cast<std::uint8_t>(*q); break;
          case 1: raw = Big16(q); break;
          case 2: raw = Big32(q); break;
          default: raw = Big64(q); break;
        }
        if (tag >= 0xd0) {  // sign-extend from the width
          const int shift = 64 - 8 * (1 << (tag & 3));
          v.type = Type::kInt;
          v.i = static_cast<std::int64_t>(raw << shift) >> shift;
          p_ = q + (std::size_t{1} << (tag & 3));
          return true;
        }
        if (raw <= static_cast<std::uint64_t>(INT64_MAX)) {
          v.type = Type::kInt;
          v.i = static_cast<std::int64_t>(raw);
          p_ = q + (std::size_t{1} << (tag & 3));
          return true;
        }
      }
    }
    return ReadSlow(v);
  }
  // Skips `n` whole values (with everything nested in them).
  bool Skip(std::uint64_t n);

  bool at_end() const { return p_ == end_; }
  // Bytes read so far, from the start of the input the reader was made with.
  std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }
  // Where the input left to read starts (for a second reader over one value).
  const char* position() const { return p_; }
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
  // Why the last failed read failed: "truncated" or "invalid byte 0xc1".
  std::string_view error() const { return error_; }

 private:
  static std::uint16_t Big16(const char* p) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return __builtin_bswap16(v);
  }
  static std::uint32_t Big32(const char* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return __builtin_bswap32(v);
  }
  static std::uint64_t Big64(const char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return __builtin_bswap64(v);
  }
  bool ReadSlow(Value& v);
  bool Fail(std::string_view why) {
    error_ = why;
    return false;
  }
  // Takes `n` bytes into `out`; false when fewer remain.
  bool Take(std::size_t n, std::string_view& out);
  template <typename T>
  bool ReadBig(T& out);

  const char* begin_;
  const char* p_;
  const char* end_;
  std::string_view error_;
};

}  // namespace ingot::protocols::msgpack
