#include "array/convert_numeric.hpp"

#include <bit>
#include <cmath>
#include <limits>

namespace h5mem::detail {

double half_to_double(std::uint16_t h) noexcept {
  const int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v;
  if (exp == 0) {
    v = std::ldexp(static_cast<double>(mant), -24);  // subnormal
  } else if (exp == 31) {
    v = mant ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  } else {
    v = std::ldexp(static_cast<double>(mant | 0x400), exp - 25);
  }
  return sign ? -v : v;
}

std::uint16_t half_from_double(double d) noexcept {
  std::uint16_t sign = std::signbit(d) ? 0x8000 : 0;
  if (std::isnan(d)) return sign | 0x7e00;
  double a = std::fabs(d);
  if (std::isinf(a)) return sign | 0x7c00;
  // Scale so the result's least significant bit has value 1, then round to nearest even.
  int e;
  std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
  int exp = e - 1;    // a = 1.xxx * 2^exp
  if (exp < -14) exp = -14;  // subnormal range: fixed scale 2^-24
  double scaled = std::ldexp(a, 10 - exp);
  double r = std::nearbyint(scaled);  // default rounding mode: to nearest even
  auto m = static_cast<std::uint32_t>(r);
  if (m >= 0x800) {  // rounding carried into the next binade
    m >>= 1;
    ++exp;
  }
  if (exp > 15) return sign | 0x7c00;  // overflow to infinity
  if (m < 0x400) return static_cast<std::uint16_t>(sign | m);  // subnormal (exp stays -14)
  return static_cast<std::uint16_t>(sign | ((exp + 15) << 10) | (m & 0x3ff));
}

NumValue load_numeric(const DType& t, const std::byte* p) noexcept {
  std::byte b[8];
  std::memcpy(b, p, t.size());
  if (t.byte_order() != native_order) swap_bytes(b, t.size());
  NumValue v{NumValue::s};
  if (t.type_class() == TypeClass::floating) {
    v.kind = NumValue::f;
    if (t.size() == 2) {
      std::uint16_t h;
      std::memcpy(&h, b, 2);
      v.d = half_to_double(h);
    } else if (t.size() == 4) {
      float f;
      std::memcpy(&f, b, 4);
      v.d = f;
    } else {
      std::memcpy(&v.d, b, 8);
    }
    return v;
  }
  if (t.is_signed()) {
    switch (t.size()) {
      case 1: { std::int8_t x; std::memcpy(&x, b, 1); v.i = x; break; }
      case 2: { std::int16_t x; std::memcpy(&x, b, 2); v.i = x; break; }
      case 4: { std::int32_t x; std::memcpy(&x, b, 4); v.i = x; break; }
      default: std::memcpy(&v.i, b, 8);
    }
    return v;
  }
  v.kind = NumValue::u;
  switch (t.size()) {
    case 1: { std::uint8_t x; std::memcpy(&x, b, 1); v.ui = x; break; }
    case 2: { std::uint16_t x; std::memcpy(&x, b, 2); v.ui = x; break; }
    case 4: { std::uint32_t x; std::memcpy(&x, b, 4); v.ui = x; break; }
    default: std::memcpy(&v.ui, b, 8);
  }
  return v;
}

namespace {

// Saturating conversion of `v` to a signed integer range [lo, hi].
std::int64_t to_signed(const NumValue& v, std::int64_t lo, std::int64_t hi) noexcept {
  switch (v.kind) {
    case NumValue::s: return v.i < lo ? lo : v.i > hi ? hi : v.i;
    case NumValue::u: return v.ui > static_cast<std::uint64_t>(hi) ? hi : static_cast<std::int64_t>(v.ui);
    case NumValue::f:
      if (std::isnan(v.d)) return 0;
      if (v.d <= static_cast<double>(lo)) return lo;
      if (v.d >= static_cast<double>(hi)) return hi;  // hi as double may round up: compare >=
      return static_cast<std::int64_t>(std::trunc(v.d));
  }
  return 0;
}

std::uint64_t to_unsigned(const NumValue& v, std::uint64_t hi) noexcept {
  switch (v.kind) {
    case NumValue::s: return v.i < 0 ? 0 : static_cast<std::uint64_t>(v.i) > hi ? hi : static_cast<std::uint64_t>(v.i);
    case NumValue::u: return v.ui > hi ? hi : v.ui;
    case NumValue::f:
      if (std::isnan(v.d) || v.d <= 0) return 0;
      if (v.d >= static_cast<double>(hi)) return hi;
      return static_cast<std::uint64_t>(std::trunc(v.d));
  }
  return 0;
}

double to_double(const NumValue& v) noexcept {
  switch (v.kind) {
    case NumValue::s: return static_cast<double>(v.i);
    case NumValue::u: return static_cast<double>(v.ui);
    case NumValue::f: return v.d;
  }
  return 0;
}

}  // namespace

void store_numeric(const DType& t, const NumValue& v, std::byte* p) noexcept {
  std::byte b[8];
  const std::size_t n = t.size();
  if (t.type_class() == TypeClass::floating) {
    if (n == 2) {
      // Integers beyond double's precision round once more here; negligible for binary16.
      std::uint16_t h = half_from_double(to_double(v));
      std::memcpy(b, &h, 2);
    } else if (n == 4) {
      float f;
      if (v.kind == NumValue::s) {
        f = static_cast<float>(v.i);  // one rounding, not two through double
      } else if (v.kind == NumValue::u) {
        f = static_cast<float>(v.ui);
      } else if (std::isfinite(v.d) && std::fabs(v.d) > std::numeric_limits<float>::max()) {
        // Beyond float's range (after rounding) becomes infinity, as libhdf5 does; the cast
        // itself would be undefined.
        double limit = static_cast<double>(std::numeric_limits<float>::max()) +
                       std::ldexp(1.0, 127 - 24);  // halfway to the next binade step
        f = std::fabs(v.d) >= limit ? std::copysign(std::numeric_limits<float>::infinity(), v.d)
                                    : std::copysign(std::numeric_limits<float>::max(), v.d);
      } else {
        f = static_cast<float>(v.d);
      }
      std::memcpy(b, &f, 4);
    } else {
      double d = to_double(v);
      std::memcpy(b, &d, 8);
    }
  } else if (t.is_signed()) {
    const int bits = static_cast<int>(n * 8);
    std::int64_t hi = bits == 64 ? std::numeric_limits<std::int64_t>::max() : (std::int64_t{1} << (bits - 1)) - 1;
    std::int64_t x = to_signed(v, -hi - 1, hi);
    switch (n) {
      case 1: { auto y = static_cast<std::int8_t>(x); std::memcpy(b, &y, 1); break; }
      case 2: { auto y = static_cast<std::int16_t>(x); std::memcpy(b, &y, 2); break; }
      case 4: { auto y = static_cast<std::int32_t>(x); std::memcpy(b, &y, 4); break; }
      default: std::memcpy(b, &x, 8);
    }
  } else {
    const int bits = static_cast<int>(n * 8);
    std::uint64_t hi = bits == 64 ? std::numeric_limits<std::uint64_t>::max() : (std::uint64_t{1} << bits) - 1;
    std::uint64_t x = to_unsigned(v, hi);
    switch (n) {
      case 1: { auto y = static_cast<std::uint8_t>(x); std::memcpy(b, &y, 1); break; }
      case 2: { auto y = static_cast<std::uint16_t>(x); std::memcpy(b, &y, 2); break; }
      case 4: { auto y = static_cast<std::uint32_t>(x); std::memcpy(b, &y, 4); break; }
      default: std::memcpy(b, &x, 8);
    }
  }
  if (t.byte_order() != native_order) swap_bytes(b, n);
  std::memcpy(p, b, n);
}

}  // namespace h5mem::detail
