#include "protocols/loki/reference.h"

#include <string>

#include "protocols/loki/emitter.h"

namespace ingot::protocols::loki {

Status EmitReference(const logproto::PushRequest& request, StreamRecords& out) {
  Emitter emitter(out);
  for (int s = 0; s < request.streams_size(); ++s) {
    const logproto::StreamAdapter& stream = request.streams(s);
    INGOT_RETURN_IF_ERROR(emitter.BeginStreamText(stream.labels(), static_cast<std::size_t>(s)));
    for (const logproto::EntryAdapter& entry : stream.entries()) {
      emitter.BeginEntry(entry.timestamp().seconds(), entry.timestamp().nanos());
      emitter.AddLine(entry.line());
      for (const logproto::LabelPairAdapter& pair : entry.structured_metadata()) {
        emitter.AddMetadata(pair.name(), pair.value());
      }
      emitter.EndEntry();
    }
  }
  return Status::Ok();
}

Status DecodeReference(std::string_view message, StreamRecords& out) {
  logproto::PushRequest request;
  if (!request.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    return Status::InvalidInput("libprotobuf could not parse the PushRequest");
  }
  return EmitReference(request, out);
}

}  // namespace ingot::protocols::loki
