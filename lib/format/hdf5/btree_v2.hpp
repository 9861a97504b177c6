// format/hdf5/btree_v2.hpp -- version 2 B-trees ("BTHD" header, "BTIN" internal and "BTLF"
// leaf nodes) and the record types libhdf5 writes: huge fractal heap objects (1-4), link name
// and creation order (5, 6), attribute name and creation order (8, 9), chunks (10, 11).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "format/hdf5/index_common.hpp"

namespace h5mem::detail {

enum class BTreeV2Type : std::uint8_t {
  huge_indirect = 1,             // record HugeObjectRecord, no filter fields
  huge_indirect_filtered = 2,    // HugeObjectRecord with filter fields
  huge_direct = 3,               // HugeObjectRecord, address + length only
  huge_direct_filtered = 4,      // HugeObjectRecord, no id
  link_name = 5,                 // LinkNameRecord
  link_creation_order = 6,       // LinkCreationOrderRecord
  attribute_name = 8,            // AttributeNameRecord
  attribute_creation_order = 9,  // AttributeCreationOrderRecord
  chunk = 10,                    // ChunkRecordV2, unfiltered
  chunk_filtered = 11,           // ChunkRecordV2 with size and filter mask
};

// libhdf5's node sizes: 512 for links, attributes and huge objects; 2048 for chunk indexes
// (the layout message carries that one). Split 100 % and merge 40 % everywhere.
inline constexpr std::uint32_t kBTreeV2NodeSize = 512;
inline constexpr std::uint32_t kBTreeV2ChunkNodeSize = 2048;
// Deepest tree the decoder accepts (a tree that deep would need astronomically many records).
inline constexpr unsigned kMaxBTreeV2Depth = 32;

// The header fields.
struct BTreeV2Header {
  std::uint64_t address = 0;
  BTreeV2Type type = BTreeV2Type::link_name;
  std::uint32_t node_size = kBTreeV2NodeSize;
  std::uint16_t record_size = 0;
  std::uint16_t depth = 0;
  std::uint8_t split_percent = 100;
  std::uint8_t merge_percent = 40;
  std::uint64_t root_address = kUndefinedAddress;
  std::uint16_t root_records = 0;
  std::uint64_t total_records = 0;
};

// Decodes and checks the header at `address` (signature, version 0, checksum, a node size that
// holds at least two records and a depth of at most kMaxBTreeV2Depth). Throws corruption.
BTreeV2Header decode_btree_v2_header(const FileView& file, std::uint64_t address);

// Calls `visit` with the raw bytes of every record (record_size each) in key order. Checks every
// node's signature, version, type and checksum, that record counts fit the node, that each node
// is visited once, and that the records found add up to the header's totals. Throws corruption.
void walk_btree_v2(const FileView& file, const BTreeV2Header& header,
                   const std::function<void(std::span<const std::byte>)>& visit);

// Returns all records of the tree at `header_address`, each as its raw bytes, in key order.
std::vector<std::vector<std::byte>> read_btree_v2_records(const FileView& file,
                                                          std::uint64_t header_address);

// Encoder input: records already in key order, each exactly `record_size` bytes.
struct BTreeV2Params {
  BTreeV2Type type = BTreeV2Type::link_name;
  std::uint32_t node_size = kBTreeV2NodeSize;
  std::uint16_t record_size = 0;
  std::uint8_t split_percent = 100;
  std::uint8_t merge_percent = 40;
};

// An encoded tree: header at the given address, then its nodes.
struct EncodedBTreeV2 {
  std::vector<std::byte> bytes;
  std::uint64_t header_address = 0;
};

// Encodes a tree over `records` at `address`: the header first, then nodes of node_size bytes
// each (parents before children). Uses the least depth that holds the records and spreads them
// evenly over the nodes of each level, so every node is valid for libhdf5 (which reads any fill;
// its own insertion-built trees differ in fill only). No records gives a header with an
// undefined root, as libhdf5 writes for an empty index. Throws invalid_argument if a record has
// the wrong size or node_size cannot hold two records.
EncodedBTreeV2 encode_btree_v2(const BTreeV2Params& params,
                               std::span<const std::vector<std::byte>> records,
                               std::uint64_t address, const FileSizes& sizes);

// ---- record codecs (btree_v2_records.cpp) ----

// Types 1-4: where a huge fractal heap object lives. Fields a type lacks stay zero.
struct HugeObjectRecord {
  std::uint64_t address = kUndefinedAddress;
  std::uint64_t length = 0;       // stored (filtered) length
  std::uint32_t filter_mask = 0;  // types 2, 4
  std::uint64_t memory_size = 0;  // types 2, 4: length after unfiltering
  std::uint64_t id = 0;           // types 1, 2
  bool operator==(const HugeObjectRecord&) const = default;
};
// Type 5: link name hash (lookup3 of the name) + 7-byte fractal heap ID.
struct LinkNameRecord {
  std::uint32_t hash = 0;
  std::array<std::byte, 7> heap_id{};
  bool operator==(const LinkNameRecord&) const = default;
};
// Type 6: link creation order + 7-byte heap ID.
struct LinkCreationOrderRecord {
  std::uint64_t creation_order = 0;
  std::array<std::byte, 7> heap_id{};
  bool operator==(const LinkCreationOrderRecord&) const = default;
};
// Types 8 and 9: 8-byte heap ID, message flags, creation order and (type 8 only) name hash.
struct AttributeRecord {
  std::array<std::byte, 8> heap_id{};
  std::uint8_t message_flags = 0;
  std::uint32_t creation_order = 0;
  std::uint32_t hash = 0;  // type 8 only
  bool operator==(const AttributeRecord&) const = default;
};
// Types 10 and 11: a chunk and its scaled offset (element offset / chunk dimension).
struct ChunkRecordV2 {
  std::uint64_t address = kUndefinedAddress;
  std::uint64_t size = 0;         // type 11 only (type 10 chunks are the unfiltered size)
  std::uint32_t filter_mask = 0;  // type 11 only
  std::vector<std::uint64_t> scaled;
  bool operator==(const ChunkRecordV2&) const = default;
};

// Returns the record size of huge object trees of `type` (1-4).
std::uint16_t huge_record_size(BTreeV2Type type, const FileSizes& sizes) noexcept;
HugeObjectRecord decode_huge_record(BTreeV2Type type, std::span<const std::byte> raw,
                                    const FileSizes& sizes);
std::vector<std::byte> encode_huge_record(BTreeV2Type type, const HugeObjectRecord& r,
                                          const FileSizes& sizes);

inline constexpr std::uint16_t kLinkNameRecordSize = 11;
inline constexpr std::uint16_t kLinkCreationOrderRecordSize = 15;
LinkNameRecord decode_link_name_record(std::span<const std::byte> raw);
std::vector<std::byte> encode_link_name_record(const LinkNameRecord& r);
LinkCreationOrderRecord decode_link_creation_order_record(std::span<const std::byte> raw);
std::vector<std::byte> encode_link_creation_order_record(const LinkCreationOrderRecord& r);

// Returns 17 for type 8 and 13 for type 9.
std::uint16_t attribute_record_size(BTreeV2Type type) noexcept;
AttributeRecord decode_attribute_record(BTreeV2Type type, std::span<const std::byte> raw);
std::vector<std::byte> encode_attribute_record(BTreeV2Type type, const AttributeRecord& r);

// Chunk records for a dataset of `rank` dimensions. `size_length` is the width of the type 11
// size field: for layout version 4 ChunkElementFormat::for_chunk(true, chunk_bytes).size_length.
std::uint16_t chunk_record_size(BTreeV2Type type, const FileSizes& sizes, unsigned rank,
                                unsigned size_length) noexcept;
ChunkRecordV2 decode_chunk_record(BTreeV2Type type, std::span<const std::byte> raw,
                                  const FileSizes& sizes, unsigned rank, unsigned size_length);
std::vector<std::byte> encode_chunk_record(BTreeV2Type type, const ChunkRecordV2& r,
                                           const FileSizes& sizes, unsigned size_length);

}  // namespace h5mem::detail
