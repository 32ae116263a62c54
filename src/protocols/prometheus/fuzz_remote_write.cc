// Differential libFuzzer target for the remote_write decoder. The first input byte picks the
// message (even: 1.0 WriteRequest, odd: 2.0 Request), the rest is the body (after snappy). Our
// decoder must fail exactly when libprotobuf + the same mapping fails, and otherwise give the
// very same rows (differential.h).
#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "protocols/prometheus/differential.h"

// libprotobuf logs every string that is not UTF-8 as an error: silence it, it is what we test.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ingot::protocols::prometheus;
  if (size == 0) return 0;
  const Version version = data[0] % 2 == 0 ? Version::kV1 : Version::kV2;
  const std::string why =
      testing::Differ(version, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  if (!why.empty()) {
    std::fprintf(stderr, "%s\n", why.c_str());
    std::abort();
  }
  return 0;
}
