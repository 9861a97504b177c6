// format/hdf5/btree_v1.hpp -- version 1 B-trees ("TREE"): type 0 indexes the symbol table nodes
// of an old-style group, type 1 the chunks of a dataset with a layout message below version 4.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/index_common.hpp"

namespace h5mem::detail {

// Superblock defaults: group B-tree nodes hold 2K = 32 children, chunk nodes 2K = 64.
inline constexpr unsigned kDefaultGroupInternalK = 16;
inline constexpr unsigned kDefaultChunkK = 32;
// Decoders refuse trees whose root claims a higher level (a real tree of that height would
// need more nodes than any file holds).
inline constexpr unsigned kMaxBTreeV1Level = 48;

enum class BTreeV1Type : std::uint8_t { group = 0, chunk = 1 };

// Returns the on-disk size of every node of a tree: header, two sibling addresses, 2K child
// addresses and 2K+1 keys. `layout_dims` (chunk trees only) is the layout message's
// dimensionality: dataset rank + 1. Examples: group, K=16 -> 544; chunk rank 2, K=32 -> 2152.
std::size_t btree_v1_node_size(BTreeV1Type type, const FileSizes& sizes, unsigned k,
                               unsigned layout_dims = 0) noexcept;

// Walks the group B-tree rooted at `root` and returns the addresses of its symbol table nodes
// in key (name) order. Checks signatures, node type, that each child is exactly one level
// below its parent, and visits each node once. Throws corruption otherwise.
std::vector<std::uint64_t> decode_group_btree(const FileView& file, std::uint64_t root);

// One chunk of a type 1 tree.
struct ChunkRecordV1 {
  std::uint32_t size = 0;  // stored bytes
  std::uint32_t filter_mask = 0;
  std::vector<std::uint64_t> offset;  // element offset of the chunk, one value per dataset dim
  std::uint64_t address = kUndefinedAddress;
  bool operator==(const ChunkRecordV1&) const = default;
};

// Walks the chunk B-tree rooted at `root` for a layout of `layout_dims` dimensions (rank + 1)
// and returns every chunk in key order, with the trailing datatype offset dropped. Same checks
// as decode_group_btree(). Throws corruption otherwise.
std::vector<ChunkRecordV1> decode_chunk_btree(const FileView& file, std::uint64_t root,
                                              unsigned layout_dims);

// A leaf child of a group B-tree: one symbol table node and the heap offset of the greatest
// name it holds (the key to its right).
struct GroupBTreeChild {
  std::uint64_t snod_address = 0;
  std::uint64_t last_name_offset = 0;
};

// Nodes of an encoded tree, contiguous from the address given to the encoder.
struct EncodedBTreeV1 {
  std::vector<std::byte> bytes;
  std::uint64_t root_address = kUndefinedAddress;  // undefined only for a chunk tree of no chunks
};

// Encodes a group B-tree over `children` (in name order) at `address`: leaves first, each node
// filled to 2K children, then as many levels above as needed; the root is the last node. Keys
// follow libhdf5: the left-most key is heap offset 0 (the empty name), each later key the greatest
// name to its left. No children gives one empty leaf, as libhdf5 creates for an empty group.
EncodedBTreeV1 encode_group_btree(std::span<const GroupBTreeChild> children, std::uint64_t address,
                                  const FileSizes& sizes, unsigned k = kDefaultGroupInternalK);

// Encodes a chunk B-tree over `records` at `address`, laid out like encode_group_btree().
// `layout_dims` are the layout message's chunk dimensions (rank values + datatype size); the
// final right key (size 0) is the last chunk's offset advanced one chunk in the slowest
// dimension, with the element size as datatype offset: what libhdf5 writes for chunks inserted
// in order (it never reads that key). No records gives no bytes and an undefined root.
// Throws invalid_argument unless records are strictly increasing in offset and have `rank` offsets.
EncodedBTreeV1 encode_chunk_btree(std::span<const ChunkRecordV1> records,
                                  std::span<const std::uint64_t> layout_dims, std::uint64_t address,
                                  const FileSizes& sizes, unsigned k = kDefaultChunkK);

}  // namespace h5mem::detail
