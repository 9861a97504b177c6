#include "core/vlen_heap.hpp"

#include "core/fail.hpp"
#include "core/memory_budget.hpp"

namespace h5mem::detail {

std::uint64_t VlenHeap::add(std::span<const std::byte> bytes, MemoryBudget& budget,
                            std::uint64_t credit) {
  budget.reserve(bytes.size(), credit);
  ByteBuffer b;
  try {
    b = ByteBuffer(bytes.size());
    if (!bytes.empty()) std::memcpy(b.data(), bytes.data(), bytes.size());
    std::uint64_t id = next_id_++;
    objects_.emplace(id, std::move(b));
    bytes_ += bytes.size();
    return id;
  } catch (...) {
    budget.release(bytes.size());
    throw;
  }
}

std::uint64_t VlenHeap::size_of(std::uint64_t id) const noexcept {
  auto it = objects_.find(id);
  return it == objects_.end() ? 0 : it->second.size();
}

std::span<const std::byte> VlenHeap::get(std::uint64_t id) const {
  auto it = objects_.find(id);
  if (it == objects_.end())
    fail(ErrorCode::corruption, "variable-length object " + std::to_string(id) + " is missing");
  return it->second.span();
}

void VlenHeap::remove(std::uint64_t id, MemoryBudget& budget) noexcept {
  auto it = objects_.find(id);
  if (it == objects_.end()) return;
  budget.release(it->second.size());
  bytes_ -= it->second.size();
  objects_.erase(it);
}

void VlenHeap::clear(MemoryBudget& budget) noexcept {
  budget.release(bytes_);
  bytes_ = 0;
  objects_.clear();
}

}  // namespace h5mem::detail
