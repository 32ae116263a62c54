// Connection: one accepted TCP connection and the requests it carries, one at a time.
//
// All state is touched only on the owning worker's thread, except SubmitResponse(), which any
// thread may call (through Exchange::Respond). The request cycle:
//
//   read header -> route, check encoding and limits -> read body (straight into a padded buffer)
//   -> decode -> handler -> ... -> response written with one gathered write -> next request
//
// Buffers (read buffer, header arena, wire body, decoded body, response head) belong to the
// connection and are reused by every request, so steady keep-alive traffic allocates nothing.
// Internal to src/http.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/handler_memory.h"
#include "http/content_decoder.h"
#include "http/exchange.h"
#include "http/padded_buffer.h"
#include "http/request.h"
#include "http/request_parser.h"
#include "http/response.h"
#include "http/router.h"

namespace ingot::http::internal {

class IoWorker;
class PostGate;
struct ServerContext;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Clock = std::chrono::steady_clock;

  // `rejected`: the server is over max_connections; this connection only answers 503.
  Connection(ServerContext& server, IoWorker& worker, boost::asio::ip::tcp::socket socket,
             bool rejected);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The rest runs on the worker's thread, except SubmitResponse.
  void Start();
  // Closes the connection when its current phase has overrun its deadline.
  void CheckDeadline(Clock::time_point now);
  // Server::Stop(): closes the connection if it is idle between requests; otherwise the request
  // in flight finishes and is answered with Connection: close.
  void BeginStop();
  // Closes the socket now and unregisters. The object lives on while an exchange holds it.
  void Close();

  const Request& request() const { return request_; }
  // Any thread. Delivers the handler's response to the worker's thread and writes it.
  void SubmitResponse(Response&& response);

  std::size_t registry_index() const { return registry_index_; }
  void set_registry_index(std::size_t i) { registry_index_ = i; }

 private:
  // Room for one operation (common/handler_memory.h): 512 bytes hold Asio's largest one here (a
  // composed async_write over a socket op with its type-erased executor).
  using OpMemory = HandlerMemory<512>;

  enum class State : unsigned char {
    kReadingHeader,
    kReadingBody,
    kInHandler,
    kWriting,
    kLingering,  // answered early; draining what the client still sends before closing
    kClosed,
  };

  void BeginRequest();
  void ParseHeader();
  void OnHeader();
  // The largest body the memory budget could ever hold next to the `held` bytes this request
  // already holds; SIZE_MAX without a budget. A body larger than that is 413, never 503: the
  // client must not retry it forever.
  std::size_t BudgetCeiling(std::size_t held) const;
  std::size_t MaxChunkedBytes() const;  // max_body_bytes, or the budget's ceiling when lower
  // "the server's memory limit of N bytes can hold; ...", for those 413s.
  std::string MemoryLimitText() const;
  // Runs the route's pre-body check; true when it answered (the body is left unread).
  bool AnsweredBeforeBody();
  void StartBody();
  void ReadFixedBody(std::size_t length);
  void ParseChunkedBody();
  void OnBody();
  void Dispatch();
  ExchangePtr NewExchange();
  void WriteResponse(Response&& response);
  // Writes response_. `close` adds Connection: close and ends the connection afterwards.
  void Send(bool close);
  void SendError(int status, std::string_view message);
  // 503 + Retry-After: the memory budget has no room for this body.
  void SendMemoryRefusal();
  void OnWritten();
  void Linger();
  void Drain();
  // Wraps a socket operation's completion handler so Asio allocates the operation in op_memory_.
  // Asio's per-thread recycling keeps only two blocks, so with many connections per thread
  // most operations would otherwise hit malloc (measured: ~0.45 allocations per request with 4
  // connections on 2 threads, 0 with this).
  template <typename Handler>
  MemoryBoundHandler<OpMemory, Handler> OpHandler(Handler h);
  PaddedBuffer& BodySink() { return encoding_ == ContentEncoding::kIdentity ? decoded_ : wire_; }
  bool stop_requested() const;

  ServerContext& server_;
  IoWorker& worker_;
  const std::shared_ptr<PostGate> gate_;
  std::optional<boost::asio::ip::tcp::socket> socket_;  // reset on Close
  const bool rejected_;
  std::size_t registry_index_ = 0;

  State state_ = State::kReadingHeader;
  Clock::time_point deadline_;
  bool header_started_ = false;  // bytes of the current request have arrived
  bool body_pending_ = false;    // the request has a body not yet read
  bool keep_alive_ = false;
  bool stop_requested_ = false;
  bool is_head_ = false;
  bool close_after_write_ = false;

  boost::beast::flat_buffer read_buffer_;
  RequestHead head_;
  std::optional<RequestParser> parser_;
  std::vector<Header> headers_;
  std::array<PathParam, Router::kMaxParams> params_;
  std::string remote_address_;
  const Router::Route* route_ = nullptr;
  RouteStats* stats_;
  ContentEncoding encoding_ = ContentEncoding::kIdentity;
  PaddedBuffer wire_;     // encoded bodies as received
  PaddedBuffer decoded_;  // identity bodies as received, encoded ones after decoding
  Request request_;

  // Two, used alternately: the WAL thread typically drops its reference just after Respond(),
  // which can be after the next request arrives; with one slot that request would allocate.
  Exchange exchanges_[2] = {Exchange(/*heap=*/false), Exchange(/*heap=*/false)};
  Response pending_;   // written by a foreign thread before its post, read by the worker after
  Response response_;  // being written
  std::string response_head_;
  OpMemory op_memory_;    // socket operations: at most one is pending at a time
  OpMemory post_memory_;  // the response posted by a foreign thread
};

}  // namespace ingot::http::internal
