// Apart from otlp.cc on purpose: with this function in the decoders' translation unit, GCC inlined
// differently into DecodeProtobuf and the WireSource visitors (seen in their sizes). Keeping the
// unit as it was keeps the decoders' code as measured.
#include "protocols/otlp/otlp.h"

namespace ingot::protocols::otlp {

ExportResult ExportResultOf(const ExportResult& result, const Decoded& decoded) {
  ExportResult out = result;
  const auto failed = static_cast<std::int64_t>(decoded.failed());
  if (failed > out.rejected) {
    out.rejected = failed;
    if (out.error_message.empty()) {
      for (const auto& s : decoded.streams()) {
        if (s->failed > 0) {
          out.error_message = s->first_error;
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace ingot::protocols::otlp
