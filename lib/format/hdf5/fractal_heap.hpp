// format/hdf5/fractal_heap.hpp -- fractal heaps ("FRHP" header, "FHDB" direct and "FHIB"
// indirect blocks): the object store behind dense link and dense attribute storage.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_set>
#include <vector>

#include "format/hdf5/index_common.hpp"

namespace h5mem::detail {

// The header fields, plus the doubling-table values libhdf5 derives from them.
struct FractalHeapHeader {
  std::uint64_t address = 0;
  std::uint16_t id_length = 0;
  std::uint16_t filter_length = 0;  // > 0: I/O filters apply to blocks and huge objects
  std::uint8_t flags = 0;           // bit 1: direct blocks carry a checksum
  std::uint32_t max_managed_size = 0;
  std::uint64_t next_huge_id = 0;
  std::uint64_t huge_btree_address = kUndefinedAddress;
  std::uint64_t free_space = 0;
  std::uint64_t free_space_manager_address = kUndefinedAddress;
  std::uint64_t managed_space = 0;
  std::uint64_t allocated_space = 0;
  std::uint64_t iterator_offset = 0;
  std::uint64_t managed_objects = 0;
  std::uint64_t huge_size = 0;
  std::uint64_t huge_objects = 0;
  std::uint64_t tiny_size = 0;
  std::uint64_t tiny_objects = 0;
  std::uint16_t table_width = 0;
  std::uint64_t start_block_size = 0;
  std::uint64_t max_direct_block_size = 0;
  std::uint16_t max_heap_bits = 0;
  std::uint16_t start_root_rows = 0;
  std::uint64_t root_address = kUndefinedAddress;
  std::uint16_t root_rows = 0;  // 0: the root is a direct block
  std::uint64_t filtered_root_size = 0;
  std::uint32_t root_filter_mask = 0;
  std::vector<std::byte> filter_info;  // encoded filter pipeline message

  bool checksummed_direct_blocks() const noexcept { return (flags & 0x02) != 0; }
  // Bytes of a block offset / of a managed ID's offset field: ceil(max_heap_bits / 8).
  unsigned offset_bytes() const noexcept { return (max_heap_bits + 7u) / 8u; }
  // Bytes of a managed ID's length field: bytes_for_value(min(max direct, max managed)).
  unsigned length_bytes() const noexcept;
  // Rows of direct blocks in any indirect block: log2(max direct) - log2(start) + 2.
  unsigned max_direct_rows() const noexcept;
  // Block size of doubling-table row `row` (rows 0 and 1 hold start-size blocks).
  std::uint64_t row_block_size(unsigned row) const noexcept;
  // Heap offset of row `row` from the start of its indirect block.
  std::uint64_t row_offset(unsigned row) const noexcept;
  // Size of a direct block's prefix (signature ... checksum) that precedes object data.
  std::size_t direct_block_prefix() const noexcept;
};

// Decodes and checks the header at `address`: signature, version 0, checksum, power-of-two
// table parameters in sane ranges, and a heap ID long enough for managed objects. Throws
// corruption (or unsupported for features h5mem does not decode).
FractalHeapHeader decode_fractal_heap_header(const FileView& file, std::uint64_t address);

// Reads objects of one heap by heap ID. Keeps a copy of the view (not of the bytes): the file's
// bytes must outlive it.
class FractalHeap {
 public:
  // Decodes the header at `header_address` (see decode_fractal_heap_header()).
  FractalHeap(const FileView& file, std::uint64_t header_address);

  const FractalHeapHeader& header() const noexcept { return header_; }

  // Returns the object named by `heap_id` (header().id_length bytes): managed objects from their
  // direct block (checksum verified), tiny objects from the ID itself, huge objects from the
  // file via the ID or the heap's v2 B-tree. Throws corruption for a damaged ID or structure and
  // unsupported for objects of filtered heaps.
  std::vector<std::byte> read(std::span<const std::byte> heap_id) const;

 private:
  std::vector<std::byte> read_managed(std::uint64_t offset, std::uint64_t length) const;
  std::vector<std::byte> read_huge(std::span<const std::byte> id) const;
  // Checks the signature, owner, offset and checksum of the block once per block.
  void check_block(ByteReader r, bool direct, std::uint64_t block_offset, std::size_t size) const;

  FileView file_;
  FractalHeapHeader header_;
  mutable std::unordered_set<std::uint64_t> verified_;
};

// Creation parameters (libhdf5's for dense links; see kAttributeHeapParams for attributes).
struct FractalHeapParams {
  std::uint16_t table_width = 4;
  std::uint64_t start_block_size = 512;
  std::uint64_t max_direct_block_size = 65536;
  std::uint16_t max_heap_bits = 32;
  std::uint16_t start_root_rows = 1;
  std::uint32_t max_managed_size = 4096;
  std::uint16_t id_length = 7;
  bool checksum_direct_blocks = true;
};
inline constexpr FractalHeapParams kLinkHeapParams{};
inline constexpr FractalHeapParams kAttributeHeapParams{4, 1024, 65536, 40, 1, 4096, 8, true};

// An encoded heap: header at the given address, then its blocks, huge objects and huge-object
// B-tree, contiguous.
struct EncodedFractalHeap {
  std::vector<std::byte> bytes;
  std::uint64_t header_address = 0;
  std::vector<std::vector<std::byte>> ids;  // heap ID of each input object, in input order
};

// Encodes a heap at `address` holding `objects` as libhdf5 stores them: objects of at most
// id_length - 1 (or - 2) bytes go in the ID ("tiny"); objects above max_managed_size are "huge"
// (stored whole, indexed by a type 1 or 3 v2 B-tree); the rest are packed in input order into
// direct blocks following the doubling table: one root direct block if they fit, else a root
// indirect block over rows of direct blocks. No free-space manager is written (its address is
// undefined). Throws invalid_argument for an empty object and unsupported when the managed
// objects need more than the root indirect block's direct rows (a nested indirect block).
EncodedFractalHeap encode_fractal_heap(std::span<const std::vector<std::byte>> objects,
                                       std::uint64_t address, const FileSizes& sizes,
                                       const FractalHeapParams& params = kLinkHeapParams);

}  // namespace h5mem::detail
