// Element conversion between datatypes, following libhdf5's rules.
//
// Numeric conversions (any width, signedness or byte order, float16/32/64):
//   - integer -> integer: values outside the destination range saturate to its min/max;
//   - float -> integer: truncates toward zero; out of range saturates; NaN becomes 0
//     (libhdf5 leaves NaN to the C cast; h5mem defines it);
//   - integer -> float: rounds to nearest;
//   - float -> narrower float: rounds to nearest even; finite values beyond the range
//     become +/-infinity, as libhdf5 does; NaN stays NaN.
// Enumerations convert to enumerations by name (a value with no counterpart becomes all-ones
// bits, as libhdf5 does), and to or from integers through their base type. Compounds convert
// member by member, matched by name; every destination member must exist in the source.
// Arrays convert element-wise when their dimensions agree. Fixed-length strings convert to
// fixed-length strings (truncating or padding per the destination's padding). Opaque and
// bitfield types convert only to the same size (bitfields also across byte orders). Any other
// pair (string <-> number, fixed <-> variable-length string, ...) is a type_mismatch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "h5mem/dtype.hpp"

namespace h5mem::detail {

// Returns "" if `src` converts to `dst`, else the reason it does not.
std::string conversion_problem(const DType& src, const DType& dst);

// Throws Error(type_mismatch) naming both types unless `src` converts to `dst`.
void check_conversion(const DType& src, const DType& dst);

// Converts `n` elements. Both buffers hold packed arrays of their types; they must not
// overlap. Requires conversion_problem(src, dst) to be empty and neither type to contain
// variable-length data.
void convert(const DType& src, const DType& dst, const std::byte* in, std::byte* out, std::uint64_t n);

// As convert(), with explicit distances in bytes between successive elements.
void convert_strided(const DType& src, const DType& dst, const std::byte* in, std::size_t in_stride,
                     std::byte* out, std::size_t out_stride, std::uint64_t n);

}  // namespace h5mem::detail
