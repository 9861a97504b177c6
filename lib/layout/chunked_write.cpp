// Chunked layout: writes and resize. Every mutation stages the new encoded chunks first and
// commits them only once the memory budget has accepted the change, so a failed write or
// resize leaves the dataset as it was.
#include <algorithm>
#include <cstring>

#include "array/strided_copy.hpp"
#include "chunk/thread_pool.hpp"
#include "core/fail.hpp"
#include "core/memory_budget.hpp"
#include "layout/chunked.hpp"

namespace h5mem::detail {

ChunkedLayout::Staged ChunkedLayout::stage(std::uint64_t key, const std::uint64_t* coord,
                                           bool covers_valid,
                                           const std::function<void(std::byte*)>& apply,
                                           IoContext& io) const {
  Staged s;
  s.key = key;
  // A partially written chunk is likely to be touched again: keep its decoded form for the
  // cache. A fully overwritten one is staged in per-thread scratch.
  std::shared_ptr<ByteBuffer> kept;
  if (!covers_valid && !pipeline_->empty() && cache(io).capacity() >= grid_.chunk_bytes) {
    kept = cache(io).make_buffer(grid_.chunk_bytes);
  }
  std::byte* buf = kept ? kept->data() : chunk_scratch(grid_.chunk_bytes, ScratchSlot::write);
  if (!covers_valid) {
    load_chunk(key, coord, buf, io);
  } else if (grid_.is_edge(coord)) {
    // Padding past the extent is kept at the fill value, so a later grow exposes fill.
    fill_elements(buf, grid_.chunk_elems, fill_.data(), grid_.elem_size);
  }
  apply(buf);
  if (pipeline_->empty()) {
    s.chunk.bytes = ByteBuffer(grid_.chunk_bytes);
    std::memcpy(s.chunk.bytes.data(), buf, grid_.chunk_bytes);
    return s;
  }
  thread_local std::vector<std::byte> encoded;
  try {
    s.chunk.filter_mask = pipeline_->encode({buf, grid_.chunk_bytes}, encoded);
  } catch (const Error& e) {
    fail(e.code(), grid_.describe(coord) + ": " + e.what());
  }
  s.chunk.bytes = ByteBuffer(encoded.size());
  if (!encoded.empty()) std::memcpy(s.chunk.bytes.data(), encoded.data(), encoded.size());
  s.decoded = std::move(kept);
  return s;
}

void ChunkedLayout::reserve_evicting(std::uint64_t n, IoContext& io) {
  try {
    io.budget.reserve(n);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::out_of_space) throw;
    // Cached decoded chunks are expendable: drop them before refusing stored data.
    io.file_cache.clear();
    if (own_cache_) own_cache_->clear();
    io.budget.reserve(n);
  }
}

void ChunkedLayout::commit(std::vector<Staged>& staged, IoContext& io) {
  std::uint64_t added = 0, removed = 0;
  for (const Staged& s : staged) {
    added += s.chunk.bytes.size();
    if (auto it = chunks_.find(s.key); it != chunks_.end()) removed += it->second.bytes.size();
  }
  ChunkCache& c = cache(io);
  if (added > removed) reserve_evicting(added - removed, io);  // may throw: nothing changed yet
  for (Staged& s : staged) {
    chunks_[s.key] = std::move(s.chunk);
    ChunkKey ck{owner_, s.key};
    if (s.decoded) {
      c.put(ck, std::move(s.decoded));
    } else {
      c.erase(ck);
    }
  }
  if (removed > added) io.budget.release(removed - added);
  stored_bytes_ = stored_bytes_ + added - removed;
}

void ChunkedLayout::write_in_place(const std::vector<std::pair<std::uint64_t, bool>>& keys,
                                   IoContext& io) {
  // New chunks, and chunks still borrowed from an opened file (they get their own copy:
  // the file's bytes are never written through), need owned storage.
  std::uint64_t fresh = 0;
  for (const auto& [key, covers] : keys) {
    auto it = chunks_.find(key);
    if (it == chunks_.end() || it->second.owner) fresh += grid_.chunk_bytes;
    if (it != chunks_.end()) check_raw_size(it->second, grid_.coords(key).data());
  }
  reserve_evicting(fresh, io);  // may throw: nothing changed yet
  try {
    for (const auto& [key, covers] : keys) {
      auto it = chunks_.find(key);
      if (it != chunks_.end() && !it->second.owner) continue;
      StoredChunk sc;
      sc.bytes = ByteBuffer(grid_.chunk_bytes);
      auto coord = grid_.coords(key);
      const bool whole = covers && !grid_.is_edge(coord.data());  // every byte overwritten
      if (!whole && it != chunks_.end()) {
        std::memcpy(sc.bytes.data(), it->second.borrowed.data(), grid_.chunk_bytes);
      } else if (!whole) {
        fill_elements(sc.bytes.data(), grid_.chunk_elems, fill_.data(), grid_.elem_size);
      }
      chunks_[key] = std::move(sc);
      stored_bytes_ += grid_.chunk_bytes;
      fresh -= grid_.chunk_bytes;
    }
  } catch (...) {
    io.budget.release(fresh);  // the chunks already added stay, holding fill values
    throw;
  }
}

void ChunkedLayout::write(const SelectionPlan& plan, const std::byte* dense, IoContext& io) {
  if (plan.n_elements == 0) return;
  if (plan.is_points) return write_points(plan, dense, io);
  const std::vector<ChunkTask> tasks = ChunkSplit(grid_, plan).all();
  if (pipeline_->empty()) {
    std::vector<std::pair<std::uint64_t, bool>> keys;
    keys.reserve(tasks.size());
    for (const auto& t : tasks) keys.emplace_back(t.key, t.covers_valid);
    write_in_place(keys, io);
    for (const auto& t : tasks) {
      copy_selected(CopyDirection::scatter, chunks_.at(t.key).bytes.data(),
                    const_cast<std::byte*>(dense), t.axes, grid_.elem_size);
    }
    return;
  }
  std::vector<Staged> staged(tasks.size());
  auto run = [&](std::size_t i) {
    const ChunkTask& t = tasks[i];
    staged[i] = stage(
        t.key, t.coord.data(), t.covers_valid,
        [&](std::byte* chunk) {
          copy_selected(CopyDirection::scatter, chunk, const_cast<std::byte*>(dense), t.axes,
                        grid_.elem_size);
        },
        io);
  };
  if (write_in_parallel(tasks.size(), io)) {
    parallel_for(tasks.size(), io.threads, run);
  } else {
    for (std::size_t i = 0; i < tasks.size(); ++i) run(i);
  }
  commit(staged, io);
}

void ChunkedLayout::write_points(const SelectionPlan& plan, const std::byte* dense, IoContext& io) {
  const std::size_t r = grid_.extent.size();
  const std::size_t es = grid_.elem_size;
  auto order = group_points(grid_, plan);
  Shape in_chunk(r);
  if (pipeline_->empty()) {
    std::vector<std::pair<std::uint64_t, bool>> keys;
    for (std::size_t g = 0; g < order.size(); ++g) {
      if (g == 0 || order[g].first != order[g - 1].first) keys.emplace_back(order[g].first, false);
    }
    write_in_place(keys, io);
    for (const auto& [key, p] : order) {  // stable order: the last duplicate wins
      for (std::size_t d = 0; d < r; ++d) in_chunk[d] = plan.points[p * r + d] % grid_.chunk[d];
      std::memcpy(chunks_.at(key).bytes.data() + linear_offset(grid_.chunk, in_chunk.data()) * es,
                  dense + p * es, es);
    }
    return;
  }
  std::vector<Staged> staged;
  for (std::size_t g = 0; g < order.size();) {
    std::size_t end = g;
    while (end < order.size() && order[end].first == order[g].first) ++end;
    auto coord = grid_.coords(order[g].first);
    staged.push_back(stage(
        order[g].first, coord.data(), false,
        [&](std::byte* chunk) {
          for (std::size_t k = g; k < end; ++k) {  // selection order: the last duplicate wins
            std::uint64_t p = order[k].second;
            for (std::size_t d = 0; d < r; ++d)
              in_chunk[d] = plan.points[p * r + d] % grid_.chunk[d];
            std::memcpy(chunk + linear_offset(grid_.chunk, in_chunk.data()) * es, dense + p * es,
                        es);
          }
        },
        io));
    g = end;
  }
  commit(staged, io);
}

void ChunkedLayout::resize(const Shape& new_shape, IoContext& io) {
  ChunkGrid next(new_shape, grid_.chunk, grid_.elem_size);
  const std::size_t r = new_shape.size();
  std::unordered_map<std::uint64_t, StoredChunk> kept;
  std::vector<std::pair<std::uint64_t, Staged>> scrubbed;  // (old key, new contents)
  std::uint64_t dropped_bytes = 0;
  for (auto& [key, stored] : chunks_) {
    auto coord = grid_.coords(key);
    bool outside = false, cut = false;
    for (std::size_t d = 0; d < r; ++d) {
      std::uint64_t origin = coord[d] * grid_.chunk[d];
      if (origin >= new_shape[d]) outside = true;
      if (origin + grid_.chunk[d] > new_shape[d] && new_shape[d] < grid_.extent[d]) cut = true;
    }
    if (outside) {
      dropped_bytes += stored.bytes.size();
      continue;
    }
    if (!cut) continue;
    // Elements past the new extent become fill values, as libhdf5 does on shrink.
    Staged s = stage(
        key, coord.data(), false,
        [&](std::byte* chunk) {
          std::vector<AxisCopy> axes(r);
          for (std::size_t d = 0; d < r; ++d) {
            axes[d].dense_extent = grid_.chunk[d];
            axes[d].n = grid_.chunk[d];
          }
          for (std::size_t d = 0; d < r; ++d) {
            std::uint64_t origin = coord[d] * grid_.chunk[d];
            if (origin + grid_.chunk[d] <= new_shape[d]) continue;
            auto full = axes[d];
            axes[d].dense_start = new_shape[d] - origin;
            axes[d].n = grid_.chunk[d] - axes[d].dense_start;
            fill_box(chunk, axes, fill_.data(), grid_.elem_size);
            axes[d] = full;
          }
        },
        io);
    s.decoded.reset();
    scrubbed.emplace_back(key, std::move(s));
  }
  std::uint64_t added = 0, removed = dropped_bytes;
  for (auto& [key, s] : scrubbed) {
    added += s.chunk.bytes.size();
    removed += chunks_.at(key).bytes.size();
  }
  if (added > removed) io.budget.reserve(added - removed);
  // Commit: nothing below throws except allocation failure while rebuilding the index.
  for (auto& [key, s] : scrubbed) chunks_.at(key) = std::move(s.chunk);
  for (auto& [key, stored] : chunks_) {
    auto coord = grid_.coords(key);
    bool outside = false;
    for (std::size_t d = 0; d < r; ++d) outside |= coord[d] * grid_.chunk[d] >= new_shape[d];
    if (!outside) kept.emplace(next.linear(coord.data()), std::move(stored));
  }
  chunks_ = std::move(kept);
  if (removed > added) io.budget.release(removed - added);
  stored_bytes_ = stored_bytes_ + added - removed;
  grid_ = std::move(next);
  cache(io).erase_owner(owner_);
}

}  // namespace h5mem::detail
