// Protobuf wire format, read in place: tags, varints, fixed-width numbers, length-delimited
// fields, skipping of unknown fields (groups included) and UTF-8 checks of string fields.
//
// It accepts and rejects exactly what libprotobuf 3.21 does (the reference decoder the
// differential fuzzer compares against):
//   - a tag is a varint of at most 5 bytes, truncated to 32 bits; field number 0, wire types 6
//     and 7, and an end-group tag outside its group are errors;
//   - a varint has at most 10 bytes (bits past the 64th are ignored);
//   - a length has at most 5 bytes and must not run past the end of the enclosing message;
//   - messages (and groups) nest at most kMaxDepth deep below the request;
//   - a known field with an unexpected wire type is an unknown field (skipped, not an error).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace ingot::protocols::otlp::wire {

enum WireType : std::uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLen = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

constexpr std::uint32_t Tag(std::uint32_t field, WireType type) { return field << 3 | type; }

// Messages nest at most this deep below the top-level request (depth 0), as in libprotobuf.
inline constexpr int kMaxDepth = 100;

// What went wrong, for messages ("truncated varint"). kNone when nothing did.
enum class Error : std::uint8_t {
  kNone,
  kTruncated,
  kBadVarint,
  kBadTag,
  kBadWireType,
  kLengthPastEnd,
  kBadGroup,
  kTooDeep,
  kBadUtf8,
  kBadPacked,
};
const char* ErrorText(Error e);

// simdjson's validation of `s`, which does not start inside a character.
bool ValidUtf8Slow(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
// Most strings are short and ASCII: 8 bytes at a time here, inline, before paying simdjson's
// dispatch for the rest from the first word with a non-ASCII byte.
inline bool ValidUtf8(std::string_view s) {
  const char* p = s.data();
  const char* const end = p + s.size();
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::uint64_t word;
  for (; end - p >= 8; p += 8) {
    std::memcpy(&word, p, 8);
    if (word & kHigh) return ValidUtf8Slow(std::string_view(p, static_cast<std::size_t>(end - p)));
  }
  if (p == end) return true;
  bool ascii = true;
  if (s.size() >= 8) {
    // The last 8 bytes, overlapping bytes already found ASCII.
    std::memcpy(&word, end - 8, 8);
    ascii = !(word & kHigh);
  } else {
    for (const char* q = p; q < end; ++q) ascii &= static_cast<unsigned char>(*q) < 0x80;
  }
  return ascii || ValidUtf8Slow(std::string_view(p, static_cast<std::size_t>(end - p)));
}

// A cursor over the bytes of one message. Methods return false on malformed input; error() says
// why. After a failure the cursor is not to be used further.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool done() const { return p_ == end_; }
  Error error() const { return error_; }
  const char* position() const { return p_; }

  // Reads the next tag. Tag 0 (field number 0), wire types 6 and 7 are errors; an end-group tag is
  // returned as is (SkipField rejects it outside a group).
  bool ReadTag(std::uint32_t& tag) {
    if (p_ < end_ && static_cast<unsigned char>(*p_) < 0x80) {
      tag = static_cast<unsigned char>(*p_++);
    } else {
      std::uint64_t v;
      if (!ReadVarintSlow(v, 5)) return Fail(error_ == Error::kBadVarint ? Error::kBadTag : error_);
      tag = static_cast<std::uint32_t>(v);
    }
    if ((tag >> 3) == 0 || (tag & 7) > kFixed32) return Fail(Error::kBadTag);
    return true;
  }

  bool ReadVarint(std::uint64_t& v) {
    if (p_ < end_ && static_cast<unsigned char>(*p_) < 0x80) {
      v = static_cast<unsigned char>(*p_++);
      return true;
    }
    return ReadVarintSlow(v, 10);
  }
  bool ReadFixed64(std::uint64_t& v) {
    if (end_ - p_ < 8) return Fail(Error::kTruncated);
    std::memcpy(&v, p_, 8);  // little-endian target
    p_ += 8;
    return true;
  }
  bool ReadFixed32(std::uint32_t& v) {
    if (end_ - p_ < 4) return Fail(Error::kTruncated);
    std::memcpy(&v, p_, 4);
    p_ += 4;
    return true;
  }
  bool ReadDouble(double& v) {
    std::uint64_t bits;
    if (!ReadFixed64(bits)) return false;
    std::memcpy(&v, &bits, 8);
    return true;
  }
  // A length-delimited field's bytes.
  bool ReadBytes(std::string_view& v) {
    std::uint64_t n;
    if (p_ < end_ && static_cast<unsigned char>(*p_) < 0x80) {
      n = static_cast<unsigned char>(*p_++);
    } else if (!ReadVarintSlow(n, 5)) {
      return false;
    }
    if (n > static_cast<std::uint64_t>(end_ - p_)) return Fail(Error::kLengthPastEnd);
    v = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  // A string field: bytes that must be valid UTF-8 (libprotobuf checks proto3 strings).
  bool ReadString(std::string_view& v) {
    if (!ReadBytes(v)) return false;
    if (!ValidUtf8(v)) return Fail(Error::kBadUtf8);
    return true;
  }

  // Skips the value of a field whose tag was just read (an unknown field, or a known one with an
  // unexpected wire type). `depth` is the depth of the message being read; groups nest below it.
  bool SkipField(std::uint32_t tag, int depth);

  bool Fail(Error e) {
    error_ = e;
    return false;
  }

 private:
  bool ReadVarintSlow(std::uint64_t& v, int max_bytes);
  bool SkipGroup(std::uint32_t field, int depth);

  const char* p_;
  const char* end_;
  Error error_ = Error::kNone;
};

// Decodes a zigzag-encoded sint32 as libprotobuf does (the varint truncated to 32 bits first).
constexpr std::int32_t ZigZag32(std::uint64_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  return static_cast<std::int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

// The schema of a message, for Validate: which fields are strings, nested messages or packed
// numbers. Fields not listed (or listed with another wire type) are unknown and only skipped.
enum class Kind : std::uint8_t {
  kVarint,
  kFixed64,
  kFixed32,
  kString,
  kBytes,
  kMessage,
  kRepeatedVarint,   // wire type 0, or packed (2)
  kRepeatedFixed64,  // wire type 1, or packed (2)
};
struct MessageRule;
struct FieldRule {
  std::uint32_t number;
  Kind kind;
  const MessageRule* message = nullptr;  // kMessage
};
struct MessageRule {
  const FieldRule* fields;
  std::size_t count;
};

// Checks `bytes` as a message of schema `rule` at `depth` the way libprotobuf would parse it.
// Used for the parts of a request the decoder reads but does not map (a oneof member replaced by
// a later one), so that a request is malformed for ingot exactly when it is for libprotobuf.
bool Validate(std::string_view bytes, const MessageRule& rule, int depth, Error& error);

// Schemas of the OTLP messages that can be replaced in a oneof (with everything they contain).
extern const MessageRule kAnyValueRule;
extern const MessageRule kArrayValueRule;
extern const MessageRule kKeyValueListRule;
extern const MessageRule kGaugeRule;
extern const MessageRule kSumRule;
extern const MessageRule kHistogramRule;
extern const MessageRule kExponentialHistogramRule;
extern const MessageRule kSummaryRule;

}  // namespace ingot::protocols::otlp::wire
