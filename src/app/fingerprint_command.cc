#include "app/fingerprint_command.h"

#include <cinttypes>
#include <string>

#include "fingerprint/fingerprint.h"

namespace ingot::app {

int RunFingerprint(std::FILE* in, std::FILE* out) {
  fingerprint::Fingerprinter fingerprinter;
  std::string line;
  char buffer[1 << 16];
  bool more = true;
  while (more) {
    line.clear();
    // A line of any length: read until its newline (or the end of the input).
    for (;;) {
      if (std::fgets(buffer, sizeof(buffer), in) == nullptr) {
        more = false;
        break;
      }
      line += buffer;
      if (!line.empty() && line.back() == '\n') break;
    }
    if (!more && line.empty()) break;
    if (!line.empty() && line.back() == '\n') line.pop_back();
    const std::string_view tmpl = fingerprinter.Template(line);
    std::fprintf(out, "%" PRId64 "\t%.*s\n", fingerprint::Fingerprinter::Hash(tmpl),
                 static_cast<int>(tmpl.size()), tmpl.data());
  }
  if (std::ferror(in)) {
    std::perror("ingot fingerprint: reading stdin");
    return 1;
  }
  return std::fflush(out) == 0 ? 0 : 1;
}

}  // namespace ingot::app
