// codec/fletcher32.hpp -- the fletcher32 filter (id 3): a checksum appended to each chunk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "codec/filter.hpp"

namespace h5mem::detail {

// Returns HDF5's Fletcher-32 of `data`, bit-identical to libhdf5's H5_checksum_fletcher32:
// 16-bit words are read big-endian, an odd final byte counts as the high byte of a last word,
// and both sums are folded (not reduced modulo 65535) after every 360 words, after the odd byte
// and once more at the end -- so the result can differ from a textbook Fletcher-32 when a sum
// is a multiple of 65535. Returns (sum2 << 16) | sum1.
std::uint32_t fletcher32(std::span<const std::byte> data) noexcept;

// Builds the fletcher32 filter. Encode appends the checksum as 4 little-endian bytes (as
// libhdf5 stores it). Decode verifies and strips it; it also accepts the checksum with the bytes
// of each 16-bit half swapped, which libhdf5 before 1.6.3 wrote on little-endian hosts and which
// libhdf5 still accepts. A mismatch throws Error(corruption).
std::unique_ptr<const Filter> make_fletcher32_filter(const FilterSpec& spec);

}  // namespace h5mem::detail
