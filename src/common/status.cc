#include "common/status.h"

namespace ingot {

std::string Status::ToString() const {
  const char* kind = "ok";
  switch (code_) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidInput: kind = "invalid input"; break;
    case StatusCode::kTooLarge: kind = "too large"; break;
    case StatusCode::kResourceExhausted: kind = "resource exhausted"; break;
    case StatusCode::kUnavailable: kind = "unavailable"; break;
    case StatusCode::kNotFound: kind = "not found"; break;
    case StatusCode::kIoError: kind = "I/O error"; break;
    case StatusCode::kInternal: kind = "internal error"; break;
  }
  return std::string(kind) + ": " + message_;
}

}  // namespace ingot
