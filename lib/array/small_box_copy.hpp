// Copies of short rows: the small boxes most random reads ask for.
#pragma once

#include <cstddef>
#include <cstring>
#include <span>

#include "array/strided_copy.hpp"

namespace h5mem::detail {

// Copies n <= 64 bytes with two possibly overlapping fixed-size moves instead of a call:
// rows cut by a chunk boundary have odd lengths that miss move_rows' fixed sizes.
inline void copy_short(std::byte* dst, const std::byte* src, std::size_t n) {
  if (n >= 32) {
    std::memcpy(dst, src, 32);
    std::memcpy(dst + n - 32, src + n - 32, 32);
  } else if (n >= 16) {
    std::memcpy(dst, src, 16);
    std::memcpy(dst + n - 16, src + n - 16, 16);
  } else if (n >= 8) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else {
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

// Copies a small box (rank 2 or 3, consecutive coordinates on every axis, rows of at most
// 256 bytes, at most 512 rows) as copy_selected would and returns true; returns false,
// copying nothing, for any other selection.
bool copy_small_box(CopyDirection dir, std::byte* array, std::byte* dense,
                    std::span<const AxisCopy> axes, std::size_t es);

}  // namespace h5mem::detail
