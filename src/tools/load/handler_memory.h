// HandlerMemory: room for one outstanding asynchronous operation's state, so a connection's
// steady loop of writes, reads and timer waits allocates nothing.
//
// Asio keeps one recycled block per thread for handlers; a connection has a write and a read in
// flight at once (and other connections their own), so without this every request would cost a
// malloc. Wrap a handler with BindMemory(memory, handler): Asio and Beast find the allocator
// through the handler's allocator_type / get_allocator(). Requests bigger than the slot, or made
// while it is in use, fall back to operator new.
#pragma once

#include <cstddef>
#include <new>
#include <utility>

namespace ingot::load::internal {

class HandlerMemory {
 public:
  HandlerMemory() = default;
  HandlerMemory(const HandlerMemory&) = delete;
  HandlerMemory& operator=(const HandlerMemory&) = delete;

  void* Allocate(std::size_t size) {
    if (!in_use_ && size <= sizeof(storage_)) {
      in_use_ = true;
      return storage_;
    }
    return ::operator new(size);
  }
  void Deallocate(void* p) {
    if (p == storage_) {
      in_use_ = false;
    } else {
      ::operator delete(p);
    }
  }

 private:
  alignas(std::max_align_t) unsigned char storage_[1024];
  bool in_use_ = false;
};

template <typename T>
class HandlerAllocator {
 public:
  using value_type = T;

  explicit HandlerAllocator(HandlerMemory& memory) : memory_(&memory) {}
  template <typename U>
  HandlerAllocator(const HandlerAllocator<U>& other) noexcept  // NOLINT: rebinding
      : memory_(other.memory_) {}

  T* allocate(std::size_t n) { return static_cast<T*>(memory_->Allocate(sizeof(T) * n)); }
  void deallocate(T* p, std::size_t) { memory_->Deallocate(p); }

  template <typename U>
  bool operator==(const HandlerAllocator<U>& other) const noexcept {
    return memory_ == other.memory_;
  }

 private:
  template <typename>
  friend class HandlerAllocator;
  HandlerMemory* memory_;
};

template <typename Handler>
class MemoryBoundHandler {
 public:
  using allocator_type = HandlerAllocator<Handler>;

  MemoryBoundHandler(HandlerMemory& memory, Handler handler)
      : memory_(memory), handler_(std::move(handler)) {}

  allocator_type get_allocator() const noexcept { return allocator_type(memory_); }

  template <typename... Args>
  void operator()(Args&&... args) {
    handler_(std::forward<Args>(args)...);
  }

 private:
  HandlerMemory& memory_;
  Handler handler_;
};

template <typename Handler>
MemoryBoundHandler<Handler> BindMemory(HandlerMemory& memory, Handler handler) {
  return MemoryBoundHandler<Handler>(memory, std::move(handler));
}

}  // namespace ingot::load::internal
