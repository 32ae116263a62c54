#include "tools/load/client.h"

#include <fmt/format.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <cerrno>
#include <cmath>
#include <iterator>

namespace ingot::load::internal {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

constexpr Clock::duration kFirstBackoff = 50ms;
constexpr Clock::duration kMaxBackoff = 1s;
constexpr Clock::duration kSweepInterval = 50ms;
constexpr int kMaxRetryAfterSeconds = 60;

// The unsigned integer after `key` at any of its occurrences is non-zero.
bool AnyNonZeroAfter(std::string_view body, std::string_view key) {
  for (std::size_t at = body.find(key); at != std::string_view::npos;
       at = body.find(key, at + key.size())) {
    std::size_t i = at + key.size();
    while (i < body.size() && body[i] == ' ') ++i;
    bool digits = false;
    for (; i < body.size() && body[i] >= '0' && body[i] <= '9'; ++i) {
      digits = true;
      if (body[i] != '0') return true;
    }
    if (!digits) return true;  // not a number: not the success shape
  }
  return false;
}

// An ExportLogsServiceResponse whose partial_success (field 1) has a non-zero
// rejected_log_records (its field 1). An empty body (nothing rejected) is the usual answer.
bool OtlpProtoReportsRejected(std::string_view body) {
  auto varint = [](std::string_view& in, std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
      const auto b = static_cast<unsigned char>(in.front());
      in.remove_prefix(1);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  };
  std::uint64_t key, len;
  while (!body.empty()) {
    if (!varint(body, key)) return false;
    if ((key & 7) != 2 || !varint(body, len) || len > body.size()) return false;
    std::string_view field = body.substr(0, len);
    body.remove_prefix(len);
    if (key >> 3 != 1) continue;
    while (!field.empty()) {  // PartialSuccess {rejected_log_records 1, error_message 2}
      std::uint64_t k, v;
      if (!varint(field, k)) return false;
      if ((k & 7) == 0) {
        if (!varint(field, v)) return false;
        if (k >> 3 == 1 && v != 0) return true;
      } else if ((k & 7) == 2) {
        if (!varint(field, v) || v > field.size()) return false;
        field.remove_prefix(v);
      } else {
        return false;
      }
    }
  }
  return false;
}

std::uint64_t Nanos(Clock::duration d) {
  return d.count() < 0 ? 0
                       : static_cast<std::uint64_t>(
                             std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

bool ReportsRejectedRecords(Endpoint endpoint, std::string_view body) {
  switch (endpoint) {
    case Endpoint::kJson:
    case Endpoint::kMulti: return AnyNonZeroAfter(body, "\"failed\":");
    case Endpoint::kBulk: return body.find("\"errors\":true") != std::string_view::npos;
    case Endpoint::kHec: return AnyNonZeroAfter(body, "\"code\":");
    // ExportLogsServiceResponse: partial_success (field 1) names rejected records.
    case Endpoint::kOtlpProto: return OtlpProtoReportsRejected(body);
    case Endpoint::kOtlpJson:
      return body.find("\"partialSuccess\"") != std::string_view::npos &&
             AnyNonZeroAfter(body, "\"rejectedLogRecords\":\"");
    // 204 stores every line; a partial write is a 400.
    case Endpoint::kLp: return false;
    // 204 without a body: a request is stored whole or refused whole.
    case Endpoint::kMsgpackColumnar:
    case Endpoint::kMsgpackRows: return false;
    // remote_write answers rejected samples with a 400, never a 2xx.
    case Endpoint::kPromRw: return false;
    // 204 stores every entry; entries refused one by one make the answer a 400.
    case Endpoint::kLoki: return false;
  }
  return false;
}

// ---- Connection ----

Connection::Connection(ClientThread& thread, std::vector<Body*> bodies, std::size_t first_body)
    : thread_(thread),
      run_(thread.run()),
      socket_(thread.io()),
      timer_(thread.io()),
      bodies_(std::move(bodies)),
      next_body_(first_body),
      backoff_(kFirstBackoff) {
  if (run_.pool.has_ids()) {
    ack_text_.reserve((run_.pool.run_id().size() + kIdDigits + 2) *
                      run_.options.records_per_request);
  }
}

void Connection::Start() { Connect(); }

void Connection::Connect() {
  if (run_.stop.load(std::memory_order_relaxed)) return Finish();
  state_ = State::kConnecting;
  connect_started_ = Clock::now();
  asio::async_connect(
      socket_, run_.endpoints,
      [this](const error_code& ec, const asio::ip::tcp::endpoint&) { OnConnect(ec); });
}

void Connection::OnConnect(const error_code& ec) {
  const Clock::time_point now = Clock::now();
  if (run_.stop.load(std::memory_order_relaxed)) return Finish();
  if (ec) {
    CloseSocket();
    if (now >= run_.warmup_end) ++thread_.stats().connect_errors;
    thread_.live().errors.fetch_add(1, std::memory_order_relaxed);
    if (unreachable_since_ == Clock::time_point{}) unreachable_since_ = connect_started_;
    if (now - unreachable_since_ >= run_.options.give_up_after) {
      gave_up_ = true;
      thread_.CountGaveUp();
      return Finish();
    }
    const Clock::time_point retry = now + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    return Wait(retry, AfterWait::kConnect);
  }
  unreachable_since_ = {};
  backoff_ = kFirstBackoff;
  error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  read_buffer_.clear();
  Next();
}

void Connection::Next() {
  if (run_.stop.load(std::memory_order_relaxed)) return Finish();
  const Clock::time_point now = Clock::now();
  if (retry_until_ > now) {
    const Clock::time_point until = std::min(retry_until_, run_.deadline);
    retry_until_ = {};
    return Wait(until, AfterWait::kNext);
  }
  Clock::time_point intended = now;
  if (thread_.open_loop()) {
    intended = thread_.NextSlot();
    if (intended >= run_.deadline) return Finish();
  } else if (now >= run_.deadline) {
    return Finish();
  }
  if (!thread_.TakeRequest()) return Finish();
  intended_ = intended;
  if (intended > now) return Wait(intended, AfterWait::kSend);
  Send();
}

void Connection::Wait(Clock::time_point until, AfterWait then) {
  state_ = State::kWaiting;
  after_wait_ = then;
  timer_.expires_at(until);
  timer_.async_wait(BindMemory(wait_memory_, [this](const error_code&) {
    if (run_.stop.load(std::memory_order_relaxed)) return Finish();
    switch (after_wait_) {
      case AfterWait::kNext: return Next();
      case AfterWait::kSend: return Send();
      case AfterWait::kConnect: return Connect();
    }
  }));
}

void Connection::Send() {
  body_ = bodies_[next_body_++ % bodies_.size()];
  if (run_.pool.has_ids()) {
    first_id_ = run_.next_request.fetch_add(1, std::memory_order_relaxed) *
                run_.options.records_per_request;
    PatchIds(*body_, first_id_);
  }
  if (run_.pool.CompressedPerRequest()) {
    if (run_.pool.compression() == Compression::kSnappy) {
      SnappyCompress(body_->raw, send_body_);
    } else {
      thread_.gzip().Compress(body_->raw, send_body_);
    }
    send_head_.assign(run_.pool.head_prefix());
    fmt::format_to(std::back_inserter(send_head_), "Content-Length: {}\r\n\r\n", send_body_.size());
    buffers_ = {asio::buffer(send_head_), asio::buffer(send_body_)};
  } else {
    const std::string_view wire = body_->wire();
    buffers_ = {asio::buffer(body_->head), asio::buffer(wire.data(), wire.size())};
  }
  wire_size_ = buffers_[1].size();
  parser_.emplace();
  state_ = State::kInFlight;
  pending_ = 2;
  write_error_ = {};
  read_error_ = {};
  timed_out_ = false;
  sent_ = Clock::now();
  if (!thread_.open_loop()) intended_ = sent_;
  // Read while writing: a server may answer (413, 503) before it has read the whole body.
  asio::async_write(socket_, buffers_,
                    BindMemory(write_memory_, [this](const error_code& ec, std::size_t) {
                      write_error_ = ec;
                      OnWriteOrRead();
                    }));
  http::async_read(socket_, read_buffer_, *parser_,
                   BindMemory(read_memory_, [this](const error_code& ec, std::size_t) {
                     read_error_ = ec;
                     OnWriteOrRead();
                   }));
}

void Connection::OnWriteOrRead() {
  if (--pending_ == 0) Complete();
}

void Connection::Complete() {
  const Clock::time_point now = Clock::now();
  LoadReport& s = thread_.stats();
  LiveCounters& live = thread_.live();
  const bool measured = intended_ >= run_.warmup_end;
  const bool answered = !read_error_ && parser_->is_done();
  live.requests.fetch_add(1, std::memory_order_relaxed);
  if (measured) {
    ++s.requests;
    s.records_sent += body_->records;
    s.wire_bytes += wire_size_;
    s.raw_bytes += body_->raw.size();
  }
  bool keep_alive = false;
  if (answered) {
    const int status = parser_->status();
    const bool ok = status >= 200 && status < 300;
    if (measured) {
      ++s.statuses[status];
      s.latency_ns.Record(Nanos(now - intended_));
      s.service_ns.Record(Nanos(now - sent_));
      thread_.set_last_answer(now);
    }
    if (ok) {
      live.records_ok.fetch_add(body_->records, std::memory_order_relaxed);
      if (measured) {
        ++s.requests_ok;
        s.records_ok += body_->records;
      }
      const bool rejected = ReportsRejectedRecords(run_.options.endpoint, parser_->body_prefix());
      if (rejected && measured) ++s.partial;
      if (!rejected && run_.pool.has_ids()) WriteAcks();
    } else {
      live.errors.fetch_add(1, std::memory_order_relaxed);
      if (measured && !s.first_error_body.contains(status)) {
        s.first_error_body.emplace(status, std::string(parser_->body_prefix()));
      }
      if ((status == 503 || status == 429) && run_.options.respect_retry_after) {
        const int seconds = parser_->retry_after_seconds();
        retry_until_ =
            now + std::chrono::seconds(seconds < 0 ? 1 : std::min(seconds, kMaxRetryAfterSeconds));
      }
    }
    keep_alive = parser_->keep_alive() && !write_error_;
  } else {
    live.errors.fetch_add(1, std::memory_order_relaxed);
    if (measured) ++(timed_out_ ? s.timeouts : s.io_errors);
  }
  parser_.reset();
  body_ = nullptr;
  if (keep_alive) return Next();
  CloseSocket();
  if (answered && measured) ++s.reconnects;
  Connect();
}

void Connection::WriteAcks() {
  ack_text_.clear();
  AppendIdLines(run_.pool.run_id(), first_id_, body_->records, ack_text_);
  if (WriteAll(run_.ack_fd, ack_text_)) {
    thread_.stats().acked_ids += body_->records;
  } else {
    ++thread_.stats().ack_write_errors;
  }
}

void Connection::Sweep(Clock::time_point now, bool stop, bool abort) {
  switch (state_) {
    case State::kWaiting:
      if (stop) timer_.cancel();
      break;
    case State::kConnecting:
      if (stop || now - connect_started_ > run_.options.timeout) CloseSocket();
      break;
    case State::kInFlight:
      if (abort || now - sent_ > run_.options.timeout) {
        timed_out_ = !abort;
        CloseSocket();
      }
      break;
    case State::kDone: break;
  }
}

void Connection::CloseSocket() {
  error_code ignored;
  socket_.close(ignored);
}

void Connection::Finish() {
  if (state_ == State::kDone) return;
  state_ = State::kDone;
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  CloseSocket();
  thread_.OnConnectionDone();
}

// ---- ClientThread ----

ClientThread::ClientThread(RunState& run, double requests_per_second, Clock::duration phase)
    : run_(run), sweep_(io_) {
  if (requests_per_second > 0) interval_ns_ = 1e9 / requests_per_second;
  first_slot_ = run.start + phase;
}

ClientThread::~ClientThread() = default;

void ClientThread::AddConnection(std::vector<Body*> bodies, std::size_t first_body) {
  connections_.push_back(std::make_unique<Connection>(*this, std::move(bodies), first_body));
}

GzipCompressor& ClientThread::gzip() {
  if (gzip_ == nullptr) gzip_ = std::make_unique<GzipCompressor>(run_.options.gzip_level);
  return *gzip_;
}

Clock::time_point ClientThread::NextSlot() {
  const auto offset = std::chrono::nanoseconds(
      static_cast<std::int64_t>(std::llround(static_cast<double>(slot_++) * interval_ns_)));
  return first_slot_ + std::chrono::duration_cast<Clock::duration>(offset);
}

bool ClientThread::TakeRequest() {
  return run_.remaining_requests.fetch_sub(1, std::memory_order_relaxed) > 0;
}

void ClientThread::OnConnectionDone() {
  if (--active_ == 0) sweep_.cancel();
}

void ClientThread::ArmSweep() {
  sweep_.expires_after(kSweepInterval);
  sweep_.async_wait(BindMemory(sweep_memory_, [this](const error_code&) {
    if (active_ == 0) return;
    const Clock::time_point now = Clock::now();
    const bool stop = run_.stop.load(std::memory_order_relaxed);
    const bool abort = run_.abort.load(std::memory_order_relaxed);
    for (auto& c : connections_) c->Sweep(now, stop, abort);
    ArmSweep();
  }));
}

void ClientThread::Run() {
  active_ = connections_.size();
  for (auto& c : connections_) c->Start();
  ArmSweep();
  io_.run();
  // Open loop against a deadline: sends that were due before it but never went out (the
  // connections were all busy, or down) are the backlog a real client would have queued.
  if (open_loop() && run_.deadline != Clock::time_point::max()) {
    const double window = static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(run_.deadline - first_slot_).count());
    const auto due = static_cast<std::uint64_t>(std::max(0.0, std::ceil(window / interval_ns_)));
    stats_.missed = due - std::min(slot_, due);
  }
}

}  // namespace ingot::load::internal
