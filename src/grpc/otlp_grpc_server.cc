#include "grpc/otlp_grpc_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/support/server_callback.h>

#include <climits>
#include <cstring>
#include <vector>

#include "api/otlp_http.h"
#include "api/prometheus_text.h"
#include "grpc/status_details.h"
#include "model/names.h"
#include "protocols/json/json_walker.h"

namespace ingot::grpc_server {

namespace otlp = protocols::otlp;

namespace {

constexpr const char* kMethods[] = {
    "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
    "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
};

constexpr const char* kCodeNames[GrpcStats::kCodes] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

// The first value of metadata `key` (gRPC lower-cases keys); empty when absent.
std::string_view Metadata(const grpc::CallbackServerContext* ctx, std::string_view key) {
  const auto& md = ctx->client_metadata();
  const auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return {};
  return std::string_view(it->second.data(), it->second.size());
}

// One Export call in the IngestFlow: owns a contiguous, padded copy of the request (the WAL
// writes it and the decoder reads it) and finishes the call's reactor with the answer.
class GrpcCall final : public api::IngestCall {
 public:
  GrpcCall(const model::BuilderOptions& options, grpc::ServerUnaryReactor* reactor,
           grpc::ByteBuffer* response, otlp::Signal signal, GrpcStats& stats)
      : IngestCall(options),
        reactor_(reactor),
        response_(response),
        signal_(signal),
        stats_(stats) {}

  // Copies the message's slices into one buffer with the decoders' padding after it.
  bool Flatten(const grpc::ByteBuffer& request) {
    std::vector<grpc::Slice> slices;
    if (!request.Dump(&slices).ok()) return false;
    std::size_t size = 0;
    for (const grpc::Slice& s : slices) size += s.size();
    body_ = std::make_unique_for_overwrite<char[]>(size + protocols::json::kPadding);
    char* p = body_.get();
    for (const grpc::Slice& s : slices) {
      std::memcpy(p, s.begin(), s.size());
      p += s.size();
    }
    std::memset(p, 0, protocols::json::kPadding);
    size_ = size;
    return true;
  }
  std::string_view body() const { return {body_.get(), size_}; }

  void Refuse(const api::Refusal& refusal) override {
    const grpc::Status status = GrpcStatusFor(refusal);
    stats_.Count(signal_, status.error_code());
    reactor_->Finish(status);
  }

  void Accept(std::chrono::steady_clock::time_point) override {
    const std::string bytes =
        otlp::EncodeExportResponseProtobuf(signal_, api::ExportResultOf(state));
    grpc::Slice slice(bytes);
    *response_ = grpc::ByteBuffer(&slice, 1);
    stats_.Count(signal_, grpc::StatusCode::OK);
    reactor_->Finish(grpc::Status::OK);
  }

 private:
  grpc::ServerUnaryReactor* const reactor_;  // valid until Finish
  grpc::ByteBuffer* const response_;         // valid until Finish
  const otlp::Signal signal_;
  GrpcStats& stats_;
  std::unique_ptr<char[]> body_;
  std::size_t size_ = 0;
};

}  // namespace

// One collector service with its Export method taking and answering raw bytes.
class OtlpGrpcServer::ExportService final : public grpc::Service {
 public:
  ExportService(OtlpGrpcServer& server, otlp::Signal signal) {
    AddMethod(new grpc::internal::RpcServiceMethod(kMethods[static_cast<int>(signal)],
                                                   grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
    MarkMethodRawCallback(
        0, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
               [&server, signal](grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
                                 grpc::ByteBuffer* response) {
                 return server.Export(signal, ctx, request, response);
               }));
  }
};

void GrpcStats::RenderMetrics(std::string& out) const {
  api::prometheus::Help(out, "ingot_grpc_requests_total", "counter",
                        "OTLP/gRPC Export calls answered, by service and gRPC status code.");
  for (otlp::Signal signal : {otlp::Signal::kLogs, otlp::Signal::kMetrics, otlp::Signal::kTraces}) {
    for (int code = 0; code < kCodes; ++code) {
      const std::uint64_t n = count(signal, code);
      if (n == 0 && code != 0) continue;
      api::prometheus::Sample(out, "ingot_grpc_requests_total",
                              api::prometheus::Label("service", api::OtlpSignalPath(signal)) + "," +
                                  api::prometheus::Label("code", kCodeNames[code]),
                              static_cast<double>(n));
    }
  }
}

OtlpGrpcServer::OtlpGrpcServer(api::IngestFlow& flow, GrpcServerOptions options)
    : flow_(flow), options_(std::move(options)) {
  for (otlp::Signal signal : {otlp::Signal::kLogs, otlp::Signal::kMetrics, otlp::Signal::kTraces}) {
    api::EndpointSpec& spec = specs_[static_cast<std::size_t>(signal)];
    spec.endpoint = api::OtlpGrpcEndpoint(signal);
    spec.protocol = api::OtlpProtocol(signal, api::OtlpEncoding::kProtobuf);
    spec.type = api::OtlpStreamType(signal);
    // The message gRPC read and our contiguous copy of it are not in the HTTP server's
    // accounting: charge them with the decode estimate.
    spec.transport_body_copies = 2;
    spec.decode = [signal](std::string_view body, api::RequestState& state) {
      return otlp::DecodeProtobuf(signal, body, state.decoded.Stream(state.header.stream),
                                  state.otlp);
    };
    services_[static_cast<std::size_t>(signal)] = std::make_unique<ExportService>(*this, signal);
  }
}

OtlpGrpcServer::~OtlpGrpcServer() { Stop(); }

Status OtlpGrpcServer::Start() {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.address, grpc::InsecureServerCredentials(), &port_);
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(std::min<std::uint64_t>(options_.max_message_bytes, INT_MAX)));
  for (auto& service : services_) builder.RegisterService(service.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return Status::IoError("cannot listen for OTLP/gRPC on " + options_.address);
  }
  return Status::Ok();
}

void OtlpGrpcServer::Stop(std::chrono::milliseconds grace) {
  if (server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  server_.reset();
}

grpc::ServerUnaryReactor* OtlpGrpcServer::Export(otlp::Signal signal,
                                                 grpc::CallbackServerContext* ctx,
                                                 const grpc::ByteBuffer* request,
                                                 grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto call =
      std::make_shared<GrpcCall>(flow_.BuilderOptionsNow(), reactor, response, signal, stats_);
  const api::EndpointSpec& spec = specs_[static_cast<std::size_t>(signal)];
  if (!call->Flatten(*request)) {
    const auto started = std::chrono::steady_clock::now();
    call->Refuse({400, "the request message cannot be read", {}});
    flow_.CountRefusal(spec.endpoint, started);
    return reactor;
  }
  // Checked by the flow (model::StreamName), as for HTTP: INVALID_ARGUMENT when one cannot be
  // stored.
  std::string_view org = Metadata(ctx, "organization");
  if (org.empty()) org = "default";
  std::string_view stream = Metadata(ctx, "stream-name");
  if (stream.empty()) stream = "default";
  const std::string_view body = call->body();
  flow_.Run(spec, std::move(call), org, stream, Metadata(ctx, "authorization"), body);
  return reactor;
}

}  // namespace ingot::grpc_server
