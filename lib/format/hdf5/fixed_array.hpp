// format/hdf5/fixed_array.hpp -- the fixed array chunk index (layout v4 index type 3): "FAHD"
// header, "FADB" data block, and data block pages when there are more entries than one page.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/index_common.hpp"

namespace h5mem::detail {

// libhdf5's page size for dataset chunk indexes: 2^10 entries a page.
inline constexpr unsigned kDefaultFixedArrayPageBits = 10;

// The header fields.
struct FixedArrayHeader {
  std::uint64_t address = 0;
  std::uint8_t client_id = 0;  // 0 unfiltered chunks, 1 filtered chunks
  std::uint8_t entry_size = 0;
  std::uint8_t page_bits = 0;
  std::uint64_t max_entries = 0;  // one per chunk of the maximum dimensions
  std::uint64_t data_block_address = kUndefinedAddress;

  // The element form the header implies: client id 1 means filtered elements whose size field
  // takes the entry bytes left after the address and the 4-byte filter mask.
  ChunkElementFormat format(const FileSizes& sizes) const noexcept;
};

// Decodes the header at `address`: signature, version 0, checksum, client id 0 or 1 with an
// entry size that matches it, page bits at most 32. Throws corruption.
FixedArrayHeader decode_fixed_array_header(const FileView& file, std::uint64_t address);

// Returns every allocated chunk of the array at `header_address`, indexed by linear chunk
// index, in index order. Verifies the data block and every initialised page (bitmap bits are
// taken most significant bit first, as libhdf5 sets them); uninitialised pages hold no chunks.
// Throws corruption for damaged structures.
std::vector<IndexedChunk> decode_fixed_array(const FileView& file, std::uint64_t header_address);

// An encoded array: header at the given address, then the data block and its pages.
struct EncodedFixedArray {
  std::vector<std::byte> bytes;
  std::uint64_t header_address = 0;
};

// Encodes an array of `entries.size()` elements (entry i = chunk with linear index i;
// unallocated chunks have an undefined address) at `address`. More entries than 2^page_bits
// make a paged data block; a page is marked initialised, and written, only when it holds an
// allocated chunk (others stay zero, as libhdf5 leaves them unwritten).
EncodedFixedArray encode_fixed_array(std::span<const ChunkEntry> entries, std::uint64_t address,
                                     const FileSizes& sizes, const ChunkElementFormat& format,
                                     unsigned page_bits = kDefaultFixedArrayPageBits);

}  // namespace h5mem::detail
