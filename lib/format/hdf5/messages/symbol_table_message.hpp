// format/hdf5/messages/symbol_table_message.hpp -- the symbol table message (0x0011): where an
// old-style group keeps its links (a v1 B-tree of symbol table nodes and a local name heap).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

struct SymbolTableMessage {
  std::uint64_t btree_address = kUndefinedAddress;  // root of the group's v1 B-tree
  std::uint64_t heap_address = kUndefinedAddress;   // the group's local heap of link names

  bool operator==(const SymbolTableMessage&) const = default;
};

// Decodes a symbol table message body at relative address `offset` (used only in error
// messages). Trailing bytes are ignored. Throws Error(corruption) if truncated.
SymbolTableMessage decode_symbol_table_message(std::span<const std::byte> body,
                                               std::uint64_t offset, const FileSizes& sizes);

// Encodes `m`: two addresses.
std::vector<std::byte> encode_symbol_table_message(const SymbolTableMessage& m,
                                                   const FileSizes& sizes);

}  // namespace h5mem::detail
