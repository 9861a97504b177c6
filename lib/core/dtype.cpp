#include "h5mem/dtype.hpp"

#include <string>

#include "core/fail.hpp"

namespace h5mem {

DType DType::signed_integer(std::size_t size, ByteOrder order) {
  if (size != 1 && size != 2 && size != 4 && size != 8) {
    detail::fail(ErrorCode::invalid_argument,
                 "integer datatype size must be 1, 2, 4 or 8 bytes, not " + std::to_string(size));
  }
  return DType(TypeClass::integer, size, true, order, CharSet::ascii);
}

DType DType::unsigned_integer(std::size_t size, ByteOrder order) {
  DType t = signed_integer(size, order);
  t.signed_ = false;
  return t;
}

DType DType::floating(std::size_t size, ByteOrder order) {
  if (size != 4 && size != 8) {
    detail::fail(ErrorCode::invalid_argument,
                 "floating-point datatype size must be 4 or 8 bytes, not " + std::to_string(size));
  }
  return DType(TypeClass::floating, size, true, order, CharSet::ascii);
}

DType DType::vlen_string(CharSet charset) {
  return DType(TypeClass::string, sizeof(std::string), false, native_order, charset);
}

std::string DType::name() const {
  std::string n;
  switch (class_) {
    case TypeClass::integer:
      n = (signed_ ? "int" : "uint") + std::to_string(size_ * 8);
      break;
    case TypeClass::floating:
      n = "float" + std::to_string(size_ * 8);
      break;
    case TypeClass::string:
      return charset_ == CharSet::utf8 ? "string (utf-8, variable)" : "string (ascii, variable)";
    default:
      return "datatype class " + std::to_string(static_cast<int>(class_));
  }
  if (order_ != native_order) n += order_ == ByteOrder::big ? " (big-endian)" : " (little-endian)";
  return n;
}

}  // namespace h5mem
