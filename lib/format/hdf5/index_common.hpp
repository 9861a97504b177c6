// format/hdf5/index_common.hpp -- what the heap, B-tree and chunk-index codecs share: a view of
// the whole file for decoding, checksum helpers, a guard that keeps tree walks finite, and the
// chunk-index element forms of data layout message version 4.
//
// Decoding convention: every decoder takes a FileView (all file bytes) and the address of the
// structure's entry point, checks signatures, versions, checksums and bounds, and throws
// Error(corruption) naming the structure and absolute byte offset, or Error(unsupported) for
// valid features h5mem does not read. Decoders never allocate more than the file can back.
//
// Encoding convention: every encoder takes the address at which its output will be placed and
// returns the bytes of one contiguous region starting there. Internal pointers are derived from
// that address; the region's size never depends on it (all fields have fixed widths), so a
// writer can encode once at address 0 to learn the size, reserve space, then encode again at the
// real address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

// The bytes of a whole HDF5 file plus the sizes its superblock declares.
struct FileView {
  std::span<const std::byte> bytes;
  FileSizes sizes;
  // The superblock's base address: structure addresses are relative to it (0 unless the file
  // has a user block that the base address skips).
  std::uint64_t base = 0;

  // Returns a reader over the `size` bytes at `address`. Throws corruption naming `structure`
  // if the address is undefined or the range does not lie inside the file.
  ByteReader at(std::uint64_t address, std::uint64_t size, std::string_view structure) const;
  // Returns a reader from `address` to the end of the file; same checks as at().
  ByteReader from(std::uint64_t address, std::string_view structure) const;
  // Returns the absolute byte offset of `address` (for error messages).
  std::uint64_t absolute(std::uint64_t address) const noexcept { return base + address; }
};

// Reads the 4-byte little-endian checksum that follows the bytes consumed so far from `r`
// (which must have been positioned at the structure's start) and throws corruption unless it
// equals lookup3 of those bytes.
void verify_checksum(ByteReader& r, std::span<const std::byte> structure_start);
// Appends lookup3 of out[from, end) to `w` (the checksum that ends v2 metadata structures).
void append_checksum(ByteWriter& w, std::size_t from);

// Keeps a tree walk finite on hostile input: every node address may be entered once and the
// walk may not descend deeper than `max_depth`. Throws corruption naming the structure.
class WalkGuard {
 public:
  WalkGuard(std::string_view structure, unsigned max_depth)
      : structure_(structure), max_depth_(max_depth) {}
  // Records a visit to the node at absolute offset `offset` at `depth` (root = 0). Throws
  // corruption if that node was visited before (a cycle or shared subtree) or depth is too big.
  void enter(std::uint64_t offset, unsigned depth);

 private:
  std::string_view structure_;
  unsigned max_depth_;
  std::unordered_set<std::uint64_t> visited_;
};

// Returns the least number of bytes that can hold `value` (libhdf5's H5VM_limit_enc_size:
// log2(value)/8 + 1, so 0..255 -> 1).
unsigned bytes_for_value(std::uint64_t value) noexcept;
// Returns floor(log2(value)) for value > 0, and 0 for 0.
unsigned log2_floor(std::uint64_t value) noexcept;

// Where one chunk is stored. An unallocated chunk has address kUndefinedAddress.
struct ChunkEntry {
  std::uint64_t address = kUndefinedAddress;
  std::uint64_t size = 0;         // stored (filtered) size in bytes
  std::uint32_t filter_mask = 0;  // bit i set: filter i of the pipeline was skipped
  bool operator==(const ChunkEntry&) const = default;
};

// A chunk entry together with its linear chunk index (see chunk_linear_index()).
struct IndexedChunk {
  std::uint64_t index = 0;
  ChunkEntry entry;
  bool operator==(const IndexedChunk&) const = default;
};

// The element form of fixed/extensible array chunk indexes (layout message version 4):
// unfiltered elements hold only an address; filtered ones add the chunk size in
// `size_length` bytes and a 4-byte filter mask.
struct ChunkElementFormat {
  bool filtered = false;
  unsigned size_length = 0;  // only for filtered elements: 1..8
  bool operator==(const ChunkElementFormat&) const = default;

  // Returns the encoded element size for `sizes`.
  std::size_t element_size(const FileSizes& sizes) const noexcept {
    return sizes.offsets + (filtered ? size_length + 4u : 0u);
  }
  // The form libhdf5 1.10 uses for a dataset whose unfiltered chunk is `chunk_bytes` bytes:
  // filtered elements store the size in 1 + (log2(chunk_bytes) + 8) / 8 bytes, at most 8.
  static ChunkElementFormat for_chunk(bool filtered, std::uint64_t chunk_bytes) noexcept;
};

// Decodes one element of `format` from `r`. A size that does not fit the element is kept.
ChunkEntry decode_chunk_element(ByteReader& r, const FileSizes& sizes,
                                const ChunkElementFormat& format);
// Encodes one element; unallocated entries are written as undefined address, size 0, mask 0.
void encode_chunk_element(ByteWriter& w, const ChunkEntry& e, const FileSizes& sizes,
                          const ChunkElementFormat& format);

// Returns how many chunks span each dimension: ceil(extent[i] / chunk[i]). `chunk` holds the
// dataset's chunk dimensions (without the datatype-size dimension of the layout message).
std::vector<std::uint64_t> chunk_grid(std::span<const std::uint64_t> extent,
                                      std::span<const std::uint64_t> chunk);
// Returns the row-major linear index of the chunk at `scaled` (chunk coordinates = element
// offset / chunk dimension) in a grid of `grid` chunks per dimension. Implicit and fixed
// array indexes use the grid of the MAXIMUM dimensions (libhdf5's max_down_chunks).
std::uint64_t chunk_linear_index(std::span<const std::uint64_t> scaled,
                                 std::span<const std::uint64_t> grid);
// Extensible array index: libhdf5 moves the unlimited dimension `unlimited_dim` to the front
// ("swizzles" it) and then linearises row-major over the grid of maximum dimensions (the
// unlimited dimension's own grid size does not matter since it is then the slowest).
std::uint64_t extensible_array_index(std::span<const std::uint64_t> scaled,
                                     std::span<const std::uint64_t> max_grid,
                                     unsigned unlimited_dim);

// Implicit index (layout v4 index type 2; no structure in the file): chunks are stored
// back to back from `base_address`, each `chunk_bytes` long, in linear index order over the
// grid of maximum dimensions. Returns the address of the chunk with `linear_index`.
std::uint64_t implicit_chunk_address(std::uint64_t base_address, std::uint64_t linear_index,
                                     std::uint64_t chunk_bytes) noexcept;
// Single chunk index (layout v4 index type 1; no structure in the file): the layout message
// holds the chunk's address and, when the chunk is filtered, its size and filter mask.
// Returns that chunk as an entry; unfiltered chunks have size `chunk_bytes`.
ChunkEntry single_chunk_entry(std::uint64_t address, bool filtered, std::uint64_t filtered_size,
                              std::uint32_t filter_mask, std::uint64_t chunk_bytes) noexcept;

}  // namespace h5mem::detail
