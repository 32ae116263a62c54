#include "protocols/msgpack/reader.h"

#include <bit>
#include <cstring>
#include <limits>
#include <type_traits>

namespace ingot::protocols::msgpack {

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kNil: return "nil";
    case Type::kBool: return "bool";
    case Type::kInt:
    case Type::kUint: return "integer";
    case Type::kFloat: return "float";
    case Type::kStr: return "string";
    case Type::kBin: return "binary";
    case Type::kArray: return "array";
    case Type::kMap: return "map";
    case Type::kExt: return "extension";
  }
  return "?";
}

bool Reader::Take(std::size_t n, std::string_view& out) {
  if (n > remaining()) return Fail("truncated");
  out = std::string_view(p_, n);
  p_ += n;
  return true;
}

template <typename T>
bool Reader::ReadBig(T& out) {
  if (remaining() < sizeof(T)) return Fail("truncated");
  using U = std::make_unsigned_t<T>;
  U v;
  std::memcpy(&v, p_, sizeof(T));
  p_ += sizeof(T);
  static_assert(std::endian::native == std::endian::little);
  if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
  if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
  if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
  out = static_cast<T>(v);
  return true;
}

bool Reader::ReadSlow(Value& v) {
  if (p_ == end_) return Fail("truncated");
  const auto tag = static_cast<std::uint8_t>(*p_++);
  if (tag <= 0x7f) {
    v.type = Type::kInt;
    v.i = tag;
    return true;
  }
  if (tag >= 0xe0) {
    v.type = Type::kInt;
    v.i = static_cast<std::int8_t>(tag);
    return true;
  }
  // Element counts are checked against the bytes left (each element takes at least one), so a
  // forged count fails here rather than after billions of reads.
  auto container = [&](Type type, std::uint32_t count) {
    v.type = type;
    v.count = count;
    const std::uint64_t need = type == Type::kMap ? 2 * std::uint64_t{count} : count;
    return need <= remaining() || Fail("truncated");
  };
  if (tag <= 0x8f) return container(Type::kMap, tag & 0x0f);
  if (tag <= 0x9f) return container(Type::kArray, tag & 0x0f);
  if (tag <= 0xbf) {
    v.type = Type::kStr;
    return Take(tag & 0x1f, v.bytes);
  }
  auto sized = [&](Type type, auto length_type) {
    decltype(length_type) n;
    if (!ReadBig(n)) return false;
    v.type = type;
    return Take(n, v.bytes);
  };
  auto ext = [&](std::size_t n) {
    std::uint8_t t;
    if (!ReadBig(t)) return false;
    v.type = Type::kExt;
    v.ext_type = static_cast<std::int8_t>(t);
    return Take(n, v.bytes);
  };
  auto sized_ext = [&](auto length_type) {
    decltype(length_type) n;
    return ReadBig(n) && ext(n);
  };
  auto integer = [&](auto raw) {
    if (!ReadBig(raw)) return false;
    using T = decltype(raw);
    if constexpr (std::is_same_v<T, std::uint64_t>) {
      if (raw > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        v.type = Type::kUint;
        v.u = raw;
        return true;
      }
      v.type = Type::kInt;
      v.i = static_cast<std::int64_t>(raw);
      return true;
    } else {
      v.type = Type::kInt;
      v.i = static_cast<std::int64_t>(raw);  // sign- or zero-extended by its type
      return true;
    }
  };
  switch (tag) {
    case 0xc0: v.type = Type::kNil; return true;
    case 0xc1: return Fail("invalid byte 0xc1");
    case 0xc2:
    case 0xc3:
      v.type = Type::kBool;
      v.b = tag == 0xc3;
      return true;
    case 0xc4: return sized(Type::kBin, std::uint8_t{});
    case 0xc5: return sized(Type::kBin, std::uint16_t{});
    case 0xc6: return sized(Type::kBin, std::uint32_t{});
    case 0xc7: return sized_ext(std::uint8_t{});
    case 0xc8: return sized_ext(std::uint16_t{});
    case 0xc9: return sized_ext(std::uint32_t{});
    case 0xca: {
      std::uint32_t bits;
      if (!ReadBig(bits)) return false;
      v.type = Type::kFloat;
      v.d = std::bit_cast<float>(bits);
      return true;
    }
    case 0xcb: {
      std::uint64_t bits;
      if (!ReadBig(bits)) return false;
      v.type = Type::kFloat;
      v.d = std::bit_cast<double>(bits);
      return true;
    }
    case 0xcc: return integer(std::uint8_t{});
    case 0xcd: return integer(std::uint16_t{});
    case 0xce: return integer(std::uint32_t{});
    case 0xcf: return integer(std::uint64_t{});
    case 0xd0: return integer(std::int8_t{});
    case 0xd1: return integer(std::int16_t{});
    case 0xd2: return integer(std::int32_t{});
    case 0xd3: return integer(std::int64_t{});
    case 0xd4: return ext(1);
    case 0xd5: return ext(2);
    case 0xd6: return ext(4);
    case 0xd7: return ext(8);
    case 0xd8: return ext(16);
    case 0xd9: return sized(Type::kStr, std::uint8_t{});
    case 0xda: return sized(Type::kStr, std::uint16_t{});
    case 0xdb: return sized(Type::kStr, std::uint32_t{});
    case 0xdc: {
      std::uint16_t n;
      return ReadBig(n) && container(Type::kArray, n);
    }
    case 0xdd: {
      std::uint32_t n;
      return ReadBig(n) && container(Type::kArray, n);
    }
    case 0xde: {
      std::uint16_t n;
      return ReadBig(n) && container(Type::kMap, n);
    }
    case 0xdf: {
      std::uint32_t n;
      return ReadBig(n) && container(Type::kMap, n);
    }
    default: return Fail("invalid byte");  // unreachable: every byte is covered above
  }
}

bool Reader::Skip(std::uint64_t n) {
  Value v;
  while (n > 0) {
    if (n > remaining()) return Fail("truncated");
    if (!Read(v)) return false;
    --n;
    if (v.type == Type::kArray) n += v.count;
    if (v.type == Type::kMap) n += 2 * std::uint64_t{v.count};
  }
  return true;
}

}  // namespace ingot::protocols::msgpack
