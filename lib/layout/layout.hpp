// Data layouts: how a dataset's elements are stored (contiguous or chunked; compact and
// file-backed storage plug in here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "h5mem/shape.hpp"

namespace h5mem::detail {

class ChunkCache;
class FilterPipeline;
class MemoryBudget;
struct SelectionPlan;

// What a layout may use during one read or write: the image's budget, its shared decoded-
// chunk cache and the parallelism allowed.
struct IoContext {
  MemoryBudget& budget;
  ChunkCache& file_cache;
  unsigned threads;  // 0 = one per hardware thread, 1 = serial
};

// Storage of one dataset's elements in the file's datatype. Callers serialise access:
// any number of concurrent read()s, or one mutating call alone (the dataset's lock).
// Errors are thrown without file context; the dataset layer adds it.
class Layout {
 public:
  virtual ~Layout() = default;
  // Copies the selected elements into `dense` in selection order
  // (plan.n_elements * element size bytes). Unwritten storage reads as the fill value.
  virtual void read(const SelectionPlan& plan, std::byte* dense, IoContext& io) const = 0;
  // Copies `dense` into the selected elements. Storage it allocates is reserved from
  // io.budget first; if anything fails nothing changes.
  virtual void write(const SelectionPlan& plan, const std::byte* dense, IoContext& io) = 0;
  // Changes the extent (chunked layouts only; the caller has checked max_shape). Elements
  // outside the new extent are discarded. Atomic.
  virtual void resize(const Shape& new_shape, IoContext& io);
  // Gives the layout its own cache of `n` bytes (chunked layouts only).
  virtual void set_cache_bytes(std::uint64_t n, IoContext& io);
  // Chunk shape; empty for unchunked layouts.
  virtual Shape chunks() const { return {}; }
  // Bytes of element storage held on the heap (0 before the first write for contiguous
  // storage; views of a mapped file or borrowed image are not counted).
  virtual std::uint64_t bytes_held() const = 0;
  // Frees all storage (and cached chunks) and returns the bytes to the budget.
  virtual void release(MemoryBudget& budget, ChunkCache& file_cache) noexcept = 0;

  // --- The stored form, for the HDF5 writer and reader (lib/format/hdf5). Callers hold the
  // dataset's lock as for read() (visitors) or write() (loaders).

  // One element of the fill value, in the dataset's type.
  virtual std::span<const std::byte> fill_value() const = 0;
  // The filter pipeline chunks are encoded with; null for unchunked layouts.
  virtual const FilterPipeline* filters() const { return nullptr; }
  // Contiguous layouts: the elements in C order, or an empty span if nothing was ever
  // written (every element then reads as the fill value). Other layouts: empty.
  virtual std::span<const std::byte> contiguous_bytes() const { return {}; }
  // Chunked layouts: calls `visit` once per stored chunk, in increasing linear chunk index,
  // with its grid coordinates (chunk indices, not element offsets), its encoded bytes and
  // the filter mask they were encoded with. Never-written chunks are skipped.
  using ChunkVisitor =
      std::function<void(std::span<const std::uint64_t> grid_coord,
                         std::span<const std::byte> encoded, std::uint32_t filter_mask)>;
  virtual void for_each_stored_chunk(const ChunkVisitor& visit) const;
  //
  // Loaders take the bytes' `owner`: when non-null, it keeps `bytes` alive and unchanged for
  // as long as it lives (a file mapping, a borrowed image), and the layout keeps a view
  // instead of a copy (nothing charged; the first write copies). When null the bytes are
  // copied and charged to the budget.

  // Contiguous layouts: replaces the elements with `bytes` (exactly the dataset's byte size,
  // else corruption). Others: internal error.
  virtual void load_contiguous(std::span<const std::byte> bytes, MemoryBudget& budget,
                               const std::shared_ptr<const void>& owner);
  // Chunked layouts: stores one encoded chunk as read from a file, replacing any chunk at
  // those grid coordinates. Throws corruption if the coordinates are outside the grid or
  // an unfiltered chunk is not exactly the chunk's byte size.
  virtual void load_chunk(std::span<const std::uint64_t> grid_coord,
                          std::span<const std::byte> encoded, std::uint32_t filter_mask,
                          MemoryBudget& budget, const std::shared_ptr<const void>& owner);
};

// A contiguous layout over `shape` elements of `element_size` bytes; `fill` is one element.
std::unique_ptr<Layout> make_contiguous_layout(const Shape& shape, std::size_t element_size,
                                               std::vector<std::byte> fill);

// A chunked layout with chunks of `chunk` elements, filtered by `pipeline`. The pipeline
// must have been built for element_size and the chunk's byte size.
std::unique_ptr<Layout> make_chunked_layout(const Shape& shape, const Shape& chunk,
                                            std::size_t element_size, std::vector<std::byte> fill,
                                            std::shared_ptr<const FilterPipeline> pipeline);

}  // namespace h5mem::detail
