#include "core/memory_budget.hpp"

#include <cstdint>
#include <string>

#include "core/fail.hpp"

namespace h5mem::detail {

void MemoryBudget::reserve(std::uint64_t n, std::uint64_t credit) {
  if (!limit_) {
    held_.fetch_add(n, std::memory_order_relaxed);
    return;
  }
  std::uint64_t cur = held_.load(std::memory_order_relaxed);
  do {
    // cur + n - credit > limit, without overflow.
    const std::uint64_t room = *limit_ > UINT64_MAX - credit ? UINT64_MAX : *limit_ + credit;
    if (n > room || cur > room - n) {
      fail(ErrorCode::out_of_space, "max_bytes quota of " + std::to_string(*limit_) +
                                        " bytes exceeded: " + std::to_string(cur) + " held, " +
                                        std::to_string(n) + " more requested");
    }
  } while (!held_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
}

}  // namespace h5mem::detail
