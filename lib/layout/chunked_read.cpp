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

bool ChunkedLayout::write_in_parallel(std::size_t n_tasks, IoContext& io) const {
  return n_tasks >= 2 && io.threads != 1 && !pipeline_->empty() &&
         n_tasks * grid_.chunk_bytes >= kParallelMinBytes;
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
  if ((hold = cache(io).get(ChunkKey{owner_, key}))) return hold->data();
  return decode_for_read(it->second, key, coord, cache_it, io, hold);
}

const std::byte* ChunkedLayout::decode_for_read(const StoredChunk& stored, std::uint64_t key,
                                                const std::uint64_t* coord, bool cache_it,
                                                IoContext& io, SharedChunk& hold) const {
  ChunkCache& c = cache(io);
  if (cache_it && c.capacity() >= grid_.chunk_bytes) {
    auto buf = c.make_buffer(grid_.chunk_bytes);
    decode(stored, coord, buf->span());
    hold = buf;
    c.put(ChunkKey{owner_, key}, std::move(buf));
    return hold->data();
  }
  std::byte* s = chunk_scratch(grid_.chunk_bytes, ScratchSlot::read);
  decode(stored, coord, {s, grid_.chunk_bytes});
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
  const ChunkSplit split(grid_, plan);
  // A result far larger than the caches is written without reading its lines first.
  constexpr std::uint64_t kStreamBytes = 32u << 20;
  const StoreHint hint =
      plan.n_elements * grid_.elem_size >= kStreamBytes ? StoreHint::streaming : StoreHint::normal;
  // Reads one task's share. Unless `may_decode`, only a task needing no decode (chunk never
  // written, unfiltered or cached) is done; returns whether it was.
  auto run = [&](const ChunkTask& t, bool may_decode) {
    auto it = chunks_.find(t.key);
    if (it == chunks_.end()) {
      fill_box(dense, t.axes, fill_.data(), grid_.elem_size);
      return true;
    }
    SharedChunk hold;
    const std::byte* src = nullptr;
    if (pipeline_->empty()) {
      check_raw_size(it->second, t.coord.data());
      src = it->second.view().data();  // zero-copy
    } else {
      hold = cache(io).get(ChunkKey{owner_, t.key});
      if (!hold && !may_decode) return false;
      // A selection covering the whole chunk in the caller's layout decodes straight into it.
      std::uint64_t offset = 0;
      if (dense_is_chunk_layout(grid_, t, offset)) {
        if (hold) {
          std::memcpy(dense + offset, hold->data(), grid_.chunk_bytes);
        } else {
          decode(it->second, t.coord.data(), {dense + offset, grid_.chunk_bytes});
        }
        return true;
      }
      src = hold ? hold->data()
                 : decode_for_read(it->second, t.key, t.coord.data(), !t.covers_valid, io, hold);
    }
    copy_selected(CopyDirection::gather, const_cast<std::byte*>(src), dense, t.axes,
                  grid_.elem_size, hint);
    return true;
  };
  if (pipeline_->empty()) {
    // Plain copies: worth splitting only for large reads (memory bandwidth per core).
    if (split.size() >= 2 && io.threads != 1 &&
        split.size() * grid_.chunk_bytes >= kParallelCopyMinBytes) {
      parallel_for(split.size(), io.threads, [&](std::size_t i) {
        ChunkTask t;
        split.task(i, t);
        run(t, true);
      });
      return;
    }
  }
  // Chunks that need no decoding are copied at once, the rest decoded after, in parallel
  // when enough bytes need decoding to pay for the hand-off.
  ChunkTask t;
  SmallVector<std::size_t, 16> pending;
  for (std::size_t i = 0; i < split.size(); ++i) {
    split.task(i, t);
    if (!run(t, false)) pending.push_back(i);
  }
  if (pending.size() >= 2 && io.threads != 1 &&
      pending.size() * grid_.chunk_bytes >= kParallelMinBytes) {
    parallel_for(pending.size(), io.threads, [&](std::size_t k) {
      ChunkTask task;
      split.task(pending[k], task);
      run(task, true);
    });
    return;
  }
  for (std::size_t i : pending) {
    split.task(i, t);
    run(t, true);
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
