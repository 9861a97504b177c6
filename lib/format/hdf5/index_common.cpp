// format/hdf5/index_common.cpp -- shared pieces of the heap, B-tree and chunk-index codecs.
#include "format/hdf5/index_common.hpp"

#include <string>

#include "format/hdf5/checksum.hpp"

namespace h5mem::detail {

ByteReader FileView::at(std::uint64_t address, std::uint64_t size,
                        std::string_view structure) const {
  if (address == kUndefinedAddress) fail_corrupt(structure, 0, "undefined address");
  const std::uint64_t abs = base + address;
  if (abs < base || abs > bytes.size() || size > bytes.size() - abs) {
    fail_corrupt(structure, abs,
                 std::to_string(size) + " bytes do not fit in the " + std::to_string(bytes.size()) +
                     "-byte file");
  }
  return ByteReader(bytes.subspan(static_cast<std::size_t>(abs), static_cast<std::size_t>(size)),
                    abs, structure);
}

ByteReader FileView::from(std::uint64_t address, std::string_view structure) const {
  if (address == kUndefinedAddress) fail_corrupt(structure, 0, "undefined address");
  const std::uint64_t abs = base + address;
  if (abs < base || abs > bytes.size())
    fail_corrupt(structure, abs, "address past the end of the file");
  return at(address, bytes.size() - abs, structure);
}

void verify_checksum(ByteReader& r, std::span<const std::byte> structure_start) {
  const std::size_t covered = r.position();
  const std::uint32_t expected = lookup3(structure_start.first(covered));
  const std::uint64_t where = r.offset();
  const std::uint32_t stored = r.u32();
  if (stored != expected) fail_corrupt(r.structure(), where, "checksum mismatch");
}

void append_checksum(ByteWriter& w, std::size_t from) {
  auto& buf = w.buffer();
  w.u32(lookup3(std::span<const std::byte>(buf).subspan(from)));
}

void WalkGuard::enter(std::uint64_t offset, unsigned depth) {
  if (depth > max_depth_)
    fail_corrupt(structure_, offset, "tree deeper than " + std::to_string(max_depth_));
  if (!visited_.insert(offset).second)
    fail_corrupt(structure_, offset, "node reached twice (cycle)");
}

unsigned log2_floor(std::uint64_t value) noexcept {
  unsigned r = 0;
  while (value > 1) {
    value >>= 1;
    ++r;
  }
  return r;
}

unsigned bytes_for_value(std::uint64_t value) noexcept {
  return log2_floor(value) / 8 + 1;
}

ChunkElementFormat ChunkElementFormat::for_chunk(bool filtered,
                                                 std::uint64_t chunk_bytes) noexcept {
  ChunkElementFormat f;
  f.filtered = filtered;
  if (filtered) {
    unsigned len = 1 + (log2_floor(chunk_bytes) + 8) / 8;
    f.size_length = len > 8 ? 8 : len;
  }
  return f;
}

ChunkEntry decode_chunk_element(ByteReader& r, const FileSizes& sizes,
                                const ChunkElementFormat& format) {
  ChunkEntry e;
  e.address = r.address(sizes);
  if (format.filtered) {
    e.size = r.uint_n(format.size_length);
    e.filter_mask = r.u32();
  }
  return e;
}

void encode_chunk_element(ByteWriter& w, const ChunkEntry& e, const FileSizes& sizes,
                          const ChunkElementFormat& format) {
  const bool present = e.address != kUndefinedAddress;
  w.address(e.address, sizes);
  if (format.filtered) {
    w.uint_n(present ? e.size : 0, format.size_length);
    w.u32(present ? e.filter_mask : 0);
  }
}

std::vector<std::uint64_t> chunk_grid(std::span<const std::uint64_t> extent,
                                      std::span<const std::uint64_t> chunk) {
  std::vector<std::uint64_t> g(extent.size());
  for (std::size_t i = 0; i < extent.size() && i < chunk.size(); ++i) {
    g[i] = chunk[i] ? (extent[i] + chunk[i] - 1) / chunk[i] : 0;
  }
  return g;
}

std::uint64_t chunk_linear_index(std::span<const std::uint64_t> scaled,
                                 std::span<const std::uint64_t> grid) {
  std::uint64_t index = 0;
  for (std::size_t i = 0; i < scaled.size() && i < grid.size(); ++i)
    index = index * grid[i] + scaled[i];
  return index;
}

std::uint64_t extensible_array_index(std::span<const std::uint64_t> scaled,
                                     std::span<const std::uint64_t> max_grid,
                                     unsigned unlimited_dim) {
  std::vector<std::uint64_t> s(scaled.begin(), scaled.end());
  std::vector<std::uint64_t> g(max_grid.begin(), max_grid.end());
  if (unlimited_dim < s.size() && unlimited_dim < g.size()) {
    for (unsigned i = unlimited_dim; i > 0; --i) {
      std::swap(s[i], s[i - 1]);
      std::swap(g[i], g[i - 1]);
    }
  }
  return chunk_linear_index(s, g);
}

std::uint64_t implicit_chunk_address(std::uint64_t base_address, std::uint64_t linear_index,
                                     std::uint64_t chunk_bytes) noexcept {
  return base_address + linear_index * chunk_bytes;
}

ChunkEntry single_chunk_entry(std::uint64_t address, bool filtered, std::uint64_t filtered_size,
                              std::uint32_t filter_mask, std::uint64_t chunk_bytes) noexcept {
  ChunkEntry e;
  e.address = address;
  e.size = filtered ? filtered_size : chunk_bytes;
  e.filter_mask = filtered ? filter_mask : 0;
  return e;
}

}  // namespace h5mem::detail
