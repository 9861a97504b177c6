// format/hdf5/checksum.cpp -- Jenkins lookup3 hashlittle(), as HDF5 uses it.
#include "format/hdf5/checksum.hpp"

namespace h5mem::detail {
namespace {

constexpr std::uint32_t rot(std::uint32_t x, int k) {
  return (x << k) | (x >> (32 - k));
}

// Reads up to 4 bytes as a little-endian word; missing high bytes count as zero, which is how
// hashlittle treats the final partial block.
inline std::uint32_t load_le(const unsigned char* p, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint32_t>(p[i]) << (8 * i);
  return v;
}

inline std::uint32_t load_le4(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

inline void mix(std::uint32_t& a, std::uint32_t& b, std::uint32_t& c) {
  a -= c, a ^= rot(c, 4), c += b;
  b -= a, b ^= rot(a, 6), a += c;
  c -= b, c ^= rot(b, 8), b += a;
  a -= c, a ^= rot(c, 16), c += b;
  b -= a, b ^= rot(a, 19), a += c;
  c -= b, c ^= rot(b, 4), b += a;
}

inline void final_mix(std::uint32_t& a, std::uint32_t& b, std::uint32_t& c) {
  c ^= b, c -= rot(b, 14);
  a ^= c, a -= rot(c, 11);
  b ^= a, b -= rot(a, 25);
  c ^= b, c -= rot(b, 16);
  a ^= c, a -= rot(c, 4);
  b ^= a, b -= rot(a, 14);
  c ^= b, c -= rot(b, 24);
}

}  // namespace

std::uint32_t lookup3(std::span<const std::byte> data, std::uint32_t initval) noexcept {
  const auto* k = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t length = data.size();
  // The length enters the seed truncated to 32 bits, as in the reference implementation.
  std::uint32_t a = 0xdeadbeef + static_cast<std::uint32_t>(length) + initval;
  std::uint32_t b = a;
  std::uint32_t c = a;
  // Every full 12-byte block but the last is mixed; the last 1..12 bytes get the final mix.
  while (length > 12) {
    a += load_le4(k);
    b += load_le4(k + 4);
    c += load_le4(k + 8);
    mix(a, b, c);
    length -= 12;
    k += 12;
  }
  if (length == 0) return c;  // only for empty input: no final mix
  a += load_le(k, length < 4 ? length : 4);
  if (length > 4) b += load_le(k + 4, length < 8 ? length - 4 : 4);
  if (length > 8) c += load_le(k + 8, length - 8);
  final_mix(a, b, c);
  return c;
}

}  // namespace h5mem::detail
