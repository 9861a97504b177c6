#include "chunk/chunk_grid.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace h5mem::detail {

ChunkGrid::ChunkGrid(Shape ext, Shape ch, std::size_t es)
    : extent(std::move(ext)), chunk(std::move(ch)), elem_size(es) {
  counts.resize(extent.size());
  chunk_elems = 1;
  for (std::size_t d = 0; d < extent.size(); ++d) {
    counts[d] = (extent[d] + chunk[d] - 1) / chunk[d];
    chunk_elems *= chunk[d];
  }
  chunk_bytes = chunk_elems * es;
}

std::uint64_t ChunkGrid::linear(const std::uint64_t* c) const noexcept {
  std::uint64_t i = 0;
  for (std::size_t d = 0; d < counts.size(); ++d) i = i * counts[d] + c[d];
  return i;
}

std::vector<std::uint64_t> ChunkGrid::coords(std::uint64_t i) const {
  std::vector<std::uint64_t> c(counts.size());
  for (std::size_t d = counts.size(); d-- > 0;) {
    c[d] = i % counts[d];
    i /= counts[d];
  }
  return c;
}

bool ChunkGrid::is_edge(const std::uint64_t* c) const noexcept {
  for (std::size_t d = 0; d < counts.size(); ++d) {
    if ((c[d] + 1) * chunk[d] > extent[d]) return true;
  }
  return false;
}

std::string ChunkGrid::describe(const std::uint64_t* c) const {
  std::string s = "chunk at (";
  for (std::size_t d = 0; d < counts.size(); ++d) {
    if (d) s += ", ";
    s += std::to_string(c[d] * chunk[d]);
  }
  return s + ")";
}

void chunk_spans(const DimSelection& sel, std::uint64_t chunk_len, ChunkSpans& out) {
  const std::size_t begin = out.size();  // merge only with spans appended by this call
  auto segment = [&](std::uint64_t c0, std::uint64_t len, std::uint64_t i) {
    while (len > 0) {
      std::uint64_t ch = c0 / chunk_len;
      std::uint64_t take = std::min(len, (ch + 1) * chunk_len - c0);
      if (out.size() > begin && out.back().chunk == ch) {
        out.back().n += take;
      } else {
        out.push_back({ch, i, take});
      }
      c0 += take;
      i += take;
      len -= take;
    }
  };
  if (sel.n() == 0) return;
  if (sel.consecutive(0, sel.n())) {  // one run: one span per chunk, nothing to merge
    std::uint64_t c0 = sel.start, i = 0, left = sel.n();
    for (std::uint64_t ch = c0 / chunk_len; left > 0; ++ch) {
      const std::uint64_t take = std::min(left, (ch + 1) * chunk_len - c0);
      out.push_back({ch, i, take});
      c0 += take;
      i += take;
      left -= take;
    }
    return;
  }
  for (std::uint64_t b = 0; b < sel.count; ++b)
    segment(sel.start + b * sel.stride, sel.block, b * sel.block);
}

ChunkSplit::ChunkSplit(const ChunkGrid& grid, const SelectionPlan& plan)
    : grid_(grid), plan_(plan) {
  const std::size_t r = plan.dims.size();
  if (plan.n_elements == 0) return;
  first_.resize(r + 1);
  total_ = 1;
  for (std::size_t d = 0; d < r; ++d) {
    first_[d] = spans_.size();
    chunk_spans(plan.dims[d], grid.chunk[d], spans_);
    total_ *= spans_.size() - first_[d];
  }
  first_[r] = spans_.size();
}

void ChunkSplit::task(std::size_t i, ChunkTask& task) const {
  const std::size_t r = plan_.dims.size();
  task.coord.resize(r);
  task.axes.resize(r);
  task.covers_valid = true;
  for (std::size_t d = r; d-- > 0;) {  // i is row-major over the dimensions' span counts
    const std::size_t n = first_[d + 1] - first_[d];
    const ChunkSpan& s = spans_[first_[d] + (n == 1 ? 0 : i % n)];
    if (n > 1) i /= n;
    const DimSelection& sel = plan_.dims[d];
    task.coord[d] = s.chunk;
    const std::uint64_t origin = s.chunk * grid_.chunk[d];
    task.axes[d] = AxisCopy{sel, s.i0, s.n, origin, grid_.chunk[d], s.i0, sel.n()};
    const std::uint64_t valid = std::min(grid_.chunk[d], grid_.extent[d] - origin);
    if (s.n != valid || !sel.consecutive(s.i0, s.n)) task.covers_valid = false;
  }
  task.key = grid_.linear(task.coord.data());
}

std::vector<ChunkTask> ChunkSplit::all() const {
  std::vector<ChunkTask> tasks(total_);
  for (std::size_t i = 0; i < total_; ++i) task(i, tasks[i]);
  return tasks;
}

bool dense_is_chunk_layout(const ChunkGrid& grid, const ChunkTask& task, std::uint64_t& offset) {
  const std::size_t r = task.axes.size();
  std::uint64_t dstride = grid.elem_size, cstride = grid.elem_size;
  offset = 0;
  for (std::size_t d = r; d-- > 0;) {
    const AxisCopy& ax = task.axes[d];
    if (ax.n != grid.chunk[d] || !ax.sel.consecutive(ax.i0, ax.n)) return false;
    if (grid.chunk[d] > 1 && dstride != cstride) return false;
    offset += ax.dense_start * dstride;
    dstride *= ax.dense_extent;
    cstride *= grid.chunk[d];
  }
  return true;
}

Shape guess_chunks(const Shape& shape, const Shape& max_shape, std::size_t elem_size) {
  constexpr double kBase = 16 * 1024, kMin = 8 * 1024, kMax = 1024 * 1024;
  const std::size_t r = shape.size();
  std::vector<double> chunks(r);
  double elems = 1;
  for (std::size_t d = 0; d < r; ++d) {
    chunks[d] = shape[d] == 0 ? 1024.0 : static_cast<double>(shape[d]);
    elems *= chunks[d];
  }
  double dset_bytes = elems * static_cast<double>(elem_size);
  double target =
      std::clamp(kBase * std::pow(2.0, std::log10(dset_bytes / (1024.0 * 1024.0))), kMin, kMax);
  for (std::size_t idx = 0;; ++idx) {
    double n = 1;
    for (double c : chunks) n *= c;
    double bytes = n * static_cast<double>(elem_size);
    if ((bytes < target || std::abs(bytes - target) / target < 0.5) && bytes < kMax) break;
    if (n == 1) break;
    chunks[idx % r] = std::ceil(chunks[idx % r] / 2.0);
  }
  Shape out(r);
  for (std::size_t d = 0; d < r; ++d) {
    out[d] = static_cast<std::uint64_t>(chunks[d]);
    if (d < max_shape.size() && max_shape[d] != unlimited)
      out[d] = std::min(out[d], std::max<std::uint64_t>(max_shape[d], 1));
  }
  return out;
}

}  // namespace h5mem::detail
