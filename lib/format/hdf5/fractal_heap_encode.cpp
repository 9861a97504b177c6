// format/hdf5/fractal_heap_encode.cpp -- building a fractal heap for a known list of objects.
#include <algorithm>
#include <string>

#include "format/hdf5/btree_v2.hpp"
#include "format/hdf5/checksum.hpp"
#include "format/hdf5/fractal_heap.hpp"
#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

bool pow2(std::uint64_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}

enum class Kind { tiny, managed, huge };

struct Placed {
  std::size_t block = 0;     // index in the doubling table (row-major)
  std::uint64_t offset = 0;  // from the block start
};

std::size_t header_size(const FileSizes& s) {
  return 4 + 1 + 2 + 2 + 1 + 4 + 12u * s.lengths + 3u * s.offsets + 2 + 2 + 2 + 2 + 4;
}

}  // namespace

EncodedFractalHeap encode_fractal_heap(std::span<const std::vector<std::byte>> objects,
                                       std::uint64_t address, const FileSizes& s,
                                       const FractalHeapParams& p) {
  FractalHeapHeader h;
  h.address = address;
  h.id_length = p.id_length;
  h.flags = p.checksum_direct_blocks ? 0x02 : 0x00;
  h.max_managed_size = p.max_managed_size;
  h.table_width = p.table_width;
  h.start_block_size = p.start_block_size;
  h.max_direct_block_size = p.max_direct_block_size;
  h.max_heap_bits = p.max_heap_bits;
  h.start_root_rows = p.start_root_rows;
  if (!pow2(h.table_width) || !pow2(h.start_block_size) || !pow2(h.max_direct_block_size) ||
      h.max_direct_block_size < h.start_block_size || h.max_heap_bits > 64 ||
      log2_floor(h.max_direct_block_size) >= h.max_heap_bits || h.start_root_rows == 0 ||
      h.id_length < 1u + h.offset_bytes() + h.length_bytes() ||
      h.start_block_size <= h.direct_block_prefix()) {
    throw Error(ErrorCode::invalid_argument, "fractal heap: invalid creation parameters");
  }
  const std::size_t tiny_max =
      h.id_length - 1u <= 17u ? std::min<std::size_t>(h.id_length - 1u, 16) : h.id_length - 2u;
  const bool tiny_extended = h.id_length - 1u > 17u;
  const bool huge_direct = static_cast<unsigned>(s.offsets + s.lengths) <= h.id_length - 1u;
  const std::size_t prefix = h.direct_block_prefix();
  const unsigned drows = h.max_direct_rows();

  // Place managed objects block by block in doubling-table order.
  std::vector<Kind> kinds(objects.size());
  std::vector<Placed> placed(objects.size());
  std::vector<std::uint64_t> used;  // bytes used per block (0 = unallocated)
  std::uint64_t managed_total = 0;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const std::size_t n = objects[i].size();
    if (n == 0) throw Error(ErrorCode::invalid_argument, "fractal heap: empty object");
    kinds[i] = n <= tiny_max ? Kind::tiny : n > h.max_managed_size ? Kind::huge : Kind::managed;
    if (kinds[i] == Kind::managed) managed_total += n;
  }
  const bool root_direct = managed_total <= h.start_block_size - prefix;
  auto block_size = [&](std::size_t k) {
    return root_direct ? h.start_block_size
                       : h.row_block_size(static_cast<unsigned>(k / h.table_width));
  };
  auto block_offset = [&](std::size_t k) {
    const unsigned row = static_cast<unsigned>(k / h.table_width);
    return h.row_offset(row) + (k % h.table_width) * h.row_block_size(row);
  };
  std::size_t cur = 0;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (kinds[i] != Kind::managed) continue;
    const std::uint64_t n = objects[i].size();
    for (;;) {
      if (!root_direct && cur / h.table_width >= drows) {
        throw Error(ErrorCode::unsupported, "fractal heap: objects need a nested indirect block");
      }
      if (used.size() <= cur) used.resize(cur + 1, 0);
      const std::uint64_t at = used[cur] ? used[cur] : prefix;
      if (at + n <= block_size(cur)) {
        placed[i] = {cur, at};
        used[cur] = at + n;
        break;
      }
      ++cur;
    }
  }

  const bool has_managed = !used.empty();
  unsigned nrows = 0;
  if (has_managed && !root_direct) {
    const unsigned need = static_cast<unsigned>(cur / h.table_width) + 1;
    const unsigned first_row_bits = log2_floor(h.start_block_size) + log2_floor(h.table_width);
    const unsigned max_rows = h.max_heap_bits - first_row_bits + 1;
    nrows = h.start_root_rows;
    while (nrows < need) nrows *= 2;
    nrows = std::min(std::max(nrows, need), max_rows);
  }
  const std::size_t iblock_size =
      nrows ? 5 + s.offsets + h.offset_bytes() +
                  static_cast<std::size_t>(nrows) * h.table_width * s.offsets + 4
            : 0;

  // Addresses: header, root indirect block, direct blocks, huge objects, huge B-tree.
  std::uint64_t next = address + header_size(s) + iblock_size;
  std::vector<std::uint64_t> block_addr(used.size(), kUndefinedAddress);
  for (std::size_t k = 0; k < used.size(); ++k) {
    if (!used[k]) continue;
    block_addr[k] = next;
    next += block_size(k);
    h.allocated_space += block_size(k);
    h.free_space += block_size(k) - used[k];
  }
  EncodedFractalHeap out;
  out.header_address = address;
  out.ids.resize(objects.size());
  std::vector<std::vector<std::byte>> huge_records;
  const BTreeV2Type huge_type = huge_direct ? BTreeV2Type::huge_direct : BTreeV2Type::huge_indirect;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    std::vector<std::byte>& id = out.ids[i];
    ByteWriter w(id);
    const std::uint64_t n = objects[i].size();
    if (kinds[i] == Kind::tiny) {
      if (tiny_extended) {
        w.u8(static_cast<std::uint8_t>(0x20 | ((n - 1) >> 8)));
        w.u8(static_cast<std::uint8_t>((n - 1) & 0xff));
      } else {
        w.u8(static_cast<std::uint8_t>(0x20 | (n - 1)));
      }
      w.bytes(objects[i]);
      ++h.tiny_objects;
      h.tiny_size += n;
    } else if (kinds[i] == Kind::managed) {
      w.u8(0x00);
      w.uint_n((root_direct ? 0 : block_offset(placed[i].block)) + placed[i].offset,
               h.offset_bytes());
      w.uint_n(n, h.length_bytes());
      ++h.managed_objects;
    } else {
      HugeObjectRecord rec{next, n, 0, 0, ++h.next_huge_id};
      next += n;
      w.u8(0x10);
      if (huge_direct) {
        w.address(rec.address, s);
        w.length(rec.length, s);
      } else {
        w.uint_n(rec.id, std::min<std::size_t>(h.id_length - 1u, 8));
      }
      huge_records.push_back(encode_huge_record(huge_type, rec, s));
      ++h.huge_objects;
      h.huge_size += n;
    }
    w.zeros(h.id_length - id.size());
  }
  EncodedBTreeV2 huge_tree;
  if (!huge_records.empty()) {
    huge_tree =
        encode_btree_v2({huge_type, kBTreeV2NodeSize, huge_record_size(huge_type, s), 100, 40},
                        huge_records, next, s);
    h.huge_btree_address = next;
  }

  if (has_managed) {
    h.root_rows = static_cast<std::uint16_t>(nrows);
    h.root_address = root_direct ? block_addr[0] : address + header_size(s);
    h.managed_space = root_direct ? h.start_block_size : h.row_offset(nrows);
    h.iterator_offset = root_direct ? 0 : block_offset(cur) + block_size(cur);
  }

  ByteWriter w(out.bytes);
  w.text("FRHP");
  w.u8(0);
  w.u16(h.id_length);
  w.u16(0);
  w.u8(h.flags);
  w.u32(h.max_managed_size);
  w.length(h.next_huge_id, s);
  w.address(h.huge_btree_address, s);
  w.length(h.free_space, s);
  w.address(kUndefinedAddress, s);
  for (std::uint64_t v : {h.managed_space, h.allocated_space, h.iterator_offset, h.managed_objects,
                          h.huge_size, h.huge_objects, h.tiny_size, h.tiny_objects}) {
    w.length(v, s);
  }
  w.u16(h.table_width);
  w.length(h.start_block_size, s);
  w.length(h.max_direct_block_size, s);
  w.u16(h.max_heap_bits);
  w.u16(h.start_root_rows);
  w.address(h.root_address, s);
  w.u16(h.root_rows);
  append_checksum(w, 0);

  if (nrows) {
    const std::size_t start = out.bytes.size();
    w.text("FHIB");
    w.u8(0);
    w.address(address, s);
    w.uint_n(0, h.offset_bytes());
    for (std::size_t k = 0; k < static_cast<std::size_t>(nrows) * h.table_width; ++k) {
      w.address(k < block_addr.size() ? block_addr[k] : kUndefinedAddress, s);
    }
    append_checksum(w, start);
  }
  for (std::size_t k = 0; k < used.size(); ++k) {
    if (!used[k]) continue;
    const std::size_t start = out.bytes.size();
    w.text("FHDB");
    w.u8(0);
    w.address(address, s);
    w.uint_n(root_direct ? 0 : block_offset(k), h.offset_bytes());
    const std::size_t sum_at = out.bytes.size();
    if (h.checksummed_direct_blocks()) w.u32(0);
    for (std::size_t i = 0; i < objects.size(); ++i) {
      if (kinds[i] == Kind::managed && placed[i].block == k) w.bytes(objects[i]);
    }
    w.zeros(static_cast<std::size_t>(block_size(k)) - (out.bytes.size() - start));
    if (h.checksummed_direct_blocks()) {
      w.patch(sum_at, lookup3(std::span<const std::byte>(out.bytes).subspan(start)), 4);
    }
  }
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (kinds[i] == Kind::huge) w.bytes(objects[i]);
  }
  w.bytes(huge_tree.bytes);
  return out;
}

}  // namespace h5mem::detail
