// Chunked layout: each chunk encoded by the filter pipeline in its own allocation, indexed
// by a flat hash map; decoded chunks are cached in an LRU shared by the file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "chunk/chunk_buffer.hpp"
#include "chunk/chunk_cache.hpp"
#include "chunk/chunk_grid.hpp"
#include "codec/filter.hpp"
#include "layout/layout.hpp"

namespace h5mem::detail {

// Per-thread reusable chunk-sized buffers: one for reads, one for staging writes.
enum class ScratchSlot { read = 0, write = 1 };
std::byte* chunk_scratch(std::size_t n, ScratchSlot slot);

class ChunkedLayout final : public Layout {
 public:
  ChunkedLayout(const Shape& shape, const Shape& chunk, std::size_t elem_size,
                std::vector<std::byte> fill, std::shared_ptr<const FilterPipeline> pipeline);

  void read(const SelectionPlan& plan, std::byte* dense, IoContext& io) const override;
  void write(const SelectionPlan& plan, const std::byte* dense, IoContext& io) override;
  void resize(const Shape& new_shape, IoContext& io) override;
  void set_cache_bytes(std::uint64_t n, IoContext& io) override;
  Shape chunks() const override { return grid_.chunk; }
  std::uint64_t bytes_held() const override { return stored_bytes_; }
  void release(MemoryBudget& budget, ChunkCache& file_cache) noexcept override;
  void for_each_stored_chunk(const ChunkVisitor& visit) const override;
  std::span<const std::byte> fill_value() const override { return fill_; }
  const FilterPipeline* filters() const override { return pipeline_.get(); }
  void load_chunk(std::span<const std::uint64_t> grid_coord, std::span<const std::byte> encoded,
                  std::uint32_t filter_mask, MemoryBudget& budget,
                  const std::shared_ptr<const void>& owner) override;

  // Test hook: the stored (encoded) bytes of the chunk whose first element is at grid
  // coordinates `coord`, or null if that chunk was never written. Lets fault-injection tests
  // corrupt a chunk in place. Borrowed chunks (of an opened file) have no owned bytes.
  ByteBuffer* stored_chunk_for_test(const std::vector<std::uint64_t>& coord);

 private:
  // A chunk rewritten by a write, not yet committed.
  struct Staged {
    std::uint64_t key = 0;
    StoredChunk chunk;
    SharedChunk decoded;  // to cache after commit, when the write was partial
  };

  ChunkCache& cache(IoContext& io) const { return own_cache_ ? *own_cache_ : io.file_cache; }
  // Whether to spread a write's chunks over the pool: only when there is enough encoding to
  // pay for the hand-off.
  bool write_in_parallel(std::size_t n_tasks, IoContext& io) const;
  // Throws corruption unless an unfiltered chunk has exactly chunk_bytes stored.
  void check_raw_size(const StoredChunk& stored, const std::uint64_t* coord) const;
  // Decodes `stored` into `out` (chunk_bytes), naming the chunk in any error.
  void decode(const StoredChunk& stored, const std::uint64_t* coord,
              std::span<std::byte> out) const;
  // The current decoded contents of a chunk for reading: a pointer valid while `hold` (or the
  // stored chunk) lives; null if the chunk was never written.
  const std::byte* decoded_view(std::uint64_t key, const std::uint64_t* coord, bool cache_it,
                                IoContext& io, SharedChunk& hold) const;
  // The decoded contents of `stored` (not in the cache), decoded into a new cache buffer held
  // by `hold` when `cache_it` and it fits the cache, otherwise into per-thread scratch.
  const std::byte* decode_for_read(const StoredChunk& stored, std::uint64_t key,
                                   const std::uint64_t* coord, bool cache_it, IoContext& io,
                                   SharedChunk& hold) const;
  // Copies the current contents of a chunk (fill values if never written) into `out`.
  void load_chunk(std::uint64_t key, const std::uint64_t* coord, std::byte* out,
                  IoContext& io) const;
  // Builds the new stored form of a chunk after `apply` modified its decoded contents.
  Staged stage(std::uint64_t key, const std::uint64_t* coord, bool covers_valid,
               const std::function<void(std::byte*)>& apply, IoContext& io) const;
  void commit(std::vector<Staged>& staged, IoContext& io);
  // Reserves `n` bytes, emptying the caches first if the quota would refuse them.
  void reserve_evicting(std::uint64_t n, IoContext& io);
  // Uncompressed chunks are rewritten in place: `apply_all` is called once the chunks in
  // `keys` all exist (new ones allocated, filled and charged to the budget first).
  void write_in_place(const std::vector<std::pair<std::uint64_t, bool>>& keys, IoContext& io);
  void read_points(const SelectionPlan& plan, std::byte* dense, IoContext& io) const;
  void write_points(const SelectionPlan& plan, const std::byte* dense, IoContext& io);

  ChunkGrid grid_;
  std::vector<std::byte> fill_;  // one element
  std::shared_ptr<const FilterPipeline> pipeline_;
  std::unordered_map<std::uint64_t, StoredChunk> chunks_;
  std::uint64_t stored_bytes_ = 0;
  const std::uint64_t owner_ = ChunkCache::new_owner();
  std::unique_ptr<ChunkCache> own_cache_;
};

// Groups point p of `plan` by chunk: returns (chunk key, point index) pairs sorted by key,
// points of one chunk in selection order.
std::vector<std::pair<std::uint64_t, std::uint64_t>> group_points(const ChunkGrid& grid,
                                                                  const SelectionPlan& plan);

}  // namespace h5mem::detail
