// Chunked layout: construction, reads, and the shared decode helpers.
#include <algorithm>
#include <cstring>
#include <limits>

#include "array/strided_copy.hpp"
#include "chunk/thread_pool.hpp"
#include "core/fail.hpp"
#include "core/memory_budget.hpp"
#include "layout/chunked.hpp"

namespace h5mem::detail {

std::byte* chunk_scratch(std::size_t n, ScratchSlot slot) {
  // Reused per thread: freshly mapped pages cost far more to touch than a decode.
  thread_local ByteBuffer bufs[2];
  ByteBuffer& buf = bufs[static_cast<int>(slot)];
  if (buf.size() < n) buf = ByteBuffer(n);
  return buf.data();
}

namespace {

// Parallel decode pays off only when there is enough work to split.
constexpr std::uint64_t kParallelMinBytes = 256 * 1024;
constexpr std::uint64_t kParallelCopyMinBytes = 8 * 1024 * 1024;

}  // namespace

ChunkedLayout::ChunkedLayout(const Shape& shape, const Shape& chunk, std::size_t es,
                             std::vector<std::byte> fill,
                             std::shared_ptr<const FilterPipeline> pipeline)
    : grid_(shape, chunk, es), fill_(std::move(fill)), pipeline_(std::move(pipeline)) {}

bool ChunkedLayout::use_threads(const std::vector<ChunkTask>& tasks, bool reading,
                                IoContext& io) const {
  if (tasks.size() < 2 || io.threads == 1) return false;
  if (pipeline_->empty()) {
    // Plain copies: worth splitting only for large reads (memory bandwidth per core).
    return reading && tasks.size() * grid_.chunk_bytes >= kParallelCopyMinBytes;
  }
  if (!reading) return tasks.size() * grid_.chunk_bytes >= kParallelMinBytes;
  std::size_t misses = 0;
  const ChunkCache& c = cache(io);
  for (const ChunkTask& t : tasks) {
    if (chunks_.count(t.key) && !c.contains(ChunkKey{owner_, t.key})) ++misses;
  }
  return misses > 1 && misses * grid_.chunk_bytes >= kParallelMinBytes;
}

void ChunkedLayout::check_raw_size(const StoredChunk& stored, const std::uint64_t* coord) const {
  if (stored.view().size() != grid_.chunk_bytes) {
    fail(ErrorCode::corruption,
         grid_.describe(coord) + ": stored size " + std::to_string(stored.view().size()) +
             " bytes, an unfiltered chunk holds " + std::to_string(grid_.chunk_bytes));
  }
}

void ChunkedLayout::decode(const StoredChunk& stored, const std::uint64_t* coord,
                           std::span<std::byte> out) const {
  try {
    pipeline_->decode(stored.view(), stored.filter_mask, out);
  } catch (const Error& e) {
    fail(e.code(), grid_.describe(coord) + ": " + e.what());
  }
}

const std::byte* ChunkedLayout::decoded_view(std::uint64_t key, const std::uint64_t* coord,
                                             bool cache_it, IoContext& io,
                                             SharedChunk& hold) const {
  auto it = chunks_.find(key);
  if (it == chunks_.end()) return nullptr;
  if (pipeline_->empty()) {
    check_raw_size(it->second, coord);
    return it->second.view().data();  // zero-copy
  }
  ChunkCache& c = cache(io);
  ChunkKey ck{owner_, key};
  if ((hold = c.get(ck))) return hold->data();
  if (cache_it && c.capacity() >= grid_.chunk_bytes) {
    auto buf = c.make_buffer(grid_.chunk_bytes);
    decode(it->second, coord, buf->span());
    hold = buf;
    c.put(ck, std::move(buf));
    return hold->data();
  }
  std::byte* s = chunk_scratch(grid_.chunk_bytes, ScratchSlot::read);
  decode(it->second, coord, {s, grid_.chunk_bytes});
  return s;
}

void ChunkedLayout::load_chunk(std::uint64_t key, const std::uint64_t* coord, std::byte* out,
                               IoContext& io) const {
  auto it = chunks_.find(key);
  if (it == chunks_.end()) {
    fill_elements(out, grid_.chunk_elems, fill_.data(), grid_.elem_size);
  } else if (pipeline_->empty()) {
    check_raw_size(it->second, coord);
    std::memcpy(out, it->second.view().data(), grid_.chunk_bytes);
  } else if (auto hit = cache(io).get(ChunkKey{owner_, key})) {
    std::memcpy(out, hit->data(), grid_.chunk_bytes);
  } else {
    decode(it->second, coord, {out, grid_.chunk_bytes});
  }
}

void ChunkedLayout::read(const SelectionPlan& plan, std::byte* dense, IoContext& io) const {
  if (plan.n_elements == 0) return;
  if (plan.is_points) return read_points(plan, dense, io);
  const std::vector<ChunkTask> tasks = plan_chunks(grid_, plan);
  // A result far larger than the caches is written without reading its lines first.
  constexpr std::uint64_t kStreamBytes = 32u << 20;
  const StoreHint hint =
      plan.n_elements * grid_.elem_size >= kStreamBytes ? StoreHint::streaming : StoreHint::normal;
  auto run = [&](std::size_t i) {
    const ChunkTask& t = tasks[i];
    std::uint64_t offset = 0;
    auto it = chunks_.find(t.key);
    if (it == chunks_.end()) {
      fill_box(dense, t.axes, fill_.data(), grid_.elem_size);
      return;
    }
    // A selection covering the whole chunk in the caller's layout decodes straight into it.
    if (!pipeline_->empty() && dense_is_chunk_layout(grid_, t, offset)) {
      if (auto hit = cache(io).get(ChunkKey{owner_, t.key})) {
        std::memcpy(dense + offset, hit->data(), grid_.chunk_bytes);
      } else {
        decode(it->second, t.coord.data(), {dense + offset, grid_.chunk_bytes});
      }
      return;
    }
    SharedChunk hold;
    const std::byte* src = decoded_view(t.key, t.coord.data(), !t.covers_valid, io, hold);
    copy_selected(CopyDirection::gather, const_cast<std::byte*>(src), dense, t.axes,
                  grid_.elem_size, hint);
  };
  if (use_threads(tasks, true, io)) {
    parallel_for(tasks.size(), io.threads, run);
  } else {
    for (std::size_t i = 0; i < tasks.size(); ++i) run(i);
  }
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> group_points(const ChunkGrid& grid,
                                                                  const SelectionPlan& plan) {
  const std::size_t r = grid.extent.size();
  std::vector<std::pair<std::uint64_t, std::uint64_t>> order(plan.n_elements);
  std::vector<std::uint64_t> c(r);
  for (std::uint64_t p = 0; p < plan.n_elements; ++p) {
    for (std::size_t d = 0; d < r; ++d) c[d] = plan.points[p * r + d] / grid.chunk[d];
    order[p] = {grid.linear(c.data()), p};
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return order;
}

void ChunkedLayout::read_points(const SelectionPlan& plan, std::byte* dense, IoContext& io) const {
  const std::size_t r = grid_.extent.size();
  const std::size_t es = grid_.elem_size;
  auto order = group_points(grid_, plan);
  Shape in_chunk(r);
  for (std::size_t g = 0; g < order.size();) {
    std::size_t end = g;
    while (end < order.size() && order[end].first == order[g].first) ++end;
    auto coord = grid_.coords(order[g].first);
    SharedChunk hold;
    const std::byte* src = decoded_view(order[g].first, coord.data(), true, io, hold);
    for (; g < end; ++g) {
      std::uint64_t p = order[g].second;
      if (!src) {
        std::memcpy(dense + p * es, fill_.data(), es);
        continue;
      }
      for (std::size_t d = 0; d < r; ++d) in_chunk[d] = plan.points[p * r + d] % grid_.chunk[d];
      std::memcpy(dense + p * es, src + linear_offset(grid_.chunk, in_chunk.data()) * es, es);
    }
  }
}

void ChunkedLayout::set_cache_bytes(std::uint64_t n, IoContext& io) {
  io.file_cache.erase_owner(owner_);
  own_cache_ = std::make_unique<ChunkCache>(n, &io.budget);
}

void ChunkedLayout::release(MemoryBudget& budget, ChunkCache& file_cache) noexcept {
  budget.release(stored_bytes_);
  stored_bytes_ = 0;
  chunks_.clear();
  file_cache.erase_owner(owner_);
  own_cache_.reset();
}

ByteBuffer* ChunkedLayout::stored_chunk_for_test(const std::vector<std::uint64_t>& coord) {
  auto it = chunks_.find(grid_.linear(coord.data()));
  return it == chunks_.end() ? nullptr : &it->second.bytes;
}

std::unique_ptr<Layout> make_chunked_layout(const Shape& shape, const Shape& chunk,
                                            std::size_t element_size, std::vector<std::byte> fill,
                                            std::shared_ptr<const FilterPipeline> pipeline) {
  return std::make_unique<ChunkedLayout>(shape, chunk, element_size, std::move(fill),
                                         std::move(pipeline));
}

}  // namespace h5mem::detail
