#include "core/memory_budget.hpp"

#include <string>

#include "core/fail.hpp"

namespace h5mem::detail {

void MemoryBudget::reserve(std::uint64_t n) {
  if (!limit_) {
    held_.fetch_add(n, std::memory_order_relaxed);
    return;
  }
  std::uint64_t cur = held_.load(std::memory_order_relaxed);
  do {
    if (n > *limit_ || cur > *limit_ - n) {
      fail(ErrorCode::out_of_space, "max_bytes quota of " + std::to_string(*limit_) +
                                        " bytes exceeded: " + std::to_string(cur) +
                                        " held, " + std::to_string(n) + " more requested");
    }
  } while (!held_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
}

}  // namespace h5mem::detail
