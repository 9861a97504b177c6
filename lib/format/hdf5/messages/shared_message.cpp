// format/hdf5/messages/shared_message.cpp -- shared message references, versions 1-3.
#include "format/hdf5/messages/shared_message.hpp"

#include <algorithm>
#include <string>

#include "core/fail.hpp"

namespace h5mem::detail {

SharedMessage read_shared_message(ByteReader& r, const FileSizes& sizes) {
  SharedMessage m;
  const std::uint64_t start = r.offset();
  m.version = r.u8();
  if (m.version < 1 || m.version > 3) {
    fail(ErrorCode::unsupported, "shared message at byte " + std::to_string(start) + ": version " +
                                     std::to_string(m.version));
  }
  const std::uint8_t type = r.u8();
  if (m.version < 3) {
    // libhdf5 ignores the type before version 3: such references are always committed.
    m.location = SharedLocation::committed;
    if (m.version == 1) r.skip(6);
    m.address = r.address(sizes);
    return m;
  }
  if (type > 3) r.fail("unknown shared message type " + std::to_string(type));
  m.location = static_cast<SharedLocation>(type);
  if (m.location == SharedLocation::heap) {
    auto id = r.bytes(m.heap_id.size());
    std::copy(id.begin(), id.end(), m.heap_id.begin());
  } else if (m.location == SharedLocation::committed) {
    m.address = r.address(sizes);
  }
  return m;
}

SharedMessage decode_shared_message(std::span<const std::byte> body, std::uint64_t offset,
                                    const FileSizes& sizes) {
  ByteReader r(body, offset, "shared message");
  return read_shared_message(r, sizes);
}

void write_shared_message(ByteWriter& w, const SharedMessage& m, const FileSizes& sizes) {
  if (m.version < 1 || m.version > 3) {
    fail(ErrorCode::invalid_argument, "shared message version must be 1, 2 or 3");
  }
  if (m.version < 3 && m.location != SharedLocation::committed) {
    fail(ErrorCode::invalid_argument,
         "shared message versions 1/2 only reference committed messages");
  }
  w.u8(m.version);
  if (m.version < 3) {
    // libhdf5 writes its own "committed" code (2) here; readers ignore it before version 3.
    w.u8(static_cast<std::uint8_t>(SharedLocation::committed));
    if (m.version == 1) w.zeros(6);
    w.address(m.address, sizes);
    return;
  }
  w.u8(static_cast<std::uint8_t>(m.location));
  if (m.location == SharedLocation::heap) {
    w.bytes(m.heap_id);
  } else if (m.location == SharedLocation::committed) {
    w.address(m.address, sizes);
  }
}

std::vector<std::byte> encode_shared_message(const SharedMessage& m, const FileSizes& sizes) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  write_shared_message(w, m, sizes);
  return out;
}

}  // namespace h5mem::detail
