// format/hdf5/messages/reference_count.hpp -- the object reference count message (0x0016):
// the hard link count of an object with a v2 header (v1 headers keep it in the prefix).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace h5mem::detail {

struct ReferenceCountMessage {
  std::uint8_t version = 0;  // the only version
  std::uint32_t count = 1;   // absent message means 1

  bool operator==(const ReferenceCountMessage&) const = default;
};

// Decodes a reference count body at relative address `offset` (used only in error messages).
// Throws Error(corruption) if truncated; Error(unsupported) for versions other than 0.
ReferenceCountMessage decode_reference_count(std::span<const std::byte> body, std::uint64_t offset);

// Encodes `m`: version byte and 4-byte count.
std::vector<std::byte> encode_reference_count(const ReferenceCountMessage& m);

}  // namespace h5mem::detail
