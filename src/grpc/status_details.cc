#include "grpc/status_details.h"

namespace ingot::grpc_server {

namespace {

constexpr std::string_view kRetryInfoType = "type.googleapis.com/google.rpc.RetryInfo";

void PutVarint(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Field `field` of wire type 2 (length-delimited) holding `bytes`.
void PutBytes(int field, std::string_view bytes, std::string& out) {
  PutVarint(static_cast<std::uint64_t>(field) << 3 | 2, out);
  PutVarint(bytes.size(), out);
  out.append(bytes);
}

// Field `field` of wire type 0 (varint); int32 negatives take ten bytes, as protobuf says.
void PutInt(int field, std::int64_t v, std::string& out) {
  PutVarint(static_cast<std::uint64_t>(field) << 3, out);
  PutVarint(static_cast<std::uint64_t>(v), out);
}

}  // namespace

std::string EncodeRetryStatusDetails(int code, std::string_view message,
                                     std::int64_t retry_seconds) {
  std::string duration;  // google.protobuf.Duration {seconds = 1}
  PutInt(1, retry_seconds, duration);
  std::string retry_info;  // google.rpc.RetryInfo {retry_delay = 1}
  PutBytes(1, duration, retry_info);
  std::string any;  // google.protobuf.Any {type_url = 1, value = 2}
  PutBytes(1, kRetryInfoType, any);
  PutBytes(2, retry_info, any);
  std::string status;  // google.rpc.Status {code = 1, message = 2, details = 3}
  if (code != 0) PutInt(1, code, status);
  if (!message.empty()) PutBytes(2, message, status);
  PutBytes(3, any, status);
  return status;
}

grpc::Status GrpcStatusFor(const ingest::Refusal& refusal) {
  const int code = ingest::GrpcCodeFor(refusal);
  if (!refusal.retryable()) {
    return grpc::Status(static_cast<grpc::StatusCode>(code), refusal.message);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(code), refusal.message,
                      EncodeRetryStatusDetails(code, refusal.message, 1));
}

}  // namespace ingot::grpc_server
