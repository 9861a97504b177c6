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
  // Compounds with vlen members: where the stored form (core/vlen_elements.hpp) puts each
  // member (in `members` order) and its size, when they are not packed -- a file's layout,
  // kept so the type is written back as it was read. Empty: packed.
  std::vector<std::size_t> stored_offsets;
  std::size_t stored_size = 0;
};

}  // namespace h5mem::detail
