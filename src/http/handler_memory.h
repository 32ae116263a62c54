// HandlerMemory: a one-slot allocator for the completion handler a foreign thread posts when it
// responds (Exchange::Respond from the WAL thread). Asio recycles handler memory only on threads
// that run an io_context; from any other thread each post would cost a malloc/free pair. A
// connection has at most one such post in flight, so one slot suffices; a second concurrent one
// (impossible by contract, but cheap to survive) falls back to the heap. Connections use a second
// one for their socket operations, of which at most one is pending at a time. Internal to
// src/http.
#pragma once

#include <atomic>
#include <cstddef>
#include <new>
#include <utility>

namespace ingot::http::internal {

class HandlerMemory {
 public:
  // Room for Asio's largest operation here (a composed async_write over a socket op with its
  // type-erased executor); a larger one still works, through the heap.
  static constexpr std::size_t kSize = 512;

  void* Allocate(std::size_t size) {
    if (size <= sizeof(storage_) && !in_use_.exchange(true, std::memory_order_acquire)) {
      return storage_;
    }
    return ::operator new(size);
  }
  void Deallocate(void* p) {
    if (p == storage_) {
      in_use_.store(false, std::memory_order_release);
    } else {
      ::operator delete(p);
    }
  }

 private:
  alignas(std::max_align_t) unsigned char storage_[kSize];
  std::atomic<bool> in_use_{false};
};

template <typename T>
class HandlerAllocator {
 public:
  using value_type = T;
  explicit HandlerAllocator(HandlerMemory& m) : memory_(&m) {}
  template <typename U>
  HandlerAllocator(const HandlerAllocator<U>& other) : memory_(other.memory_) {}  // NOLINT
  T* allocate(std::size_t n) { return static_cast<T*>(memory_->Allocate(sizeof(T) * n)); }
  void deallocate(T* p, std::size_t) { memory_->Deallocate(p); }
  friend bool operator==(const HandlerAllocator& a, const HandlerAllocator& b) {
    return a.memory_ == b.memory_;
  }

 private:
  template <typename>
  friend class HandlerAllocator;
  HandlerMemory* memory_;
};

// Wraps a handler so Asio allocates its operation from `memory` (found through allocator_type).
template <typename Handler>
class AllocatingHandler {
 public:
  using allocator_type = HandlerAllocator<Handler>;
  AllocatingHandler(HandlerMemory& m, Handler h) : memory_(&m), handler_(std::move(h)) {}
  allocator_type get_allocator() const noexcept { return allocator_type(*memory_); }
  template <typename... Args>
  void operator()(Args&&... args) {
    handler_(std::forward<Args>(args)...);
  }

 private:
  HandlerMemory* memory_;
  Handler handler_;
};

}  // namespace ingot::http::internal
