#include "array/small_box_copy.hpp"

#include <cstdint>

namespace h5mem::detail {
namespace {

// The rows of a small rank-2/3 box whose coordinates are consecutive on every axis: row
// (i, j) is at a + i * as0 + j * as1 and d + i * ds0 + j * ds1, so unlike move_rows no
// offset tables are built (their setup cost more than copying the rows of an 8^3 box).
template <std::size_t RUN>
void move_box(CopyDirection dir, std::byte* a, std::uint64_t as0, std::uint64_t as1,
              std::uint64_t n0, std::uint64_t n1, std::byte* d, std::uint64_t ds0,
              std::uint64_t ds1, std::size_t run) {
  const std::size_t len = RUN ? RUN : run;
  // Rows scattered over a large chunk miss the caches: touching them all first lets the
  // misses overlap instead of queueing behind the copies.
  for (std::uint64_t i = 0; i < n0; ++i) {
    const std::byte* x = a + i * as0;
    for (std::uint64_t j = 0; j < n1; ++j, x += as1) {
      __builtin_prefetch(x);
      __builtin_prefetch(x + len - 1);
    }
  }
  for (std::uint64_t i = 0; i < n0; ++i) {
    std::byte* x = a + i * as0;
    std::byte* y = d + i * ds0;
    for (std::uint64_t j = 0; j < n1; ++j, x += as1, y += ds1) {
      if (RUN == 0 && run <= 64) {
        if (dir == CopyDirection::gather) {
          copy_short(y, x, run);
        } else {
          copy_short(x, y, run);
        }
      } else if (dir == CopyDirection::gather) {
        std::memcpy(y, x, len);
      } else {
        std::memcpy(x, y, len);
      }
    }
  }
}

}  // namespace

bool copy_small_box(CopyDirection dir, std::byte* array, std::byte* dense,
                    std::span<const AxisCopy> axes, std::size_t es) {
  const std::size_t r = axes.size();
  if (r != 2 && r != 3) return false;
  for (const AxisCopy& ax : axes) {
    if (!ax.sel.consecutive(ax.i0, ax.n)) return false;
  }
  const AxisCopy& in = axes[r - 1];
  const std::uint64_t run = in.n * es;
  const std::uint64_t n0 = axes[0].n, n1 = r == 3 ? axes[1].n : 1;
  if (run > 256 || n0 * n1 > 512) return false;
  const std::uint64_t as1 = in.array_extent * es, ds1 = in.dense_extent * es;
  const std::uint64_t as0 = r == 3 ? as1 * axes[1].array_extent : as1;
  const std::uint64_t ds0 = r == 3 ? ds1 * axes[1].dense_extent : ds1;
  auto first = [](const AxisCopy& ax) { return ax.sel.coord(ax.i0) - ax.origin; };
  std::uint64_t aoff = first(in) * es + first(axes[0]) * as0;
  std::uint64_t doff = in.dense_start * es + axes[0].dense_start * ds0;
  if (r == 3) {
    aoff += first(axes[1]) * as1;
    doff += axes[1].dense_start * ds1;
  }
  std::byte* a = array + aoff;
  std::byte* d = dense + doff;
  switch (run) {
    case 16:
      move_box<16>(dir, a, as0, as1, n0, n1, d, ds0, ds1, run);
      break;
    case 32:
      move_box<32>(dir, a, as0, as1, n0, n1, d, ds0, ds1, run);
      break;
    case 64:
      move_box<64>(dir, a, as0, as1, n0, n1, d, ds0, ds1, run);
      break;
    default:
      move_box<0>(dir, a, as0, as1, n0, n1, d, ds0, ds1, run);
  }
  return true;
}

}  // namespace h5mem::detail
