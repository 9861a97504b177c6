// format/hdf5/messages/group_info.cpp -- the group info message.
#include "format/hdf5/messages/group_info.hpp"

#include <string>

#include "core/fail.hpp"
#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

GroupInfoMessage decode_group_info(std::span<const std::byte> body, std::uint64_t offset) {
  ByteReader r(body, offset, "group info message");
  GroupInfoMessage m;
  m.version = r.u8();
  if (m.version != 0) {
    fail(ErrorCode::unsupported, "group info message at byte " + std::to_string(offset) +
                                     ": version " + std::to_string(m.version));
  }
  const std::uint8_t flags = r.u8();
  if (flags & 0xFC) r.fail("reserved group info flag bits set");
  if (flags & 0x01) {
    m.max_compact = r.u16();
    m.min_dense = r.u16();
  }
  if (flags & 0x02) {
    m.estimated_entries = r.u16();
    m.estimated_name_length = r.u16();
  }
  return m;
}

std::vector<std::byte> encode_group_info(const GroupInfoMessage& m) {
  if (m.version != 0) fail(ErrorCode::invalid_argument, "group info message version must be 0");
  if (m.max_compact.has_value() != m.min_dense.has_value() ||
      m.estimated_entries.has_value() != m.estimated_name_length.has_value()) {
    fail(ErrorCode::invalid_argument, "group info values come in pairs");
  }
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u8(m.version);
  w.u8(static_cast<std::uint8_t>((m.max_compact ? 1 : 0) | (m.estimated_entries ? 2 : 0)));
  if (m.max_compact) {
    w.u16(*m.max_compact);
    w.u16(*m.min_dense);
  }
  if (m.estimated_entries) {
    w.u16(*m.estimated_entries);
    w.u16(*m.estimated_name_length);
  }
  return out;
}

}  // namespace h5mem::detail
