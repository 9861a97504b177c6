// format/hdf5/fractal_heap.cpp -- fractal heap header decoding and object lookup by heap ID.
#include "format/hdf5/fractal_heap.hpp"

#include <algorithm>
#include <string>

#include "format/hdf5/btree_v2.hpp"
#include "format/hdf5/checksum.hpp"
#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

constexpr std::string_view kHeader = "fractal heap header";
constexpr std::string_view kDirect = "fractal heap direct block";
constexpr std::string_view kIndirect = "fractal heap indirect block";
constexpr std::string_view kId = "fractal heap ID";

bool pow2(std::uint64_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}

std::size_t header_size(const FileSizes& s, std::uint16_t filter_length) {
  std::size_t n = 4 + 1 + 2 + 2 + 1 + 4 + 12u * s.lengths + 3u * s.offsets + 2 + 2 + 2 + 2;
  if (filter_length > 0) n += s.lengths + 4 + filter_length;
  return n + 4;
}

}  // namespace

unsigned FractalHeapHeader::length_bytes() const noexcept {
  return bytes_for_value(std::min<std::uint64_t>(max_direct_block_size, max_managed_size));
}
unsigned FractalHeapHeader::max_direct_rows() const noexcept {
  return log2_floor(max_direct_block_size) - log2_floor(start_block_size) + 2;
}
std::uint64_t FractalHeapHeader::row_block_size(unsigned row) const noexcept {
  return row == 0 ? start_block_size : start_block_size << (row - 1);
}
std::uint64_t FractalHeapHeader::row_offset(unsigned row) const noexcept {
  return row == 0 ? 0 : (start_block_size * table_width) << (row - 1);
}
std::size_t FractalHeapHeader::direct_block_prefix() const noexcept {
  return 5 + 8 + offset_bytes() + (checksummed_direct_blocks() ? 4 : 0);
}

FractalHeapHeader decode_fractal_heap_header(const FileView& file, std::uint64_t address) {
  const FileSizes& s = file.sizes;
  ByteReader r = file.at(address, header_size(s, 0), kHeader);
  r.expect_signature("FRHP");
  if (r.u8() != 0) r.fail("unsupported fractal heap version");
  FractalHeapHeader h;
  h.address = address;
  h.id_length = r.u16();
  h.filter_length = r.u16();
  const std::size_t size = header_size(s, h.filter_length);
  r = file.at(address, size, kHeader);
  ByteReader all = r;
  r.skip(9);
  h.flags = r.u8();
  h.max_managed_size = r.u32();
  h.next_huge_id = r.length(s);
  h.huge_btree_address = r.address(s);
  h.free_space = r.length(s);
  h.free_space_manager_address = r.address(s);
  h.managed_space = r.length(s);
  h.allocated_space = r.length(s);
  h.iterator_offset = r.length(s);
  h.managed_objects = r.length(s);
  h.huge_size = r.length(s);
  h.huge_objects = r.length(s);
  h.tiny_size = r.length(s);
  h.tiny_objects = r.length(s);
  h.table_width = r.u16();
  h.start_block_size = r.length(s);
  h.max_direct_block_size = r.length(s);
  h.max_heap_bits = r.u16();
  h.start_root_rows = r.u16();
  h.root_address = r.address(s);
  h.root_rows = r.u16();
  if (h.filter_length > 0) {
    h.filtered_root_size = r.length(s);
    h.root_filter_mask = r.u32();
    auto f = r.bytes(h.filter_length);
    h.filter_info.assign(f.begin(), f.end());
  }
  verify_checksum(r, all.bytes(size));

  const std::uint64_t where = file.absolute(address);
  if (!pow2(h.table_width) || !pow2(h.start_block_size) || !pow2(h.max_direct_block_size) ||
      h.max_direct_block_size < h.start_block_size || h.start_block_size < 64 ||
      h.max_heap_bits < 8 || h.max_heap_bits > 64 ||
      log2_floor(h.max_direct_block_size) >= h.max_heap_bits) {
    fail_corrupt(kHeader, where, "doubling table parameters out of range");
  }
  const unsigned first_row_bits = log2_floor(h.start_block_size) + log2_floor(h.table_width);
  if (first_row_bits > h.max_heap_bits)
    fail_corrupt(kHeader, where, "first row larger than the heap");
  const unsigned max_root_rows = h.max_heap_bits - first_row_bits + 1;
  if (h.root_rows > max_root_rows)
    fail_corrupt(kHeader, where, "root indirect block has too many rows");
  if (h.id_length < 1u + h.offset_bytes() + h.length_bytes())
    fail_corrupt(kHeader, where, "heap ID too short");
  return h;
}

FractalHeap::FractalHeap(const FileView& file, std::uint64_t header_address)
    : file_(file), header_(decode_fractal_heap_header(file, header_address)) {}

std::vector<std::byte> FractalHeap::read(std::span<const std::byte> id) const {
  const FractalHeapHeader& h = header_;
  if (id.size() < h.id_length) throw Error(ErrorCode::corruption, "fractal heap ID: too short");
  ByteReader r(id.first(h.id_length), 0, kId);
  const std::uint8_t flags = r.u8();
  if ((flags & 0xC0) != 0) r.fail("unsupported heap ID version");
  switch ((flags >> 4) & 0x03) {
    case 0: {
      const std::uint64_t offset = r.uint_n(h.offset_bytes());
      const std::uint64_t length = r.uint_n(h.length_bytes());
      return read_managed(offset, length);
    }
    case 1:
      return read_huge(id.first(h.id_length));
    case 2: {
      std::size_t length = (flags & 0x0F) + 1u;
      const bool extended = h.id_length - 1u > 17u;
      if (extended) length = ((static_cast<std::size_t>(flags & 0x0F) << 8) | r.u8()) + 1u;
      auto data = r.bytes(length);
      return {data.begin(), data.end()};
    }
    default:
      r.fail("unknown heap ID type");
  }
}

void FractalHeap::check_block(ByteReader r, bool direct, std::uint64_t block_offset,
                              std::size_t size) const {
  const FractalHeapHeader& h = header_;
  ByteReader all = r;
  r.expect_signature(direct ? "FHDB" : "FHIB");
  if (r.u8() != 0) r.fail("unsupported block version");
  if (r.address(file_.sizes) != h.address) r.fail("block belongs to another heap");
  const std::uint64_t where = r.offset();
  if (r.uint_n(h.offset_bytes()) != block_offset) {
    fail_corrupt(r.structure(), where, "block offset differs from its place in the doubling table");
  }
  if (!verified_.insert(all.offset()).second) return;
  if (direct) {
    if (!h.checksummed_direct_blocks()) return;
    ByteReader again = all;
    auto block = again.bytes(size);
    std::vector<std::byte> copy(block.begin(), block.end());
    const std::size_t sum_at = h.direct_block_prefix() - 4;
    const std::uint32_t stored =
        ByteReader(std::span<const std::byte>(copy).subspan(sum_at, 4), 0, kDirect).u32();
    std::fill(copy.begin() + static_cast<std::ptrdiff_t>(sum_at),
              copy.begin() + static_cast<std::ptrdiff_t>(sum_at + 4), std::byte{0});
    if (lookup3(copy) != stored) {
      verified_.erase(all.offset());
      fail_corrupt(kDirect, all.offset() + sum_at, "checksum mismatch");
    }
    return;
  }
  ByteReader body = all;
  body.skip(size - 4);
  try {
    verify_checksum(body, all.bytes(size));
  } catch (...) {
    verified_.erase(all.offset());
    throw;
  }
}

std::vector<std::byte> FractalHeap::read_managed(std::uint64_t offset, std::uint64_t length) const {
  const FractalHeapHeader& h = header_;
  const FileSizes& s = file_.sizes;
  if (h.filter_length > 0)
    throw Error(ErrorCode::unsupported, "fractal heap: filtered direct blocks");
  if (length == 0 || offset >= h.managed_space || length > h.managed_space - offset) {
    throw Error(ErrorCode::corruption, "fractal heap ID: managed object " + std::to_string(offset) +
                                           "+" + std::to_string(length) +
                                           " outside the heap's managed space");
  }
  std::uint64_t block_addr = h.root_address;
  std::uint64_t block_off = 0;
  std::uint64_t block_size = h.start_block_size;
  if (h.root_rows > 0) {
    const unsigned first_row_bits = log2_floor(h.start_block_size) + log2_floor(h.table_width);
    const std::size_t dir_entry = s.offsets;  // unfiltered heaps only
    std::uint64_t iblock = h.root_address;
    unsigned nrows = h.root_rows;
    for (unsigned depth = 0;; ++depth) {
      if (depth > 64)
        throw Error(ErrorCode::corruption, "fractal heap: indirect blocks nest too deep");
      const unsigned drows = std::min(nrows, h.max_direct_rows());
      const std::size_t size = 5 + s.offsets + h.offset_bytes() +
                               drows * h.table_width * dir_entry +
                               (nrows - drows) * h.table_width * s.offsets + 4;
      check_block(file_.at(iblock, size, kIndirect), false, block_off, size);
      const std::uint64_t rel = offset - block_off;
      unsigned row = 0;
      std::uint64_t col = 0;
      if (rel < h.start_block_size * h.table_width) {
        col = rel / h.start_block_size;
      } else {
        const unsigned high = log2_floor(rel);
        row = high - first_row_bits + 1;
        col = (rel - (std::uint64_t{1} << high)) / h.row_block_size(row);
      }
      if (row >= nrows)
        throw Error(ErrorCode::corruption, "fractal heap: object beyond the indirect block's rows");
      const std::size_t entry = row * h.table_width + static_cast<std::size_t>(col);
      const std::size_t pos = 5 + s.offsets + h.offset_bytes() +
                              (row < drows ? entry * dir_entry
                                           : drows * h.table_width * dir_entry +
                                                 (entry - drows * h.table_width) * s.offsets);
      ByteReader er = file_.at(iblock + pos, s.offsets, kIndirect);
      const std::uint64_t child = er.address(s);
      if (child == kUndefinedAddress)
        throw Error(ErrorCode::corruption, "fractal heap: object in an unallocated block");
      block_off += h.row_offset(row) + col * h.row_block_size(row);
      if (row < h.max_direct_rows()) {
        block_addr = child;
        block_size = h.row_block_size(row);
        break;
      }
      iblock = child;
      nrows = log2_floor(h.row_block_size(row)) - first_row_bits + 1;
    }
  }
  check_block(file_.at(block_addr, block_size, kDirect), true, block_off,
              static_cast<std::size_t>(block_size));
  const std::uint64_t in_block = offset - block_off;
  if (in_block < h.direct_block_prefix() || in_block > block_size ||
      length > block_size - in_block) {
    throw Error(ErrorCode::corruption, "fractal heap: managed object overlaps its block's bounds");
  }
  ByteReader obj = file_.at(block_addr + in_block, length, kDirect);
  auto data = obj.bytes(static_cast<std::size_t>(length));
  return {data.begin(), data.end()};
}

std::vector<std::byte> FractalHeap::read_huge(std::span<const std::byte> id) const {
  const FractalHeapHeader& h = header_;
  const FileSizes& s = file_.sizes;
  if (h.filter_length > 0)
    throw Error(ErrorCode::unsupported, "fractal heap: filtered huge objects");
  ByteReader r(id, 0, kId);
  r.skip(1);
  std::uint64_t addr = kUndefinedAddress;
  std::uint64_t length = 0;
  if (static_cast<unsigned>(s.offsets + s.lengths) <= h.id_length - 1u) {
    addr = r.address(s);
    length = r.length(s);
  } else {
    const std::uint64_t key = r.uint_n(std::min<std::size_t>(h.id_length - 1u, 8));
    const BTreeV2Header bt = decode_btree_v2_header(file_, h.huge_btree_address);
    if (bt.type != BTreeV2Type::huge_indirect)
      throw Error(ErrorCode::corruption, "fractal heap: huge object B-tree of the wrong type");
    bool found = false;
    walk_btree_v2(file_, bt, [&](std::span<const std::byte> raw) {
      if (found) return;
      HugeObjectRecord rec = decode_huge_record(bt.type, raw, s);
      if (rec.id == key) {
        addr = rec.address;
        length = rec.length;
        found = true;
      }
    });
    if (!found)
      throw Error(ErrorCode::corruption,
                  "fractal heap: no huge object with ID " + std::to_string(key));
  }
  ByteReader obj = file_.at(addr, length, "fractal heap huge object");
  auto data = obj.bytes(static_cast<std::size_t>(length));
  return {data.begin(), data.end()};
}

}  // namespace h5mem::detail
