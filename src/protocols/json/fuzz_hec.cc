// libFuzzer target for the Splunk HEC decoder.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/input_padding.h"
#include "protocols/fuzz_invariants.h"
#include "protocols/json/hec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string padded(reinterpret_cast<const char*>(data), size);
  padded.append(ingot::kInputPadding, '\0');
  ingot::model::BuilderOptions options;
  options.now_us = 1'700'000'000'000'000;
  options.max_columns = 64;
  ingot::protocols::Decoded decoded(options);
  auto result =
      ingot::protocols::json::DecodeHec(std::string_view(padded.data(), size), "default", decoded);
  decoded.Finish();
  ingot::protocols::CheckDecodedInvariants(decoded);
  (void)result.ResponseBody();
  return 0;
}
