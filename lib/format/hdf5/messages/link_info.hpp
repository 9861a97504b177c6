// format/hdf5/messages/link_info.hpp -- the link info message (0x0002): the varying state of a
// new-style group's links (creation order counter, dense storage addresses).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

struct LinkInfoMessage {
  std::uint8_t version = 0;           // the only version
  bool track_creation_order = false;  // flag bit 0; max_creation_index is stored iff set
  bool index_creation_order = false;  // flag bit 1; creation_order_btree is stored iff set
  std::uint64_t max_creation_index = 0;
  // Dense link storage; all kUndefinedAddress while links are stored compactly.
  std::uint64_t fractal_heap = kUndefinedAddress;
  std::uint64_t name_btree = kUndefinedAddress;
  std::uint64_t creation_order_btree = kUndefinedAddress;

  bool operator==(const LinkInfoMessage&) const = default;
};

// Decodes a link info message body at relative address `offset` (used only in error
// messages). Trailing bytes are ignored. Throws Error(corruption) if truncated or with
// reserved flag bits set; Error(unsupported) for versions other than 0.
LinkInfoMessage decode_link_info(std::span<const std::byte> body, std::uint64_t offset,
                                 const FileSizes& sizes);

// Encodes `m`. Throws Error(invalid_argument) for versions other than 0.
std::vector<std::byte> encode_link_info(const LinkInfoMessage& m, const FileSizes& sizes);

}  // namespace h5mem::detail
