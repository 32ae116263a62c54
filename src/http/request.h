// Request: what a handler sees of one HTTP request. Every view points into memory the connection
// owns and reuses; it stays valid until Exchange::Respond() is called, and must not be touched
// after that (the connection may already be reading the next request into the same buffers).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace ingot::http {

struct Header {
  std::string_view name;  // as the client spelled it
  std::string_view value;
};

struct PathParam {
  std::string_view name;   // from the route pattern: "org" for "/api/{org}/_bulk"
  std::string_view value;  // percent-decoded
};

struct Request {
  std::string_view method;  // "POST", as sent
  std::string_view target;  // raw request-target: path and query
  std::string_view path;    // target before '?', not decoded
  std::string_view query;   // target after '?', not decoded; empty when absent
  int version = 11;         // 10 for HTTP/1.0, 11 for HTTP/1.1
  std::span<const Header> headers;
  std::span<const PathParam> params;
  std::string_view route;  // the matched pattern, e.g. "/api/{org}/_bulk"
  // Decoded body (Content-Encoding undone). body.data()[body.size() .. + kInputPadding) is readable
  // and zero, so simdjson::padded_string_view(body.data(), body.size(), body.size() +
  // kInputPadding) parses it in place. Never null, even when empty.
  std::string_view body;
  std::size_t wire_body_bytes = 0;  // body size as received, before decoding
  // Memory the server holds for this body (received and decoded buffers) until Respond(), already
  // charged to the memory budget (ServerOptions::memory_budget).
  std::size_t buffer_bytes = 0;
  std::string_view remote_address;  // "ip:port" of the peer

  // First value of the header `name`, compared case-insensitively; empty when absent.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // Value of the path parameter `name`; empty when the route has no such parameter.
  std::string_view param(std::string_view name) const;
};

}  // namespace ingot::http
