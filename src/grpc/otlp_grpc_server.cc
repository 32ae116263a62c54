#include "grpc/otlp_grpc_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/server_callback.h>

#include <climits>
#include <cstring>
#include <vector>

#include "common/input_padding.h"
#include "grpc/status_details.h"
#include "http/content_decoder.h"
#include "http/padded_buffer.h"
#include "model/names.h"
#include "protocols/registry.h"

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

// The compression a message arrived with. gRPC's own per-message decompression is switched off
// (it inflates a message whole, without a bound, before any size check): ingot decompresses
// within its limits and its memory budget instead. The algorithm is in the C message struct,
// reachable through the reader that ProtoBufferReader exposes to subclasses.
class MessageCompression final : public grpc::ProtoBufferReader {
 public:
  explicit MessageCompression(grpc::ByteBuffer* message) : ProtoBufferReader(message) {}
  grpc_compression_algorithm algorithm() {
    return reader()->buffer_in == nullptr ? GRPC_COMPRESS_NONE
                                          : reader()->buffer_in->data.raw.compression;
  }
};

// One decoder per gRPC thread, like one per HTTP I/O thread: its contexts are reused.
http::ContentDecoder& ThreadDecoder() {
  thread_local http::ContentDecoder decoder;
  return decoder;
}

// One Export call in the IngestFlow: owns a contiguous, padded copy of the request, decompressed
// (the WAL writes it and the decoder reads it), charged to the memory budget, and finishes the
// call's reactor with the answer.
class GrpcCall final : public ingest::IngestCall {
 public:
  using Reactor = grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>;

  GrpcCall(const model::BuilderOptions& options, Reactor* reactor, grpc::ByteBuffer* response,
           otlp::Signal signal, GrpcStats& stats, MemoryBudget* budget)
      : IngestCall(options),
        reactor_(reactor),
        response_(response),
        signal_(signal),
        stats_(stats) {
    wire_.set_budget(budget);
    body_.set_budget(budget);
  }

  // Copies the message's slices into one padded buffer, decompressing them if they arrived
  // compressed, within `max_decoded` bytes and what the memory budget (`budget`, may be null)
  // could ever hold. On failure, the refusal: 413 too large, 503 no memory now, 400 corrupt.
  std::optional<ingest::Refusal> Read(grpc::ByteBuffer& message, std::size_t max_decoded,
                                      const MemoryBudget* budget) {
    const grpc_compression_algorithm algorithm = MessageCompression(&message).algorithm();
    std::vector<grpc::Slice> slices;
    if (!message.Dump(&slices).ok()) {
      return ingest::Refusal{400, "the request message cannot be read", {}};
    }
    std::size_t size = 0;
    for (const grpc::Slice& s : slices) size += s.size();
    auto ceiling = [&](std::size_t held) {
      if (budget == nullptr) return max_decoded;
      return std::min(max_decoded,
                      http::PaddedBuffer::MaxSizeWithin(
                          budget->limit() - std::min<std::size_t>(held, budget->limit())));
    };
    const bool compressed = algorithm != GRPC_COMPRESS_NONE;
    http::PaddedBuffer& copy = compressed ? wire_ : body_;
    if (size > ceiling(0)) return TooLarge(size, budget);
    if (!copy.Reserve(size, size)) return NoMemory();
    for (const grpc::Slice& s : slices)
      copy.Append(reinterpret_cast<const char*>(s.begin()), s.size());
    message.Clear();  // gRPC's copy is not needed any more
    if (compressed) {
      const http::ContentEncoding encoding = algorithm == GRPC_COMPRESS_GZIP
                                                 ? http::ContentEncoding::kGzip
                                                 : http::ContentEncoding::kDeflate;
      const std::size_t limit = ceiling(wire_.allocated());
      const Status st = ThreadDecoder().Decode(encoding, wire_.view(), limit, body_);
      wire_.ShrinkTo(0);
      if (st.code() == StatusCode::kTooLarge) {
        return ingest::Refusal{413,
                               limit < max_decoded ? "the decompressed message is more than the "
                                                     "server's memory limit can hold"
                                                   : st.message(),
                               {}};
      }
      if (st.code() == StatusCode::kResourceExhausted) return NoMemory();
      if (!st.ok()) return ingest::Refusal{400, st.message(), {}};
    }
    body_.SealPadding();
    return std::nullopt;
  }
  std::string_view body() const { return body_.view(); }
  std::size_t held_bytes() const { return body_.allocated(); }

  void Refuse(const ingest::Refusal& refusal) override {
    const grpc::Status status = GrpcStatusFor(refusal);
    stats_.Count(signal_, status.error_code());
    reactor_->Finish(status);
  }

  void Accept(std::chrono::steady_clock::time_point) override {
    const std::string bytes = otlp::EncodeExportResponseProtobuf(
        signal_, otlp::ExportResultOf(state.outcome.otlp, state.decoded));
    grpc::Slice slice(bytes);
    *response_ = grpc::ByteBuffer(&slice, 1);
    stats_.Count(signal_, grpc::StatusCode::OK);
    reactor_->StartWriteAndFinish(response_, grpc::WriteOptions(), grpc::Status::OK);
  }

 private:
  static ingest::Refusal TooLarge(std::size_t size, const MemoryBudget* budget) {
    return ingest::Refusal{413,
                           "the request message of " + std::to_string(size) +
                               " bytes is more than the server's memory limit of " +
                               std::to_string(budget == nullptr ? 0 : budget->limit()) +
                               " bytes can hold",
                           {}};
  }
  static ingest::Refusal NoMemory() {
    return ingest::Refusal{503, "memory limit reached; retry later", {}};
  }

  Reactor* const reactor_;            // valid until Finish
  grpc::ByteBuffer* const response_;  // valid until Finish
  const otlp::Signal signal_;
  GrpcStats& stats_;
  http::PaddedBuffer wire_;  // the message as received, when compressed; freed once decoded
  http::PaddedBuffer body_;
};

}  // namespace

// One Export call. Registered as a bidi-streaming method (the wire protocol of a unary call is
// the same: one message each way), because gRPC runs a unary handler only once it has read the
// whole message, while a streaming reactor is created as soon as the call's metadata has
// arrived: credentials are checked first, and a client without them never gets its message read.
class OtlpGrpcServer::ExportReactor final
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  ExportReactor(OtlpGrpcServer& server, otlp::Signal signal, grpc::CallbackServerContext* ctx)
      : server_(server), signal_(signal), ctx_(ctx) {
    const std::optional<ingest::Refusal> denied =
        server_.flow_.CheckCredentials(Metadata(ctx, "authorization"), OrgOf(ctx), /*hec=*/false);
    if (denied) {
      const grpc::Status status = GrpcStatusFor(*denied);
      server_.stats_.Count(signal_, status.error_code());
      Finish(status);
      return;
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // no message: the client cancelled, or gRPC refused it (too large)
      server_.stats_.Count(signal_, grpc::StatusCode::CANCELLED);
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "no request message"));
      return;
    }
    server_.Export(signal_, ctx_, request_, this, &response_);
  }

  void OnDone() override { delete this; }

  // The org the call writes to, as the client named it: the `organization` metadata, "default"
  // when absent (the flow sanitizes and checks it).
  static std::string_view OrgOf(const grpc::CallbackServerContext* ctx) {
    const std::string_view org = Metadata(ctx, "organization");
    return org.empty() ? "default" : org;
  }

 private:
  OtlpGrpcServer& server_;
  const otlp::Signal signal_;
  grpc::CallbackServerContext* const ctx_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
};

// One collector service with its Export method taking and answering raw bytes.
class OtlpGrpcServer::ExportService final : public grpc::Service {
 public:
  ExportService(OtlpGrpcServer& server, otlp::Signal signal) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        kMethods[static_cast<int>(signal)], grpc::internal::RpcMethod::BIDI_STREAMING, nullptr));
    MarkMethodRawCallback(
        0, new grpc::internal::CallbackBidiHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
               [&server, signal](grpc::CallbackServerContext* ctx) {
                 return new ExportReactor(server, signal, ctx);
               }));
  }
};

void GrpcStats::RenderMetrics(std::string& out) const {
  prometheus::Help(out, "ingot_grpc_received_bytes_total", "counter",
                   "OTLP/gRPC request messages read, in bytes as received (compressed if so); "
                   "a call refused for its credentials is not read.");
  prometheus::Sample(out, "ingot_grpc_received_bytes_total", "",
                     static_cast<double>(received_bytes()));
  prometheus::Help(out, "ingot_grpc_requests_total", "counter",
                   "OTLP/gRPC Export calls answered, by service and gRPC status code.");
  for (otlp::Signal signal : {otlp::Signal::kLogs, otlp::Signal::kMetrics, otlp::Signal::kTraces}) {
    for (int code = 0; code < kCodes; ++code) {
      const std::uint64_t n = count(signal, code);
      if (n == 0 && code != 0) continue;
      prometheus::Sample(out, "ingot_grpc_requests_total",
                         prometheus::Label("service", otlp::SignalName(signal)) + "," +
                             prometheus::Label("code", kCodeNames[code]),
                         static_cast<double>(n));
    }
  }
}

OtlpGrpcServer::OtlpGrpcServer(ingest::IngestFlow& flow, GrpcServerOptions options)
    : flow_(flow), options_(std::move(options)) {
  for (otlp::Signal signal : {otlp::Signal::kLogs, otlp::Signal::kMetrics, otlp::Signal::kTraces}) {
    // OTLP/gRPC carries protobuf only: its registry entry decodes it, as for OTLP/HTTP.
    specs_[static_cast<std::size_t>(signal)] = {
        .endpoint = ingest::OtlpGrpcEndpoint(signal),
        .protocol = &protocols::OtlpProtocol(signal, otlp::Encoding::kProtobuf)};
    services_[static_cast<std::size_t>(signal)] = std::make_unique<ExportService>(*this, signal);
  }
}

OtlpGrpcServer::~OtlpGrpcServer() { Stop(); }

Status OtlpGrpcServer::Start() {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.address, grpc::InsecureServerCredentials(), &port_);
  // With gRPC's decompression off, this bounds the message as sent; Export bounds it decoded.
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(std::min<std::uint64_t>(options_.max_message_bytes, INT_MAX)));
  builder.AddChannelArgument(GRPC_ARG_ENABLE_PER_MESSAGE_DECOMPRESSION, 0);
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

void OtlpGrpcServer::Export(otlp::Signal signal, grpc::CallbackServerContext* ctx,
                            grpc::ByteBuffer& request,
                            grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* reactor,
                            grpc::ByteBuffer* response) {
  auto call = std::make_shared<GrpcCall>(flow_.BuilderOptionsNow(), reactor, response, signal,
                                         stats_, flow_.options().memory_budget);
  const ingest::EndpointSpec& spec = specs_[static_cast<std::size_t>(signal)];
  stats_.CountReceived(request.Length());
  if (std::optional<ingest::Refusal> refusal =
          call->Read(request, options_.max_decoded_bytes, flow_.options().memory_budget)) {
    const auto started = std::chrono::steady_clock::now();
    call->Refuse(*refusal);
    flow_.CountRefusal(spec.endpoint, started);
    return;
  }
  // Checked by the flow (model::StreamName), as for HTTP: INVALID_ARGUMENT when one cannot be
  // stored.
  const std::string_view org = ExportReactor::OrgOf(ctx);
  std::string_view stream = Metadata(ctx, "stream-name");
  if (stream.empty()) stream = "default";
  const std::string_view body = call->body();
  const std::size_t held = call->held_bytes();
  // Credentials were checked before the message was read (ExportReactor).
  flow_.Run(spec, std::move(call), org, stream, body, held);
}

}  // namespace ingot::grpc_server
