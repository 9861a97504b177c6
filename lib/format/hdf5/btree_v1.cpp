// format/hdf5/btree_v1.cpp -- version 1 B-tree ("TREE") walking and bulk encoding.
#include "format/hdf5/btree_v1.hpp"

#include <functional>
#include <string>

#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

constexpr std::string_view kTree = "v1 B-tree node";

std::size_t key_size(BTreeV1Type type, const FileSizes& sizes, unsigned layout_dims) {
  return type == BTreeV1Type::group ? sizes.lengths : 8u + 8u * layout_dims;
}

std::size_t header_size(const FileSizes& sizes) {
  return 8u + 2u * sizes.offsets;
}

// Visits the leaf-level (key, child) pairs of the tree at `root` in order. `on_leaf` gets a
// reader positioned at the key before each child plus the child address.
void walk(const FileView& file, std::uint64_t root, BTreeV1Type type, unsigned layout_dims,
          const std::function<void(ByteReader& key, std::uint64_t child)>& on_leaf) {
  const FileSizes& s = file.sizes;
  const std::size_t ksize = key_size(type, s, layout_dims);
  WalkGuard guard(kTree, kMaxBTreeV1Level);
  std::function<void(std::uint64_t, int, unsigned)> visit = [&](std::uint64_t addr,
                                                                int expect_level, unsigned depth) {
    ByteReader h = file.at(addr, header_size(s), kTree);
    guard.enter(h.offset(), depth);
    h.expect_signature("TREE");
    const unsigned node_type = h.u8();
    if (node_type != static_cast<unsigned>(type))
      h.fail("node type " + std::to_string(node_type) + " in a type " +
             std::to_string(static_cast<unsigned>(type)) + " tree");
    const unsigned level = h.u8();
    const unsigned entries = h.u16();
    if (expect_level < 0 && level > kMaxBTreeV1Level)
      h.fail("implausible root level " + std::to_string(level));
    if (expect_level >= 0 && level != static_cast<unsigned>(expect_level)) {
      h.fail("child at level " + std::to_string(level) + ", expected " +
             std::to_string(expect_level));
    }
    ByteReader r = file.at(addr + header_size(s), entries * (ksize + s.offsets) + ksize, kTree);
    for (unsigned i = 0; i < entries; ++i) {
      const std::size_t key_pos = r.position();
      r.skip(ksize);
      const std::uint64_t child = r.address(s);
      if (level == 0) {
        ByteReader key = r;
        key.seek(key_pos);
        on_leaf(key, child);
      } else {
        visit(child, static_cast<int>(level) - 1, depth + 1);
      }
    }
  };
  visit(root, -1, 0);
}

struct Entry {
  std::vector<std::byte> key;  // the key to the left of the child
  std::uint64_t child = 0;
};

// Lays out leaf entries in full nodes level by level (root last) starting at `address`.
EncodedBTreeV1 build(std::vector<Entry> entries, const std::vector<std::byte>& final_key,
                     BTreeV1Type type, std::uint64_t address, const FileSizes& s, unsigned k,
                     std::size_t node_size) {
  EncodedBTreeV1 out;
  ByteWriter w(out.bytes);
  const std::size_t cap = 2u * k;
  unsigned level = 0;
  for (;;) {
    const std::size_t nodes = entries.empty() ? 1 : (entries.size() + cap - 1) / cap;
    const std::uint64_t first = address + out.bytes.size();
    std::vector<Entry> parents;
    for (std::size_t n = 0; n < nodes; ++n) {
      const std::size_t begin = n * cap;
      const std::size_t end = std::min(entries.size(), begin + cap);
      const std::size_t start = out.bytes.size();
      w.text("TREE");
      w.u8(static_cast<std::uint8_t>(type));
      w.u8(static_cast<std::uint8_t>(level));
      w.u16(static_cast<std::uint16_t>(end - begin));
      w.address(n == 0 ? kUndefinedAddress : first + (n - 1) * node_size, s);
      w.address(n + 1 == nodes ? kUndefinedAddress : first + (n + 1) * node_size, s);
      for (std::size_t i = begin; i < end; ++i) {
        w.bytes(entries[i].key);
        w.address(entries[i].child, s);
      }
      w.bytes(end < entries.size() ? entries[end].key : final_key);
      w.zeros(node_size - (out.bytes.size() - start));
      parents.push_back({entries.empty() ? final_key : entries[begin].key, first + n * node_size});
    }
    if (nodes == 1) {
      out.root_address = parents.front().child;
      return out;
    }
    entries = std::move(parents);
    ++level;
  }
}

}  // namespace

std::size_t btree_v1_node_size(BTreeV1Type type, const FileSizes& sizes, unsigned k,
                               unsigned layout_dims) noexcept {
  return header_size(sizes) + 2u * k * sizes.offsets +
         (2u * k + 1) * key_size(type, sizes, layout_dims);
}

std::vector<std::uint64_t> decode_group_btree(const FileView& file, std::uint64_t root) {
  std::vector<std::uint64_t> out;
  walk(file, root, BTreeV1Type::group, 0,
       [&](ByteReader&, std::uint64_t child) { out.push_back(child); });
  return out;
}

std::vector<ChunkRecordV1> decode_chunk_btree(const FileView& file, std::uint64_t root,
                                              unsigned layout_dims) {
  if (layout_dims < 2 || layout_dims > 33) {
    throw Error(ErrorCode::corruption, "v1 chunk B-tree: layout dimensionality " +
                                           std::to_string(layout_dims) + " outside 2..33");
  }
  std::vector<ChunkRecordV1> out;
  walk(file, root, BTreeV1Type::chunk, layout_dims, [&](ByteReader& key, std::uint64_t child) {
    ChunkRecordV1 rec;
    rec.size = key.u32();
    rec.filter_mask = key.u32();
    rec.offset.resize(layout_dims - 1);
    for (auto& o : rec.offset) o = key.u64();
    rec.address = child;
    out.push_back(std::move(rec));
  });
  return out;
}

EncodedBTreeV1 encode_group_btree(std::span<const GroupBTreeChild> children, std::uint64_t address,
                                  const FileSizes& sizes, unsigned k) {
  auto key = [&](std::uint64_t offset) {
    std::vector<std::byte> b;
    ByteWriter(b).length(offset, sizes);
    return b;
  };
  std::vector<Entry> entries;
  entries.reserve(children.size());
  std::uint64_t left = 0;  // the empty name at heap offset 0 sorts before every name
  for (const auto& c : children) {
    entries.push_back({key(left), c.snod_address});
    left = c.last_name_offset;
  }
  return build(std::move(entries), key(left), BTreeV1Type::group, address, sizes, k,
               btree_v1_node_size(BTreeV1Type::group, sizes, k));
}

EncodedBTreeV1 encode_chunk_btree(std::span<const ChunkRecordV1> records,
                                  std::span<const std::uint64_t> layout_dims, std::uint64_t address,
                                  const FileSizes& sizes, unsigned k) {
  if (records.empty()) return {};
  const std::size_t rank = layout_dims.size() - 1;
  auto key = [&](std::uint32_t size, std::uint32_t mask, std::span<const std::uint64_t> offset,
                 std::uint64_t last) {
    std::vector<std::byte> b;
    ByteWriter kw(b);
    kw.u32(size);
    kw.u32(mask);
    for (auto o : offset) kw.u64(o);
    kw.u64(last);
    return b;
  };
  std::vector<Entry> entries;
  entries.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.offset.size() != rank)
      throw Error(ErrorCode::invalid_argument, "v1 chunk B-tree: record rank mismatch");
    if (i > 0 && !(records[i - 1].offset < r.offset)) {
      throw Error(ErrorCode::invalid_argument,
                  "v1 chunk B-tree: records not in increasing offset order");
    }
    entries.push_back({key(r.size, r.filter_mask, r.offset, 0), r.address});
  }
  // The right-most key bounds nothing libhdf5 reads; it writes the last chunk's offset with the
  // slowest dimension advanced by one chunk (and the element size as the datatype offset).
  std::vector<std::uint64_t> end(records.back().offset);
  if (rank > 0) end[0] += layout_dims[0];
  return build(
      std::move(entries), key(0, 0, end, layout_dims[rank]), BTreeV1Type::chunk, address, sizes, k,
      btree_v1_node_size(BTreeV1Type::chunk, sizes, k, static_cast<unsigned>(layout_dims.size())));
}

}  // namespace h5mem::detail
