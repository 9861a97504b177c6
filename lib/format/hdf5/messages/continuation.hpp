// format/hdf5/messages/continuation.hpp -- the object header continuation message (0x0010):
// where the next block of an object header's messages lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

struct ContinuationMessage {
  std::uint64_t address = kUndefinedAddress;  // relative address of the continuation block
  std::uint64_t length = 0;                   // bytes of the whole block

  bool operator==(const ContinuationMessage&) const = default;
};

// Decodes a continuation message body that starts at relative address `offset` (used only in
// error messages). Ignores trailing bytes (v1 padding). Throws Error(corruption) if truncated.
ContinuationMessage decode_continuation(std::span<const std::byte> body, std::uint64_t offset,
                                        const FileSizes& sizes);

// Encodes the body: address then length (sizes.offsets + sizes.lengths bytes).
std::vector<std::byte> encode_continuation(const ContinuationMessage& m, const FileSizes& sizes);

}  // namespace h5mem::detail
