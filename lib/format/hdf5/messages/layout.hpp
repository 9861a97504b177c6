// format/hdf5/messages/layout.hpp -- the data layout message (0x0008): compact, contiguous,
// chunked (with the v4 chunk index types) and virtual storage, versions 1-5.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

enum class LayoutClass : std::uint8_t {
  compact = 0,
  contiguous = 1,
  chunked = 2,
  virtual_storage = 3
};

// How chunk addresses are indexed. Layout versions 1-3 always use a v1 B-tree; versions 4
// and 5 store one of the others.
enum class ChunkIndexType : std::uint8_t {
  btree_v1 = 0,
  single_chunk = 1,
  implicit = 2,
  fixed_array = 3,
  extensible_array = 4,
  btree_v2 = 5,
};

// Chunked layout flags (versions 4/5).
inline constexpr std::uint8_t kLayoutDontFilterPartialEdgeChunks = 0x01;
// The single chunk is filtered: its filtered size and filter mask are stored. (The spec
// text ties them to bit 0; libhdf5 uses this bit.)
inline constexpr std::uint8_t kLayoutSingleIndexWithFilter = 0x02;

// Single chunk index: present when kLayoutSingleIndexWithFilter is set.
struct SingleChunkInfo {
  std::uint64_t filtered_size = 0;  // bytes of the stored (filtered) chunk
  std::uint32_t filter_mask = 0;    // bit i set: filter i was skipped

  bool operator==(const SingleChunkInfo&) const = default;
};

// Fixed array index creation parameters.
struct FixedArrayParams {
  std::uint8_t page_bits = 0;  // log2 of the maximum elements per data block page

  bool operator==(const FixedArrayParams&) const = default;
};

// Extensible array index creation parameters, in stored order.
struct ExtensibleArrayParams {
  std::uint8_t max_bits = 0;        // log2 of the maximum number of elements
  std::uint8_t index_elements = 0;  // elements stored in the index block
  std::uint8_t min_pointers = 0;    // minimum data block pointers per secondary block
  std::uint8_t min_elements = 0;    // minimum elements per data block
  std::uint8_t page_bits = 0;       // log2 of the maximum elements per data block page

  bool operator==(const ExtensibleArrayParams&) const = default;
};

// Version 2 B-tree index creation parameters.
struct BtreeV2Params {
  std::uint32_t node_size = 0;  // bytes per node
  std::uint8_t split_percent = 0;
  std::uint8_t merge_percent = 0;

  bool operator==(const BtreeV2Params&) const = default;
};

struct LayoutMessage {
  std::uint8_t version = 3;  // 1-5 (5 differs from 4 only in chunk records elsewhere)
  LayoutClass layout_class = LayoutClass::contiguous;
  // contiguous: the raw data; chunked: the chunk index (v1 B-tree, or per index_type: the
  // single chunk, the implicit chunk array, the fixed/extensible array or v2 B-tree header);
  // virtual: the global heap collection. kUndefinedAddress when not allocated yet.
  std::uint64_t address = kUndefinedAddress;
  std::uint64_t size = 0;               // contiguous, versions 3+: bytes of raw data
  std::vector<std::byte> compact_data;  // compact: the raw data itself

  // chunked: chunk shape in elements (rank entries), and the dataset element size that the
  // format stores as one extra, last dimension.
  std::vector<std::uint64_t> chunk_dims;
  std::uint32_t element_size = 0;
  std::uint8_t chunk_flags = 0;  // versions 4/5: kLayout* bits
  // Versions 4/5: bytes per encoded chunk dimension; 0 lets the encoder pick the fewest that
  // hold every dimension and the element size, as libhdf5 does.
  std::uint8_t dim_width = 0;
  ChunkIndexType index_type = ChunkIndexType::btree_v1;
  SingleChunkInfo single_chunk;
  FixedArrayParams fixed_array;
  ExtensibleArrayParams extensible_array;
  BtreeV2Params btree_v2;

  std::uint32_t virtual_index = 0;  // virtual: index of the mapping in the heap collection

  // Versions 1/2, compact and contiguous: the stored dimension sizes (readers take the
  // extent from the dataspace instead; kept for exact re-encoding).
  std::vector<std::uint32_t> legacy_dims;

  bool operator==(const LayoutMessage&) const = default;
};

// Decodes a layout message body at relative address `offset` (used only in error messages).
// Trailing bytes are ignored.
// Throws Error(corruption) if truncated or inconsistent (zero or too many chunk dimensions,
// a zero chunk dimension, an unknown class or chunk index type, a v1 B-tree index in v4);
// Error(unsupported) for versions other than 1-5.
LayoutMessage decode_layout(std::span<const std::byte> body, std::uint64_t offset,
                            const FileSizes& sizes);

// Encodes `m` in m.version's layout as libhdf5 writes it.
// Throws Error(invalid_argument) when `m` cannot be expressed in that version (virtual before
// 4, chunk index types other than btree_v1 before 4 or btree_v1 in 4+, dimensions too large
// for their field, compact data over 65535 bytes in v3+).
std::vector<std::byte> encode_layout(const LayoutMessage& m, const FileSizes& sizes);

}  // namespace h5mem::detail
