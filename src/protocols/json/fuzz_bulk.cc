// libFuzzer target for the Elasticsearch `_bulk` decoder and its response writer.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/input_padding.h"
#include "protocols/fuzz_invariants.h"
#include "protocols/json/bulk.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string padded(reinterpret_cast<const char*>(data), size);
  padded.append(ingot::kInputPadding, '\0');
  ingot::model::BuilderOptions options;
  options.now_us = 1'700'000'000'000'000;
  options.max_columns = 64;
  ingot::protocols::Decoded decoded(options);
  ingot::protocols::json::BulkItems items;
  ingot::Status st = ingot::protocols::json::DecodeBulk(std::string_view(padded.data(), size),
                                                        "dflt", decoded, items);
  if (!st.ok() && st.code() != ingot::StatusCode::kInvalidInput) std::abort();
  decoded.Finish();
  ingot::protocols::CheckDecodedInvariants(decoded);
  if (st.ok()) {
    std::size_t created = 0;
    for (const auto& item : items.items()) created += item.status == 201;
    if (created != decoded.successful()) std::abort();  // every 201 is a stored record
    (void)items.Response(1);
  }
  return 0;
}
