#include "ingest/request_record.h"

#include <cstring>

#include "fingerprint/fingerprint.h"

namespace ingot::ingest {

namespace {

template <typename T>
void Put(std::string& out, T v) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));  // little-endian: the build targets x86-64
  out.append(bytes, sizeof(T));
}

void PutText(std::string& out, std::string_view text) {
  Put<std::uint16_t>(out, static_cast<std::uint16_t>(text.size()));
  out += text;
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  bool Get(T& v) {
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(&v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool GetText(std::string& text) {
    std::uint16_t n;
    if (!Get(n) || in_.size() < n) return false;
    text.assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  std::string_view rest() const { return in_; }

 private:
  std::string_view in_;
};

}  // namespace

std::string_view ProtocolEndpoint(protocols::Protocol protocol) {
  if (const protocols::ProtocolSpec* spec = protocols::FindProtocol(protocol)) {
    return spec->endpoint;
  }
  return protocol == protocols::Protocol::kAbort ? "(an abort record, not a request)" : "(unknown)";
}

void EncodeRequestHeader(const RequestHeader& h, std::string& out) {
  out.reserve(out.size() + 64 + h.org.size() + h.stream.size());  // one allocation, not several
  Put<std::uint8_t>(out, kRequestRecordVersion);
  Put<std::uint8_t>(out, static_cast<std::uint8_t>(h.protocol));
  Put<std::uint8_t>(out, static_cast<std::uint8_t>(h.type));
  Put<std::uint8_t>(out, h.variant);
  Put<std::uint32_t>(out, h.options.max_depth);
  Put<std::uint32_t>(out, h.options.max_columns);
  Put<std::int64_t>(out, h.options.now_us);
  Put<std::int64_t>(out, h.options.min_timestamp_us);
  Put<std::int64_t>(out, h.options.max_timestamp_us);
  Put<std::uint32_t>(out, h.options.max_fields);
  Put<std::uint64_t>(out, h.options.max_record_bytes);
  PutText(out, h.org);
  PutText(out, h.stream);
  // Version 3: whether records were fingerprinted, and where their message was, so that replay
  // stores the same columns whatever the flags are at the next start.
  Put<std::uint8_t>(out, h.options.fingerprint != nullptr ? 1 : 0);
  PutText(out, h.options.message_fields);
}

Status DecodeRequestRecord(std::string_view payload, RequestHeader& h, std::string_view& body) {
  Reader r(payload);
  std::uint8_t version, protocol, type, variant;
  if (!r.Get(version) || !r.Get(protocol) || !r.Get(type) || !r.Get(variant)) {
    return Status::InvalidInput("WAL record too short for its header");
  }
  if (version < 1 || version > kRequestRecordVersion) {
    return Status::InvalidInput("WAL record version " + std::to_string(version) +
                                " is not one this ingot reads");
  }
  if (protocol < 1 || protocol > protocols::kMaxProtocol || type > 2) {
    return Status::InvalidInput("WAL record names an unknown protocol or stream type");
  }
  h.protocol = static_cast<protocols::Protocol>(protocol);
  h.type = static_cast<model::StreamType>(type);
  h.variant = variant;
  h.options.max_fields = 0;
  h.options.max_record_bytes = 0;
  if (!r.Get(h.options.max_depth) || !r.Get(h.options.max_columns) || !r.Get(h.options.now_us) ||
      !r.Get(h.options.min_timestamp_us) || !r.Get(h.options.max_timestamp_us) ||
      (version >= 2 && (!r.Get(h.options.max_fields) || !r.Get(h.options.max_record_bytes))) ||
      !r.GetText(h.org) || !r.GetText(h.stream)) {
    return Status::InvalidInput("WAL record header is truncated");
  }
  h.options.fingerprint = nullptr;
  h.options.message_fields.clear();
  if (version >= 3) {
    std::uint8_t fingerprinted;
    if (!r.Get(fingerprinted) || !r.GetText(h.options.message_fields)) {
      return Status::InvalidInput("WAL record header is truncated");
    }
    if (fingerprinted != 0) h.options.fingerprint = &fingerprint::FingerprintMessage;
  }
  body = r.rest();
  return Status::Ok();
}

Status DecodeRequestBody(const RequestHeader& h, std::string_view body,
                         protocols::Decoded& decoded) {
  const protocols::ProtocolSpec* spec = protocols::FindProtocol(h.protocol);
  if (spec == nullptr) {
    return Status::InvalidInput(h.protocol == protocols::Protocol::kAbort
                                    ? "an abort record holds no request"
                                    : "WAL record names an unknown protocol");
  }
  // What the decoder reports besides rows only shapes the answer, which was given before.
  protocols::DecodeOutcome outcome;
  Status st = spec->decode(body, h.stream, h.variant, decoded, outcome);
  if (st.ok()) decoded.Finish();
  return st;
}

}  // namespace ingot::ingest
