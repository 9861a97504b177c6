// format/hdf5/messages/attribute.cpp -- the attribute message, versions 1-3.
#include "format/hdf5/messages/attribute.hpp"

#include <cstring>
#include <string>

#include "core/fail.hpp"

namespace h5mem::detail {
namespace {

std::size_t align8(std::size_t n) {
  return (n + 7) & ~std::size_t{7};
}

bool datatype_shared(const AttributeMessage& m) {
  return m.flags & kAttributeDatatypeShared;
}
bool dataspace_shared(const AttributeMessage& m) {
  return m.flags & kAttributeDataspaceShared;
}

}  // namespace

AttributeMessage decode_attribute(std::span<const std::byte> body, std::uint64_t offset,
                                  const FileSizes& sizes) {
  ByteReader r(body, offset, "attribute message");
  AttributeMessage m;
  m.version = r.u8();
  if (m.version < 1 || m.version > 3) {
    fail(ErrorCode::unsupported, "attribute message at byte " + std::to_string(offset) +
                                     ": version " + std::to_string(m.version));
  }
  m.flags = r.u8();
  if (m.version == 1) m.flags = 0;  // reserved byte in version 1
  if (m.flags & ~std::uint8_t{0x03}) r.fail("unknown attribute flags");
  const std::uint16_t name_size = r.u16();
  const std::uint16_t datatype_size = r.u16();
  const std::uint16_t dataspace_size = r.u16();
  if (m.version == 3) {
    const std::uint8_t cs = r.u8();
    if (cs > 1) r.fail("unknown attribute name character set " + std::to_string(cs));
    m.name_charset = static_cast<CharacterSet>(cs);
  }
  const bool padded = m.version == 1;
  auto field = [&](std::size_t n) { return padded ? align8(n) : n; };
  if (name_size == 0) r.fail("attribute name of size zero");
  const std::uint64_t name_at = r.offset();
  auto name = r.bytes(field(name_size));
  if (name[name_size - 1] != std::byte{0})
    fail_corrupt("attribute message", name_at, "name not NUL-terminated");
  m.name.assign(reinterpret_cast<const char*>(name.data()), name_size - 1);
  if (m.name.find('\0') != std::string::npos)
    fail_corrupt("attribute message", name_at, "NUL inside the name");

  const std::uint64_t datatype_at = r.offset();
  auto datatype = r.bytes(field(datatype_size)).first(datatype_size);
  ByteReader tr(datatype, datatype_at, "attribute datatype");
  if (datatype_shared(m)) {
    m.shared_datatype = read_shared_message(tr, sizes);
  } else {
    m.datatype = read_datatype(tr);
  }
  const std::uint64_t dataspace_at = r.offset();
  auto dataspace = r.bytes(field(dataspace_size)).first(dataspace_size);
  ByteReader sr(dataspace, dataspace_at, "attribute dataspace");
  if (dataspace_shared(m)) {
    m.shared_dataspace = read_shared_message(sr, sizes);
  } else {
    m.dataspace = read_dataspace(sr, sizes);
  }
  std::size_t data_size = r.remaining();
  if (!datatype_shared(m) && !dataspace_shared(m)) {
    const std::uint64_t count = m.dataspace.element_count();
    const std::uint64_t element = m.datatype.size;
    if (element != 0 && count > r.remaining() / element) {
      r.fail("value of " + std::to_string(count) + " x " + std::to_string(element) +
             " bytes overruns the message");
    }
    data_size = static_cast<std::size_t>(count * element);
  }
  auto data = r.bytes(data_size);
  m.data.assign(data.begin(), data.end());
  return m;
}

std::vector<std::byte> encode_attribute(const AttributeMessage& m, const FileSizes& sizes) {
  if (m.version < 1 || m.version > 3) {
    fail(ErrorCode::invalid_argument, "attribute message version must be 1, 2 or 3");
  }
  if (m.version == 1 && m.flags != 0) {
    fail(ErrorCode::invalid_argument,
         "version 1 attributes cannot share their datatype or dataspace");
  }
  if (m.name.find('\0') != std::string::npos || m.name.size() + 1 > 0xFFFF) {
    fail(ErrorCode::invalid_argument, "attribute name contains NUL or is too long");
  }
  std::vector<std::byte> type_bytes;
  ByteWriter tw(type_bytes);
  if (datatype_shared(m)) {
    write_shared_message(tw, m.shared_datatype, sizes);
  } else {
    write_datatype(tw, m.datatype);
  }
  std::vector<std::byte> space_bytes;
  ByteWriter sw(space_bytes);
  if (dataspace_shared(m)) {
    write_shared_message(sw, m.shared_dataspace, sizes);
  } else {
    write_dataspace(sw, m.dataspace, sizes);
  }
  if (!datatype_shared(m) && !dataspace_shared(m) &&
      m.data.size() != m.dataspace.element_count() * m.datatype.size) {
    fail(ErrorCode::invalid_argument, "attribute value size disagrees with datatype and dataspace");
  }
  if (type_bytes.size() > 0xFFFF || space_bytes.size() > 0xFFFF) {
    fail(ErrorCode::invalid_argument, "attribute datatype or dataspace encoding too long");
  }
  const bool padded = m.version == 1;
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u8(m.version);
  w.u8(m.flags);
  w.u16(static_cast<std::uint16_t>(m.name.size() + 1));
  w.u16(static_cast<std::uint16_t>(type_bytes.size()));
  w.u16(static_cast<std::uint16_t>(space_bytes.size()));
  if (m.version == 3) w.u8(static_cast<std::uint8_t>(m.name_charset));
  auto field = [&](std::span<const std::byte> bytes) {
    const std::size_t start = w.size();
    w.bytes(bytes);
    if (padded) w.pad_to(8, start);
  };
  std::vector<std::byte> name(m.name.size() + 1, std::byte{0});
  std::memcpy(name.data(), m.name.data(), m.name.size());
  field(name);
  field(type_bytes);
  field(space_bytes);
  w.bytes(m.data);
  return out;
}

}  // namespace h5mem::detail
