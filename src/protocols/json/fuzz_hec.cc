// libFuzzer target for the Splunk HEC decoder.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocols/json/hec.h"
#include "protocols/json/json_walker.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string padded(reinterpret_cast<const char*>(data), size);
  padded.append(ingot::protocols::json::kPadding, '\0');
  ingot::model::BuilderOptions options;
  options.now_us = 1'700'000'000'000'000;
  options.max_columns = 64;
  ingot::protocols::Decoded decoded(options);
  auto result =
      ingot::protocols::json::DecodeHec(std::string_view(padded.data(), size), "default", decoded);
  decoded.Finish();
  for (const auto& s : decoded.streams()) {
    const auto& batch = s->builder.batch();
    for (std::size_t c = 0; c < batch.num_columns(); ++c) {
      if (batch.column(c).rows() != batch.num_rows()) std::abort();
    }
  }
  (void)result.ResponseBody();
  return 0;
}
