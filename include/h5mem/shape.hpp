// h5mem/shape.hpp -- dataset extents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace h5mem {

// Extent of a dataspace, slowest-varying dimension first (C order). Rank 0 is a scalar.
using Shape = std::vector<std::uint64_t>;

// A max_shape entry meaning "may grow without bound" (H5S_UNLIMITED).
inline constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();

// The largest rank HDF5 (and so h5mem) supports.
inline constexpr std::size_t max_rank = 32;

// Returns the number of elements in `shape` (1 for rank 0).
// Throws Error(invalid_argument) if the product overflows 64 bits.
std::uint64_t element_count(const Shape& shape);

// Returns e.g. "(100, 200)"; "()" for a scalar; unlimited prints as "inf".
std::string to_string(const Shape& shape);

}  // namespace h5mem
