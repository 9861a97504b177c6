// Chunk geometry: which chunks a selection touches and where their elements go.
#pragma once

#include <cstdint>
#include <vector>

#include "array/selection_plan.hpp"
#include "array/small_vector.hpp"
#include "array/strided_copy.hpp"
#include "h5mem/shape.hpp"

namespace h5mem::detail {

// The regular grid of chunks over a dataset's current extent.
struct ChunkGrid {
  ChunkGrid() = default;
  ChunkGrid(Shape extent, Shape chunk, std::size_t elem_size);

  Shape extent;
  Shape chunk;
  Shape counts;  // chunks per dimension: ceil(extent / chunk)
  std::uint64_t chunk_elems = 0;
  std::uint64_t chunk_bytes = 0;
  std::size_t elem_size = 0;

  // Linear index of the chunk at grid coordinates `c` (row-major over `counts`).
  std::uint64_t linear(const std::uint64_t* c) const noexcept;
  // Grid coordinates of linear index `i`.
  std::vector<std::uint64_t> coords(std::uint64_t i) const;
  // True if the chunk at grid coordinates `c` reaches past the extent in any dimension.
  bool is_edge(const std::uint64_t* c) const noexcept;
  // "(i, j, k)" in element coordinates of the chunk's first element, for messages.
  std::string describe(const std::uint64_t* c) const;
};

// The part of a selection that falls in one chunk along one dimension: selection indices
// i0 .. i0+n-1 lie in chunk `chunk`.
struct ChunkSpan {
  std::uint64_t chunk;
  std::uint64_t i0;
  std::uint64_t n;
};

using ChunkSpans = SmallVector<ChunkSpan, 16>;

// Appends the chunk spans of `sel` over chunks of length `chunk_len`, in selection order.
void chunk_spans(const DimSelection& sel, std::uint64_t chunk_len, ChunkSpans& out);

// One chunk's share of a hyperslab selection: the chunk and the copy geometry between the
// chunk buffer (as the "array") and the dense selection-order buffer.
struct ChunkTask {
  std::uint64_t key;                    // linear chunk index
  SmallVector<std::uint64_t, 4> coord;  // grid coordinates
  SmallVector<AxisCopy, 4> axes;
  bool covers_valid;  // the selection covers every element of the chunk inside the extent
};

// The chunks a hyperslab plan (over grid.extent) touches, in selection order, each task
// built on demand: a small read makes one per call, and holding per-dimension spans instead
// of every task keeps that free of heap allocations. Refers to `grid` and `plan`, which must
// outlive it.
class ChunkSplit {
 public:
  ChunkSplit(const ChunkGrid& grid, const SelectionPlan& plan);

  std::size_t size() const noexcept { return total_; }
  // Sets `task` to the i-th chunk's share (i < size()).
  void task(std::size_t i, ChunkTask& task) const;
  // Every task, in order.
  std::vector<ChunkTask> all() const;

 private:
  const ChunkGrid& grid_;
  const SelectionPlan& plan_;
  ChunkSpans spans_;  // dimension d's are [first_[d], first_[d + 1])
  SmallVector<std::size_t, 5> first_;
  std::size_t total_ = 0;
};

// True if the chunk's elements, in chunk C order, occupy one contiguous byte range of the
// dense buffer for this task (so it can be decoded straight into the caller's buffer);
// sets `offset` to that range's start in bytes.
bool dense_is_chunk_layout(const ChunkGrid& grid, const ChunkTask& task, std::uint64_t& offset);

// h5py's chunk-shape heuristic (filters.guess_chunk): halve axes in turn until the chunk is
// near a target size between 8 KiB and 1 MiB that grows with the dataset size. Zero-length
// dimensions count as 1024; fixed max_shape entries bound the result.
Shape guess_chunks(const Shape& shape, const Shape& max_shape, std::size_t elem_size);

}  // namespace h5mem::detail
