// codec/shuffle.hpp -- the shuffle filter (id 2): HDF5's byte transposition.
//
// For n = size / element_size whole elements, byte b of element e moves to b * n + e, so equal
// bytes of neighbouring values sit together and compress better. The size % element_size
// trailing bytes are copied unchanged after the transposed part, and a buffer with fewer than
// two whole elements is copied unchanged -- both exactly as libhdf5's H5Z_filter_shuffle does.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "codec/filter.hpp"

namespace h5mem::detail {

// REQUIRES: dst.size() == src.size(), the spans do not overlap, element_size >= 1.
// Writes the shuffled form of `src` into `dst`. Uses SSE2 kernels for element sizes 2, 4, 8 on
// x86-64 and a cache-blocked portable loop for the rest.
void shuffle_bytes(std::span<const std::byte> src, std::span<std::byte> dst,
                   std::size_t element_size);

// REQUIRES: as shuffle_bytes. Inverts shuffle_bytes.
void unshuffle_bytes(std::span<const std::byte> src, std::span<std::byte> dst,
                     std::size_t element_size);

// Plain one-byte-at-a-time versions with the same contracts, kept as the reference the fast
// kernels are tested against.
void shuffle_bytes_reference(std::span<const std::byte> src, std::span<std::byte> dst,
                             std::size_t element_size);
void unshuffle_bytes_reference(std::span<const std::byte> src, std::span<std::byte> dst,
                               std::size_t element_size);

// Builds the shuffle filter. The element size is client_data[0] when present and non-zero,
// else `element_size`; throws Error(invalid_argument) if both are zero.
std::unique_ptr<const Filter> make_shuffle_filter(const FilterSpec& spec, std::size_t element_size);

}  // namespace h5mem::detail
