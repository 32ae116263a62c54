// Exchange: one request and the obligation to answer it.
//
// The server calls the route's handler on the I/O thread that read the request (decoding there is
// deliberate: DESIGN.md rule 1). The handler may answer at once or keep the ExchangePtr and answer
// later from any thread, e.g. from the WAL's group-commit thread once the data is durable. The
// connection reads its next request only after the response has been written, so the request and
// its body stay valid until Respond() is called.
//
// ExchangePtr is a counted reference (boost::intrusive_ptr), copyable like a shared_ptr but
// without a per-request allocation: the exchange lives inside the connection. If the last
// reference is dropped without a Respond(), the client gets a 500 instead of hanging.
#pragma once

#include <atomic>
#include <boost/smart_ptr/intrusive_ptr.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "http/request.h"
#include "http/response.h"

namespace ingot::http {

namespace internal {
class Connection;
}

class Exchange {
 public:
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // Valid until Respond() is called; do not touch it (or anything it points to) afterwards.
  const Request& request() const;

  // Sends the response. Thread-safe; call it exactly once, from any thread (a second call is
  // ignored, and asserts in debug builds). Never blocks: from a foreign thread it posts the write
  // to the connection's I/O thread. After Server::Stop() has given up on the request, the
  // response is dropped.
  void Respond(Response response);

 private:
  friend class internal::Connection;
  friend void intrusive_ptr_add_ref(Exchange* e) {
    e->refs_.fetch_add(1, std::memory_order_relaxed);
  }
  friend void intrusive_ptr_release(Exchange* e) {
    if (e->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) e->OnUnreferenced();
  }

  explicit Exchange(bool heap) : heap_(heap) {}
  void OnUnreferenced();

  std::atomic<std::uint32_t> refs_{0};
  std::atomic<bool> responded_{false};
  // True while handler code may still hold a reference; the connection then answers its next
  // request through a heap-allocated Exchange instead of reusing this one.
  std::atomic<bool> in_use_{false};
  const bool heap_;
  std::shared_ptr<internal::Connection> conn_;  // keeps buffers alive until the last reference
};

using ExchangePtr = boost::intrusive_ptr<Exchange>;

// A route's handler. Runs on an I/O thread: it must not block (hand blocking work to another
// thread and Respond from there). Exceptions escaping it become a 500.
using Handler = std::function<void(ExchangePtr)>;

}  // namespace ingot::http
