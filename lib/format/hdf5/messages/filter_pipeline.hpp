// format/hdf5/messages/filter_pipeline.hpp -- the filter pipeline message (0x000B): which
// filters (deflate, shuffle, fletcher32, third-party ...) apply to a dataset's chunks, in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace h5mem::detail {

// Filter flag bit 0: failures of this filter are tolerated when writing.
inline constexpr std::uint16_t kFilterOptional = 0x0001;

struct FilterDescription {
  std::uint16_t id = 0;  // 1 deflate, 2 shuffle, 3 fletcher32, 4 szip, 5 nbit, 6 scaleoffset, ...
  std::uint16_t flags = 0;  // kFilterOptional
  // Optional name without its NUL padding. Version 2 does not store names of ids below 256.
  std::string name;
  std::vector<std::uint32_t> client_data;  // parameters passed to the filter

  bool operator==(const FilterDescription&) const = default;
};

struct FilterPipelineMessage {
  // 1: names padded to 8 bytes and client data padded to an even count; 2: no padding and no
  // names for ids below 256.
  std::uint8_t version = 2;
  std::vector<FilterDescription> filters;  // applied in this order when writing

  bool operator==(const FilterPipelineMessage&) const = default;
};

// Decodes a filter pipeline message body at relative address `offset` (used only in error
// messages). Trailing bytes are ignored.
// Throws Error(corruption) if truncated or listing more than 32 filters; Error(unsupported)
// for versions other than 1 and 2.
FilterPipelineMessage decode_filter_pipeline(std::span<const std::byte> body, std::uint64_t offset);

// Encodes `m` as libhdf5 does: a name, when present, is written with its NUL (v1: padded to a
// multiple of 8); v2 omits names of filters with ids below 256.
// Throws Error(invalid_argument) for versions other than 1 and 2 or more than 32 filters.
std::vector<std::byte> encode_filter_pipeline(const FilterPipelineMessage& m);

}  // namespace h5mem::detail
