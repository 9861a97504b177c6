// format/hdf5/messages/link.cpp -- the link message.
#include "format/hdf5/messages/link.hpp"

#include <string>

#include "core/fail.hpp"

namespace h5mem::detail {
namespace {

constexpr std::uint8_t kWidthMask = 0x03;
constexpr std::uint8_t kHasCreationOrder = 0x04;
constexpr std::uint8_t kHasLinkType = 0x08;
constexpr std::uint8_t kHasCharset = 0x10;

std::string text(std::span<const std::byte> b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// Splits an external link value (after its flags byte) into two NUL-terminated strings.
void split_external(ByteReader& r, std::span<const std::byte> value, LinkMessage& m) {
  const std::string all = text(value);
  const std::size_t first = all.find('\0');
  const std::size_t second = first == std::string::npos ? first : all.find('\0', first + 1);
  if (second == std::string::npos) r.fail("external link value without two NUL-terminated strings");
  m.external_file = all.substr(0, first);
  m.external_path = all.substr(first + 1, second - first - 1);
}

}  // namespace

LinkMessage decode_link(std::span<const std::byte> body, std::uint64_t offset,
                        const FileSizes& sizes) {
  ByteReader r(body, offset, "link message");
  LinkMessage m;
  m.version = r.u8();
  if (m.version != 1) {
    fail(ErrorCode::unsupported, "link message at byte " + std::to_string(offset) + ": version " +
                                     std::to_string(m.version));
  }
  const std::uint8_t flags = r.u8();
  if (flags & 0xE0) r.fail("reserved link flag bits set");
  if (flags & kHasLinkType) {
    m.link_type = r.u8();
    if (m.link_type > 1 && m.link_type < 64)
      r.fail("reserved link type " + std::to_string(m.link_type));
  }
  if (flags & kHasCreationOrder) m.creation_order = r.u64();
  if (flags & kHasCharset) {
    const std::uint8_t cs = r.u8();
    if (cs > 1) r.fail("unknown link name character set " + std::to_string(cs));
    m.name_charset = static_cast<CharacterSet>(cs);
  }
  const std::uint64_t name_length = r.uint_n(std::size_t{1} << (flags & kWidthMask));
  if (name_length == 0) r.fail("link name of length zero");
  if (name_length > r.remaining()) r.fail("link name overruns the message");
  m.name = text(r.bytes(static_cast<std::size_t>(name_length)));
  switch (m.type()) {
    case LinkType::hard:
      m.hard_address = r.address(sizes);
      break;
    case LinkType::soft:
      m.soft_target = text(r.bytes(r.u16()));
      break;
    default: {
      auto value = r.bytes(r.u16());
      if (m.type() != LinkType::external) {
        m.user_data.assign(value.begin(), value.end());
        break;
      }
      if (value.empty()) r.fail("external link without a value");
      m.external_flags = static_cast<std::uint8_t>(value[0]);
      split_external(r, value.subspan(1), m);
      break;
    }
  }
  return m;
}

std::vector<std::byte> encode_link(const LinkMessage& m, const FileSizes& sizes) {
  if (m.version != 1) fail(ErrorCode::invalid_argument, "link message version must be 1");
  if (m.name.empty()) fail(ErrorCode::invalid_argument, "link name must not be empty");
  std::uint8_t width_code = 0;
  if (m.name.size() > 0xFFFFFFFFu) {
    width_code = 3;
  } else if (m.name.size() > 0xFFFF) {
    width_code = 2;
  } else if (m.name.size() > 0xFF) {
    width_code = 1;
  }
  std::uint8_t flags = width_code;
  if (m.creation_order) flags |= kHasCreationOrder;
  if (m.type() != LinkType::hard) flags |= kHasLinkType;
  if (m.name_charset != CharacterSet::ascii) flags |= kHasCharset;
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u8(m.version);
  w.u8(flags);
  if (flags & kHasLinkType) w.u8(m.link_type);
  if (m.creation_order) w.u64(*m.creation_order);
  if (flags & kHasCharset) w.u8(static_cast<std::uint8_t>(m.name_charset));
  w.uint_n(m.name.size(), std::size_t{1} << width_code);
  w.text(m.name);
  auto value16 = [&](std::size_t n) {
    if (n > 0xFFFF) fail(ErrorCode::invalid_argument, "link value longer than 65535 bytes");
    w.u16(static_cast<std::uint16_t>(n));
  };
  switch (m.type()) {
    case LinkType::hard:
      w.address(m.hard_address, sizes);
      break;
    case LinkType::soft:
      value16(m.soft_target.size());
      w.text(m.soft_target);
      break;
    case LinkType::external:
      value16(1 + m.external_file.size() + 1 + m.external_path.size() + 1);
      w.u8(m.external_flags);
      w.text(m.external_file);
      w.u8(0);
      w.text(m.external_path);
      w.u8(0);
      break;
    default:
      value16(m.user_data.size());
      w.bytes(m.user_data);
      break;
  }
  return out;
}

}  // namespace h5mem::detail
