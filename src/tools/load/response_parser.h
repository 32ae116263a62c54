// ResponseParser: reads one HTTP/1.1 response with Beast's parser and keeps only what ingot-load
// reports: the status, Retry-After, and the first kBodyPrefix bytes of the body (enough to find
// rejected records in ingot's answers, and to show an error). Nothing is allocated: construct one
// in place per response (std::optional::emplace) and pass it to http::async_read with a
// flat_buffer that lives as long as the connection.
#pragma once

#include <algorithm>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/field.hpp>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ingot::load {

class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  static constexpr std::size_t kBodyPrefix = 2048;

  // Beast 1.74 compares Content-Length with an empty optional as if it were 0 (every body
  // "exceeds" boost::none), so "no limit" is spelled as the largest limit.
  ResponseParser() { body_limit(UINT64_MAX); }

  int status() const { return status_; }
  // Seconds from a numeric Retry-After; -1 when absent or an HTTP date.
  int retry_after_seconds() const { return retry_after_; }
  std::string_view body_prefix() const { return {body_, body_size_}; }

 private:
  using error_code = boost::beast::error_code;
  using field = boost::beast::http::field;
  using verb = boost::beast::http::verb;

  void on_request_impl(verb, std::string_view, std::string_view, int, error_code&) override {}
  void on_response_impl(int code, std::string_view, int, error_code&) override { status_ = code; }
  void on_field_impl(field name, std::string_view, std::string_view value, error_code&) override {
    if (name != field::retry_after) return;
    int seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && end == value.data() + value.size() && seconds >= 0) {
      retry_after_ = seconds;
    }
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(std::string_view body, error_code&) override {
    Keep(body);
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, std::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, std::string_view body, error_code&) override {
    Keep(body);
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  void Keep(std::string_view piece) {
    const std::size_t n = std::min(piece.size(), kBodyPrefix - body_size_);
    std::memcpy(body_ + body_size_, piece.data(), n);
    body_size_ += n;
  }

  int status_ = 0;
  int retry_after_ = -1;
  std::size_t body_size_ = 0;
  char body_[kBodyPrefix];
};

}  // namespace ingot::load
