// ByteBuffer: a growable byte array for encoded pages and row groups.
//
// Written by hand because std::string and std::vector value-initialise on resize: encoders size a
// buffer to the worst case (e.g. the compressor's bound) and then fill part of it, and zeroing
// megabytes that are about to be overwritten is pure waste on the hot path. Memory is kept across
// clear() so scratch buffers are allocated once per thread, not once per page.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace ingot::parquet {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(ByteBuffer&& other) noexcept
      : data_(std::move(other.data_)), size_(other.size_), capacity_(other.capacity_) {
    other.size_ = other.capacity_ = 0;
  }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = other.capacity_ = 0;
    return *this;
  }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return capacity_; }
  std::string_view view() const { return {data_.get(), size_}; }

  void clear() { size_ = 0; }
  void reserve(std::size_t n) {
    if (n > capacity_) Grow(n);
  }
  // Sets the size to n; bytes past the old size are left uninitialised.
  void resize(std::size_t n) {
    reserve(n);
    size_ = n;
  }
  // Makes room for n more bytes and returns where they go; commit with resize(size() + used).
  char* AppendSpace(std::size_t n) {
    reserve(size_ + n);
    return data_.get() + size_;
  }

  void Append(const void* p, std::size_t n) {
    if (n == 0) return;  // memcpy from a null pointer is undefined even for 0 bytes
    std::memcpy(AppendSpace(n), p, n);
    size_ += n;
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  void PushBack(std::uint8_t b) {
    reserve(size_ + 1);
    data_[size_++] = static_cast<char>(b);
  }
  // Appends `v` in little-endian byte order (the only order Parquet uses).
  template <typename T>
  void AppendLittleEndian(T v) {
    static_assert(std::endian::native == std::endian::little, "big-endian hosts need byte swaps");
    Append(&v, sizeof v);
  }

 private:
  void Grow(std::size_t n) {
    std::size_t cap = capacity_ < 256 ? 256 : capacity_;
    while (cap < n) cap += cap / 2;  // x1.5 keeps waste low for the large row-group buffers
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = cap;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace ingot::parquet
