#include "http/request_parser.h"

#include <boost/beast/http/error.hpp>
#include <cassert>
#include <limits>

namespace ingot::http::internal {

namespace http = boost::beast::http;

RequestHead::Span RequestHead::Store(std::string_view s) {
  Span span{static_cast<std::uint32_t>(arena.size()), static_cast<std::uint32_t>(s.size())};
  arena.append(s);
  return span;
}

RequestParser::RequestParser(RequestHead& head, std::size_t max_header_bytes) : head_(head) {
  header_limit(static_cast<std::uint32_t>(max_header_bytes));
  // Content-Length bodies are read by the connection itself (straight into the body buffer) and
  // chunked ones are capped in on_chunk_header_impl, so Beast's own limit is switched off. Not
  // with boost::none: Beast 1.74 compares `length > body_limit_`, which is true for an empty
  // optional, and would refuse every body.
  body_limit(std::numeric_limits<std::uint64_t>::max());
  eager(false);  // stop after the header: routing and limits come before reading any body byte
}

void RequestParser::on_request_impl(http::verb, std::string_view method, std::string_view target,
                                    int version, boost::beast::error_code&) {
  head_.method = head_.Store(method);
  head_.target = head_.Store(target);
  head_.version = version;
}

void RequestParser::on_field_impl(http::field, std::string_view name, std::string_view value,
                                  boost::beast::error_code&) {
  // Chunked trailers arrive here too, after the request was dispatched to a route; they carry
  // nothing ingestion needs, so they are dropped rather than let them change the header set.
  if (is_header_done()) return;
  head_.fields.emplace_back(head_.Store(name), head_.Store(value));
}

std::size_t RequestParser::Consume(std::string_view body, boost::beast::error_code& ec) {
  if (sink_ == nullptr || sink_->size() + body.size() > limit_) {
    body_too_large_ = true;
    ec = http::error::body_limit;
    return 0;
  }
  if (!sink_->Reserve(sink_->size() + body.size(), limit_)) {
    memory_refused_ = true;
    ec = http::error::body_limit;
    return 0;
  }
  sink_->Append(body.data(), body.size());
  return body.size();
}

std::size_t RequestParser::on_body_impl(std::string_view body, boost::beast::error_code& ec) {
  return Consume(body, ec);
}

void RequestParser::on_chunk_header_impl(std::uint64_t size, std::string_view,
                                         boost::beast::error_code& ec) {
  if (sink_ == nullptr || size > limit_ - sink_->size()) {
    body_too_large_ = true;
    ec = http::error::body_limit;
  }
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, std::string_view body,
                                              boost::beast::error_code& ec) {
  return Consume(body, ec);
}

}  // namespace ingot::http::internal
