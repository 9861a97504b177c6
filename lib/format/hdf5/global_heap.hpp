// format/hdf5/global_heap.hpp -- global heap collections ("GCOL") and the heap IDs that
// variable-length data and region references store.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/index_common.hpp"

namespace h5mem::detail {

// libhdf5 never makes a collection smaller than this (H5HG_MINSIZE).
inline constexpr std::uint64_t kGlobalHeapMinCollectionSize = 4096;

// Where a global heap object lives.
struct GlobalHeapId {
  std::uint64_t collection = kUndefinedAddress;
  std::uint32_t index = 0;
  bool operator==(const GlobalHeapId&) const = default;
};

// One element of variable-length data as stored in a dataset or attribute: the sequence length
// (elements, or bytes for strings) followed by the heap ID of its data.
struct VlenReference {
  std::uint32_t length = 0;
  GlobalHeapId id;
  bool operator==(const VlenReference&) const = default;
};

// Returns the encoded size of a VlenReference: 4 + offsets + 4 (16 with 8-byte offsets).
std::size_t vlen_reference_size(const FileSizes& sizes) noexcept;
// Decodes one VlenReference at `r`.
VlenReference decode_vlen_reference(ByteReader& r, const FileSizes& sizes);
// Encodes one VlenReference.
void encode_vlen_reference(ByteWriter& w, const VlenReference& v, const FileSizes& sizes);

// One object of a collection (object 0, the free space, is not listed).
struct GlobalHeapObject {
  std::uint16_t index = 0;
  std::uint16_t ref_count = 0;
  std::vector<std::byte> data;
};

// A decoded collection.
struct GlobalHeapCollection {
  std::uint64_t address = 0;
  std::uint64_t size = 0;                 // including the header
  std::vector<GlobalHeapObject> objects;  // in storage order

  // Returns the object with `index`, or nullptr.
  const GlobalHeapObject* find(std::uint32_t index) const noexcept;
};

// Decodes the collection at `address`: signature, version 1, a size of at least the header
// that fits in the file, and objects that tile it without overrunning (object 0 or a tail too
// small for an object header ends the list). Throws corruption otherwise.
GlobalHeapCollection decode_global_heap_collection(const FileView& file, std::uint64_t address);

// Returns the data of object `id.index` of the collection at `id.collection`. Throws
// corruption if the collection is damaged or has no such object.
std::vector<std::byte> read_global_heap_object(const FileView& file, const GlobalHeapId& id);

// Returns the size of a collection holding objects of `object_sizes` bytes: header, each
// object's 16-byte header and data padded to 8, at least kGlobalHeapMinCollectionSize.
std::uint64_t global_heap_collection_size(std::span<const std::size_t> object_sizes,
                                          const FileSizes& sizes) noexcept;

// Encodes a collection holding `objects` with indexes 1..N in order and reference count 0 (what
// libhdf5 writes for variable-length data), followed by the free-space object 0 when at least
// 16 bytes remain. The collection has no internal addresses, so it can be placed anywhere.
// Throws invalid_argument for more than 65535 objects (indexes are 16-bit).
std::vector<std::byte> encode_global_heap_collection(
    std::span<const std::vector<std::byte>> objects, const FileSizes& sizes);

}  // namespace h5mem::detail
