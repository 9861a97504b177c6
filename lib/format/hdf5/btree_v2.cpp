// format/hdf5/btree_v2.cpp -- version 2 B-tree nodes: header, walking, bulk encoding.
#include "format/hdf5/btree_v2.hpp"

#include <algorithm>
#include <string>

#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

constexpr std::string_view kHeader = "v2 B-tree header";
constexpr std::string_view kNode = "v2 B-tree node";
constexpr std::size_t kPrefix = 10;  // signature, version, type, checksum

// libhdf5's per-level capacities (H5B2__hdr_init): records per node, records under a node,
// and the widths of the child-pointer count fields.
struct Level {
  std::uint64_t max_records = 0;
  std::uint64_t cumulative = 0;   // records a subtree of this level can hold
  unsigned cumulative_width = 0;  // bytes of "total records" fields pointing at this level
};

struct Shape {
  std::vector<Level> levels;
  unsigned count_width = 0;  // bytes of "records in child" fields (from the leaf capacity)
};

std::uint64_t sat_mul_add(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  if (a != 0 && b > (~std::uint64_t{0} - c) / a) return ~std::uint64_t{0};
  return a * b + c;
}

// Computes capacities up to `depth`; returns false if a level holds no record.
bool shape_for(std::uint32_t node_size, std::uint16_t record_size, unsigned depth,
               const FileSizes& s, Shape& out) {
  out.levels.clear();
  if (record_size == 0 || node_size <= kPrefix) return false;
  Level leaf;
  leaf.max_records = (node_size - kPrefix) / record_size;
  leaf.cumulative = leaf.max_records;
  out.levels.push_back(leaf);
  out.count_width = bytes_for_value(leaf.max_records);
  if (leaf.max_records < 2) return false;
  for (unsigned u = 1; u <= depth; ++u) {
    const std::size_t ptr =
        s.offsets + out.count_width + (u > 1 ? out.levels[u - 1].cumulative_width : 0);
    Level l;
    if (node_size < kPrefix + ptr + record_size + ptr) return false;
    l.max_records = (node_size - (kPrefix + ptr)) / (record_size + ptr);
    l.cumulative = sat_mul_add(l.max_records + 1, out.levels[u - 1].cumulative, l.max_records);
    l.cumulative_width = bytes_for_value(l.cumulative);
    out.levels.push_back(l);
  }
  return true;
}

std::size_t pointer_size(const Shape& sh, unsigned level, const FileSizes& s) {
  return s.offsets + sh.count_width + (level > 1 ? sh.levels[level - 1].cumulative_width : 0);
}

}  // namespace

BTreeV2Header decode_btree_v2_header(const FileView& file, std::uint64_t address) {
  const FileSizes& s = file.sizes;
  const std::size_t size = 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + s.offsets + 2 + s.lengths + 4;
  ByteReader r = file.at(address, size, kHeader);
  ByteReader all = file.at(address, size, kHeader);
  r.expect_signature("BTHD");
  if (r.u8() != 0) r.fail("unsupported v2 B-tree version");
  BTreeV2Header h;
  h.address = address;
  h.type = static_cast<BTreeV2Type>(r.u8());
  h.node_size = r.u32();
  h.record_size = r.u16();
  h.depth = r.u16();
  h.split_percent = r.u8();
  h.merge_percent = r.u8();
  h.root_address = r.address(s);
  h.root_records = r.u16();
  h.total_records = r.length(s);
  verify_checksum(r, all.bytes(size));
  Shape sh;
  if (h.depth > kMaxBTreeV2Depth || !shape_for(h.node_size, h.record_size, h.depth, s, sh)) {
    fail_corrupt(kHeader, file.absolute(address),
                 "node size " + std::to_string(h.node_size) + " / record size " +
                     std::to_string(h.record_size) + " / depth " + std::to_string(h.depth) +
                     " inconsistent");
  }
  return h;
}

void walk_btree_v2(const FileView& file, const BTreeV2Header& h,
                   const std::function<void(std::span<const std::byte>)>& visit) {
  const FileSizes& s = file.sizes;
  if (h.root_address == kUndefinedAddress) {
    if (h.total_records != 0)
      fail_corrupt(kHeader, file.absolute(h.address), "records but no root");
    return;
  }
  Shape sh;
  if (h.depth > kMaxBTreeV2Depth || !shape_for(h.node_size, h.record_size, h.depth, s, sh)) {
    fail_corrupt(kHeader, file.absolute(h.address), "inconsistent node geometry");
  }
  WalkGuard guard(kNode, kMaxBTreeV2Depth);
  // Returns the number of records under the node.
  std::function<std::uint64_t(std::uint64_t, std::uint64_t, unsigned, unsigned)> node =
      [&](std::uint64_t addr, std::uint64_t nrec, unsigned level, unsigned depth) -> std::uint64_t {
    const bool leaf = level == 0;
    if (nrec > sh.levels[level].max_records) {
      fail_corrupt(kNode, file.absolute(addr),
                   std::to_string(nrec) + " records exceed the node capacity");
    }
    const std::size_t ptrs = leaf ? 0 : (nrec + 1) * pointer_size(sh, level, s);
    const std::size_t used = 6 + nrec * h.record_size + ptrs;
    ByteReader r = file.at(addr, used + 4, kNode);
    guard.enter(r.offset(), depth);
    ByteReader all = r;
    r.expect_signature(leaf ? "BTLF" : "BTIN");
    if (r.u8() != 0) r.fail("unsupported v2 B-tree node version");
    if (r.u8() != static_cast<std::uint8_t>(h.type)) r.fail("node type differs from the header's");
    auto records = r.bytes(nrec * h.record_size);
    struct Child {
      std::uint64_t addr, nrec, total;
    };
    std::vector<Child> children;
    for (std::size_t i = 0; !leaf && i <= nrec; ++i) {
      Child c{};
      c.addr = r.address(s);
      c.nrec = r.uint_n(sh.count_width);
      c.total = level > 1 ? r.uint_n(sh.levels[level - 1].cumulative_width) : c.nrec;
      children.push_back(c);
    }
    verify_checksum(r, all.bytes(used + 4));
    std::uint64_t total = nrec;
    for (std::size_t i = 0; i <= nrec; ++i) {
      if (!leaf) {
        const std::uint64_t got = node(children[i].addr, children[i].nrec, level - 1, depth + 1);
        if (got != children[i].total) {
          fail_corrupt(kNode, file.absolute(children[i].addr),
                       "child holds " + std::to_string(got) + " records, parent says " +
                           std::to_string(children[i].total));
        }
        total += got;
      }
      if (i < nrec) visit(records.subspan(i * h.record_size, h.record_size));
    }
    return total;
  };
  const std::uint64_t total = node(h.root_address, h.root_records, h.depth, 0);
  if (total != h.total_records) {
    fail_corrupt(kHeader, file.absolute(h.address),
                 "tree holds " + std::to_string(total) + " records, header says " +
                     std::to_string(h.total_records));
  }
}

std::vector<std::vector<std::byte>> read_btree_v2_records(const FileView& file,
                                                          std::uint64_t header_address) {
  const BTreeV2Header h = decode_btree_v2_header(file, header_address);
  std::vector<std::vector<std::byte>> out;
  walk_btree_v2(file, h,
                [&](std::span<const std::byte> rec) { out.emplace_back(rec.begin(), rec.end()); });
  return out;
}

EncodedBTreeV2 encode_btree_v2(const BTreeV2Params& p,
                               std::span<const std::vector<std::byte>> records,
                               std::uint64_t address, const FileSizes& s) {
  for (const auto& r : records) {
    if (r.size() != p.record_size)
      throw Error(ErrorCode::invalid_argument, "v2 B-tree: record of the wrong size");
  }
  Shape sh;
  unsigned depth = 0;
  for (;; ++depth) {
    if (depth > kMaxBTreeV2Depth || !shape_for(p.node_size, p.record_size, depth, s, sh)) {
      throw Error(ErrorCode::invalid_argument, "v2 B-tree: node size too small for the records");
    }
    if (sh.levels[depth].cumulative >= records.size()) break;
  }
  EncodedBTreeV2 out;
  out.header_address = address;
  const std::size_t header_size = 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + s.offsets + 2 + s.lengths + 4;
  out.bytes.resize(header_size);

  // Writes the subtree over records [b, e) at `level`; returns its address.
  std::function<std::uint64_t(std::size_t, std::size_t, unsigned)> build =
      [&](std::size_t b, std::size_t e, unsigned level) -> std::uint64_t {
    const std::size_t slot = out.bytes.size();
    out.bytes.resize(slot + p.node_size);
    std::vector<std::byte> node;
    ByteWriter w(node);
    w.text(level == 0 ? "BTLF" : "BTIN");
    w.u8(0);
    w.u8(static_cast<std::uint8_t>(p.type));
    if (level == 0) {
      for (std::size_t i = b; i < e; ++i) w.bytes(records[i]);
    } else {
      const std::uint64_t n = e - b;
      std::uint64_t c =
          (n + 1 + sh.levels[level - 1].cumulative) / (sh.levels[level - 1].cumulative + 1);
      c = std::max<std::uint64_t>(c, 2);
      const std::uint64_t under = n - (c - 1);
      std::vector<std::vector<std::byte>> ptrs;
      std::size_t pos = b;
      std::vector<std::size_t> separators;
      for (std::uint64_t i = 0; i < c; ++i) {
        const std::size_t m = static_cast<std::size_t>(under / c + (i < under % c ? 1 : 0));
        const std::uint64_t child = build(pos, pos + m, level - 1);
        std::vector<std::byte> ptr;
        ByteWriter pw(ptr);
        pw.address(child, s);
        ptrs.push_back(std::move(ptr));
        separators.push_back(pos + m);
        pos += m + 1;
      }
      // Records in each child node: a leaf holds all of its range; an internal child holds
      // (its number of children - 1), recomputed the same way build() chose it.
      auto node_records = [&](std::uint64_t m, unsigned child_level) -> std::uint64_t {
        if (child_level == 0) return m;
        std::uint64_t cc = (m + 1 + sh.levels[child_level - 1].cumulative) /
                           (sh.levels[child_level - 1].cumulative + 1);
        return std::max<std::uint64_t>(cc, 2) - 1;
      };
      for (std::uint64_t i = 0; i + 1 < c; ++i) w.bytes(records[separators[i]]);
      std::size_t start = b;
      for (std::uint64_t i = 0; i < c; ++i) {
        const std::uint64_t m = separators[i] - start;
        w.bytes(ptrs[i]);
        w.uint_n(node_records(m, level - 1), sh.count_width);
        if (level > 1) w.uint_n(m, sh.levels[level - 1].cumulative_width);
        start = separators[i] + 1;
      }
    }
    append_checksum(w, 0);
    std::copy(node.begin(), node.end(), out.bytes.begin() + static_cast<std::ptrdiff_t>(slot));
    return address + slot;
  };

  std::uint64_t root = kUndefinedAddress;
  std::uint64_t root_records = 0;
  if (!records.empty()) {
    root = build(0, records.size(), depth);
    if (depth == 0) {
      root_records = records.size();
    } else {
      const std::uint64_t cum = sh.levels[depth - 1].cumulative;
      root_records = std::max<std::uint64_t>((records.size() + 1 + cum) / (cum + 1), 2) - 1;
    }
  }
  std::vector<std::byte> head;
  ByteWriter w(head);
  w.text("BTHD");
  w.u8(0);
  w.u8(static_cast<std::uint8_t>(p.type));
  w.u32(p.node_size);
  w.u16(p.record_size);
  w.u16(static_cast<std::uint16_t>(depth));
  w.u8(p.split_percent);
  w.u8(p.merge_percent);
  w.address(root, s);
  w.u16(static_cast<std::uint16_t>(root_records));
  w.length(records.size(), s);
  append_checksum(w, 0);
  std::copy(head.begin(), head.end(), out.bytes.begin());
  return out;
}

}  // namespace h5mem::detail
