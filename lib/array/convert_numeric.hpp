// Scalar numeric conversion helpers shared by the conversion engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "h5mem/dtype.hpp"

namespace h5mem::detail {

// A numeric value loaded from any integer or float type.
struct NumValue {
  enum Kind { s, u, f } kind;
  std::int64_t i = 0;
  std::uint64_t ui = 0;
  double d = 0;
};

// IEEE binary16 bits <-> double (round to nearest even; overflow to infinity).
double half_to_double(std::uint16_t h) noexcept;
std::uint16_t half_from_double(double d) noexcept;

// Reverses `n` bytes in place.
inline void swap_bytes(std::byte* p, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n / 2; ++i) {
    std::byte t = p[i];
    p[i] = p[n - 1 - i];
    p[n - 1 - i] = t;
  }
}

// Loads one element of numeric type `t` (any byte order) at `p`.
NumValue load_numeric(const DType& t, const std::byte* p) noexcept;
// Stores `v` into one element of numeric type `t` at `p`, saturating as libhdf5 does.
void store_numeric(const DType& t, const NumValue& v, std::byte* p) noexcept;

}  // namespace h5mem::detail
