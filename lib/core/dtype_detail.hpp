// The composite part of a DType (compound, enum, array, vlen, opaque).
#pragma once

#include <string>
#include <vector>

#include "h5mem/dtype.hpp"

namespace h5mem::detail {

struct TypeDetail {
  std::vector<Member> members;          // compound, offset order
  std::vector<EnumValue> enum_values;   // enumeration
  std::shared_ptr<const DType> base;    // enumeration, array, vlen
  std::vector<std::uint64_t> dims;      // array
  std::string tag;                      // opaque
};

}  // namespace h5mem::detail
