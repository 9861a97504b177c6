// format/hdf5/messages/link_info.cpp -- the link info message.
#include "format/hdf5/messages/link_info.hpp"

#include <string>

#include "core/fail.hpp"

namespace h5mem::detail {

LinkInfoMessage decode_link_info(std::span<const std::byte> body, std::uint64_t offset,
                                 const FileSizes& sizes) {
  ByteReader r(body, offset, "link info message");
  LinkInfoMessage m;
  m.version = r.u8();
  if (m.version != 0) {
    fail(ErrorCode::unsupported, "link info message at byte " + std::to_string(offset) +
                                     ": version " + std::to_string(m.version));
  }
  const std::uint8_t flags = r.u8();
  if (flags & 0xFC) r.fail("reserved link info flag bits set");
  m.track_creation_order = flags & 0x01;
  m.index_creation_order = flags & 0x02;
  if (m.track_creation_order) m.max_creation_index = r.u64();
  m.fractal_heap = r.address(sizes);
  m.name_btree = r.address(sizes);
  if (m.index_creation_order) m.creation_order_btree = r.address(sizes);
  return m;
}

std::vector<std::byte> encode_link_info(const LinkInfoMessage& m, const FileSizes& sizes) {
  if (m.version != 0) fail(ErrorCode::invalid_argument, "link info message version must be 0");
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u8(m.version);
  w.u8(static_cast<std::uint8_t>((m.track_creation_order ? 1 : 0) |
                                 (m.index_creation_order ? 2 : 0)));
  if (m.track_creation_order) w.u64(m.max_creation_index);
  w.address(m.fractal_heap, sizes);
  w.address(m.name_btree, sizes);
  if (m.index_creation_order) w.address(m.creation_order_btree, sizes);
  return out;
}

}  // namespace h5mem::detail
