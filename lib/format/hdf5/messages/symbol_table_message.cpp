// format/hdf5/messages/symbol_table_message.cpp -- the symbol table message.
#include "format/hdf5/messages/symbol_table_message.hpp"

namespace h5mem::detail {

SymbolTableMessage decode_symbol_table_message(std::span<const std::byte> body,
                                               std::uint64_t offset, const FileSizes& sizes) {
  ByteReader r(body, offset, "symbol table message");
  SymbolTableMessage m;
  m.btree_address = r.address(sizes);
  m.heap_address = r.address(sizes);
  return m;
}

std::vector<std::byte> encode_symbol_table_message(const SymbolTableMessage& m,
                                                   const FileSizes& sizes) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.address(m.btree_address, sizes);
  w.address(m.heap_address, sizes);
  return out;
}

}  // namespace h5mem::detail
