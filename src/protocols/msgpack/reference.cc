#include "protocols/msgpack/reference.h"

#include <bit>
#include <cinttypes>
#include <cstdio>
#include <msgpack.hpp>

#include "protocols/msgpack/reader.h"

namespace ingot::protocols::msgpack {

namespace {

void Integer(bool negative, std::int64_t i, std::uint64_t u, std::string& out) {
  char buf[32];
  if (negative) {
    std::snprintf(buf, sizeof buf, "i%" PRId64, i);
  } else {
    std::snprintf(buf, sizeof buf, "i%" PRIu64, u);
  }
  out += buf;
}

void Float(double d, std::string& out) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "f%016" PRIx64, std::bit_cast<std::uint64_t>(d));
  out += buf;
}

void Bytes(char kind, std::string_view bytes, std::string& out) {
  out += kind;
  out += std::to_string(bytes.size());
  out += ':';
  out += bytes;
}

bool DumpObject(const ::msgpack::object& o, int depth, std::string& out) {
  if (depth > kMaxDumpDepth) return false;
  switch (o.type) {
    case ::msgpack::type::NIL: out += 'N'; break;
    case ::msgpack::type::BOOLEAN: out += o.via.boolean ? 'T' : 'F'; break;
    case ::msgpack::type::POSITIVE_INTEGER: Integer(false, 0, o.via.u64, out); break;
    case ::msgpack::type::NEGATIVE_INTEGER: Integer(true, o.via.i64, 0, out); break;
    case ::msgpack::type::FLOAT32:
    case ::msgpack::type::FLOAT64: Float(o.via.f64, out); break;
    case ::msgpack::type::STR: Bytes('s', {o.via.str.ptr, o.via.str.size}, out); break;
    case ::msgpack::type::BIN: Bytes('b', {o.via.bin.ptr, o.via.bin.size}, out); break;
    case ::msgpack::type::EXT:
      out += 'e' + std::to_string(o.via.ext.type());
      Bytes(',', {o.via.ext.data(), o.via.ext.size}, out);
      break;
    case ::msgpack::type::ARRAY:
      out += '[';
      for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
        if (!DumpObject(o.via.array.ptr[i], depth + 1, out)) return false;
        out += ',';
      }
      out += ']';
      break;
    case ::msgpack::type::MAP:
      out += '{';
      for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
        if (!DumpObject(o.via.map.ptr[i].key, depth + 1, out)) return false;
        out += ':';
        if (!DumpObject(o.via.map.ptr[i].val, depth + 1, out)) return false;
        out += ',';
      }
      out += '}';
      break;
  }
  return true;
}

// false: malformed (ok stays false) or too deep (sets too_deep).
bool DumpReader(Reader& r, int depth, Canonical& c) {
  if (depth > kMaxDumpDepth) {
    c.too_deep = true;
    return false;
  }
  Value v;
  if (!r.Read(v)) return false;
  std::string& out = c.text;
  switch (v.type) {
    case Type::kNil: out += 'N'; break;
    case Type::kBool: out += v.b ? 'T' : 'F'; break;
    case Type::kInt: Integer(v.i < 0, v.i, static_cast<std::uint64_t>(v.i), out); break;
    case Type::kUint: Integer(false, 0, v.u, out); break;
    case Type::kFloat: Float(v.d, out); break;
    case Type::kStr: Bytes('s', v.bytes, out); break;
    case Type::kBin: Bytes('b', v.bytes, out); break;
    case Type::kExt:
      out += 'e' + std::to_string(v.ext_type);
      Bytes(',', v.bytes, out);
      break;
    case Type::kArray:
      out += '[';
      for (std::uint32_t i = 0; i < v.count; ++i) {
        if (!DumpReader(r, depth + 1, c)) return false;
        out += ',';
      }
      out += ']';
      break;
    case Type::kMap:
      out += '{';
      for (std::uint32_t i = 0; i < v.count; ++i) {
        if (!DumpReader(r, depth + 1, c)) return false;
        out += ':';
        if (!DumpReader(r, depth + 1, c)) return false;
        out += ',';
      }
      out += '}';
      break;
  }
  return true;
}

}  // namespace

Canonical ReferenceDump(std::string_view in) {
  Canonical c;
  // Every element takes at least a byte: counts beyond the input are truncated documents (the
  // limit keeps msgpack-cxx from reserving room for billions of forged elements first).
  const auto n = static_cast<std::size_t>(in.size());
  const ::msgpack::unpack_limit limit(n, n, n, n, n, kMaxDumpDepth + 1);
  std::size_t offset = 0;
  try {
    ::msgpack::object_handle h =
        ::msgpack::unpack(in.data(), in.size(), offset, nullptr, nullptr, limit);
    if (!DumpObject(h.get(), 0, c.text)) {
      c.too_deep = true;
      return c;
    }
    c.ok = true;
    c.consumed = offset;
  } catch (const ::msgpack::depth_size_overflow&) {
    c.too_deep = true;
  } catch (const std::exception&) {
    // malformed or truncated: ok stays false
  }
  c.text = c.ok ? c.text : std::string();
  return c;
}

Canonical ReaderDump(std::string_view in) {
  Canonical c;
  Reader r(in);
  c.ok = DumpReader(r, 0, c);
  c.consumed = c.ok ? r.offset() : 0;
  if (!c.ok) c.text.clear();
  return c;
}

}  // namespace ingot::protocols::msgpack
