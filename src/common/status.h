// Status and Result<T>: how fallible calls report errors on the hot path, without exceptions.
//
// A Status is cheap when OK (one byte plus an empty string). The code says what kind of failure it
// was, which is what callers branch on (an HTTP handler maps kInvalidInput to 400,
// kResourceExhausted to 503, kTooLarge to 413); the message is for humans and goes into responses
// and logs verbatim.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace ingot {

enum class StatusCode : unsigned char {
  kOk = 0,
  kInvalidInput,       // the client sent something we cannot accept (HTTP 400)
  kTooLarge,           // a size limit was exceeded (HTTP 413)
  kResourceExhausted,  // memory or disk budget exceeded, retry later (HTTP 503)
  kUnavailable,        // shutting down or durability unknown (HTTP 503)
  kNotFound,
  kIoError,
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidInput(std::string m) { return {StatusCode::kInvalidInput, std::move(m)}; }
  static Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid input: <message>" for logs.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok());
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace ingot

// Returns from the enclosing function when `expr` yields a non-OK Status.
#define INGOT_RETURN_IF_ERROR(expr) \
  do {                              \
    ::ingot::Status _st = (expr);   \
    if (!_st.ok()) return _st;      \
  } while (0)
