// format/hdf5/local_heap.hpp -- local heaps ("HEAP"): the name store of symbol-table groups.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "format/hdf5/index_common.hpp"

namespace h5mem::detail {

// libhdf5 marks "no free block" (an empty free list, and the end of the list) with offset 1
// (H5HL_FREE_NULL), not with the undefined address the specification mentions; both decode.
inline constexpr std::uint64_t kLocalHeapFreeNull = 1;

// One block of the data segment's free list.
struct LocalHeapFreeBlock {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// A decoded local heap: header fields plus a copy of the data segment.
struct LocalHeap {
  std::uint64_t address = 0;                    // of the header
  std::uint64_t data_address = 0;               // of the data segment
  std::vector<std::byte> data;                  // the whole data segment
  std::vector<LocalHeapFreeBlock> free_blocks;  // in list order

  // Returns the NUL-terminated string starting at `offset` in the data segment. Throws
  // corruption if `offset` is outside the segment or no NUL follows it inside the segment.
  std::string string_at(std::uint64_t offset) const;
};

// Returns the header size: signature, version, reserved, two lengths and one address (32 bytes
// with 8-byte sizes).
std::size_t local_heap_header_size(const FileSizes& sizes) noexcept;

// Decodes the heap whose header is at `address`. Checks signature and version 0, that the data
// segment lies in the file, and that the free list stays inside the segment, is 8-aligned, and
// ends (each block visited once). Throws corruption otherwise.
LocalHeap decode_local_heap(const FileView& file, std::uint64_t address);

// libhdf5's default data segment size for a new group heap: H5HL_ALIGN(4 + 4 entries * 16 +
// 16-byte free block) = 88 bytes with 8-byte lengths.
inline constexpr std::uint64_t kDefaultLocalHeapSizeHint = 88;

// A heap ready to be written: header immediately followed by the data segment.
struct EncodedLocalHeap {
  std::vector<std::byte> bytes;        // header + data segment
  std::vector<std::uint64_t> offsets;  // offset of each input string in the data segment
  std::uint64_t data_size = 0;         // data segment size
};

// Encodes a heap placed at `address` holding "" at offset 0 and then each of `strings` in
// order (NUL-terminated, each padded to 8 bytes), growing the segment from `size_hint` exactly
// as libhdf5's H5HL_insert does (double on overflow, one free block at the end when at least
// two lengths remain), so the data segment equals what libhdf5 writes for the same insertions.
// REQUIRES: strings contain no NUL.
EncodedLocalHeap encode_local_heap(std::span<const std::string> strings, std::uint64_t address,
                                   const FileSizes& sizes,
                                   std::uint64_t size_hint = kDefaultLocalHeapSizeHint);

}  // namespace h5mem::detail
