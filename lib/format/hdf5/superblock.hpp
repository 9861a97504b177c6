// format/hdf5/superblock.hpp -- the HDF5 superblock (versions 0-3): the entry point that says
// how wide addresses are and where the root group's object header lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

// The 8-byte format signature "\211HDF\r\n\032\n" that starts every superblock.
inline constexpr std::uint8_t kHdf5Signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

// The symbol table entry embedded in superblocks v0/v1 for the root group. Only the fields a
// reader needs to reach the root group; its scratch pad is interpreted per cache type.
struct RootGroupEntry {
  std::uint64_t link_name_offset = 0;               // into the root's local heap; 0 in practice
  std::uint64_t object_header = kUndefinedAddress;  // the root group's object header
  std::uint32_t cache_type = 1;                     // 0 nothing cached, 1 group, 2 soft link
  std::uint64_t btree_address = kUndefinedAddress;  // cache type 1: the group's v1 B-tree
  std::uint64_t heap_address = kUndefinedAddress;   // cache type 1: the group's local heap
  std::uint32_t soft_link_offset = 0;               // cache type 2: heap offset of the value

  bool operator==(const RootGroupEntry&) const = default;
};

// Every field of a superblock of any version. Fields a version does not store keep their
// defaults when decoded and are ignored when encoded.
struct Superblock {
  std::uint8_t version = 0;  // 0, 1, 2 or 3
  FileSizes sizes;           // widths of addresses and lengths (2, 4 or 8 bytes)
  // Absolute offset where the signature was found (the user block size); set by decode only.
  std::uint64_t location = 0;
  // Absolute address the other addresses are relative to, as stored; equals `location` in files
  // libhdf5 writes. Like libhdf5, readers should count addresses from `location` instead
  // (libhdf5 rebases on the superblock's position when the two differ).
  std::uint64_t base_address = 0;
  // Absolute offset one past the last byte of HDF5 data (the user block counts, unlike for
  // the other addresses): libhdf5 reports a truncated file when the file is shorter.
  std::uint64_t eof_address = 0;
  std::uint32_t consistency_flags = 0;  // v0/v1: 4 bytes, unused; v2/v3: 1 byte (v3 locking)
  // Address of the root group's object header (v2/v3 field; for v0/v1 a copy of
  // root_entry.object_header so readers need not branch on the version).
  std::uint64_t root_object_header = kUndefinedAddress;

  // Versions 0 and 1 only.
  std::uint8_t free_space_version = 0;
  std::uint8_t root_entry_version = 0;
  std::uint8_t shared_header_version = 0;
  std::uint16_t group_leaf_k = 4;
  std::uint16_t group_internal_k = 16;
  std::uint16_t indexed_storage_k = 32;  // stored only by version 1; libhdf5's default else
  std::uint64_t free_space_address = kUndefinedAddress;
  std::uint64_t driver_info_address = kUndefinedAddress;
  RootGroupEntry root_entry;

  // Versions 2 and 3 only.
  std::uint64_t extension_address = kUndefinedAddress;  // superblock extension object header

  // Field-wise equality (FileSizes has no operator== of its own).
  bool operator==(const Superblock& o) const;
};

// Returns the encoded size of a superblock of `version` with `sizes` (signature included).
// REQUIRES: version <= 3.
std::size_t superblock_size(std::uint8_t version, const FileSizes& sizes);

// Finds the signature at absolute offset 0, 512, 1024, 2048, ... of `file` and decodes the
// superblock there. Returns it with `location` set to that offset; the file's relative
// address space is then file.subspan(location).
// Throws Error(corruption) if no signature is found, the superblock is truncated, a field is
// out of range (sizes not 2/4/8, K of zero, unknown root entry cache type), the v2/v3
// checksum does not match, or the end-of-file address lies beyond the bytes present (a
// truncated file, as libhdf5 reports it); and
// Error(unsupported) for superblock versions above 3. Messages name the byte offset.
Superblock decode_superblock(std::span<const std::byte> file);

// Encodes `sb` as libhdf5 does: versions 0/1 with the root group symbol table entry (scratch
// pad written for cache types 1 and 2, zeros otherwise), versions 2/3 with the checksum.
// `location` is not stored. Throws Error(invalid_argument) for a version above 3 or a size of
// offsets/lengths other than 2, 4 or 8.
std::vector<std::byte> encode_superblock(const Superblock& sb);

}  // namespace h5mem::detail
