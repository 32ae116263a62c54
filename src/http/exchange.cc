#include "http/exchange.h"

#include "http/connection.h"

namespace ingot::http {

const Request& Exchange::request() const { return conn_->request(); }

void Exchange::Respond(Response response) {
  if (responded_.exchange(true, std::memory_order_acq_rel)) return;
  conn_->SubmitResponse(std::move(response));
}

void Exchange::OnUnreferenced() {
  // Keeps the connection (which may contain *this) alive until the end of this function.
  const std::shared_ptr<internal::Connection> conn = std::move(conn_);
  if (!responded_.exchange(true, std::memory_order_acq_rel) && conn) {
    conn->SubmitResponse(ErrorResponse(500, "the handler dropped the request without answering"));
  }
  if (heap_) {
    delete this;
  } else {
    in_use_.store(false, std::memory_order_release);
  }
}

}  // namespace ingot::http
