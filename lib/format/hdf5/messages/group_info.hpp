// format/hdf5/messages/group_info.hpp -- the group info message (0x000A): the constant
// tuning of a new-style group (when to switch between compact and dense link storage).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace h5mem::detail {

struct GroupInfoMessage {
  std::uint8_t version = 0;  // the only version
  // Link phase change values (flag bit 0); libhdf5's defaults 8 and 6 apply when absent.
  std::optional<std::uint16_t> max_compact;
  std::optional<std::uint16_t> min_dense;
  // Estimated entries and name length (flag bit 1); defaults 4 and 8 apply when absent.
  std::optional<std::uint16_t> estimated_entries;
  std::optional<std::uint16_t> estimated_name_length;

  bool operator==(const GroupInfoMessage&) const = default;
};

// Decodes a group info message body at relative address `offset` (used only in error
// messages). Trailing bytes are ignored. Throws Error(corruption) if truncated or with
// reserved flag bits set; Error(unsupported) for versions other than 0.
GroupInfoMessage decode_group_info(std::span<const std::byte> body, std::uint64_t offset);

// Encodes `m`. Throws Error(invalid_argument) for versions other than 0 or when only one of
// a pair (max_compact/min_dense, estimated_entries/estimated_name_length) is set.
std::vector<std::byte> encode_group_info(const GroupInfoMessage& m);

}  // namespace h5mem::detail
