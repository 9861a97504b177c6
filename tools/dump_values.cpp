// Element formatting and block-wise streaming of dataset values for `h5mem dump`.
#include "dump_values.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include "path_arg.hpp"

namespace h5mem::cli {

void Out::flush() {
  if (buf_.empty()) return;
  if (!failed_ && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) failed_ = true;
  buf_.clear();
}

namespace {

std::uint64_t load_uint(const std::byte* p, std::size_t n, ByteOrder order) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t k = order == ByteOrder::little ? n - 1 - i : i;
    v = (v << 8) | static_cast<std::uint8_t>(p[k]);
  }
  return v;
}

std::int64_t load_int(const std::byte* p, std::size_t n, ByteOrder order) {
  std::uint64_t v = load_uint(p, n, order);
  if (n < 8 && (v >> (n * 8 - 1)) & 1) v |= ~std::uint64_t{0} << (n * 8);
  return static_cast<std::int64_t>(v);
}

// Integer value of an integer-class element (signed values as int64, else uint64).
void append_integer(std::string& out, const DType& t, const std::byte* p) {
  if (t.is_signed()) {
    out += std::to_string(load_int(p, t.size(), t.byte_order()));
  } else {
    out += std::to_string(load_uint(p, t.size(), t.byte_order()));
  }
}

double load_floating(const DType& t, const std::byte* p, bool* is_single) {
  std::uint64_t bits = load_uint(p, t.size(), t.byte_order());
  *is_single = t.size() != 8;
  if (t.size() == 8) return std::bit_cast<double>(bits);
  if (t.size() == 4) return std::bit_cast<float>(static_cast<std::uint32_t>(bits));
  Float16 h;
  h.bits = static_cast<std::uint16_t>(bits);
  return static_cast<float>(h);
}

void append_floating(std::string& out, const DType& t, const std::byte* p, Style style) {
  bool single = false;
  double v = load_floating(t, p, &single);
  if (single) {
    append_float(out, static_cast<float>(v), style);
  } else {
    append_double(out, v, style);
  }
}

template <class F>
void append_fp(std::string& out, F v, Style style) {
  if (!std::isfinite(v)) {
    const char* s = std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
    if (style == Style::json) {
      out += '"';
      out += s;
      out += '"';
    } else {
      out += s;
    }
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
  out.append(s);
  // JSON readers take "1" or "-0" for integers (losing -0.0): keep floats visibly floats.
  if (style == Style::json && s.find_first_of(".e") == std::string_view::npos) out += ".0";
}

// Text of a fixed-length string element with its padding removed.
std::string_view fixed_string(const DType& t, const std::byte* p) {
  std::string_view s(reinterpret_cast<const char*>(p), t.size());
  switch (t.string_pad()) {
    case StringPad::null_terminate: {
      std::size_t n = s.find('\0');
      return n == std::string_view::npos ? s : s.substr(0, n);
    }
    case StringPad::null_pad: {
      std::size_t n = s.find_last_not_of('\0');
      return n == std::string_view::npos ? s.substr(0, 0) : s.substr(0, n + 1);
    }
    case StringPad::space_pad: {
      std::size_t n = s.find_last_not_of(' ');
      return n == std::string_view::npos ? s.substr(0, 0) : s.substr(0, n + 1);
    }
  }
  return s;
}

void append_array(std::string& out, const DType& base, const std::vector<std::uint64_t>& dims,
                  std::size_t dim, const std::byte*& p, Style style) {
  out += '[';
  for (std::uint64_t i = 0; i < dims[dim]; ++i) {
    if (i) out += ", ";
    if (dim + 1 < dims.size()) {
      append_array(out, base, dims, dim + 1, p, style);
    } else {
      append_value(out, base, p, style);
      p += base.size();
    }
  }
  out += ']';
}

}  // namespace

void append_double(std::string& out, double v, Style style) {
  append_fp(out, v, style);
}
void append_float(std::string& out, float v, Style style) {
  append_fp(out, v, style);
}

void append_string(std::string& out, std::string_view s, Style style) {
  if (style == Style::json) {
    append_json_string(out, s);
    return;
  }
  out += '"';
  for (unsigned char c : s) {
    append_escaped_byte(out, c, EscapeStyle::text);
  }
  out += '"';
}

void append_value(std::string& out, const DType& t, const std::byte* p, Style style) {
  switch (t.type_class()) {
    case TypeClass::integer:
      append_integer(out, t, p);
      return;
    case TypeClass::floating:
      append_floating(out, t, p, style);
      return;
    case TypeClass::bitfield:
    case TypeClass::reference:
      out += std::to_string(load_uint(p, t.size(), t.byte_order()));
      return;
    case TypeClass::string:
      if (t.is_variable_string()) {
        append_string(out, *reinterpret_cast<const std::string*>(p), style);
      } else {
        append_string(out, fixed_string(t, p), style);
      }
      return;
    case TypeClass::opaque: {
      std::string hex = "0x";
      char buf[4];
      for (std::size_t i = 0; i < t.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(p[i]));
        hex += buf;
      }
      if (style == Style::json) {
        append_json_string(out, hex);
      } else {
        out += hex;
      }
      return;
    }
    case TypeClass::enumeration: {
      const DType& base = t.base();
      std::int64_t v =
          base.is_signed()
              ? load_int(p, base.size(), base.byte_order())
              : static_cast<std::int64_t>(load_uint(p, base.size(), base.byte_order()));
      if (t.is_boolean() && (v == 0 || v == 1)) {
        if (style == Style::json) {
          out += v ? "true" : "false";
        } else {
          out += v ? "TRUE" : "FALSE";
        }
        return;
      }
      for (const auto& e : t.enum_values()) {
        if (e.value == v) {
          if (style == Style::json) {
            append_json_string(out, e.name);
          } else {
            out += e.name;
          }
          return;
        }
      }
      append_integer(out, base, p);  // a value without a name
      return;
    }
    case TypeClass::compound: {
      if (t.is_complex()) {
        const auto& m = t.members();
        if (style == Style::json) {
          out += "{\"real\": ";
          append_value(out, *m[0].type, p + m[0].offset, style);
          out += ", \"imag\": ";
          append_value(out, *m[1].type, p + m[1].offset, style);
          out += '}';
        } else {
          out += '(';
          append_value(out, *m[0].type, p + m[0].offset, style);
          bool single = false;
          double im = load_floating(*m[1].type, p + m[1].offset, &single);
          if (!(im < 0) && !std::signbit(im)) out += '+';
          append_value(out, *m[1].type, p + m[1].offset, style);
          out += "j)";
        }
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& m : t.members()) {
        if (!first) out += ", ";
        first = false;
        if (style == Style::json) {
          append_json_string(out, m.name);
          out += ": ";
        } else {
          out += m.name;
          out += '=';
        }
        append_value(out, *m.type, p + m.offset, style);
      }
      out += '}';
      return;
    }
    case TypeClass::array: {
      const std::byte* q = p;
      append_array(out, t.base(), t.array_dims(), 0, q, style);
      return;
    }
    case TypeClass::vlen:
      out += style == Style::json ? "null" : "(vlen)";
      return;
  }
}

const char* type_class_name(const DType& t) {
  if (t.is_boolean()) return "bool";
  if (t.is_complex()) return "complex";
  switch (t.type_class()) {
    case TypeClass::integer:
      return "integer";
    case TypeClass::floating:
      return "floating";
    case TypeClass::string:
      return "string";
    case TypeClass::bitfield:
      return "bitfield";
    case TypeClass::opaque:
      return "opaque";
    case TypeClass::compound:
      return "compound";
    case TypeClass::reference:
      return "reference";
    case TypeClass::enumeration:
      return "enum";
    case TypeClass::vlen:
      return "vlen";
    case TypeClass::array:
      return "array";
  }
  return "unknown";
}

}  // namespace h5mem::cli
