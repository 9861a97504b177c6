// format/hdf5/messages/attribute_info.hpp -- the attribute info message (0x0015): creation
// order tracking and dense attribute storage of an object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

struct AttributeInfoMessage {
  std::uint8_t version = 0;           // the only version
  bool track_creation_order = false;  // flag bit 0; max_creation_index is stored iff set
  bool index_creation_order = false;  // flag bit 1; creation_order_btree is stored iff set
  std::uint16_t max_creation_index = 0;
  // Dense attribute storage; kUndefinedAddress while attributes live in the header.
  std::uint64_t fractal_heap = kUndefinedAddress;
  std::uint64_t name_btree = kUndefinedAddress;
  std::uint64_t creation_order_btree = kUndefinedAddress;

  bool operator==(const AttributeInfoMessage&) const = default;
};

// Decodes an attribute info message body at relative address `offset` (used only in error
// messages). Trailing bytes are ignored. Throws Error(corruption) if truncated or with
// reserved flag bits set; Error(unsupported) for versions other than 0.
AttributeInfoMessage decode_attribute_info(std::span<const std::byte> body, std::uint64_t offset,
                                           const FileSizes& sizes);

// Encodes `m`. Throws Error(invalid_argument) for versions other than 0.
std::vector<std::byte> encode_attribute_info(const AttributeInfoMessage& m, const FileSizes& sizes);

}  // namespace h5mem::detail
