// format/hdf5/messages/attribute.hpp -- the attribute message (0x000C): name, datatype,
// dataspace and raw value of one attribute, versions 1-3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "format/hdf5/byte_io.hpp"
#include "format/hdf5/messages/dataspace.hpp"
#include "format/hdf5/messages/datatype.hpp"
#include "format/hdf5/messages/shared_message.hpp"

namespace h5mem::detail {

// Attribute message flags (versions 2/3).
inline constexpr std::uint8_t kAttributeDatatypeShared = 0x01;
inline constexpr std::uint8_t kAttributeDataspaceShared = 0x02;

struct AttributeMessage {
  // 1: name, datatype and dataspace each padded to 8 bytes; 2: packed, may share; 3: adds the
  // name's character set. libhdf5 writes 1 by default, 3 for UTF-8 names or the latest format.
  std::uint8_t version = 3;
  std::uint8_t flags = 0;  // kAttribute*Shared (versions 2/3)
  std::string name;
  CharacterSet name_charset = CharacterSet::ascii;  // stored by version 3 only
  DatatypeMessage datatype;                         // unless flags & kAttributeDatatypeShared
  SharedMessage shared_datatype;   // if flags & kAttributeDatatypeShared (committed type)
  DataspaceMessage dataspace;      // unless flags & kAttributeDataspaceShared
  SharedMessage shared_dataspace;  // if flags & kAttributeDataspaceShared
  // The raw value: element count times datatype size bytes. When the datatype or dataspace
  // is shared its size is unknown here, so decoding keeps every remaining byte of the body
  // (in v1 object headers that includes padding); the reader trims it once resolved.
  std::vector<std::byte> data;

  bool operator==(const AttributeMessage&) const = default;
};

// Decodes an attribute message body at relative address `offset`. Trailing bytes after the
// value (v1 header padding) are ignored unless a part is shared (see AttributeMessage::data).
// Throws Error(corruption) if truncated, the name is empty or not NUL-terminated, the datatype
// or dataspace overruns its stated size, or the value is shorter than the element count
// times the datatype size; Error(unsupported) for versions other than 1-3 and for unknown
// datatype/dataspace versions.
AttributeMessage decode_attribute(std::span<const std::byte> body, std::uint64_t offset,
                                  const FileSizes& sizes);

// Encodes `m` in m.version's layout as libhdf5 writes it.
// Throws Error(invalid_argument) for versions other than 1-3, sharing flags in version 1, a
// name containing NUL, or (when nothing is shared) a value whose size is not the element
// count times the datatype size.
std::vector<std::byte> encode_attribute(const AttributeMessage& m, const FileSizes& sizes);

}  // namespace h5mem::detail
