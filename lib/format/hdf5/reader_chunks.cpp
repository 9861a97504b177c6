// Chunk indexes: the v1 B-tree (layout v1-3) and the five v4 index types, each turned into
// a list of (grid coordinates, stored location).
#include "core/fail.hpp"
#include "format/hdf5/btree_v1.hpp"
#include "format/hdf5/btree_v2.hpp"
#include "format/hdf5/extensible_array.hpp"
#include "format/hdf5/fixed_array.hpp"
#include "format/hdf5/reader_internal.hpp"

namespace h5mem::detail {
namespace {

// Chunks wholly outside the current extent are not part of the dataset (libhdf5 drops them
// when shrinking; a stale one would only be unreachable data).
bool inside(const std::vector<std::uint64_t>& coord, const std::vector<std::uint64_t>& grid) {
  for (std::size_t d = 0; d < coord.size(); ++d) {
    if (coord[d] >= grid[d]) return false;
  }
  return true;
}

// Inverse of chunk_linear_index over `grid`; the first dimension is unbounded.
std::vector<std::uint64_t> unravel(std::uint64_t index, const std::vector<std::uint64_t>& grid) {
  std::vector<std::uint64_t> c(grid.size());
  for (std::size_t d = grid.size(); d-- > 1;) {
    const std::uint64_t g = grid[d] == 0 ? 1 : grid[d];
    c[d] = index % g;
    index /= g;
  }
  if (!c.empty()) c[0] = index;
  return c;
}

std::vector<std::uint64_t> max_grid(const Shape& max_shape, std::span<const std::uint64_t> chunk) {
  std::vector<std::uint64_t> m(max_shape.begin(), max_shape.end());
  for (auto& v : m) {
    // Only the unlimited dimension of an extensible array can be unlimited here, and its
    // grid size is irrelevant there (it is the slowest dimension after swizzling).
    if (v == unlimited) v = 0;
  }
  return chunk_grid(m, chunk);
}

void add(std::vector<ChunkLocation>& out, std::vector<std::uint64_t> coord, const ChunkEntry& e,
         const std::vector<std::uint64_t>& grid) {
  if (e.address == kUndefinedAddress) return;
  if (!inside(coord, grid)) return;
  out.push_back({std::move(coord), e});
}

}  // namespace

std::vector<ChunkLocation> list_chunks(const ReaderContext& ctx, const ChunkIndexInfo& lm,
                                       const Shape& shape, const Shape& max_shape, bool filtered,
                                       std::uint64_t chunk_bytes) {
  const std::vector<std::uint64_t>& chunk = lm.chunk_dims;
  const std::vector<std::uint64_t> grid = chunk_grid(shape, chunk);
  const std::size_t rank = chunk.size();
  std::vector<ChunkLocation> out;
  if (lm.address == kUndefinedAddress) return out;
  switch (lm.kind) {
    case ChunkIndexKind::btree_v1: {
      for (const ChunkRecordV1& r :
           decode_chunk_btree(ctx.view, lm.address, static_cast<unsigned>(rank + 1))) {
        std::vector<std::uint64_t> coord(rank);
        for (std::size_t d = 0; d < rank; ++d) {
          if (r.offset[d] % chunk[d] != 0) {
            fail_corrupt("chunk B-tree", ctx.view.absolute(lm.address),
                         "chunk offset " + std::to_string(r.offset[d]) +
                             " is not a multiple of the chunk dimension");
          }
          coord[d] = r.offset[d] / chunk[d];
        }
        add(out, std::move(coord), ChunkEntry{r.address, r.size, r.filter_mask}, grid);
      }
      break;
    }
    case ChunkIndexKind::single_chunk: {
      add(out, std::vector<std::uint64_t>(rank, 0),
          single_chunk_entry(lm.address, lm.single_filtered, lm.single_size, lm.single_mask,
                             chunk_bytes),
          grid);
      break;
    }
    case ChunkIndexKind::implicit: {
      const std::vector<std::uint64_t> mg = max_grid(max_shape, chunk);
      std::uint64_t count = 1;
      for (std::uint64_t g : grid) count *= g;  // bounded by make_dataset_layout's check
      // Every chunk of the extent is allocated; they must all be in the file.
      if (count != 0 && chunk_bytes != 0 && count > ctx.bytes.size() / chunk_bytes) {
        fail_corrupt("implicit chunk index", ctx.view.absolute(lm.address),
                     std::to_string(count) + " chunks of " + std::to_string(chunk_bytes) +
                         " bytes do not fit in the file");
      }
      for (std::uint64_t i = 0; i < count; ++i) {
        std::vector<std::uint64_t> coord = unravel(i, grid);
        std::uint64_t lin = chunk_linear_index(coord, mg);
        add(out, std::move(coord),
            ChunkEntry{implicit_chunk_address(lm.address, lin, chunk_bytes), chunk_bytes, 0}, grid);
      }
      break;
    }
    case ChunkIndexKind::fixed_array: {
      const std::vector<std::uint64_t> mg = max_grid(max_shape, chunk);
      for (const IndexedChunk& c : decode_fixed_array(ctx.view, lm.address)) {
        ChunkEntry e = c.entry;
        if (!filtered) e.size = chunk_bytes;
        add(out, unravel(c.index, mg), e, grid);
      }
      break;
    }
    case ChunkIndexKind::extensible_array: {
      unsigned u = 0;
      while (u < max_shape.size() && max_shape[u] != unlimited) ++u;
      if (u == max_shape.size()) {
        fail_corrupt("extensible array index", ctx.view.absolute(lm.address),
                     "the dataset has no unlimited dimension");
      }
      std::vector<std::uint64_t> mg = max_grid(max_shape, chunk);
      std::vector<std::uint64_t> swizzled = mg;
      for (unsigned i = u; i > 0; --i) std::swap(swizzled[i], swizzled[i - 1]);
      for (const IndexedChunk& c : decode_extensible_array(ctx.view, lm.address)) {
        std::vector<std::uint64_t> s = unravel(c.index, swizzled);
        for (unsigned i = 0; i < u; ++i) std::swap(s[i], s[i + 1]);
        ChunkEntry e = c.entry;
        if (!filtered) e.size = chunk_bytes;
        add(out, std::move(s), e, grid);
      }
      break;
    }
    case ChunkIndexKind::btree_v2: {
      BTreeV2Header bt = decode_btree_v2_header(ctx.view, lm.address);
      const BTreeV2Type want = filtered ? BTreeV2Type::chunk_filtered : BTreeV2Type::chunk;
      const unsigned size_length = ChunkElementFormat::for_chunk(true, chunk_bytes).size_length;
      if (bt.type != want ||
          bt.record_size !=
              chunk_record_size(want, ctx.sb.sizes, static_cast<unsigned>(rank), size_length)) {
        fail_corrupt("chunk B-tree", ctx.view.absolute(lm.address), "wrong record type or size");
      }
      walk_btree_v2(ctx.view, bt, [&](std::span<const std::byte> raw) {
        ChunkRecordV2 r =
            decode_chunk_record(want, raw, ctx.sb.sizes, static_cast<unsigned>(rank), size_length);
        ChunkEntry e{r.address, filtered ? r.size : chunk_bytes, r.filter_mask};
        add(out, std::move(r.scaled), e, grid);
      });
      break;
    }
  }
  return out;
}

}  // namespace h5mem::detail
