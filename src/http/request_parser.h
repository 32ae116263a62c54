// RequestParser: Beast's HTTP/1.x parser, with the header copied into a per-connection arena and
// the body written straight into a PaddedBuffer.
//
// We derive from basic_parser instead of using http::request_parser<Body> because the latter
// stores header fields in http::fields, which allocates one node per field per request. Here the
// arena and the field index are reused, so a request costs no allocation. Internal to src/http.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/padded_buffer.h"

namespace ingot::http::internal {

// The request line and header fields of one request, copied out of the read buffer (which is
// reused for the body and for pipelined requests). Offsets, not views, so the arena may be
// appended to while the head is being built.
struct RequestHead {
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
  };
  std::string arena;
  Span method;
  Span target;
  int version = 11;
  std::vector<std::pair<Span, Span>> fields;  // name, value

  std::string_view view(Span s) const { return {arena.data() + s.offset, s.size}; }
  Span Store(std::string_view s);
  void Clear() {
    arena.clear();
    fields.clear();
  }
};

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // `head` is cleared by the caller and must outlive the parser.
  RequestParser(RequestHead& head, std::size_t max_header_bytes);

  // Where body bytes go and how many may arrive (checked per chunk header, before the chunk's
  // bytes are read). Set before the body is parsed.
  void SetBodySink(PaddedBuffer* sink, std::size_t limit) {
    sink_ = sink;
    limit_ = limit;
  }
  // True when parsing failed because the body exceeded the limit (an HTTP 413, not a 400).
  bool body_too_large() const { return body_too_large_; }
  // True when the memory budget refused room for the body (the server answers 503).
  bool memory_refused() const { return memory_refused_; }

 private:
  void on_request_impl(boost::beast::http::verb, std::string_view method, std::string_view target,
                       int version, boost::beast::error_code&) override;
  void on_response_impl(int, std::string_view, int, boost::beast::error_code&) override {}
  void on_field_impl(boost::beast::http::field, std::string_view name, std::string_view value,
                     boost::beast::error_code&) override;
  void on_header_impl(boost::beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&,
                         boost::beast::error_code&) override {}
  std::size_t on_body_impl(std::string_view body, boost::beast::error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, std::string_view,
                            boost::beast::error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t, std::string_view body,
                                 boost::beast::error_code& ec) override;
  void on_finish_impl(boost::beast::error_code&) override {}

  std::size_t Consume(std::string_view body, boost::beast::error_code& ec);

  RequestHead& head_;
  PaddedBuffer* sink_ = nullptr;
  std::size_t limit_ = 0;
  bool body_too_large_ = false;
  bool memory_refused_ = false;
};

}  // namespace ingot::http::internal
