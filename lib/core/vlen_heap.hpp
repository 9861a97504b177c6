// Storage of variable-length elements (vlen strings and sequences) of one dataset.
//
// A vlen dataset's layout holds one 16-byte handle per element -- {count, object id}, like
// the length + global heap ID HDF5 stores -- and the bytes live here, one allocation each.
// Id 0 with count 0 is the empty element, so never-written storage (all zero bytes) reads
// as empty.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <unordered_map>

#include "chunk/chunk_buffer.hpp"

namespace h5mem::detail {

class MemoryBudget;

struct VlenHandle {
  std::uint64_t count = 0;  // base elements (characters for strings)
  std::uint64_t id = 0;     // 0: empty
};
static_assert(sizeof(VlenHandle) == 16);

inline constexpr std::size_t kVlenHandleSize = sizeof(VlenHandle);

// Guarded by the owning dataset's data mutex: readers share it, writers hold it alone.
class VlenHeap {
 public:
  // Stores a copy of `bytes`, charging the budget first (see MemoryBudget::reserve for
  // `credit`). Returns its id (never 0).
  std::uint64_t add(std::span<const std::byte> bytes, MemoryBudget& budget,
                    std::uint64_t credit = 0);
  // Bytes of object `id` (0 for id 0 or an unknown id).
  std::uint64_t size_of(std::uint64_t id) const noexcept;
  // The bytes of object `id`. Throws Error(corruption) for an unknown id.
  std::span<const std::byte> get(std::uint64_t id) const;
  // Frees object `id` (0 is ignored) and returns its bytes to the budget.
  void remove(std::uint64_t id, MemoryBudget& budget) noexcept;
  // Frees everything.
  void clear(MemoryBudget& budget) noexcept;
  std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  std::unordered_map<std::uint64_t, ByteBuffer> objects_;
  std::uint64_t next_id_ = 1;
  std::uint64_t bytes_ = 0;
};

}  // namespace h5mem::detail
