// format/hdf5/symbol_table_node.cpp -- symbol table entries and "SNOD" nodes.
#include "format/hdf5/symbol_table_node.hpp"

#include <string>

#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {
constexpr std::string_view kNode = "symbol table node";
constexpr std::size_t kNodePrefix = 8;  // signature, version, reserved, symbol count
}  // namespace

std::size_t symbol_table_entry_size(const FileSizes& sizes) noexcept {
  return 2u * sizes.offsets + 8 + 16;
}

SymbolTableEntry decode_symbol_table_entry(ByteReader& r, const FileSizes& sizes) {
  SymbolTableEntry e;
  e.name_offset = r.uint_n(sizes.offsets);
  e.object_address = r.address(sizes);
  const std::uint64_t where = r.offset();
  const std::uint32_t cache = r.u32();
  r.skip(4);
  auto scratch = r.bytes(16);
  ByteReader sp(scratch, r.offset() - 16, r.structure());
  switch (cache) {
    case 0:
      break;
    case 1:
      e.btree_address = sp.address(sizes);
      e.heap_address = sp.address(sizes);
      break;
    case 2:
      e.link_value_offset = sp.u32();
      break;
    default:
      fail_corrupt(r.structure(), where,
                   "unknown symbol table entry cache type " + std::to_string(cache));
  }
  e.cache_type = static_cast<SymbolCacheType>(cache);
  return e;
}

void encode_symbol_table_entry(ByteWriter& w, const SymbolTableEntry& e, const FileSizes& sizes) {
  w.uint_n(e.name_offset, sizes.offsets);
  w.address(e.object_address, sizes);
  w.u32(static_cast<std::uint32_t>(e.cache_type));
  w.zeros(4);
  const std::size_t start = w.size();
  if (e.cache_type == SymbolCacheType::group) {
    w.address(e.btree_address, sizes);
    w.address(e.heap_address, sizes);
  } else if (e.cache_type == SymbolCacheType::soft_link) {
    w.u32(e.link_value_offset);
  }
  w.zeros(16 - (w.size() - start));
}

std::size_t symbol_table_node_size(const FileSizes& sizes, unsigned leaf_k) noexcept {
  return kNodePrefix + 2u * leaf_k * symbol_table_entry_size(sizes);
}

std::vector<SymbolTableEntry> decode_symbol_table_node(const FileView& file, std::uint64_t address,
                                                       unsigned leaf_k) {
  ByteReader r = file.at(address, kNodePrefix, kNode);
  r.expect_signature("SNOD");
  if (r.u8() != 1) r.fail("unsupported symbol table node version");
  r.skip(1);
  const unsigned count = r.u16();
  if (count > 2u * leaf_k) {
    r.fail(std::to_string(count) + " symbols exceed the node capacity " +
           std::to_string(2 * leaf_k));
  }
  ByteReader body =
      file.at(address + kNodePrefix, count * symbol_table_entry_size(file.sizes), kNode);
  std::vector<SymbolTableEntry> out;
  out.reserve(count);
  for (unsigned i = 0; i < count; ++i) out.push_back(decode_symbol_table_entry(body, file.sizes));
  return out;
}

std::vector<std::byte> encode_symbol_table_node(std::span<const SymbolTableEntry> entries,
                                                const FileSizes& sizes, unsigned leaf_k) {
  if (entries.size() > 2u * leaf_k) {
    throw Error(ErrorCode::invalid_argument,
                "symbol table node: " + std::to_string(entries.size()) +
                    " entries exceed 2K = " + std::to_string(2 * leaf_k));
  }
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.text("SNOD");
  w.u8(1);
  w.u8(0);
  w.u16(static_cast<std::uint16_t>(entries.size()));
  for (const auto& e : entries) encode_symbol_table_entry(w, e, sizes);
  w.zeros(symbol_table_node_size(sizes, leaf_k) - out.size());
  return out;
}

}  // namespace h5mem::detail
