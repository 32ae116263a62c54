#include "http/padded_buffer.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

namespace ingot::http {

namespace {
// Page-sized steps: the allocator hands out whole pages for large blocks anyway.
constexpr std::size_t kPage = 4096;
}  // namespace

std::size_t PaddedBuffer::MaxSizeWithin(std::size_t bytes) {
  const std::size_t pages = bytes / kPage * kPage;
  return pages < kInputPadding ? 0 : pages - kInputPadding;
}

bool PaddedBuffer::Reserve(std::size_t n, std::size_t cap) {
  if (capacity_ > 0 && n <= capacity()) return true;
  std::size_t want = std::max(n, std::min(capacity() * 2, std::max(n, cap)));
  want = (want + kInputPadding + kPage - 1) / kPage * kPage;
  if (budget_ != nullptr && !budget_->TryCharge(want - capacity_)) return false;
  // make_unique_for_overwrite: zero-filling would touch every page up front, which is exactly the
  // first-touch cost reuse is meant to avoid.
  auto fresh = std::make_unique_for_overwrite<char[]>(want);
  if (size_ > 0) std::memcpy(fresh.get(), data_.get(), size_);
  data_ = std::move(fresh);
  capacity_ = want;
  return true;
}

void PaddedBuffer::Append(const char* p, std::size_t n) {
  assert(size_ + n <= capacity());
  std::memcpy(data_.get() + size_, p, n);
  size_ += n;
}

void PaddedBuffer::SealPadding() {
  // The padding of an empty buffer is too small to refuse: charge it unconditionally.
  if (capacity_ == 0) {
    MemoryBudget* budget = std::exchange(budget_, nullptr);
    (void)Reserve(0, 0);
    budget_ = budget;
    if (budget_ != nullptr) budget_->Charge(capacity_);
  }
  std::memset(data_.get() + size_, 0, kInputPadding);
}

void PaddedBuffer::ShrinkTo(std::size_t retain) {
  if (capacity_ == 0 || capacity() <= retain) return;
  if (budget_ != nullptr) budget_->Release(capacity_);
  data_.reset();
  size_ = 0;
  capacity_ = 0;
}

}  // namespace ingot::http
