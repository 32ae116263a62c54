// Any bytes: no crash or out-of-bounds read (ASan), and the template is deterministic (whatever
// the reused buffer held before), holds no line break, and is at most one placeholder per input
// byte long.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fingerprint/fingerprint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using ingot::fingerprint::Fingerprinter;
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  Fingerprinter a, b;
  const std::string first(a.Template(message));
  if (first != b.Template(message)) std::abort();  // deterministic, whatever the buffer held
  if (first.find('\n') != std::string::npos || first.find('\r') != std::string::npos) std::abort();
  // Every input byte becomes at most one placeholder (7 bytes).
  if (first.size() > 7 * std::min(size, ingot::fingerprint::kMaxMessageBytes)) std::abort();
  (void)a.Template(first);  // the buffer now holds something else
  if (a.Template(message) != first) std::abort();
  (void)Fingerprinter::Hash(first);
  return 0;
}
