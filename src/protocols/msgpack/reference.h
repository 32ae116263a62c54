// msgpack-cxx, the MessagePack library Debian ships, as the reference the hand-written Reader is
// compared with (reader_test.cc, fuzz_msgpack_arc): both read the first value of a document into
// the same canonical text, which must agree for every input, and so must the bytes they consume
// and whether they accept it at all. For tests, the fuzzer and the benchmark only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ingot::protocols::msgpack {

struct Canonical {
  bool ok = false;        // the first value is complete and well-formed
  bool too_deep = false;  // nested deeper than kMaxDumpDepth: not compared
  std::string text;       // the value, canonically (integers by value, floats by bits, ...)
  std::size_t consumed = 0;
};

inline constexpr int kMaxDumpDepth = 500;

// The first value of `in` as msgpack-cxx's unpack reads it.
Canonical ReferenceDump(std::string_view in);
// The same as Reader reads it.
Canonical ReaderDump(std::string_view in);

}  // namespace ingot::protocols::msgpack
