// libFuzzer target for the Arc MessagePack decoder, and differential for its reader: msgpack-cxx
// must accept exactly what the Reader accepts and read the same value from the same bytes
// (reference.h); the decoded batches must keep the invariants of every decoder.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/input_padding.h"
#include "protocols/fuzz_invariants.h"
#include "protocols/msgpack/arc.h"
#include "protocols/msgpack/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ingot::protocols::msgpack;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Canonical want = ReferenceDump(input);
  const Canonical got = ReaderDump(input);
  if (!want.too_deep && !got.too_deep &&
      (want.ok != got.ok || want.text != got.text || want.consumed != got.consumed)) {
    std::abort();
  }

  std::string padded(input);
  padded.append(ingot::kInputPadding, '\0');
  ingot::model::BuilderOptions options;
  options.now_us = 1'700'000'000'000'000;
  options.max_columns = 64;
  ingot::protocols::Decoded decoded(options);
  const ingot::Status st = DecodeArc(std::string_view(padded.data(), size), decoded);
  if (st.ok()) {
    decoded.Finish();
    ingot::protocols::CheckDecodedInvariants(decoded);
  } else if (st.message().empty()) {
    std::abort();  // a refusal always says why
  }
  return 0;
}
