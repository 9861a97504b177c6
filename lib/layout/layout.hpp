// Data layouts: how a dataset's elements are stored (contiguous now; chunked and compact
// plug in here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "h5mem/shape.hpp"

namespace h5mem::detail {

class MemoryBudget;
struct SelectionPlan;

// Storage of one dataset's elements in the file's datatype. Callers serialise access:
// any number of concurrent read()s, or one write()/release() alone (the dataset's lock).
class Layout {
 public:
  virtual ~Layout() = default;
  // Copies the selected elements into `dense` in selection order
  // (plan.n_elements * element size bytes). Unwritten storage reads as the fill value.
  virtual void read(const SelectionPlan& plan, std::byte* dense) const = 0;
  // Copies `dense` into the selected elements. Storage it allocates is reserved from
  // `budget` first; if that fails (out_of_space) nothing changes.
  virtual void write(const SelectionPlan& plan, const std::byte* dense, MemoryBudget& budget) = 0;
  // Bytes of element storage held (0 before the first write for contiguous storage).
  virtual std::uint64_t bytes_held() const = 0;
  // Frees all storage and returns its bytes to `budget`.
  virtual void release(MemoryBudget& budget) noexcept = 0;
};

// A contiguous layout over `shape` elements of `element_size` bytes; `fill` is one element.
std::unique_ptr<Layout> make_contiguous_layout(const Shape& shape, std::size_t element_size,
                                               std::vector<std::byte> fill);

}  // namespace h5mem::detail
