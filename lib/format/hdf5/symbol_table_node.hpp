// format/hdf5/symbol_table_node.hpp -- symbol table entries and symbol table nodes ("SNOD"),
// the leaves of an old-style group's v1 B-tree.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/index_common.hpp"

namespace h5mem::detail {

// What the scratch-pad of an entry caches (libhdf5 writes 1 for groups, 2 for soft links and 0
// for everything else).
enum class SymbolCacheType : std::uint32_t {
  none = 0,       // nothing cached
  group = 1,      // B-tree and local heap addresses of the child group
  soft_link = 2,  // heap offset of the soft link's value; object address undefined
};

// One link of a symbol-table group.
struct SymbolTableEntry {
  std::uint64_t name_offset = 0;  // in the group's local heap
  std::uint64_t object_address = kUndefinedAddress;
  SymbolCacheType cache_type = SymbolCacheType::none;
  std::uint64_t btree_address = kUndefinedAddress;  // cache_type group
  std::uint64_t heap_address = kUndefinedAddress;   // cache_type group
  std::uint32_t link_value_offset = 0;              // cache_type soft_link
  bool operator==(const SymbolTableEntry&) const = default;
};

// Returns the encoded entry size: two offsets, cache type, reserved, 16-byte scratch-pad
// (40 bytes with 8-byte offsets).
std::size_t symbol_table_entry_size(const FileSizes& sizes) noexcept;
// Decodes one entry at `r`. Throws corruption for a cache type other than 0, 1, 2.
SymbolTableEntry decode_symbol_table_entry(ByteReader& r, const FileSizes& sizes);
// Encodes one entry; scratch-pad bytes that the cache type does not use are zero.
void encode_symbol_table_entry(ByteWriter& w, const SymbolTableEntry& e, const FileSizes& sizes);

// libhdf5's default "group leaf node K": a symbol table node holds up to 2K entries.
inline constexpr unsigned kDefaultGroupLeafK = 4;

// Returns the size of a node with room for 2 * leaf_k entries (libhdf5 always allocates the
// full size; 328 bytes for K = 4 with 8-byte offsets).
std::size_t symbol_table_node_size(const FileSizes& sizes,
                                   unsigned leaf_k = kDefaultGroupLeafK) noexcept;

// Decodes the node at `address`: signature, version 1, and at most 2 * leaf_k entries.
// Throws corruption otherwise.
std::vector<SymbolTableEntry> decode_symbol_table_node(const FileView& file, std::uint64_t address,
                                                       unsigned leaf_k = kDefaultGroupLeafK);
// Encodes a node holding `entries` (in name order, at most 2 * leaf_k), zero-filled to the full
// node size as libhdf5 writes it. Throws invalid_argument if there are too many entries.
std::vector<std::byte> encode_symbol_table_node(std::span<const SymbolTableEntry> entries,
                                                const FileSizes& sizes,
                                                unsigned leaf_k = kDefaultGroupLeafK);

}  // namespace h5mem::detail
