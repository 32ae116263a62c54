// Response: what a handler answers. The server adds Content-Length, Date and Connection itself and
// writes status line, headers and body with one gathered write.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ingot::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";  // empty: no Content-Type header
  std::string body;
  // Extra headers (Retry-After, X-Elastic-Product, ...). Must not repeat Content-Length, Date or
  // Connection; a header whose name or value contains CR or LF is dropped.
  std::vector<std::pair<std::string, std::string>> headers;
};

// {"code":status,"message":"..."}: the shape of every error the server produces itself, and the
// one DESIGN.md asks handlers to use for theirs.
Response ErrorResponse(int status, std::string_view message);

// "Not Found" for 404; "Unknown" for codes without a standard reason phrase.
std::string_view ReasonPhrase(int status);

}  // namespace ingot::http
