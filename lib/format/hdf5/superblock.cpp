// format/hdf5/superblock.cpp -- decoding and encoding superblocks v0-v3.
#include "format/hdf5/superblock.hpp"

#include <cstring>
#include <string>

#include "core/fail.hpp"
#include "format/hdf5/checksum.hpp"

namespace h5mem::detail {
namespace {

constexpr std::string_view kStructure = "superblock";
constexpr std::size_t kScratchPadBytes = 16;

bool valid_width(std::uint8_t w) {
  return w == 2 || w == 4 || w == 8;
}

// Byte size of a symbol table entry: two addresses, cache type, reserved, scratch pad.
std::size_t entry_size(const FileSizes& s) {
  return 2u * s.offsets + 8 + kScratchPadBytes;
}

bool signature_at(std::span<const std::byte> file, std::uint64_t at) {
  return file.size() >= sizeof kHdf5Signature && at <= file.size() - sizeof kHdf5Signature &&
         std::memcmp(file.data() + at, kHdf5Signature, sizeof kHdf5Signature) == 0;
}

// libhdf5 searches 0, then every power of two from 512 on.
std::uint64_t find_signature(std::span<const std::byte> file) {
  for (std::uint64_t at = 0; at < file.size(); at = at == 0 ? 512 : at * 2) {
    if (signature_at(file, at)) return at;
  }
  fail_corrupt(kStructure, 0, "no HDF5 signature at offset 0 or any power of two from 512");
}

RootGroupEntry read_root_entry(ByteReader& r, const FileSizes& s) {
  RootGroupEntry e;
  e.link_name_offset = r.uint_n(s.offsets);
  e.object_header = r.address(s);
  e.cache_type = r.u32();
  r.skip(4);  // reserved
  const std::size_t scratch_start = r.position();
  if (e.cache_type == 1) {
    e.btree_address = r.address(s);
    e.heap_address = r.address(s);
  } else if (e.cache_type == 2) {
    e.soft_link_offset = r.u32();
  } else if (e.cache_type != 0) {
    r.fail("root group symbol table entry has unknown cache type " + std::to_string(e.cache_type));
  }
  r.seek(scratch_start);
  r.skip(kScratchPadBytes);
  return e;
}

void write_root_entry(ByteWriter& w, const RootGroupEntry& e, const FileSizes& s) {
  w.uint_n(e.link_name_offset, s.offsets);
  w.address(e.object_header, s);
  w.u32(e.cache_type);
  w.u32(0);
  const std::size_t scratch_start = w.size();
  if (e.cache_type == 1) {
    w.address(e.btree_address, s);
    w.address(e.heap_address, s);
  } else if (e.cache_type == 2) {
    w.u32(e.soft_link_offset);
  }
  w.zeros(kScratchPadBytes - (w.size() - scratch_start));
}

void read_v0_v1(ByteReader& r, Superblock& sb) {
  sb.free_space_version = r.u8();
  sb.root_entry_version = r.u8();
  r.skip(1);
  sb.shared_header_version = r.u8();
  sb.sizes.offsets = r.u8();
  sb.sizes.lengths = r.u8();
  if (!valid_width(sb.sizes.offsets) || !valid_width(sb.sizes.lengths)) {
    r.fail("unsupported size of offsets/lengths " + std::to_string(sb.sizes.offsets) + "/" +
           std::to_string(sb.sizes.lengths));
  }
  r.skip(1);
  sb.group_leaf_k = r.u16();
  sb.group_internal_k = r.u16();
  if (sb.group_leaf_k == 0 || sb.group_internal_k == 0) r.fail("group B-tree K of zero");
  sb.consistency_flags = r.u32();
  if (sb.version == 1) {
    sb.indexed_storage_k = r.u16();
    if (sb.indexed_storage_k == 0) r.fail("indexed storage B-tree K of zero");
    r.skip(2);
  }
  sb.base_address = r.address(sb.sizes);
  sb.free_space_address = r.address(sb.sizes);
  sb.eof_address = r.address(sb.sizes);
  sb.driver_info_address = r.address(sb.sizes);
  r.set_structure("superblock root group symbol table entry");
  sb.root_entry = read_root_entry(r, sb.sizes);
  sb.root_object_header = sb.root_entry.object_header;
}

void read_v2_v3(ByteReader& r, std::span<const std::byte> bytes, Superblock& sb) {
  sb.sizes.offsets = r.u8();
  sb.sizes.lengths = r.u8();
  if (!valid_width(sb.sizes.offsets) || !valid_width(sb.sizes.lengths)) {
    r.fail("unsupported size of offsets/lengths " + std::to_string(sb.sizes.offsets) + "/" +
           std::to_string(sb.sizes.lengths));
  }
  sb.consistency_flags = r.u8();
  sb.base_address = r.address(sb.sizes);
  sb.extension_address = r.address(sb.sizes);
  sb.eof_address = r.address(sb.sizes);
  sb.root_object_header = r.address(sb.sizes);
  const std::size_t covered = r.position();
  const std::uint32_t stored = r.u32();
  const std::uint32_t computed = lookup3(bytes.first(covered));
  if (stored != computed) {
    fail_corrupt(kStructure, r.offset() - 4, "checksum mismatch");
  }
}

}  // namespace

bool Superblock::operator==(const Superblock& o) const {
  return version == o.version && sizes.offsets == o.sizes.offsets &&
         sizes.lengths == o.sizes.lengths && location == o.location &&
         base_address == o.base_address && eof_address == o.eof_address &&
         consistency_flags == o.consistency_flags && root_object_header == o.root_object_header &&
         free_space_version == o.free_space_version && root_entry_version == o.root_entry_version &&
         shared_header_version == o.shared_header_version && group_leaf_k == o.group_leaf_k &&
         group_internal_k == o.group_internal_k && indexed_storage_k == o.indexed_storage_k &&
         free_space_address == o.free_space_address &&
         driver_info_address == o.driver_info_address && root_entry == o.root_entry &&
         extension_address == o.extension_address;
}

std::size_t superblock_size(std::uint8_t version, const FileSizes& sizes) {
  if (version >= 2) return 8 + 4 + 4u * sizes.offsets + 4;
  return 8 + 16 + (version == 1 ? 4 : 0) + 4u * sizes.offsets + entry_size(sizes);
}

Superblock decode_superblock(std::span<const std::byte> file) {
  Superblock sb;
  sb.location = find_signature(file);
  const auto bytes = file.subspan(sb.location);
  ByteReader r(bytes, sb.location, kStructure);
  r.skip(sizeof kHdf5Signature);
  sb.version = r.u8();
  if (sb.version > 3) {
    fail(ErrorCode::unsupported, "superblock at byte " + std::to_string(sb.location) +
                                     ": superblock version " + std::to_string(sb.version));
  }
  if (sb.version <= 1) {
    read_v0_v1(r, sb);
  } else {
    read_v2_v3(r, bytes, sb);
  }
  // The end-of-file address is absolute (it counts the user block), as libhdf5's own
  // truncation check treats it.
  if (sb.eof_address == kUndefinedAddress || sb.eof_address > file.size()) {
    fail_corrupt(kStructure, sb.location,
                 "truncated file: end-of-file address " + std::to_string(sb.eof_address) +
                     " beyond the " + std::to_string(file.size()) + " bytes present");
  }
  if (sb.root_object_header == kUndefinedAddress) {
    fail_corrupt(kStructure, sb.location, "no root group object header address");
  }
  return sb;
}

std::vector<std::byte> encode_superblock(const Superblock& sb) {
  if (sb.version > 3) {
    fail(ErrorCode::invalid_argument,
         "cannot encode superblock version " + std::to_string(sb.version));
  }
  if (!valid_width(sb.sizes.offsets) || !valid_width(sb.sizes.lengths)) {
    fail(ErrorCode::invalid_argument, "superblock sizes of offsets/lengths must be 2, 4 or 8");
  }
  std::vector<std::byte> out;
  out.reserve(superblock_size(sb.version, sb.sizes));
  ByteWriter w(out);
  w.bytes(std::as_bytes(std::span(kHdf5Signature)));
  w.u8(sb.version);
  if (sb.version >= 2) {
    w.u8(sb.sizes.offsets);
    w.u8(sb.sizes.lengths);
    w.u8(static_cast<std::uint8_t>(sb.consistency_flags));
    w.address(sb.base_address, sb.sizes);
    w.address(sb.extension_address, sb.sizes);
    w.address(sb.eof_address, sb.sizes);
    w.address(sb.root_object_header, sb.sizes);
    w.u32(lookup3(out));
    return out;
  }
  w.u8(sb.free_space_version);
  w.u8(sb.root_entry_version);
  w.u8(0);
  w.u8(sb.shared_header_version);
  w.u8(sb.sizes.offsets);
  w.u8(sb.sizes.lengths);
  w.u8(0);
  w.u16(sb.group_leaf_k);
  w.u16(sb.group_internal_k);
  w.u32(sb.consistency_flags);
  if (sb.version == 1) {
    w.u16(sb.indexed_storage_k);
    w.u16(0);
  }
  w.address(sb.base_address, sb.sizes);
  w.address(sb.free_space_address, sb.sizes);
  w.address(sb.eof_address, sb.sizes);
  w.address(sb.driver_info_address, sb.sizes);
  write_root_entry(w, sb.root_entry, sb.sizes);
  return out;
}

}  // namespace h5mem::detail
