// The stored form of a chunked layout: what the HDF5 writer enumerates and the reader loads.
#include <algorithm>
#include <cstring>
#include <new>

#include "core/fail.hpp"
#include "core/memory_budget.hpp"
#include "layout/chunked.hpp"

namespace h5mem::detail {

void ChunkedLayout::for_each_stored_chunk(const ChunkVisitor& visit) const {
  // The index is a hash map; the file's chunk indexes want a deterministic order.
  std::vector<std::uint64_t> keys;
  keys.reserve(chunks_.size());
  for (const auto& [key, chunk] : chunks_) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (std::uint64_t key : keys) {
    const StoredChunk& c = chunks_.at(key);
    const std::vector<std::uint64_t> coord = grid_.coords(key);
    visit(coord, c.view(), c.filter_mask);
  }
}

void ChunkedLayout::load_chunk(std::span<const std::uint64_t> grid_coord,
                               std::span<const std::byte> encoded, std::uint32_t filter_mask,
                               MemoryBudget& budget, const std::shared_ptr<const void>& owner) {
  const std::size_t r = grid_.counts.size();
  if (grid_coord.size() != r) {
    fail(ErrorCode::corruption, "a chunk with " + std::to_string(grid_coord.size()) +
                                    " coordinates in a dataset of rank " + std::to_string(r));
  }
  for (std::size_t d = 0; d < r; ++d) {
    if (grid_coord[d] >= grid_.counts[d]) {
      fail(ErrorCode::corruption, "chunk index " + std::to_string(grid_coord[d]) +
                                      " in dimension " + std::to_string(d) + " is outside the " +
                                      std::to_string(grid_.counts[d]) + " chunks of the extent");
    }
  }
  const std::uint64_t key = grid_.linear(grid_coord.data());
  if (pipeline_->empty() && encoded.size() != grid_.chunk_bytes) {
    fail(ErrorCode::corruption, grid_.describe(grid_coord.data()) + ": unfiltered chunk of " +
                                    std::to_string(encoded.size()) + " bytes, expected " +
                                    std::to_string(grid_.chunk_bytes));
  }
  StoredChunk c;
  c.filter_mask = filter_mask;
  if (owner) {
    c.borrowed = encoded;
    c.owner = owner;
  } else {
    budget.reserve(encoded.size());
    try {
      c.bytes = ByteBuffer(encoded.size());
    } catch (const std::bad_alloc&) {
      budget.release(encoded.size());
      fail(ErrorCode::out_of_space,
           "cannot allocate a chunk of " + std::to_string(encoded.size()) + " bytes");
    }
    if (!encoded.empty()) std::memcpy(c.bytes.data(), encoded.data(), encoded.size());
  }
  auto [it, inserted] = chunks_.try_emplace(key);
  if (!inserted) {
    budget.release(it->second.bytes.size());
    stored_bytes_ -= it->second.bytes.size();
  }
  stored_bytes_ += c.bytes.size();
  it->second = std::move(c);
}

}  // namespace h5mem::detail
