#include "format/hdf5/references.hpp"

#include <cstring>

namespace h5mem::detail {

namespace {

std::uint64_t load_le(const std::byte* p) {
  std::uint64_t v = 0;
  for (int b = 7; b >= 0; --b) v = (v << 8) | static_cast<std::uint8_t>(p[b]);
  return v;
}

void store_le(std::byte* p, std::uint64_t v) {
  for (int b = 0; b < 8; ++b) p[b] = static_cast<std::byte>((v >> (8 * b)) & 0xffu);
}

void map_one(const DType& t, std::byte* p, bool from_file,
             const std::function<std::uint64_t(std::uint64_t)>& map) {
  switch (t.type_class()) {
    case TypeClass::reference: {
      if (from_file) {
        const std::uint64_t id = map(load_le(p));
        std::memcpy(p, &id, sizeof id);
      } else {
        std::uint64_t id = 0;
        std::memcpy(&id, p, sizeof id);
        store_le(p, map(id));
      }
      return;
    }
    case TypeClass::compound:
      for (const Member& m : t.members()) map_one(*m.type, p + m.offset, from_file, map);
      return;
    case TypeClass::array: {
      std::uint64_t n = 1;
      for (auto d : t.array_dims()) n *= d;
      for (std::uint64_t k = 0; k < n; ++k)
        map_one(t.base(), p + k * t.base().size(), from_file, map);
      return;
    }
    default:
      return;
  }
}

}  // namespace

bool dtype_has_reference(const DType& t) {
  switch (t.type_class()) {
    case TypeClass::reference:
      return true;
    case TypeClass::compound:
      for (const Member& m : t.members()) {
        if (dtype_has_reference(*m.type)) return true;
      }
      return false;
    case TypeClass::array:
    case TypeClass::vlen:
      return dtype_has_reference(t.base());
    default:
      return false;
  }
}

void map_references(const DType& t, std::span<std::byte> elements, bool from_file,
                    const std::function<std::uint64_t(std::uint64_t)>& map) {
  const std::size_t size = t.size();
  if (size == 0 || !dtype_has_reference(t)) return;
  for (std::size_t at = 0; at + size <= elements.size(); at += size) {
    map_one(t, elements.data() + at, from_file, map);
  }
}

}  // namespace h5mem::detail
