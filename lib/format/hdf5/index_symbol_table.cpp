// format/hdf5/index_symbol_table.cpp -- reading and writing a symbol-table group's index.
#include "format/hdf5/index_symbol_table.hpp"

#include <algorithm>
#include <numeric>

#include "h5mem/error.hpp"

namespace h5mem::detail {

std::vector<SymbolTableLink> read_symbol_table(const FileView& file, std::uint64_t btree_address,
                                               std::uint64_t heap_address,
                                               const SymbolTableParams& params) {
  const LocalHeap heap = decode_local_heap(file, heap_address);
  std::vector<SymbolTableLink> out;
  for (std::uint64_t snod : decode_group_btree(file, btree_address)) {
    for (auto& e : decode_symbol_table_node(file, snod, params.leaf_k)) {
      SymbolTableLink link;
      link.name = heap.string_at(e.name_offset);
      if (e.cache_type == SymbolCacheType::soft_link)
        link.soft_value = heap.string_at(e.link_value_offset);
      if (!out.empty() && !(out.back().name < link.name)) {
        fail_corrupt("symbol table node", file.absolute(snod),
                     "names out of order: \"" + out.back().name + "\" then \"" + link.name + "\"");
      }
      link.entry = e;
      out.push_back(std::move(link));
    }
  }
  return out;
}

EncodedSymbolTable encode_symbol_table(std::span<const SymbolTableLink> links,
                                       std::uint64_t address, const FileSizes& sizes,
                                       const SymbolTableParams& params) {
  std::vector<std::string> strings;
  strings.reserve(links.size() * 2);
  for (const auto& l : links) {
    if (l.name.find('\0') != std::string::npos || l.soft_value.find('\0') != std::string::npos) {
      throw Error(ErrorCode::invalid_argument, "symbol table: name contains NUL");
    }
    strings.push_back(l.name);
    if (l.entry.cache_type == SymbolCacheType::soft_link) strings.push_back(l.soft_value);
  }
  EncodedSymbolTable out;
  out.heap_address = address;
  EncodedLocalHeap heap = encode_local_heap(strings, address, sizes, params.heap_size_hint);
  out.bytes = std::move(heap.bytes);

  std::vector<SymbolTableEntry> entries(links.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < links.size(); ++i) {
    entries[i] = links[i].entry;
    entries[i].name_offset = heap.offsets[next++];
    if (entries[i].cache_type == SymbolCacheType::soft_link) {
      entries[i].link_value_offset = static_cast<std::uint32_t>(heap.offsets[next++]);
    }
  }
  std::vector<std::size_t> order(links.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return links[a].name < links[b].name; });
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (links[order[i - 1]].name == links[order[i]].name) {
      throw Error(ErrorCode::invalid_argument,
                  "symbol table: duplicate name \"" + links[order[i]].name + "\"");
    }
  }

  const std::size_t cap = 2u * params.leaf_k;
  std::vector<GroupBTreeChild> children;
  for (std::size_t begin = 0; begin < order.size(); begin += cap) {
    const std::size_t end = std::min(order.size(), begin + cap);
    std::vector<SymbolTableEntry> node;
    for (std::size_t i = begin; i < end; ++i) node.push_back(entries[order[i]]);
    children.push_back({address + out.bytes.size(), node.back().name_offset});
    auto bytes = encode_symbol_table_node(node, sizes, params.leaf_k);
    out.bytes.insert(out.bytes.end(), bytes.begin(), bytes.end());
  }
  EncodedBTreeV1 tree =
      encode_group_btree(children, address + out.bytes.size(), sizes, params.internal_k);
  out.btree_address = tree.root_address;
  out.bytes.insert(out.bytes.end(), tree.bytes.begin(), tree.bytes.end());
  return out;
}

}  // namespace h5mem::detail
