// Test helper: a request body with the padding the decoders require after it.
#pragma once

#include <string>
#include <string_view>

#include "common/input_padding.h"

namespace ingot::protocols::json {

class PaddedBody {
 public:
  explicit PaddedBody(std::string_view text) : storage_(text), size_(text.size()) {
    storage_.append(kInputPadding, '\0');
  }
  std::string_view view() const { return {storage_.data(), size_}; }

 private:
  std::string storage_;
  std::size_t size_;
};

}  // namespace ingot::protocols::json
