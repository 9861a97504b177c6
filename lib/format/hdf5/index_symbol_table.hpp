// format/hdf5/index_symbol_table.hpp -- a whole old-style group index: v1 B-tree (type 0) ->
// symbol table nodes -> names in the local heap, as the symbol table message points to them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "format/hdf5/btree_v1.hpp"
#include "format/hdf5/local_heap.hpp"
#include "format/hdf5/symbol_table_node.hpp"

namespace h5mem::detail {

// One member of a symbol-table group.
struct SymbolTableLink {
  std::string name;
  SymbolTableEntry entry;  // entry.name_offset is the name's heap offset
  std::string soft_value;  // the target path when entry.cache_type is soft_link
  bool operator==(const SymbolTableLink&) const = default;
};

// Node-size parameters from the superblock (libhdf5 defaults).
struct SymbolTableParams {
  unsigned leaf_k = kDefaultGroupLeafK;          // symbol table nodes hold 2 * leaf_k entries
  unsigned internal_k = kDefaultGroupInternalK;  // B-tree nodes hold 2 * internal_k children
  std::uint64_t heap_size_hint = kDefaultLocalHeapSizeHint;
};

// Reads every member of the group whose symbol table message names `btree_address` and
// `heap_address`, in B-tree (name) order. Throws corruption if any structure is damaged or the
// names are not strictly increasing (a B-tree whose nodes are out of order).
std::vector<SymbolTableLink> read_symbol_table(const FileView& file, std::uint64_t btree_address,
                                               std::uint64_t heap_address,
                                               const SymbolTableParams& params = {});

// A group index ready to be written at the address given to encode_symbol_table().
struct EncodedSymbolTable {
  std::vector<std::byte> bytes;     // local heap, then symbol table nodes, then B-tree nodes
  std::uint64_t btree_address = 0;  // for the symbol table message
  std::uint64_t heap_address = 0;   // for the symbol table message
};

// Encodes the index of a group holding `links` at `address`. Names (and soft link values, each
// right after its name) enter the heap in the order given, as libhdf5 inserts them; entries
// are then sorted by name (byte order, as strcmp) into full symbol table nodes. The `name_offset`
// and `link_value_offset` fields of the input entries are ignored and filled in.
// Throws invalid_argument for duplicate names or names containing NUL.
EncodedSymbolTable encode_symbol_table(std::span<const SymbolTableLink> links,
                                       std::uint64_t address, const FileSizes& sizes,
                                       const SymbolTableParams& params = {});

}  // namespace h5mem::detail
