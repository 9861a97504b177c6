// format/hdf5/messages/reference_count.cpp -- the object reference count message.
#include "format/hdf5/messages/reference_count.hpp"

#include <string>

#include "core/fail.hpp"
#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

ReferenceCountMessage decode_reference_count(std::span<const std::byte> body,
                                             std::uint64_t offset) {
  ByteReader r(body, offset, "reference count message");
  ReferenceCountMessage m;
  m.version = r.u8();
  if (m.version != 0) {
    fail(ErrorCode::unsupported, "reference count message at byte " + std::to_string(offset) +
                                     ": version " + std::to_string(m.version));
  }
  m.count = r.u32();
  return m;
}

std::vector<std::byte> encode_reference_count(const ReferenceCountMessage& m) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u8(m.version);
  w.u32(m.count);
  return out;
}

}  // namespace h5mem::detail
