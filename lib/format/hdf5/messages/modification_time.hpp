// format/hdf5/messages/modification_time.hpp -- object modification time: the current message
// (0x0012, seconds since the epoch) and the old one (0x000E, an ASCII UTC timestamp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace h5mem::detail {

struct ModificationTimeMessage {
  // 1 for message 0x0012; 0 when decoded from an old 0x000E message.
  std::uint8_t version = 1;
  std::uint32_t seconds = 0;  // since 1970-01-01T00:00:00Z

  bool operator==(const ModificationTimeMessage&) const = default;
};

// Decodes a 0x0012 body at relative address `offset` (used only in error messages). Throws
// Error(corruption) if truncated; Error(unsupported) for versions other than 1.
ModificationTimeMessage decode_modification_time(std::span<const std::byte> body,
                                                 std::uint64_t offset);

// Encodes a 0x0012 body: version 1, three reserved bytes, the seconds.
std::vector<std::byte> encode_modification_time(const ModificationTimeMessage& m);

// Decodes an old 0x000E body "YYYYMMDDhhmmss" plus two reserved bytes, read as UTC; returns
// version 0. Throws Error(corruption) if truncated, not digits, out of range, or before 1970
// or after 2106 (outside 32-bit seconds).
ModificationTimeMessage decode_old_modification_time(std::span<const std::byte> body,
                                                     std::uint64_t offset);

// Encodes `seconds` as an old 0x000E body (UTC).
std::vector<std::byte> encode_old_modification_time(std::uint32_t seconds);

}  // namespace h5mem::detail
