// PaddedBuffer: a growable byte buffer that always keeps kInputPadding zero bytes readable after
// its contents, so simdjson can parse it in place (padded_string_view(data, size, size + padding)).
//
// A connection owns its buffers and reuses them for every request: the memory stays mapped, so a
// steady stream of similar bodies costs no allocation and no first-touch page faults (the seeds
// measured both as a large share of ingest CPU). Contents are uninitialized until written; only the
// padding is zeroed, by SealPadding(), once per request.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>

#include "common/input_padding.h"
#include "common/memory_budget.h"

namespace ingot::http {

class PaddedBuffer {
 public:
  PaddedBuffer() = default;
  ~PaddedBuffer() { ShrinkTo(0); }
  PaddedBuffer(const PaddedBuffer&) = delete;
  PaddedBuffer& operator=(const PaddedBuffer&) = delete;

  // Charges the buffer's memory to `budget` (may be null) from now on: growth that the budget
  // refuses makes Reserve fail instead of allocating. Call before the first Reserve.
  void set_budget(MemoryBudget* budget) { budget_ = budget; }

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  // Bytes that may be written at data() before padding is needed: capacity minus kInputPadding.
  std::size_t capacity() const { return capacity_ == 0 ? 0 : capacity_ - kInputPadding; }
  std::string_view view() const { return {data_.get(), size_}; }
  // Bytes allocated (and charged to the budget), padding and page rounding included.
  std::size_t allocated() const { return capacity_; }
  // The largest contents whose buffer takes at most `bytes` of memory (padding and page rounding
  // included): what a budget of `bytes` can ever hold.
  static std::size_t MaxSizeWithin(std::size_t bytes);

  void Clear() { size_ = 0; }
  // Exchanges contents, memory and budget with `other`.
  void Swap(PaddedBuffer& other) noexcept {
    std::swap(budget_, other.budget_);
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }
  // Ensures capacity() >= n, keeping the current contents. Grows geometrically but never past
  // max(n, cap), so a limit enforced by the caller bounds the allocation too. Returns false, and
  // changes nothing, when the memory budget refuses the growth (the caller answers 503).
  [[nodiscard]] bool Reserve(std::size_t n, std::size_t cap);
  // Sets size() after the caller wrote into [data(), data() + n). REQUIRES: n <= capacity().
  void Resize(std::size_t n) { size_ = n; }
  // REQUIRES: size() + n <= capacity().
  void Append(const char* p, std::size_t n);
  // Writes kInputPadding zeros after size(); call once the contents are final.
  void SealPadding();
  // Frees the memory when capacity() exceeds `retain`, so one huge request does not pin memory
  // on an idle connection forever.
  void ShrinkTo(std::size_t retain);

 private:
  MemoryBudget* budget_ = nullptr;
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;  // allocated bytes, padding included
};

}  // namespace ingot::http
