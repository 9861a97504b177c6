// Human-readable datatype names and the Float16 helper type.
#include <cstring>
#include <string>

#include "array/convert.hpp"
#include "h5mem/dtype.hpp"

namespace h5mem {
namespace {

std::string order_suffix(ByteOrder o) {
  if (o == native_order) return "";
  return o == ByteOrder::big ? " (big-endian)" : " (little-endian)";
}

const char* pad_name(StringPad p) {
  switch (p) {
    case StringPad::null_terminate: return "null_terminate";
    case StringPad::null_pad: return "null_pad";
    case StringPad::space_pad: return "space_pad";
  }
  return "?";
}

}  // namespace

std::string DType::name() const {
  switch (class_) {
    case TypeClass::integer:
      return (signed_ ? "int" : "uint") + std::to_string(size_ * 8) + order_suffix(order_);
    case TypeClass::floating:
      return "float" + std::to_string(size_ * 8) + order_suffix(order_);
    case TypeClass::string: {
      std::string cs = charset_ == CharSet::utf8 ? "utf-8" : "ascii";
      if (variable_) return "string (" + cs + ", variable)";
      return "string[" + std::to_string(size_) + "] (" + cs + ", " + pad_name(pad_) + ")";
    }
    case TypeClass::bitfield:
      return "bitfield" + std::to_string(size_ * 8) + order_suffix(order_);
    case TypeClass::opaque:
      return "opaque[" + std::to_string(size_) + "] \"" + tag() + "\"";
    case TypeClass::reference:
      return "object reference";
    case TypeClass::enumeration: {
      if (is_boolean()) return "bool";
      std::string s = "enum " + base().name() + " {";
      bool first = true;
      for (const auto& v : enum_values()) {
        if (!first) s += ", ";
        s += v.name;
        s += "=";
        s += std::to_string(v.value);
        first = false;
      }
      return s + "}";
    }
    case TypeClass::compound: {
      if (is_complex()) return "complex" + std::to_string(size_ * 8) + order_suffix(members()[0].type->byte_order());
      std::string s = "compound {";
      bool first = true;
      for (const auto& m : members()) {
        if (!first) s += ", ";
        s += m.name;
        s += ": ";
        s += m.type->name();
        s += " @";
        s += std::to_string(m.offset);
        first = false;
      }
      return s + "} (" + std::to_string(size_) + " bytes)";
    }
    case TypeClass::vlen:
      return "vlen of " + base().name();
    case TypeClass::array: {
      std::string s = "array[";
      for (std::size_t i = 0; i < array_dims().size(); ++i) {
        if (i) s += "x";
        s += std::to_string(array_dims()[i]);
      }
      return s + "] of " + base().name();
    }
  }
  return "unknown";
}

Float16::Float16(float f) {
  detail::convert(dtype_of<float>(), DType::floating(2), reinterpret_cast<const std::byte*>(&f),
                  reinterpret_cast<std::byte*>(&bits), 1);
}

Float16::operator float() const {
  float f;
  detail::convert(DType::floating(2), dtype_of<float>(), reinterpret_cast<const std::byte*>(&bits),
                  reinterpret_cast<std::byte*>(&f), 1);
  return f;
}

}  // namespace h5mem
