// Per-image byte accounting with an optional quota.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

namespace h5mem::detail {

// Counts the payload bytes an image holds. Thread-safe. Reservations are made before
// allocating, so a refused reservation leaves nothing to undo.
class MemoryBudget {
 public:
  explicit MemoryBudget(std::optional<std::uint64_t> limit) : limit_(limit) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Adds `n` bytes. Throws Error(out_of_space) (without changing the count) if that would
  // exceed the limit by more than `credit`: bytes the caller holds and will release when
  // its operation completes (an overwrite may briefly hold old and new values).
  void reserve(std::uint64_t n, std::uint64_t credit = 0);
  // Subtracts `n` bytes previously reserved.
  void release(std::uint64_t n) noexcept { held_.fetch_sub(n, std::memory_order_relaxed); }
  std::uint64_t held() const noexcept { return held_.load(std::memory_order_relaxed); }
  std::optional<std::uint64_t> limit() const noexcept { return limit_; }

 private:
  std::atomic<std::uint64_t> held_{0};
  std::optional<std::uint64_t> limit_;
};

}  // namespace h5mem::detail
