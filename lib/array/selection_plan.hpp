// Resolving SliceArgs against an extent into a per-dimension hyperslab plan.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "array/small_vector.hpp"
#include "h5mem/selection_spec.hpp"
#include "h5mem/shape.hpp"

namespace h5mem::detail {

// The selection along one dimension, in HDF5 hyperslab terms: `count` blocks of `block`
// indices, the first at `start`, `stride` apart (stride >= block). Index i of the
// selection (0 <= i < n()) is at coordinate coord(i).
struct DimSelection {
  std::uint64_t start = 0;
  std::uint64_t stride = 1;
  std::uint64_t count = 0;
  std::uint64_t block = 1;
  bool kept = true;  // false for integer indices: the dimension is dropped from the result

  std::uint64_t n() const noexcept { return count * block; }
  std::uint64_t coord(std::uint64_t i) const noexcept {
    return start + (i / block) * stride + (i % block);
  }
  // True when the selected coordinates i0..i0+len-1 are consecutive.
  bool consecutive(std::uint64_t i0, std::uint64_t len) const noexcept {
    return len <= 1 || stride == block || i0 / block == (i0 + len - 1) / block;
  }
};

// A resolved selection of an array of `extent`.
// Per-dimension parts keep rank <= 4 inline: a small read makes one plan per call.
struct SelectionPlan {
  SmallVector<std::uint64_t, 4> extent;  // the extent the plan was resolved against
  SmallVector<DimSelection, 4> dims;     // one per dimension of `extent`
  Shape shape;                           // result shape (kept dimensions only)
  std::uint64_t n_elements = 0;          // product of dims[d].n()
  SmallVector<SliceArg, 4> args;         // as given, to re-resolve against a new extent
  // Point selections: `dims` is empty and `points` holds n_elements coordinates of rank
  // extent.size(), point after point, in selection order.
  bool is_points = false;
  std::vector<std::uint64_t> points;
};

// Resolves `args` (padded with `all` to the rank) against `extent`. Throws Error
// (out_of_range / invalid_argument) with a message naming the dimension; no file context.
SelectionPlan make_plan(const Shape& extent, std::span<const SliceArg> args);
// The same, into `plan` (a default-constructed plan): lets the caller place it, e.g. in a
// shared_ptr's block, without moving it there.
void make_plan(SelectionPlan& plan, const Shape& extent, std::span<const SliceArg> args);

// Resolves a point selection against `extent`. Throws out_of_range for a coordinate outside
// it, invalid_argument for points of another rank.
SelectionPlan make_point_plan(const Shape& extent, const Points& points);

// Re-resolves `plan` (made for another extent) against `extent`.
SelectionPlan replan(const SelectionPlan& plan, const Shape& extent);

// True if `plan` was resolved against `extent`.
inline bool made_for(const SelectionPlan& plan, const Shape& extent) noexcept {
  return std::equal(plan.extent.begin(), plan.extent.end(), extent.begin(), extent.end());
}

// Row-major element offset of coordinate `c` in an array of `extent`.
inline std::uint64_t linear_offset(const Shape& extent, const std::uint64_t* c) noexcept {
  std::uint64_t i = 0;
  for (std::size_t d = 0; d < extent.size(); ++d) i = i * extent[d] + c[d];
  return i;
}

}  // namespace h5mem::detail
