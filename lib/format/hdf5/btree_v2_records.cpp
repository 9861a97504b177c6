// format/hdf5/btree_v2_records.cpp -- the record layouts of v2 B-tree types 1-6, 8-11.
#include <algorithm>
#include <string>

#include "format/hdf5/btree_v2.hpp"
#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

constexpr std::string_view kRecord = "v2 B-tree record";

ByteReader reader(std::span<const std::byte> raw) {
  return ByteReader(raw, 0, kRecord);
}

template <std::size_t N>
std::array<std::byte, N> take(ByteReader& r) {
  std::array<std::byte, N> a{};
  auto b = r.bytes(N);
  for (std::size_t i = 0; i < N; ++i) a[i] = b[i];
  return a;
}

bool filtered_huge(BTreeV2Type t) {
  return t == BTreeV2Type::huge_indirect_filtered || t == BTreeV2Type::huge_direct_filtered;
}
bool indirect_huge(BTreeV2Type t) {
  return t == BTreeV2Type::huge_indirect || t == BTreeV2Type::huge_indirect_filtered;
}

}  // namespace

std::uint16_t huge_record_size(BTreeV2Type type, const FileSizes& s) noexcept {
  std::uint16_t n = static_cast<std::uint16_t>(s.offsets + s.lengths);
  if (filtered_huge(type)) n = static_cast<std::uint16_t>(n + 4 + s.lengths);
  if (indirect_huge(type)) n = static_cast<std::uint16_t>(n + s.lengths);
  return n;
}

HugeObjectRecord decode_huge_record(BTreeV2Type type, std::span<const std::byte> raw,
                                    const FileSizes& s) {
  ByteReader r = reader(raw);
  HugeObjectRecord h;
  h.address = r.address(s);
  h.length = r.length(s);
  if (filtered_huge(type)) {
    h.filter_mask = r.u32();
    h.memory_size = r.length(s);
  }
  if (indirect_huge(type)) h.id = r.length(s);
  return h;
}

std::vector<std::byte> encode_huge_record(BTreeV2Type type, const HugeObjectRecord& h,
                                          const FileSizes& s) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.address(h.address, s);
  w.length(h.length, s);
  if (filtered_huge(type)) {
    w.u32(h.filter_mask);
    w.length(h.memory_size, s);
  }
  if (indirect_huge(type)) w.length(h.id, s);
  return out;
}

LinkNameRecord decode_link_name_record(std::span<const std::byte> raw) {
  ByteReader r = reader(raw);
  LinkNameRecord l;
  l.hash = r.u32();
  l.heap_id = take<7>(r);
  return l;
}

std::vector<std::byte> encode_link_name_record(const LinkNameRecord& l) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u32(l.hash);
  w.bytes(l.heap_id);
  return out;
}

LinkCreationOrderRecord decode_link_creation_order_record(std::span<const std::byte> raw) {
  ByteReader r = reader(raw);
  LinkCreationOrderRecord l;
  l.creation_order = r.u64();
  l.heap_id = take<7>(r);
  return l;
}

std::vector<std::byte> encode_link_creation_order_record(const LinkCreationOrderRecord& l) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u64(l.creation_order);
  w.bytes(l.heap_id);
  return out;
}

std::uint16_t attribute_record_size(BTreeV2Type type) noexcept {
  return type == BTreeV2Type::attribute_name ? 17 : 13;
}

AttributeRecord decode_attribute_record(BTreeV2Type type, std::span<const std::byte> raw) {
  ByteReader r = reader(raw);
  AttributeRecord a;
  a.heap_id = take<8>(r);
  a.message_flags = r.u8();
  a.creation_order = r.u32();
  if (type == BTreeV2Type::attribute_name) a.hash = r.u32();
  return a;
}

std::vector<std::byte> encode_attribute_record(BTreeV2Type type, const AttributeRecord& a) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.bytes(a.heap_id);
  w.u8(a.message_flags);
  w.u32(a.creation_order);
  if (type == BTreeV2Type::attribute_name) w.u32(a.hash);
  return out;
}

std::uint16_t chunk_record_size(BTreeV2Type type, const FileSizes& s, unsigned rank,
                                unsigned size_length) noexcept {
  std::uint16_t n = static_cast<std::uint16_t>(s.offsets + 8u * rank);
  if (type == BTreeV2Type::chunk_filtered) n = static_cast<std::uint16_t>(n + size_length + 4);
  return n;
}

ChunkRecordV2 decode_chunk_record(BTreeV2Type type, std::span<const std::byte> raw,
                                  const FileSizes& s, unsigned rank, unsigned size_length) {
  if (raw.size() != chunk_record_size(type, s, rank, size_length)) {
    throw Error(ErrorCode::corruption, "v2 B-tree chunk record: size " +
                                           std::to_string(raw.size()) + " does not match rank " +
                                           std::to_string(rank));
  }
  ByteReader r = reader(raw);
  ChunkRecordV2 c;
  c.address = r.address(s);
  if (type == BTreeV2Type::chunk_filtered) {
    c.size = r.uint_n(size_length);
    c.filter_mask = r.u32();
  }
  c.scaled.resize(rank);
  for (auto& v : c.scaled) v = r.u64();
  return c;
}

std::vector<std::byte> encode_chunk_record(BTreeV2Type type, const ChunkRecordV2& c,
                                           const FileSizes& s, unsigned size_length) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.address(c.address, s);
  if (type == BTreeV2Type::chunk_filtered) {
    w.uint_n(c.size, size_length);
    w.u32(c.filter_mask);
  }
  for (auto v : c.scaled) w.u64(v);
  return out;
}

}  // namespace h5mem::detail
