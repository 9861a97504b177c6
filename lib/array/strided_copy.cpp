#include "array/strided_copy.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <vector>

#include "array/small_box_copy.hpp"
#include "h5mem/shape.hpp"

namespace h5mem::detail {
namespace {

// Small fixed-capacity scratch avoiding heap allocation for the common case; selections
// of rank <= max_rank use it for per-axis state, and offset tables spill to the heap only
// when large.
template <class T, std::size_t N>
class Scratch {
 public:
  explicit Scratch(std::size_t n) {
    if (n > N) {
      heap_.resize(n);
      p_ = heap_.data();
    } else {
      p_ = local_.data();
    }
  }
  T& operator[](std::size_t i) { return p_[i]; }

 private:
  std::array<T, N> local_;
  std::vector<T> heap_;
  T* p_;
};

inline void move_bytes(CopyDirection dir, std::byte* a, std::byte* d, std::size_t n) {
  if (dir == CopyDirection::gather) {
    std::memcpy(d, a, n);
  } else {
    std::memcpy(a, d, n);
  }
}

#if defined(__SSE2__)
// Copies n bytes (a multiple of 16, dst 16-byte aligned) with non-temporal stores.
inline void stream_copy(std::byte* dst, const std::byte* src, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 16) {
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + i),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
  }
}
constexpr bool kCanStream = true;
#else
inline void stream_copy(std::byte* dst, const std::byte* src, std::size_t n) {
  std::memcpy(dst, src, n);
}
constexpr bool kCanStream = false;
#endif

// Gathers rows with non-temporal stores when every row qualifies (see StoreHint); returns
// false, copying nothing, when they do not.
bool stream_rows(std::byte* a, const std::uint64_t* aoff0, std::uint64_t n0,
                 const std::uint64_t* aoff1, std::uint64_t n1, std::byte* d, std::uint64_t ds0,
                 std::uint64_t ds1, std::size_t run) {
  const auto aligned = [](std::uint64_t v) { return v % 16 == 0; };
  if (!kCanStream || run < 64 || !aligned(run) || !aligned(reinterpret_cast<std::uintptr_t>(d)) ||
      !aligned(ds0) || (n1 > 1 && !aligned(ds1))) {
    return false;
  }
  for (std::uint64_t i = 0; i < n0; ++i) {
    for (std::uint64_t j = 0; j < n1; ++j) {
      stream_copy(d + i * ds0 + j * ds1, a + aoff0[i] + aoff1[j], run);
    }
  }
#if defined(__SSE2__)
  _mm_sfence();  // order the weakly-ordered stores before this thread's later ones
#endif
  return true;
}

// The runs of a rank-2 or rank-3 box: rows at array offsets aoff0[i] + aoff1[j] and dense
// offsets i * ds0 + j * ds1 (n1 == 1 for rank 2). RUN > 0 fixes the row size at compile
// time so short rows (small boxes) copy inline instead of calling memcpy.
template <std::size_t RUN>
void move_rows(CopyDirection dir, std::byte* a, const std::uint64_t* aoff0, std::uint64_t n0,
               const std::uint64_t* aoff1, std::uint64_t n1, std::byte* d, std::uint64_t ds0,
               std::uint64_t ds1, std::size_t run) {
  // Short rows scattered over a large chunk are latency bound (a cache miss or two per
  // row): touching them all first lets the misses overlap instead of queueing behind the
  // copies.
  if (run <= 256 && n0 * n1 <= 512) {
    for (std::uint64_t i = 0; i < n0; ++i) {
      for (std::uint64_t j = 0; j < n1; ++j) {
        const std::byte* x = a + aoff0[i] + aoff1[j];
        __builtin_prefetch(x);
        __builtin_prefetch(x + (RUN ? RUN : run) - 1);
      }
    }
  }
  for (std::uint64_t i = 0; i < n0; ++i) {
    std::byte* ai = a + aoff0[i];
    std::byte* di = d + i * ds0;
    for (std::uint64_t j = 0; j < n1; ++j) {
      std::byte* x = ai + aoff1[j];
      std::byte* y = di + j * ds1;
      if (RUN == 0 && run <= 64) {
        if (dir == CopyDirection::gather) {
          copy_short(y, x, run);
        } else {
          copy_short(x, y, run);
        }
      } else if (dir == CopyDirection::gather) {
        std::memcpy(y, x, RUN ? RUN : run);
      } else {
        std::memcpy(x, y, RUN ? RUN : run);
      }
    }
  }
}

void move_rows_any(CopyDirection dir, std::byte* a, const std::uint64_t* aoff0, std::uint64_t n0,
                   const std::uint64_t* aoff1, std::uint64_t n1, std::byte* d, std::uint64_t ds0,
                   std::uint64_t ds1, std::size_t run) {
  switch (run) {
    case 8:
      return move_rows<8>(dir, a, aoff0, n0, aoff1, n1, d, ds0, ds1, run);
    case 16:
      return move_rows<16>(dir, a, aoff0, n0, aoff1, n1, d, ds0, ds1, run);
    case 32:
      return move_rows<32>(dir, a, aoff0, n0, aoff1, n1, d, ds0, ds1, run);
    case 64:
      return move_rows<64>(dir, a, aoff0, n0, aoff1, n1, d, ds0, ds1, run);
    case 128:
      return move_rows<128>(dir, a, aoff0, n0, aoff1, n1, d, ds0, ds1, run);
    case 256:
      return move_rows<256>(dir, a, aoff0, n0, aoff1, n1, d, ds0, ds1, run);
    default:
      return move_rows<0>(dir, a, aoff0, n0, aoff1, n1, d, ds0, ds1, run);
  }
}

template <std::size_t ES>
void move_elements(CopyDirection dir, std::byte* a, const std::uint64_t* aoff, std::byte* d,
                   std::uint64_t dstride, std::uint64_t n) {
  if (dir == CopyDirection::gather) {
    for (std::uint64_t j = 0; j < n; ++j) std::memcpy(d + j * dstride, a + aoff[j], ES);
  } else {
    for (std::uint64_t j = 0; j < n; ++j) std::memcpy(a + aoff[j], d + j * dstride, ES);
  }
}

void move_elements_any(CopyDirection dir, std::byte* a, const std::uint64_t* aoff, std::byte* d,
                       std::uint64_t dstride, std::uint64_t n, std::size_t es) {
  switch (es) {
    case 1:
      return move_elements<1>(dir, a, aoff, d, dstride, n);
    case 2:
      return move_elements<2>(dir, a, aoff, d, dstride, n);
    case 4:
      return move_elements<4>(dir, a, aoff, d, dstride, n);
    case 8:
      return move_elements<8>(dir, a, aoff, d, dstride, n);
    default:
      for (std::uint64_t j = 0; j < n; ++j) move_bytes(dir, a + aoff[j], d + j * dstride, es);
  }
}

}  // namespace

void copy_selected(CopyDirection dir, std::byte* array, std::byte* dense,
                   std::span<const AxisCopy> axes, std::size_t es, StoreHint hint) {
  const std::size_t r = axes.size();
  for (const auto& ax : axes) {
    if (ax.n == 0) return;
  }
  if (r == 0) {
    move_bytes(dir, array, dense, es);
    return;
  }
  if (hint == StoreHint::normal && copy_small_box(dir, array, dense, axes, es)) return;
  Scratch<std::uint64_t, 8> astride(r), dstride(r);
  astride[r - 1] = es;
  dstride[r - 1] = es;
  for (std::size_t d = r - 1; d > 0; --d) {
    astride[d - 1] = astride[d] * axes[d].array_extent;
    dstride[d - 1] = dstride[d] * axes[d].dense_extent;
  }

  // Find the run: the innermost axis m whose selected elements (together with any whole
  // inner axes folded into it) are one contiguous byte range in both buffers.
  std::size_t m = r - 1;
  bool elementwise = !axes[m].sel.consecutive(axes[m].i0, axes[m].n);
  std::uint64_t run = elementwise ? es : axes[m].n * es;
  if (!elementwise) {
    while (m > 0) {
      const AxisCopy& in = axes[m];
      const AxisCopy& out = axes[m - 1];
      bool whole = in.n == in.array_extent && in.n == in.dense_extent;
      if (!whole || !out.sel.consecutive(out.i0, out.n)) break;
      run *= out.n;
      --m;
    }
  }

  // Offset tables: array byte offset of each handled index along axes 0..m.
  std::size_t table_len = 0;
  for (std::size_t d = 0; d <= m; ++d) table_len += (d == m && !elementwise) ? 1 : axes[d].n;
  Scratch<std::uint64_t, 64> table(table_len);
  Scratch<std::uint64_t*, 8> aoff(m + 1);
  std::uint64_t dbase = 0;
  {
    std::size_t pos = 0;
    for (std::size_t d = 0; d <= m; ++d) {
      const AxisCopy& ax = axes[d];
      aoff[d] = &table[pos];
      std::uint64_t len = (d == m && !elementwise) ? 1 : ax.n;
      if (ax.sel.consecutive(ax.i0, len)) {  // no division per index
        std::uint64_t off = (ax.sel.coord(ax.i0) - ax.origin) * astride[d];
        for (std::uint64_t j = 0; j < len; ++j, off += astride[d]) table[pos++] = off;
      } else {
        for (std::uint64_t j = 0; j < len; ++j) {
          table[pos++] = (ax.sel.coord(ax.i0 + j) - ax.origin) * astride[d];
        }
      }
      dbase += ax.dense_start * dstride[d];
    }
  }
  const std::uint64_t inner_n = elementwise ? axes[m].n : 1;

  // Runs of rank-2 and rank-3 boxes (the common slice shapes) without the odometer.
  if (!elementwise && (m == 1 || m == 2)) {
    static constexpr std::uint64_t kZero = 0;
    const bool two = m == 2;
    if (hint == StoreHint::streaming && dir == CopyDirection::gather &&
        stream_rows(array + aoff[m][0], aoff[0], axes[0].n, two ? aoff[1] : &kZero,
                    two ? axes[1].n : 1, dense + dbase, dstride[0], two ? dstride[1] : 0, run)) {
      return;
    }
    move_rows_any(dir, array + aoff[m][0], aoff[0], axes[0].n, two ? aoff[1] : &kZero,
                  two ? axes[1].n : 1, dense + dbase, dstride[0], two ? dstride[1] : 0, run);
    return;
  }

  Scratch<std::uint64_t, 8> idx(m == 0 ? 1 : m);
  for (std::size_t d = 0; d < m; ++d) idx[d] = 0;
  while (true) {
    std::uint64_t a = 0, dn = dbase;
    for (std::size_t d = 0; d < m; ++d) {
      a += aoff[d][idx[d]];
      dn += idx[d] * dstride[d];
    }
    if (elementwise) {
      move_elements_any(dir, array + a, aoff[m], dense + dn, dstride[m], inner_n, es);
    } else {
      move_bytes(dir, array + a + aoff[m][0], dense + dn, run);
    }
    std::size_t d = m;
    while (d > 0) {
      if (++idx[d - 1] < axes[d - 1].n) break;
      idx[d - 1] = 0;
      --d;
    }
    if (d == 0) break;
  }
}

void copy_plan(CopyDirection dir, std::byte* array, std::byte* dense, const SelectionPlan& plan,
               std::size_t elem_size) {
  const std::size_t r = plan.dims.size();
  Scratch<AxisCopy, 8> axes(r);
  for (std::size_t d = 0; d < r; ++d) {
    const DimSelection& s = plan.dims[d];
    axes[d] = AxisCopy{s, 0, s.n(), 0, plan.extent[d], 0, s.n()};
  }
  copy_selected(dir, array, dense, std::span<const AxisCopy>(&axes[0], r), elem_size);
}

void fill_box(std::byte* dense, std::span<const AxisCopy> axes, const std::byte* fill,
              std::size_t es) {
  const std::size_t r = axes.size();
  for (const auto& ax : axes) {
    if (ax.n == 0) return;
  }
  if (r == 0) {
    std::memcpy(dense, fill, es);
    return;
  }
  Scratch<std::uint64_t, 8> dstride(r), idx(r);
  dstride[r - 1] = es;
  for (std::size_t d = r - 1; d > 0; --d) dstride[d - 1] = dstride[d] * axes[d].dense_extent;
  for (std::size_t d = 0; d < r; ++d) idx[d] = 0;
  const std::uint64_t run = axes[r - 1].n;
  while (true) {
    std::uint64_t off = 0;
    for (std::size_t d = 0; d < r; ++d) off += (axes[d].dense_start + idx[d]) * dstride[d];
    fill_elements(dense + off, run, fill, es);
    std::size_t d = r - 1;
    while (d > 0) {
      if (++idx[d - 1] < axes[d - 1].n) break;
      idx[d - 1] = 0;
      --d;
    }
    if (d == 0) break;
  }
}

void fill_elements(std::byte* dest, std::uint64_t n, const std::byte* fill, std::size_t es) {
  if (n == 0 || es == 0) return;  // dest may be null for empty extents
  if (std::all_of(fill, fill + es, [](std::byte b) { return b == std::byte{0}; })) {
    std::memset(dest, 0, n * es);
    return;
  }
  for (std::uint64_t i = 0; i < n; ++i) std::memcpy(dest + i * es, fill, es);
}

}  // namespace h5mem::detail
