// format/hdf5/messages/link.hpp -- the link message (0x0006): one named link of a new-style
// group (hard, soft, external or user-defined), stored in the group's header or fractal heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "format/hdf5/byte_io.hpp"
#include "format/hdf5/messages/datatype.hpp"

namespace h5mem::detail {

// Link types; values 65-255 are user-defined.
enum class LinkType : std::uint8_t { hard = 0, soft = 1, external = 64 };

struct LinkMessage {
  std::uint8_t version = 1;  // the only version
  std::uint8_t link_type = static_cast<std::uint8_t>(LinkType::hard);
  std::optional<std::uint64_t> creation_order;  // stored when the group tracks creation order
  CharacterSet name_charset = CharacterSet::ascii;
  std::string name;

  std::uint64_t hard_address = kUndefinedAddress;  // hard: the target's object header
  std::string soft_target;                         // soft: the path the link resolves to
  // external: the version/flags byte (both 0 today), the target file and the object path in
  // it.
  std::uint8_t external_flags = 0;
  std::string external_file;
  std::string external_path;
  std::vector<std::byte> user_data;  // user-defined types: the opaque link value

  LinkType type() const noexcept { return static_cast<LinkType>(link_type); }

  bool operator==(const LinkMessage&) const = default;
};

// Decodes a link message body at relative address `offset` (used only in error messages).
// Trailing bytes are ignored.
// Throws Error(corruption) if truncated, the name is empty, a reserved flag bit is set, the
// character set or link type is reserved (2-63), or an external value lacks its two
// NUL-terminated strings; Error(unsupported) for versions other than 1.
LinkMessage decode_link(std::span<const std::byte> body, std::uint64_t offset,
                        const FileSizes& sizes);

// Encodes `m` as libhdf5 does: the link type stored only for non-hard links, the character
// set only for non-ASCII names, the name length in the fewest of 1/2/4/8 bytes.
// Throws Error(invalid_argument) for an empty name, a version other than 1, or a value over
// 65535 bytes.
std::vector<std::byte> encode_link(const LinkMessage& m, const FileSizes& sizes);

}  // namespace h5mem::detail
