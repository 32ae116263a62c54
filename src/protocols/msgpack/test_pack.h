// Test helper: MessagePack bodies written with msgpack-cxx's packer, padded as decoders require.
#pragma once

#include <cstdint>
#include <msgpack.hpp>
#include <string>
#include <string_view>

#include "protocols/json/test_body.h"

namespace ingot::protocols::msgpack {

class Pack {
 public:
  Pack() : packer_(buffer_) {}

  Pack& Map(std::uint32_t pairs) {
    packer_.pack_map(pairs);
    return *this;
  }
  Pack& Array(std::uint32_t n) {
    packer_.pack_array(n);
    return *this;
  }
  Pack& Str(std::string_view s) {
    packer_.pack_str(static_cast<std::uint32_t>(s.size()));
    packer_.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
    return *this;
  }
  Pack& Nil() {
    packer_.pack_nil();
    return *this;
  }
  // Any value msgpack-cxx packs: integers, doubles, floats, bools.
  template <typename T>
  Pack& V(const T& v) {
    packer_.pack(v);
    return *this;
  }
  Pack& Raw(std::string_view bytes) {
    buffer_.write(bytes.data(), bytes.size());
    return *this;
  }

  std::string bytes() const { return std::string(buffer_.data(), buffer_.size()); }

 private:
  ::msgpack::sbuffer buffer_;
  ::msgpack::packer<::msgpack::sbuffer> packer_;
};

// A body with kInputPadding zero bytes after it.
using Padded = json::PaddedBody;

}  // namespace ingot::protocols::msgpack
