#include "http/connection.h"

#include <algorithm>
#include <array>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <exception>
#include <string>

#include "common/ascii.h"
#include "http/io_worker.h"
#include "http/server_context.h"

namespace ingot::http::internal {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using boost::system::error_code;

namespace {

// Header bytes and chunked bodies are read through the read buffer, in steps of this size.
// Content-Length bodies bypass it and are read straight into the body buffer in one async_read.
constexpr std::size_t kReadChunk = 64 * 1024;
// Response bodies larger than this are freed after the write instead of kept until the next one.
constexpr std::size_t kRetainedResponseBytes = 64 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

void AppendNumber(std::string& out, std::uint64_t n) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof(buf), n);
  out.append(buf, res.ptr);
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = AsciiLower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Appends `s` with %XX escapes decoded; a malformed escape is kept as is.
void AppendPercentDecoded(std::string_view s, std::string& out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = HexDigit(s[i + 1]);
      const int lo = HexDigit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
}

}  // namespace

Connection::Connection(ServerContext& server, IoWorker& worker, asio::ip::tcp::socket socket,
                       bool rejected)
    : server_(server),
      worker_(worker),
      gate_(worker.gate()),
      socket_(std::move(socket)),
      rejected_(rejected),
      read_buffer_(server.options.max_header_bytes + kReadChunk),
      stats_(&server.stats.unrouted) {
  // The arena holds the header and the percent-decoded path parameters (at most the target, which
  // is part of the header): twice the header limit fits a typical request without reallocating.
  head_.arena.reserve(2 * server.options.max_header_bytes + 64);
  head_.fields.reserve(32);
  headers_.reserve(32);
  wire_.set_budget(server.options.memory_budget);
  decoded_.set_budget(server.options.memory_budget);
}

Connection::~Connection() = default;

bool Connection::stop_requested() const {
  return stop_requested_ || server_.stopping.load(std::memory_order_acquire);
}

void Connection::Start() {
  worker_.Register(this);
  if (server_.stopping.load(std::memory_order_acquire)) {
    Close();
    return;
  }
  error_code ec;
  const auto peer = socket_->remote_endpoint(ec);
  if (!ec) {
    const std::string ip = peer.address().to_string();
    remote_address_ = peer.address().is_v6() ? "[" + ip + "]" : ip;
    remote_address_ += ':';
    remote_address_ += std::to_string(peer.port());
  }
  // The header timeout runs from accept: a client that connects and stays silent is exactly the
  // slow-header attack the timeout exists for.
  header_started_ = true;
  deadline_ = Clock::now() + server_.options.header_timeout;
  BeginRequest();
}

template <typename Handler>
MemoryBoundHandler<Connection::OpMemory, Handler> Connection::OpHandler(Handler h) {
  return BindMemory(op_memory_, std::move(h));
}

void Connection::BeginRequest() {
  state_ = State::kReadingHeader;
  head_.Clear();
  head_.version = 11;
  parser_.emplace(head_, server_.options.max_header_bytes);
  route_ = nullptr;
  stats_ = &server_.stats.unrouted;
  encoding_ = ContentEncoding::kIdentity;
  body_pending_ = false;
  keep_alive_ = false;
  is_head_ = false;
  ParseHeader();
}

void Connection::ParseHeader() {
  if (read_buffer_.size() > 0) {
    if (!header_started_) {
      header_started_ = true;
      deadline_ = Clock::now() + server_.options.header_timeout;
    }
    error_code ec;
    const std::size_t used = parser_->put(read_buffer_.data(), ec);
    read_buffer_.consume(used);
    if (!ec && parser_->is_header_done()) {
      OnHeader();
      return;
    }
    if (ec && ec != beast_http::error::need_more) {
      if (ec == beast_http::error::header_limit) {
        SendError(431, "request header exceeds " +
                           std::to_string(server_.options.max_header_bytes) + " bytes");
      } else {
        SendError(400, "malformed HTTP request: " + ec.message());
      }
      return;
    }
  }
  const std::size_t room = read_buffer_.max_size() - read_buffer_.size();
  socket_->async_read_some(read_buffer_.prepare(std::min(room, kReadChunk)),
                           OpHandler([self = shared_from_this()](error_code ec, std::size_t n) {
                             if (self->state_ == State::kClosed) return;
                             if (ec) {
                               self->Close();
                               return;
                             }
                             self->read_buffer_.commit(n);
                             self->ParseHeader();
                           }));
}

void Connection::OnHeader() {
  // Percent-decoded path parameters are appended to the arena below, while views into it are
  // live; they take at most the target's size, so make room now, before any view exists. (Beast
  // applies max_header_bytes to the request line and to the fields separately, so the arena can
  // outgrow the constructor's reservation; it then keeps the larger capacity.)
  head_.arena.reserve(head_.arena.size() + head_.target.size);
  request_ = Request{};
  request_.method = head_.view(head_.method);
  request_.target = head_.view(head_.target);
  const std::size_t question = request_.target.find('?');
  request_.path = request_.target.substr(0, question);
  if (question != std::string_view::npos) request_.query = request_.target.substr(question + 1);
  request_.version = head_.version;
  headers_.clear();
  for (const auto& [name, value] : head_.fields) {
    headers_.push_back(Header{head_.view(name), head_.view(value)});
  }
  request_.headers = headers_;
  request_.remote_address = remote_address_;
  request_.body = {};
  keep_alive_ = parser_->keep_alive();
  is_head_ = request_.method == "HEAD";
  const auto length = parser_->content_length();
  body_pending_ = parser_->chunked() || (length && *length > 0);

  if (rejected_) {
    stats_->requests.fetch_add(1, std::memory_order_relaxed);
    response_ = ErrorResponse(503, "too many open connections; retry later");
    response_.headers.emplace_back("Retry-After",
                                   std::to_string(server_.options.retry_after_seconds));
    Send(/*close=*/true);
    return;
  }

  const Router::Match match = server_.router.Find(request_.method, request_.path);
  if (match.outcome != Router::Outcome::kFound) {
    stats_->requests.fetch_add(1, std::memory_order_relaxed);
    if (match.outcome == Router::Outcome::kNotFound) {
      SendError(404, "no route for " + std::string(request_.path));
    } else {
      response_ = ErrorResponse(405, "method " + std::string(request_.method) +
                                         " is not allowed for " + std::string(request_.path));
      response_.headers.emplace_back("Allow", server_.router.AllowedMethods(request_.path));
      Send(!keep_alive_ || body_pending_ || stop_requested());
    }
    return;
  }
  route_ = match.route;
  stats_ = &route_->stats;
  stats_->requests.fetch_add(1, std::memory_order_relaxed);
  request_.route = route_->pattern;

  [[maybe_unused]] const std::size_t arena_capacity = head_.arena.capacity();
  for (std::size_t i = 0; i < match.value_count; ++i) {
    std::string_view value = match.values[i];
    if (value.find('%') != std::string_view::npos) {
      const std::size_t offset = head_.arena.size();
      AppendPercentDecoded(value, head_.arena);
      value = std::string_view(head_.arena).substr(offset);
    }
    params_[i] = PathParam{route_->param_names[i], value};
  }
  assert(head_.arena.capacity() == arena_capacity);  // views above would dangle otherwise
  request_.params = std::span<const PathParam>(params_.data(), match.value_count);
  if (route_->pre_body_check && AnsweredBeforeBody()) return;

  const std::string_view transfer = request_.header("transfer-encoding");
  if (!transfer.empty() && !EqualsIgnoreCase(TrimWhitespace(transfer), "chunked")) {
    SendError(501, "unsupported Transfer-Encoding \"" + std::string(transfer) + "\"");
    return;
  }
  const std::string_view coding = request_.header("content-encoding");
  const std::optional<ContentEncoding> encoding = ParseContentEncoding(coding);
  if (!encoding) {
    SendError(415, "unsupported Content-Encoding \"" + std::string(coding) +
                       "\"; use gzip, zstd or identity");
    return;
  }
  encoding_ = *encoding;
  if (length && *length > server_.options.max_body_bytes) {
    SendError(413, "request body of " + std::to_string(*length) + " bytes exceeds the limit of " +
                       std::to_string(server_.options.max_body_bytes) + " bytes");
    return;
  }
  if (length && *length > BudgetCeiling(0)) {
    SendError(413, "request body of " + std::to_string(*length) + " bytes is more than " +
                       MemoryLimitText());
    return;
  }
  StartBody();
}

std::size_t Connection::BudgetCeiling(std::size_t held) const {
  const MemoryBudget* budget = server_.options.memory_budget;
  if (budget == nullptr) return SIZE_MAX;
  return PaddedBuffer::MaxSizeWithin(budget->limit() > held ? budget->limit() - held : 0);
}

std::size_t Connection::MaxChunkedBytes() const {
  return std::min(server_.options.max_body_bytes, BudgetCeiling(0));
}

std::string Connection::MemoryLimitText() const {
  return "the server's memory limit of " + std::to_string(server_.options.memory_budget->limit()) +
         " bytes can hold; send smaller requests";
}

bool Connection::AnsweredBeforeBody() {
  std::optional<Response> answer;
  // Like a handler, a check must not unwind into Asio and kill the I/O thread.
  try {
    answer = route_->pre_body_check(request_);
  } catch (const std::exception& e) {
    answer = ErrorResponse(500, std::string("request check failed: ") + e.what());
  } catch (...) {
    answer = ErrorResponse(500, "request check failed");
  }
  if (!answer) return false;
  response_ = std::move(*answer);
  Send(!keep_alive_ || body_pending_ || stop_requested());
  return true;
}

void Connection::StartBody() {
  state_ = State::kReadingBody;
  deadline_ = Clock::now() + server_.options.body_timeout;
  if (!body_pending_) {
    wire_.Clear();
    decoded_.Clear();
    OnBody();
    return;
  }
  auto read_body = [this] {
    if (parser_->chunked()) {
      BodySink().Clear();
      parser_->SetBodySink(&BodySink(), MaxChunkedBytes());
      parser_->eager(true);
      ParseChunkedBody();
    } else {
      ReadFixedBody(static_cast<std::size_t>(*parser_->content_length()));
    }
  };
  // curl and most SDKs wait (up to a second) for "100 Continue" before sending a large body.
  const bool wants_continue =
      request_.version >= 11 && read_buffer_.size() == 0 &&
      EqualsIgnoreCase(TrimWhitespace(request_.header("expect")), "100-continue");
  if (!wants_continue) {
    read_body();
    return;
  }
  asio::async_write(*socket_, asio::buffer(kContinue),
                    OpHandler([self = shared_from_this(), read_body](error_code ec, std::size_t) {
                      if (self->state_ == State::kClosed) return;
                      if (ec) {
                        self->Close();
                        return;
                      }
                      read_body();
                    }));
}

void Connection::ReadFixedBody(std::size_t length) {
  PaddedBuffer& sink = BodySink();
  sink.Clear();
  if (!sink.Reserve(length, length)) {
    SendMemoryRefusal();
    return;
  }
  const std::size_t buffered = std::min(length, read_buffer_.size());
  sink.Append(static_cast<const char*>(read_buffer_.data().data()), buffered);
  read_buffer_.consume(buffered);
  if (buffered == length) {
    OnBody();
    return;
  }
  asio::async_read(*socket_, asio::buffer(sink.data() + buffered, length - buffered),
                   OpHandler([self = shared_from_this(), length](error_code ec, std::size_t) {
                     if (self->state_ == State::kClosed) return;
                     if (ec) {
                       self->Close();
                       return;
                     }
                     self->BodySink().Resize(length);
                     self->OnBody();
                   }));
}

void Connection::ParseChunkedBody() {
  if (read_buffer_.size() > 0) {
    error_code ec;
    const std::size_t used = parser_->put(read_buffer_.data(), ec);
    read_buffer_.consume(used);
    if (parser_->is_done()) {
      OnBody();
      return;
    }
    if (ec && ec != beast_http::error::need_more) {
      if (parser_->memory_refused()) {
        SendMemoryRefusal();
      } else if (parser_->body_too_large()) {
        SendError(413, MaxChunkedBytes() < server_.options.max_body_bytes
                           ? "chunked request body is more than " + MemoryLimitText()
                           : "chunked request body exceeds the limit of " +
                                 std::to_string(server_.options.max_body_bytes) + " bytes");
      } else {
        SendError(400, "malformed chunked body: " + ec.message());
      }
      return;
    }
  }
  const std::size_t room = read_buffer_.max_size() - read_buffer_.size();
  if (room == 0) {  // a chunk header longer than the whole read buffer
    SendError(400, "malformed chunked body: chunk header too long");
    return;
  }
  socket_->async_read_some(read_buffer_.prepare(std::min(room, kReadChunk)),
                           OpHandler([self = shared_from_this()](error_code ec, std::size_t n) {
                             if (self->state_ == State::kClosed) return;
                             if (ec) {
                               self->Close();
                               return;
                             }
                             self->read_buffer_.commit(n);
                             self->ParseChunkedBody();
                           }));
}

void Connection::OnBody() {
  body_pending_ = false;
  const std::size_t wire_bytes = BodySink().size();
  if (encoding_ == ContentEncoding::kIdentity && route_->options.sniff_compression) {
    if (const std::optional<ContentEncoding> sniffed = SniffCompression(decoded_.view())) {
      wire_.Swap(decoded_);  // the body was read as identity; decode it from wire_ like any other
      encoding_ = *sniffed;
    }
  }
  if (encoding_ != ContentEncoding::kIdentity) {
    // Next to the compressed body it came from, the decoded one can never be larger than what is
    // left of the budget: past that it is 413 as surely as past max_decoded_bytes.
    const std::size_t ceiling = BudgetCeiling(wire_.allocated());
    const std::size_t limit = std::min(server_.options.max_decoded_bytes, ceiling);
    const Status s = worker_.decoder().Decode(encoding_, wire_.view(), limit, decoded_);
    if (!s.ok()) {
      if (s.code() == StatusCode::kResourceExhausted) {
        SendMemoryRefusal();
      } else if (s.code() == StatusCode::kTooLarge) {
        SendError(413, limit < server_.options.max_decoded_bytes
                           ? "decompressed body is more than " + MemoryLimitText()
                           : s.message());
      } else {
        SendError(400, s.message());
      }
      return;
    }
  }
  decoded_.SealPadding();
  request_.body = std::string_view(decoded_.data(), decoded_.size());
  request_.wire_body_bytes = wire_bytes;
  request_.buffer_bytes = wire_.allocated() + decoded_.allocated();
  stats_->wire_bytes.fetch_add(wire_bytes, std::memory_order_relaxed);
  stats_->decoded_bytes.fetch_add(decoded_.size(), std::memory_order_relaxed);
  Dispatch();
}

ExchangePtr Connection::NewExchange() {
  // A handler may still hold an earlier request's (already answered) exchange; it is not reused
  // until released.
  Exchange* e = nullptr;
  for (Exchange& slot : exchanges_) {
    if (!slot.in_use_.load(std::memory_order_acquire)) {
      e = &slot;
      break;
    }
  }
  if (e == nullptr) e = new Exchange(/*heap=*/true);
  e->responded_.store(false, std::memory_order_relaxed);
  e->in_use_.store(true, std::memory_order_relaxed);
  e->conn_ = shared_from_this();
  return ExchangePtr(e);
}

void Connection::Dispatch() {
  state_ = State::kInHandler;
  deadline_ = Clock::time_point::max();  // the app owns the latency from here (WAL, budget)
  const ExchangePtr exchange = NewExchange();
  // The request boundary: an exception must not unwind into Asio and kill the I/O thread.
  try {
    route_->handler(exchange);
  } catch (const std::exception& e) {
    if (!exchange->responded_.exchange(true, std::memory_order_acq_rel)) {
      WriteResponse(ErrorResponse(500, std::string("handler failed: ") + e.what()));
    }
  } catch (...) {
    if (!exchange->responded_.exchange(true, std::memory_order_acq_rel)) {
      WriteResponse(ErrorResponse(500, "handler failed"));
    }
  }
}

void Connection::SubmitResponse(Response&& response) {
  if (IoWorker::Current() == &worker_) {
    WriteResponse(std::move(response));
    return;
  }
  pending_ = std::move(response);
  gate_->Post(BindMemory(post_memory_, [self = shared_from_this()] {
    self->WriteResponse(std::move(self->pending_));
  }));
}

void Connection::WriteResponse(Response&& response) {
  if (state_ != State::kInHandler) return;  // closed by Stop() while the handler worked
  response_ = std::move(response);
  Send(!keep_alive_ || stop_requested());
}

void Connection::SendMemoryRefusal() {
  server_.stats.memory_refusals.fetch_add(1, std::memory_order_relaxed);
  response_ = ErrorResponse(503, "memory limit reached; retry later");
  response_.headers.emplace_back("Retry-After",
                                 std::to_string(server_.options.retry_after_seconds));
  Send(!keep_alive_ || body_pending_ || stop_requested());
}

void Connection::SendError(int status, std::string_view message) {
  response_ = ErrorResponse(status, message);
  // An unread body would be parsed as the next request, so the connection ends after the answer.
  Send(!keep_alive_ || body_pending_ || stop_requested());
}

void Connection::Send(bool close) {
  const Response& r = response_;
  const int status = (r.status >= 200 && r.status <= 599) ? r.status : 500;
  const bool bodiless = status == 204 || status == 304;
  const bool send_body = !bodiless && !is_head_;
  std::string& h = response_head_;
  h.clear();
  h += "HTTP/1.1 ";
  AppendNumber(h, static_cast<std::uint64_t>(status));
  h += ' ';
  h += ReasonPhrase(status);
  h += "\r\nDate: ";
  h += worker_.HttpDate();
  h += "\r\n";
  if (!bodiless) {
    if (!r.content_type.empty() && !HasLineBreak(r.content_type)) {
      h += "Content-Type: ";
      h += r.content_type;
      h += "\r\n";
    }
    h += "Content-Length: ";
    AppendNumber(h, r.body.size());
    h += "\r\n";
  }
  for (const auto& [name, value] : r.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) continue;
    h += name;
    h += ": ";
    h += value;
    h += "\r\n";
  }
  if (close) {
    h += "Connection: close\r\n";
  } else if (request_.version == 10) {
    h += "Connection: keep-alive\r\n";
  }
  h += "\r\n";
  stats_->CountResponse(status, send_body ? r.body.size() : 0);

  state_ = State::kWriting;
  deadline_ = Clock::now() + server_.options.write_timeout;
  close_after_write_ = close;
  // Head and body in one gathered write (one writev): no copy of the body, no second segment
  // for Nagle or delayed ACK to hold back.
  const std::array<asio::const_buffer, 2> buffers{
      asio::buffer(h), send_body ? asio::buffer(r.body) : asio::const_buffer()};
  asio::async_write(*socket_, buffers,
                    OpHandler([self = shared_from_this()](error_code ec, std::size_t) {
                      if (self->state_ == State::kClosed) return;
                      if (ec) {
                        self->Close();
                        return;
                      }
                      self->OnWritten();
                    }));
}

void Connection::OnWritten() {
  if (response_.body.capacity() > kRetainedResponseBytes) std::string().swap(response_.body);
  if (close_after_write_) {
    if (body_pending_ || read_buffer_.size() > 0) {
      Linger();
    } else {
      error_code ignored;
      socket_->shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
      Close();
    }
    return;
  }
  wire_.ShrinkTo(server_.options.retained_buffer_bytes);
  decoded_.ShrinkTo(server_.options.retained_buffer_bytes);
  header_started_ = read_buffer_.size() > 0;  // a pipelined request is already here
  deadline_ = Clock::now() +
              (header_started_ ? server_.options.header_timeout : server_.options.idle_timeout);
  BeginRequest();
}

// Closing a socket that still has unread input makes the kernel send a reset, which can destroy
// our answer in the client's receive queue before the client reads it. So: half-close, discard
// what the client keeps sending for a short while, then close (RFC 9112 §9.6).
void Connection::Linger() {
  state_ = State::kLingering;
  deadline_ = Clock::now() + server_.options.linger_timeout;
  error_code ignored;
  socket_->shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  read_buffer_.clear();
  Drain();
}

void Connection::Drain() {
  socket_->async_read_some(read_buffer_.prepare(kReadChunk),
                           OpHandler([self = shared_from_this()](error_code ec, std::size_t) {
                             if (self->state_ == State::kClosed) return;
                             if (ec) {
                               self->Close();
                               return;
                             }
                             self->read_buffer_.clear();
                             self->Drain();
                           }));
}

void Connection::CheckDeadline(Clock::time_point now) {
  if (state_ == State::kClosed || now < deadline_) return;
  const bool waiting_idle = state_ == State::kReadingHeader && !header_started_;
  if (!waiting_idle && state_ != State::kLingering) {
    server_.stats.connections_timed_out.fetch_add(1, std::memory_order_relaxed);
  }
  Close();
}

void Connection::BeginStop() {
  stop_requested_ = true;
  const bool between_requests = state_ == State::kReadingHeader && read_buffer_.size() == 0 &&
                                (!parser_ || !parser_->got_some());
  if (between_requests) Close();
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  error_code ignored;
  socket_->close(ignored);
  // Destroyed here, on the worker's thread: the connection may outlive the io_context (an
  // exchange held by the app keeps it), and a socket must not.
  socket_.reset();
  worker_.Unregister(this);
  worker_.load.fetch_sub(1, std::memory_order_relaxed);
  server_.OnConnectionClosed(rejected_);
}

}  // namespace ingot::http::internal
