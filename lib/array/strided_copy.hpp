// Moving selected elements between an n-d array and a dense buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "array/selection_plan.hpp"

namespace h5mem::detail {

// One axis of a copy between the elements of an array picked out by a selection and a dense
// box in a (possibly larger) dense buffer. Selection indices i0 .. i0+n-1 along this axis
// are handled; selection coordinate c lives at array coordinate c - origin (so a chunk can
// be addressed with origin = its first coordinate) and index i0+j at dense position
// dense_start + j.
struct AxisCopy {
  DimSelection sel;
  std::uint64_t i0 = 0;
  std::uint64_t n = 0;
  std::uint64_t origin = 0;
  std::uint64_t array_extent = 0;
  std::uint64_t dense_start = 0;
  std::uint64_t dense_extent = 0;
};

enum class CopyDirection { gather, scatter };  // array -> dense, dense -> array

// How the destination is written. `streaming` (for gathers into a buffer far larger than the
// caches, which will not be read back soon) uses non-temporal stores for long aligned runs:
// the destination lines are not read first, which is most of the cost of a strided copy
// into a cold buffer.
enum class StoreHint { normal, streaming };

// Copies `elem_size`-byte elements along `axes` (rank = axes.size(), C order). Contiguous
// runs are moved with memcpy, merging whole inner dimensions into one run where possible.
// Requires every coordinate to be inside the array and every dense position inside the box.
void copy_selected(CopyDirection dir, std::byte* array, std::byte* dense,
                   std::span<const AxisCopy> axes, std::size_t elem_size,
                   StoreHint hint = StoreHint::normal);

// Copies a whole plan between an array of plan.extent and a dense buffer in selection order.
void copy_plan(CopyDirection dir, std::byte* array, std::byte* dense, const SelectionPlan& plan,
               std::size_t elem_size);

// Fills the dense box described by `axes` (dense_start, n, dense_extent of each axis) with
// the `elem_size`-byte value `fill`.
void fill_box(std::byte* dense, std::span<const AxisCopy> axes, const std::byte* fill,
              std::size_t elem_size);

// Fills `n` elements at `dest` with the `elem_size`-byte value `fill` (all-zero fast path).
void fill_elements(std::byte* dest, std::uint64_t n, const std::byte* fill, std::size_t elem_size);

}  // namespace h5mem::detail
