// OtlpGrpcServer: OTLP/gRPC (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc) on --grpc-addr.
// Serves the Export method of the three collector services
//
//   /opentelemetry.proto.collector.logs.v1.LogsService/Export
//   /opentelemetry.proto.collector.metrics.v1.MetricsService/Export
//   /opentelemetry.proto.collector.trace.v1.TraceService/Export
//
// through the same IngestFlow as HTTP: credentials from the `authorization` metadata, org from
// `organization` (default "default"), stream from `stream-name` (default "default"), admission
// against the memory budget, decoding on the gRPC thread that received the call, the WAL commit,
// and the answer from the WAL thread once the records are durable -- never OK before.
//
// The methods are registered as raw callback methods: the request arrives as the bytes gRPC read
// (a grpc::ByteBuffer) and goes to ingot's own decoder (protocols/otlp) without libprotobuf
// parsing it into messages first (README.md says why). They are bidi-streaming methods on the
// server side (a unary client cannot tell), so that credentials are checked from the metadata
// before the message is read, and gRPC's decompression is off: ingot decompresses the message
// itself, within --max-decoded-size and the memory budget.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/prometheus_text.h"
#include "common/status.h"
#include "ingest/ingest_flow.h"
#include "protocols/otlp/otlp.h"

namespace grpc {
class ByteBuffer;
class CallbackServerContext;
class Server;
template <class Request, class Response>
class ServerBidiReactor;
}  // namespace grpc

namespace ingot::grpc_server {

struct GrpcServerOptions {
  std::string address = "127.0.0.1:4317";  // host:port; port 0 = any free port
  // Largest request message as sent, compressed or not (--max-body-size): RESOURCE_EXHAUSTED.
  std::uint64_t max_message_bytes = 64 << 20;
  // Largest request message once decompressed (--max-decoded-size): RESOURCE_EXHAUSTED.
  std::uint64_t max_decoded_bytes = 256 << 20;
};

// Calls answered, by service and gRPC status code, for /metrics.
class GrpcStats final : public MetricsSection {
 public:
  static constexpr int kCodes = 17;  // grpc::StatusCode OK .. UNAUTHENTICATED
  void Count(protocols::otlp::Signal signal, int code) {
    counts_[static_cast<std::size_t>(signal)][static_cast<std::size_t>(code < kCodes ? code : 2)]
        .fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t count(protocols::otlp::Signal signal, int code) const {
    return counts_[static_cast<std::size_t>(signal)][static_cast<std::size_t>(code)].load();
  }
  void CountReceived(std::size_t bytes) { received_bytes_.fetch_add(bytes); }
  // Bytes of request messages read (as received): a call refused before reading adds nothing.
  std::uint64_t received_bytes() const { return received_bytes_.load(); }
  void RenderMetrics(std::string& out) const override;

 private:
  std::array<std::array<std::atomic<std::uint64_t>, kCodes>, 3> counts_{};
  std::atomic<std::uint64_t> received_bytes_{0};
};

class OtlpGrpcServer {
 public:
  // `flow` must outlive the server.
  OtlpGrpcServer(ingest::IngestFlow& flow, GrpcServerOptions options);
  ~OtlpGrpcServer();  // Stop()s
  OtlpGrpcServer(const OtlpGrpcServer&) = delete;
  OtlpGrpcServer& operator=(const OtlpGrpcServer&) = delete;

  // Binds and starts serving. Errors: kIoError when the address cannot be bound.
  Status Start();
  // The bound port (after Start).
  int port() const { return port_; }
  // Stops accepting calls and waits for those in flight to be answered (their WAL commits report
  // back); after `grace`, calls still open are cancelled. Call before the WAL closes.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(30));

  const GrpcStats& stats() const { return stats_; }

 private:
  class ExportReactor;
  class ExportService;

  // Runs the message of one Export call of `signal`, whose credentials were checked, through the
  // flow; answers through `reactor`, with `response` (both the call's) holding the answer.
  void Export(protocols::otlp::Signal signal, grpc::CallbackServerContext* ctx,
              grpc::ByteBuffer& request,
              grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* reactor,
              grpc::ByteBuffer* response);

  ingest::IngestFlow& flow_;
  const GrpcServerOptions options_;
  GrpcStats stats_;
  std::array<ingest::EndpointSpec, 3> specs_;
  std::array<std::unique_ptr<ExportService>, 3> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace ingot::grpc_server
