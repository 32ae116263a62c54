// MemoryBudget: the one memory budget (--memory-limit) that request bodies, decoded batches,
// memtables and partitions waiting for Parquet are charged to (DESIGN.md rule 2). Over the budget
// the server answers 503 + Retry-After instead of allocating, so it never grows until it is
// killed.
//
// Two ways to charge: TryCharge before allocating memory that may be refused (a request body, the
// columns a request will decode into), Charge for memory that already exists and must be counted
// (a decoded batch handed to the memtable). Lock-free; every stage shares one instance.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace ingot {

class MemoryBudget {
 public:
  explicit MemoryBudget(std::uint64_t limit) : limit_(limit) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Charges `bytes` if that keeps the total within the limit; false (nothing charged) otherwise.
  bool TryCharge(std::uint64_t bytes) {
    std::uint64_t used = used_.load(std::memory_order_relaxed);
    do {
      if (used + bytes > limit_) {
        refusals_.fetch_add(1, std::memory_order_relaxed);
        return false;
      }
    } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    return true;
  }
  // Charges `bytes` unconditionally (the memory exists already).
  void Charge(std::uint64_t bytes) { used_.fetch_add(bytes, std::memory_order_relaxed); }
  void Release(std::uint64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

  std::uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  std::uint64_t limit() const { return limit_; }
  // TryCharge calls refused so far.
  std::uint64_t refusals() const { return refusals_.load(std::memory_order_relaxed); }

 private:
  const std::uint64_t limit_;
  std::atomic<std::uint64_t> used_{0};
  std::atomic<std::uint64_t> refusals_{0};
};

// A claim on a MemoryBudget, released when the charge is destroyed (or re-assigned).
class BudgetCharge {
 public:
  BudgetCharge() = default;
  BudgetCharge(MemoryBudget* budget, std::uint64_t bytes) : budget_(budget), bytes_(bytes) {}
  BudgetCharge(BudgetCharge&& other) noexcept
      : budget_(std::exchange(other.budget_, nullptr)), bytes_(other.bytes_) {}
  BudgetCharge& operator=(BudgetCharge&& other) noexcept {
    if (this != &other) {
      Reset();
      budget_ = std::exchange(other.budget_, nullptr);
      bytes_ = other.bytes_;
    }
    return *this;
  }
  ~BudgetCharge() { Reset(); }
  void Reset() {
    if (budget_ != nullptr) budget_->Release(bytes_);
    budget_ = nullptr;
  }

 private:
  MemoryBudget* budget_ = nullptr;
  std::uint64_t bytes_ = 0;
};

}  // namespace ingot
