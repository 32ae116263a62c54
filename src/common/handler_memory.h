// HandlerMemory: room for one outstanding asynchronous operation's state, so that a connection's
// steady loop of reads, writes and timer waits, or a completion handler another thread posts to
// it, allocates nothing. Used by the HTTP server (src/http) and the load generator
// (src/tools/load); header-only, and it needs no Asio: Asio and Beast find the memory through the
// handler's allocator_type / get_allocator().
//
// Asio recycles handler memory only on threads that run an io_context, and keeps just two blocks
// per thread: with several connections per thread, or a post from a thread that runs none (the
// WAL thread answering a request), each operation would cost a malloc/free pair. Wrap a handler
// with BindMemory(memory, handler), one HandlerMemory per kind of operation that can be pending
// at the same time. An operation bigger than the slot, or one started while the slot is in use
// (impossible when each kind has its own slot, but cheap to survive), falls back to the heap.
// The slot may be released on another thread than the one that took it.
#pragma once

#include <atomic>
#include <cstddef>
#include <new>
#include <utility>

namespace ingot {

template <std::size_t Size>
class HandlerMemory {
 public:
  HandlerMemory() = default;
  HandlerMemory(const HandlerMemory&) = delete;
  HandlerMemory& operator=(const HandlerMemory&) = delete;

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
  alignas(std::max_align_t) unsigned char storage_[Size];
  std::atomic<bool> in_use_{false};
};

template <typename T, typename Memory>
class HandlerAllocator {
 public:
  using value_type = T;

  explicit HandlerAllocator(Memory& memory) noexcept : memory_(&memory) {}
  template <typename U>
  HandlerAllocator(const HandlerAllocator<U, Memory>& other) noexcept  // NOLINT: rebinding
      : memory_(other.memory_) {}

  T* allocate(std::size_t n) { return static_cast<T*>(memory_->Allocate(sizeof(T) * n)); }
  void deallocate(T* p, std::size_t) noexcept { memory_->Deallocate(p); }

  template <typename U>
  bool operator==(const HandlerAllocator<U, Memory>& other) const noexcept {
    return memory_ == other.memory_;
  }

 private:
  template <typename, typename>
  friend class HandlerAllocator;
  Memory* memory_;
};

// A handler whose operation Asio allocates from `memory` (found through allocator_type).
template <typename Memory, typename Handler>
class MemoryBoundHandler {
 public:
  using allocator_type = HandlerAllocator<Handler, Memory>;

  MemoryBoundHandler(Memory& memory, Handler handler)
      : memory_(&memory), handler_(std::move(handler)) {}

  allocator_type get_allocator() const noexcept { return allocator_type(*memory_); }

  template <typename... Args>
  void operator()(Args&&... args) {
    handler_(std::forward<Args>(args)...);
  }

 private:
  Memory* memory_;
  Handler handler_;
};

template <typename Memory, typename Handler>
MemoryBoundHandler<Memory, Handler> BindMemory(Memory& memory, Handler handler) {
  return MemoryBoundHandler<Memory, Handler>(memory, std::move(handler));
}

}  // namespace ingot
