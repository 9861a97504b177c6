// format/hdf5/extensible_array.hpp -- the extensible array chunk index (layout v4 index type
// 4, one unlimited dimension): "EAHD" header, "EAIB" index block, "EASB" secondary (super)
// blocks, "EADB" data blocks and their pages.
//
// Shape (libhdf5's H5EA): elements 0 .. index_block_elements-1 live in the index block; the
// rest fill super blocks u = 0, 1, ... of 2^(u/2) data blocks with 2^((u+1)/2) *
// data_block_min_elements elements each. The first 2*log2(secondary_block_min_pointers) super
// blocks have their data block addresses in the index block; later ones get a secondary block.
// Data blocks of more than 2^max_page_bits elements are paged, with page bitmaps in their
// secondary block.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/index_common.hpp"

namespace h5mem::detail {

// Creation parameters; the layout message stores them (libhdf5 1.10 defaults shown).
struct ExtensibleArrayParams {
  std::uint8_t max_elements_bits = 32;
  std::uint8_t index_block_elements = 4;
  std::uint8_t data_block_min_elements = 16;
  std::uint8_t secondary_block_min_pointers = 4;
  std::uint8_t max_page_bits = 10;
};

// The header fields.
struct ExtensibleArrayHeader {
  std::uint64_t address = 0;
  std::uint8_t client_id = 0;  // 0 unfiltered chunks, 1 filtered chunks
  std::uint8_t element_size = 0;
  ExtensibleArrayParams params;
  std::uint64_t secondary_blocks = 0;
  std::uint64_t secondary_blocks_size = 0;
  std::uint64_t data_blocks = 0;
  std::uint64_t data_blocks_size = 0;
  std::uint64_t max_index_set = 0;  // one past the highest index ever set
  std::uint64_t elements = 0;       // elements in allocated blocks
  std::uint64_t index_block_address = kUndefinedAddress;
};

// Decodes the header at `address`: signature, version 0, checksum, client id and element size
// consistent, power-of-two parameters in range. Throws corruption.
ExtensibleArrayHeader decode_extensible_array_header(const FileView& file, std::uint64_t address);

// Returns every allocated chunk of the array at `header_address` (index = position in the array,
// see extensible_array_index()) in index order. Verifies every block's signature, owner, block
// offset and checksum, and reads each block at most once. Throws corruption for damaged
// structures and unsupported for paged data blocks addressed from the index block (libhdf5 never
// makes them with its parameters).
std::vector<IndexedChunk> decode_extensible_array(const FileView& file,
                                                  std::uint64_t header_address);

// An encoded array: header at the given address, then the index block, then each needed
// secondary block followed by its data blocks (pages included).
struct EncodedExtensibleArray {
  std::vector<std::byte> bytes;
  std::uint64_t header_address = 0;
};

// Encodes an array holding `entries` (entry i = array element i; unallocated chunks have an
// undefined address) at `address`. Like libhdf5, only blocks holding an allocated chunk are
// created, pages are marked initialised only when they hold one, and the header statistics
// count what was created. No allocated chunk gives a header with no index block.
// Throws invalid_argument for parameters libhdf5 would reject or entries beyond 2^max_bits.
EncodedExtensibleArray encode_extensible_array(std::span<const ChunkEntry> entries,
                                               std::uint64_t address, const FileSizes& sizes,
                                               const ChunkElementFormat& format,
                                               const ExtensibleArrayParams& params = {});

}  // namespace h5mem::detail
