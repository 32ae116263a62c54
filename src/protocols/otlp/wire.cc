#include "protocols/otlp/wire.h"

#include <simdjson.h>

namespace ingot::protocols::otlp::wire {

const char* ErrorText(Error e) {
  switch (e) {
    case Error::kNone: return "no error";
    case Error::kTruncated: return "the message ends in the middle of a field";
    case Error::kBadVarint: return "varint longer than 10 bytes";
    case Error::kBadTag: return "invalid field tag";
    case Error::kBadWireType: return "invalid wire type";
    case Error::kLengthPastEnd: return "field length runs past the end of its message";
    case Error::kBadGroup: return "unmatched end-group tag";
    case Error::kTooDeep: return "messages nested too deep";
    case Error::kBadUtf8: return "string field is not valid UTF-8";
    case Error::kBadPacked: return "malformed packed repeated field";
  }
  return "malformed protobuf";
}

bool ValidUtf8Slow(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

bool Reader::ReadVarintSlow(std::uint64_t& v, int max_bytes) {
  std::uint64_t result = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (p_ == end_) return Fail(Error::kTruncated);
    const auto byte = static_cast<unsigned char>(*p_++);
    if (i < 10) result |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      v = result;
      return true;
    }
  }
  return Fail(Error::kBadVarint);
}

bool Reader::SkipField(std::uint32_t tag, int depth) {
  switch (tag & 7) {
    case kVarint: {
      std::uint64_t v;
      return ReadVarint(v);
    }
    case kFixed64: {
      if (end_ - p_ < 8) return Fail(Error::kTruncated);
      p_ += 8;
      return true;
    }
    case kLen: {
      std::string_view v;
      return ReadBytes(v);
    }
    case kStartGroup: return SkipGroup(tag >> 3, depth + 1);
    case kEndGroup: return Fail(Error::kBadGroup);
    case kFixed32: {
      if (end_ - p_ < 4) return Fail(Error::kTruncated);
      p_ += 4;
      return true;
    }
    default: return Fail(Error::kBadWireType);
  }
}

bool Reader::SkipGroup(std::uint32_t field, int depth) {
  if (depth > kMaxDepth) return Fail(Error::kTooDeep);
  while (true) {
    if (p_ == end_) return Fail(Error::kTruncated);
    std::uint32_t tag;
    if (!ReadTag(tag)) return false;
    if ((tag & 7) == kEndGroup) {
      if ((tag >> 3) != field) return Fail(Error::kBadGroup);
      return true;
    }
    if (!SkipField(tag, depth)) return false;
  }
}

namespace {

const FieldRule* FindRule(const MessageRule& rule, std::uint32_t number) {
  for (std::size_t i = 0; i < rule.count; ++i) {
    if (rule.fields[i].number == number) return &rule.fields[i];
  }
  return nullptr;
}

// The wire type a field of `kind` is expected with (packable kinds also accept kLen).
WireType Expected(Kind kind) {
  switch (kind) {
    case Kind::kVarint:
    case Kind::kRepeatedVarint: return kVarint;
    case Kind::kFixed64:
    case Kind::kRepeatedFixed64: return kFixed64;
    case Kind::kFixed32: return kFixed32;
    default: return kLen;
  }
}

bool ValidatePackedVarints(std::string_view bytes) {
  Reader r(bytes);
  while (!r.done()) {
    std::uint64_t v;
    if (!r.ReadVarint(v)) return false;
  }
  return true;
}

}  // namespace

bool Validate(std::string_view bytes, const MessageRule& rule, int depth, Error& error) {
  if (depth > kMaxDepth) {
    error = Error::kTooDeep;
    return false;
  }
  Reader r(bytes);
  auto fail = [&](Error e) {
    error = e;
    return false;
  };
  while (!r.done()) {
    std::uint32_t tag;
    if (!r.ReadTag(tag)) return fail(r.error());
    const FieldRule* f = FindRule(rule, tag >> 3);
    const auto type = static_cast<WireType>(tag & 7);
    const bool packed = f && type == kLen &&
                        (f->kind == Kind::kRepeatedVarint || f->kind == Kind::kRepeatedFixed64);
    if (!f || (type != Expected(f->kind) && !packed)) {
      if (!r.SkipField(tag, depth)) return fail(r.error());
      continue;
    }
    if (type != kLen) {
      if (!r.SkipField(tag, depth)) return fail(r.error());
      continue;
    }
    std::string_view v;
    if (!r.ReadBytes(v)) return fail(r.error());
    switch (f->kind) {
      case Kind::kString:
        if (!ValidUtf8(v)) return fail(Error::kBadUtf8);
        break;
      case Kind::kMessage:
        if (!Validate(v, *f->message, depth + 1, error)) return false;
        break;
      case Kind::kRepeatedVarint:
        if (!ValidatePackedVarints(v)) return fail(Error::kBadPacked);
        break;
      case Kind::kRepeatedFixed64:
        if (v.size() % 8 != 0) return fail(Error::kBadPacked);
        break;
      default: break;
    }
  }
  return true;
}

// Schemas (field numbers from the OTLP .proto files in proto/).
extern const MessageRule kKeyValueRule;
extern const MessageRule kNumberDataPointRule;
extern const MessageRule kHistogramDataPointRule;
extern const MessageRule kExponentialHistogramDataPointRule;
extern const MessageRule kBucketsRule;
extern const MessageRule kSummaryDataPointRule;
extern const MessageRule kValueAtQuantileRule;
extern const MessageRule kExemplarRule;

namespace {
using K = Kind;

template <std::size_t N>
constexpr MessageRule Rule(const FieldRule (&fields)[N]) {
  return MessageRule{fields, N};
}

const FieldRule kAnyValueFields[] = {
    {1, K::kString},
    {2, K::kVarint},
    {3, K::kVarint},
    {4, K::kFixed64},
    {5, K::kMessage, &kArrayValueRule},
    {6, K::kMessage, &kKeyValueListRule},
    {7, K::kBytes},
    {8, K::kVarint},
};
const FieldRule kArrayValueFields[] = {{1, K::kMessage, &kAnyValueRule}};
const FieldRule kKeyValueListFields[] = {{1, K::kMessage, &kKeyValueRule}};
const FieldRule kKeyValueFields[] = {
    {1, K::kString}, {2, K::kMessage, &kAnyValueRule}, {3, K::kVarint}};
const FieldRule kExemplarFields[] = {
    {7, K::kMessage, &kKeyValueRule},
    {2, K::kFixed64},
    {3, K::kFixed64},
    {6, K::kFixed64},
    {4, K::kBytes},
    {5, K::kBytes},
};
const FieldRule kNumberDataPointFields[] = {
    {7, K::kMessage, &kKeyValueRule},
    {2, K::kFixed64},
    {3, K::kFixed64},
    {4, K::kFixed64},
    {6, K::kFixed64},
    {5, K::kMessage, &kExemplarRule},
    {8, K::kVarint},
};
const FieldRule kHistogramDataPointFields[] = {
    {9, K::kMessage, &kKeyValueRule},
    {2, K::kFixed64},
    {3, K::kFixed64},
    {4, K::kFixed64},
    {5, K::kFixed64},
    {6, K::kRepeatedFixed64},
    {7, K::kRepeatedFixed64},
    {8, K::kMessage, &kExemplarRule},
    {10, K::kVarint},
    {11, K::kFixed64},
    {12, K::kFixed64},
};
const FieldRule kBucketsFields[] = {{1, K::kVarint}, {2, K::kRepeatedVarint}};
const FieldRule kExponentialHistogramDataPointFields[] = {
    {1, K::kMessage, &kKeyValueRule},
    {2, K::kFixed64},
    {3, K::kFixed64},
    {4, K::kFixed64},
    {5, K::kFixed64},
    {6, K::kVarint},
    {7, K::kFixed64},
    {8, K::kMessage, &kBucketsRule},
    {9, K::kMessage, &kBucketsRule},
    {10, K::kVarint},
    {11, K::kMessage, &kExemplarRule},
    {12, K::kFixed64},
    {13, K::kFixed64},
    {14, K::kFixed64},
};
const FieldRule kValueAtQuantileFields[] = {{1, K::kFixed64}, {2, K::kFixed64}};
const FieldRule kSummaryDataPointFields[] = {
    {7, K::kMessage, &kKeyValueRule},
    {2, K::kFixed64},
    {3, K::kFixed64},
    {4, K::kFixed64},
    {5, K::kFixed64},
    {6, K::kMessage, &kValueAtQuantileRule},
    {8, K::kVarint},
};
const FieldRule kGaugeFields[] = {{1, K::kMessage, &kNumberDataPointRule}};
const FieldRule kSumFields[] = {
    {1, K::kMessage, &kNumberDataPointRule}, {2, K::kVarint}, {3, K::kVarint}};
const FieldRule kHistogramFields[] = {{1, K::kMessage, &kHistogramDataPointRule}, {2, K::kVarint}};
const FieldRule kExponentialHistogramFields[] = {
    {1, K::kMessage, &kExponentialHistogramDataPointRule}, {2, K::kVarint}};
const FieldRule kSummaryFields[] = {{1, K::kMessage, &kSummaryDataPointRule}};
}  // namespace

const MessageRule kAnyValueRule = Rule(kAnyValueFields);
const MessageRule kArrayValueRule = Rule(kArrayValueFields);
const MessageRule kKeyValueListRule = Rule(kKeyValueListFields);
const MessageRule kKeyValueRule = Rule(kKeyValueFields);
const MessageRule kNumberDataPointRule = Rule(kNumberDataPointFields);
const MessageRule kHistogramDataPointRule = Rule(kHistogramDataPointFields);
const MessageRule kExponentialHistogramDataPointRule = Rule(kExponentialHistogramDataPointFields);
const MessageRule kBucketsRule = Rule(kBucketsFields);
const MessageRule kSummaryDataPointRule = Rule(kSummaryDataPointFields);
const MessageRule kValueAtQuantileRule = Rule(kValueAtQuantileFields);
const MessageRule kExemplarRule = Rule(kExemplarFields);
const MessageRule kGaugeRule = Rule(kGaugeFields);
const MessageRule kSumRule = Rule(kSumFields);
const MessageRule kHistogramRule = Rule(kHistogramFields);
const MessageRule kExponentialHistogramRule = Rule(kExponentialHistogramFields);
const MessageRule kSummaryRule = Rule(kSummaryFields);

}  // namespace ingot::protocols::otlp::wire
