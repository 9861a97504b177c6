#include "array/convert.hpp"

#include <cstring>
#include <map>
#include <vector>

#include "array/convert_numeric.hpp"
#include "core/fail.hpp"

namespace h5mem::detail {
namespace {

bool integer_like(const DType& t) {
  return t.type_class() == TypeClass::integer || t.type_class() == TypeClass::enumeration;
}

const DType& numeric_view(const DType& t) {
  return t.type_class() == TypeClass::enumeration ? t.base() : t;
}

}  // namespace

std::string conversion_problem(const DType& src, const DType& dst) {
  if (src == dst) return "";
  const TypeClass s = src.type_class(), d = dst.type_class();
  if ((src.is_numeric() || integer_like(src)) && (dst.is_numeric() || integer_like(dst))) {
    if (s == TypeClass::enumeration && d == TypeClass::enumeration) return "";
    return "";  // numbers, and enums through their base type
  }
  if (s != d) return "different type classes";
  switch (s) {
    case TypeClass::string:
      if (src.is_variable_string() != dst.is_variable_string()) {
        return "fixed-length and variable-length strings do not convert";
      }
      return "";
    case TypeClass::bitfield:
    case TypeClass::opaque:
      if (src.size() != dst.size()) return "sizes differ";
      if (s == TypeClass::opaque && src.tag() != dst.tag()) return "opaque tags differ";
      return "";
    case TypeClass::reference:
      return "";
    case TypeClass::array: {
      if (src.array_dims() != dst.array_dims()) return "array dimensions differ";
      return conversion_problem(src.base(), dst.base());
    }
    case TypeClass::vlen:
      return conversion_problem(src.base(), dst.base());
    case TypeClass::compound:
      for (const Member& m : dst.members()) {
        const Member* found = nullptr;
        for (const Member& sm : src.members()) {
          if (sm.name == m.name) found = &sm;
        }
        if (!found) return "member \"" + m.name + "\" is missing from the source";
        std::string why = conversion_problem(*found->type, *m.type);
        if (!why.empty()) return "member \"" + m.name + "\": " + why;
      }
      return "";
    default:
      return "no conversion";
  }
}

void check_conversion(const DType& src, const DType& dst) {
  std::string why = conversion_problem(src, dst);
  if (!why.empty()) {
    fail(ErrorCode::type_mismatch, "cannot convert " + src.name() + " to " + dst.name() + ": " + why);
  }
}

namespace {

void convert_enum(const DType& src, const DType& dst, const std::byte* in, std::size_t is,
                  std::byte* out, std::size_t os, std::uint64_t n) {
  std::map<std::int64_t, std::int64_t> map;  // src value -> dst value, by name
  for (const auto& sv : src.enum_values()) {
    for (const auto& dv : dst.enum_values()) {
      if (sv.name == dv.name) map[sv.value] = dv.value;
    }
  }
  const DType& sb = src.base();
  const DType& db = dst.base();
  for (std::uint64_t k = 0; k < n; ++k) {
    NumValue v = load_numeric(sb, in + k * is);
    std::int64_t key = v.kind == NumValue::u ? static_cast<std::int64_t>(v.ui) : v.i;
    auto it = map.find(key);
    if (it == map.end()) {
      std::memset(out + k * os, 0xff, dst.size());
      continue;
    }
    // EnumValue keeps unsigned 64-bit values above 2^63 wrapped; store them as unsigned.
    NumValue w{db.is_signed() ? NumValue::s : NumValue::u};
    if (db.is_signed()) {
      w.i = it->second;
    } else {
      w.ui = static_cast<std::uint64_t>(it->second);
    }
    store_numeric(db, w, out + k * os);
  }
}

void convert_fixed_string(const DType& src, const DType& dst, const std::byte* in, std::size_t is,
                          std::byte* out, std::size_t os, std::uint64_t n) {
  for (std::uint64_t k = 0; k < n; ++k) {
    const char* s = reinterpret_cast<const char*>(in + k * is);
    std::size_t len = src.size();
    if (src.string_pad() == StringPad::space_pad) {
      while (len > 0 && s[len - 1] == ' ') --len;
    } else {
      len = strnlen(s, src.size());
    }
    char* d = reinterpret_cast<char*>(out + k * os);
    std::size_t room = dst.string_pad() == StringPad::null_terminate ? dst.size() - 1 : dst.size();
    std::size_t m = len < room ? len : room;
    std::memcpy(d, s, m);
    std::memset(d + m, dst.string_pad() == StringPad::space_pad ? ' ' : 0, dst.size() - m);
  }
}

}  // namespace

namespace {

// Copies n elements of compile-time size between strided buffers (one load/store each).
template <std::size_t N>
void copy_fixed(const std::byte* in, std::size_t is, std::byte* out, std::size_t os, std::uint64_t n) {
  for (std::uint64_t k = 0; k < n; ++k) std::memcpy(out + k * os, in + k * is, N);
}

}  // namespace

void convert_strided(const DType& src, const DType& dst, const std::byte* in, std::size_t is,
                     std::byte* out, std::size_t os, std::uint64_t n) {
  if (src == dst) {
    if (is == src.size() && os == dst.size()) {
      std::memcpy(out, in, n * src.size());
      return;
    }
    switch (src.size()) {
      case 1: return copy_fixed<1>(in, is, out, os, n);
      case 2: return copy_fixed<2>(in, is, out, os, n);
      case 4: return copy_fixed<4>(in, is, out, os, n);
      case 8: return copy_fixed<8>(in, is, out, os, n);
      default:
        for (std::uint64_t k = 0; k < n; ++k) std::memcpy(out + k * os, in + k * is, src.size());
    }
    return;
  }
  const TypeClass s = src.type_class(), d = dst.type_class();
  if (s == TypeClass::enumeration && d == TypeClass::enumeration) {
    return convert_enum(src, dst, in, is, out, os, n);
  }
  if ((src.is_numeric() || integer_like(src)) && (dst.is_numeric() || integer_like(dst))) {
    const DType& a = numeric_view(src);
    const DType& b = numeric_view(dst);
    for (std::uint64_t k = 0; k < n; ++k) store_numeric(b, load_numeric(a, in + k * is), out + k * os);
    return;
  }
  switch (s) {
    case TypeClass::string:
      return convert_fixed_string(src, dst, in, is, out, os, n);
    case TypeClass::bitfield:
    case TypeClass::opaque:
    case TypeClass::reference:
      for (std::uint64_t k = 0; k < n; ++k) {
        std::memcpy(out + k * os, in + k * is, dst.size());
        if (s == TypeClass::bitfield && src.byte_order() != dst.byte_order()) swap_bytes(out + k * os, dst.size());
      }
      return;
    case TypeClass::array: {
      std::uint64_t per = 1;
      for (auto x : src.array_dims()) per *= x;
      for (std::uint64_t k = 0; k < n; ++k) {
        convert_strided(src.base(), dst.base(), in + k * is, src.base().size(), out + k * os,
                        dst.base().size(), per);
      }
      return;
    }
    case TypeClass::compound:
      for (const Member& m : dst.members()) {
        const Member& sm = src.member(m.name);
        convert_strided(*sm.type, *m.type, in + sm.offset, is, out + m.offset, os, n);
      }
      return;
    default:
      fail(ErrorCode::type_mismatch, "cannot convert " + src.name() + " to " + dst.name());
  }
}

void convert(const DType& src, const DType& dst, const std::byte* in, std::byte* out, std::uint64_t n) {
  convert_strided(src, dst, in, src.size(), out, dst.size(), n);
}

}  // namespace h5mem::detail
