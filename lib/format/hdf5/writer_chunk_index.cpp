// Layout v4 chunk indexes for the latest format: fixed array (fixed maximum extent),
// extensible array (one unlimited dimension) and v2 B-tree (several).
#include <stdexcept>

#include "format/hdf5/btree_v2.hpp"
#include "format/hdf5/extensible_array.hpp"
#include "format/hdf5/fixed_array.hpp"
#include "format/hdf5/writer_internal.hpp"

namespace h5mem::detail::hdf5w {

namespace {

// The grid of the maximum extent; an unlimited dimension takes its current grid (extensible
// arrays ignore its size, it being the slowest after swizzling).
std::vector<std::uint64_t> max_grid(const ChunkIndexInput& in) {
  std::vector<std::uint64_t> g(in.chunk.size());
  for (std::size_t d = 0; d < g.size(); ++d) {
    const std::uint64_t m = in.max_shape[d] == unlimited ? in.shape[d] : in.max_shape[d];
    g[d] = (m + in.chunk[d] - 1) / in.chunk[d];
    if (g[d] == 0) g[d] = 1;
  }
  return g;
}

std::uint64_t linear_index(const ChunkIndexInput& in, const std::vector<std::uint64_t>& grid,
                           const std::vector<std::uint64_t>& scaled) {
  if (in.kind == IndexKind::extensible_array) {
    unsigned ud = 0;
    for (std::size_t d = 0; d < in.max_shape.size(); ++d) {
      if (in.max_shape[d] == unlimited) ud = static_cast<unsigned>(d);
    }
    return extensible_array_index(scaled, grid, ud);
  }
  return chunk_linear_index(scaled, grid);
}

// Entries indexed by linear chunk index; `real` chooses final addresses or placeholders (the
// structure's size depends only on which chunks exist).
std::vector<ChunkEntry> entries(const ChunkIndexInput& in, bool real) {
  const auto grid = max_grid(in);
  std::uint64_t n = 0;
  if (in.kind == IndexKind::fixed_array) {
    n = 1;
    for (auto g : grid) n *= g;
  }
  std::vector<std::pair<std::uint64_t, ChunkEntry>> indexed;
  for (const auto& c : in.chunks) {
    const std::uint64_t i = linear_index(in, grid, c.scaled);
    indexed.push_back({i, ChunkEntry{real ? c.address : 0, c.size, c.filter_mask}});
    n = std::max(n, i + 1);
  }
  std::vector<ChunkEntry> out(n);
  for (auto& [i, e] : indexed) out[i] = e;
  return out;
}

std::vector<std::byte> encode_index(const ChunkIndexInput& in, std::uint64_t at,
                                    const FileSizes& sizes, bool real) {
  const ChunkElementFormat format = ChunkElementFormat::for_chunk(in.filtered, in.chunk_bytes);
  switch (in.kind) {
    case IndexKind::fixed_array:
      return encode_fixed_array(entries(in, real), at, sizes, format).bytes;
    case IndexKind::extensible_array:
      return encode_extensible_array(entries(in, real), at, sizes, format).bytes;
    case IndexKind::btree_v2: {
      const BTreeV2Type type = in.filtered ? BTreeV2Type::chunk_filtered : BTreeV2Type::chunk;
      const unsigned size_length = ChunkElementFormat::for_chunk(true, in.chunk_bytes).size_length;
      std::vector<std::vector<std::byte>> records;
      for (const auto& c : in.chunks) {
        ChunkRecordV2 r;
        r.address = real ? c.address : 0;
        r.size = c.size;
        r.filter_mask = c.filter_mask;
        r.scaled = c.scaled;
        records.push_back(encode_chunk_record(type, r, sizes, size_length));
      }
      BTreeV2Params params;
      params.type = type;
      params.node_size = kBTreeV2ChunkNodeSize;
      params.record_size =
          chunk_record_size(type, sizes, static_cast<unsigned>(in.chunk.size()), size_length);
      return encode_btree_v2(params, records, at, sizes).bytes;
    }
    case IndexKind::single_chunk:
      break;
  }
  throw std::logic_error("no index structure for a single chunk");
}

}  // namespace

std::uint64_t place_chunk_index(Context& ctx, std::shared_ptr<ChunkIndexInput> input) {
  const FileSizes sizes = ctx.sizes;
  const std::uint64_t at = ctx.next;
  const std::uint64_t size = encode_index(*input, at, sizes, false).size();
  ctx.alloc(size, [input, at, sizes](ByteSink& sink) {
    sink.write(encode_index(*input, at, sizes, true));
  });
  return at;
}

}  // namespace h5mem::detail::hdf5w
