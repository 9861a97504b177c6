// HDF5 datatype messages -> h5mem DTypes. h5py's conventions (bool as an int8 enum, complex
// as a compound {r, i}) need no special casing: the DTypes built here compare equal to
// DType::boolean() / DType::complex() because DTypes compare by structure.
#include <algorithm>
#include <string>

#include "core/fail.hpp"
#include "core/vlen_elements.hpp"
#include "format/hdf5/dtype_map.hpp"

namespace h5mem::detail {
namespace {

[[noreturn]] void unsupported(const std::string& what) {
  fail(ErrorCode::unsupported, "datatype: " + what + " is not supported");
}

[[noreturn]] void corrupt(const std::string& what) {
  fail(ErrorCode::corruption, "datatype: " + what);
}

h5mem::ByteOrder order_of(const DatatypeMessage& m) {
  switch (m.byte_order) {
    case detail::ByteOrder::little_endian:
      return h5mem::ByteOrder::little;
    case detail::ByteOrder::big_endian:
      return h5mem::ByteOrder::big;
    default:
      unsupported("VAX byte order");
  }
}

bool power_size(std::uint32_t s) {
  return s == 1 || s == 2 || s == 4 || s == 8;
}

// Only full-width values are representable: h5mem's integers have no padding bits.
void check_full_width(const DatatypeMessage& m, const char* what) {
  if (!power_size(m.size) || m.bit_offset != 0 || m.precision != 8 * m.size) {
    unsupported(std::string(what) + " of " + std::to_string(m.size) + " bytes with precision " +
                std::to_string(m.precision) + " at bit offset " + std::to_string(m.bit_offset));
  }
}

// IEEE 754 binary16/32/64 as libhdf5 describes them; anything else (e.g. a custom float
// that libhdf5 would convert in software) is not representable as DType::floating.
void check_ieee(const DatatypeMessage& m) {
  struct Layout {
    std::uint32_t size;
    std::uint8_t sign, eloc, esize, mloc, msize;
    std::uint32_t bias;
  };
  static constexpr Layout kIeee[] = {
      {2, 15, 10, 5, 0, 10, 15}, {4, 31, 23, 8, 0, 23, 127}, {8, 63, 52, 11, 0, 52, 1023}};
  for (const Layout& l : kIeee) {
    if (l.size == m.size && m.sign_location == l.sign && m.exponent_location == l.eloc &&
        m.exponent_size == l.esize && m.mantissa_location == l.mloc && m.mantissa_size == l.msize &&
        m.exponent_bias == l.bias && m.bit_offset == 0 && m.precision == 8 * m.size &&
        m.normalization == 2) {
      return;
    }
  }
  unsupported("non-IEEE floating point of " + std::to_string(m.size) + " bytes");
}

std::int64_t enum_value(const std::byte* p, const DType& base) {
  const std::size_t n = base.size();
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t k = base.byte_order() == h5mem::ByteOrder::little ? n - 1 - i : i;
    v = (v << 8) | static_cast<std::uint8_t>(p[k]);
  }
  if (base.is_signed() && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~std::uint64_t{0} << (8 * n);
  return static_cast<std::int64_t>(v);
}

DType decode(const DatatypeMessage& m);

// DType's factories validate their arguments with invalid_argument; for a file that means
// a type libhdf5 would not have written.
template <class Fn>
DType checked(const char* what, Fn&& fn) {
  try {
    return fn();
  } catch (const Error& e) {
    if (e.code() == ErrorCode::invalid_argument) corrupt(std::string(what) + ": " + e.what());
    throw;
  }
}

// Alignment of `t` in memory, as a C++ struct member holding it would have.
std::size_t memory_alignment(const DType& t) {
  switch (t.type_class()) {
    case TypeClass::string:
      return t.is_variable_string() ? alignof(std::string) : 1;
    case TypeClass::opaque:
      return 1;
    case TypeClass::vlen:
      return alignof(VlenBytes);
    case TypeClass::array:
    case TypeClass::enumeration:
      return memory_alignment(t.base());
    case TypeClass::compound: {
      std::size_t a = 1;
      for (const Member& m : t.members()) a = std::max(a, memory_alignment(*m.type));
      return a;
    }
    default:
      return std::min<std::size_t>(t.size(), 8);
  }
}

std::size_t align_up(std::size_t n, std::size_t a) {
  return (n + a - 1) / a * a;
}

// A compound with vlen members is held in memory with a std::string / Vlen<T> per vlen
// value, so its file offsets do not apply: members go in file order at their natural
// alignment, as a C++ struct declaring them would place them. (The reader moves file
// elements into the stored form, core/vlen_elements.hpp, whatever their file offsets.)
DType natural_compound(std::vector<std::pair<const CompoundMember*, DType>> members) {
  std::stable_sort(members.begin(), members.end(),
                   [](const auto& a, const auto& b) { return a.first->offset < b.first->offset; });
  CompoundBuilder b;
  std::size_t at = 0, align = 1;
  for (const auto& [mem, t] : members) {
    const std::size_t a = memory_alignment(t);
    at = align_up(at, a);
    align = std::max(align, a);
    b.add(mem->name, at, t);
    at += t.size();
  }
  return b.size(std::max<std::size_t>(align_up(at, align), 1)).build();
}

// Keeps the file's member offsets as the stored layout when they are not packed (libhdf5
// writing C structs) and every member's file size is its stored size (16-byte references),
// so the type is written back as it was read. Otherwise the stored form stays packed and
// the reader converts each element.
DType with_file_layout(const DType& natural,
                       std::vector<std::pair<const CompoundMember*, DType>> members,
                       std::uint32_t size) {
  std::stable_sort(members.begin(), members.end(),
                   [](const auto& a, const auto& b) { return a.first->offset < b.first->offset; });
  std::vector<std::size_t> offsets;
  std::size_t packed = 0;
  bool same = true;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const auto& [mem, t] = members[i];
    // The built type's members are in the same (offset) order; nested compounds may carry
    // a layout of their own already.
    const DType& built = *natural.members()[i].type;
    if (mem->type.size != stored_size(built) || !mem->v1_dims.empty()) return natural;
    offsets.push_back(mem->offset);
    same = same && mem->offset == packed;
    packed += stored_size(built);
  }
  if (same && size == packed) return natural;
  return with_stored_layout(natural, std::move(offsets), size);
}

DType decode_compound(const DatatypeMessage& m) {
  if (m.members.empty()) corrupt("compound type without members");
  std::vector<std::pair<const CompoundMember*, DType>> members;
  bool vlen = false;
  for (const CompoundMember& mem : m.members) {
    DType t = decode(mem.type);
    if (!mem.v1_dims.empty()) {
      t = checked("array", [&] {
        return DType::array(t, {mem.v1_dims.begin(), mem.v1_dims.end()});
      });
    }
    vlen = vlen || t.has_vlen();
    members.emplace_back(&mem, std::move(t));
  }
  return checked("compound", [&] {
    if (vlen) return with_file_layout(natural_compound(members), members, m.size);
    CompoundBuilder b;
    for (const auto& [mem, t] : members) b.add(mem->name, mem->offset, t);
    return b.size(m.size).build();
  });
}

DType decode_enum(const DatatypeMessage& m) {
  DType base = decode(m.base());
  if (base.type_class() != TypeClass::integer) unsupported("enumeration over " + base.name());
  if (m.enum_values.size() != m.enum_names.size() * base.size()) {
    corrupt("enumeration with " + std::to_string(m.enum_names.size()) + " names and " +
            std::to_string(m.enum_values.size()) + " value bytes");
  }
  std::vector<EnumValue> values;
  values.reserve(m.enum_names.size());
  for (std::size_t i = 0; i < m.enum_names.size(); ++i) {
    values.push_back({m.enum_names[i], enum_value(m.enum_values.data() + i * base.size(), base)});
  }
  return checked("enumeration", [&] { return DType::enumeration(base, std::move(values)); });
}

DType decode(const DatatypeMessage& m) {
  switch (m.type_class) {
    case DatatypeClass::fixed_point:
      check_full_width(m, "integer");
      return m.is_signed ? DType::signed_integer(m.size, order_of(m))
                         : DType::unsigned_integer(m.size, order_of(m));
    case DatatypeClass::floating_point:
      check_ieee(m);
      return DType::floating(m.size, order_of(m));
    case DatatypeClass::time:
      unsupported("the time class");
    case DatatypeClass::string:
      if (m.size == 0) corrupt("fixed-length string of size 0");
      return DType::fixed_string(m.size, static_cast<StringPad>(m.padding),
                                 static_cast<CharSet>(m.charset));
    case DatatypeClass::bitfield:
      check_full_width(m, "bitfield");
      return DType::bitfield(m.size, order_of(m));
    case DatatypeClass::opaque:
      if (m.size == 0) corrupt("opaque type of size 0");
      if (m.tag.size() >= 256) corrupt("opaque tag of 256 bytes or more");
      return DType::opaque(m.size, m.tag);
    case DatatypeClass::compound:
      return decode_compound(m);
    case DatatypeClass::reference:
      if (m.reference_type == ReferenceType::object && m.size == 8)
        return DType::object_reference();
      unsupported(m.reference_type == ReferenceType::object
                      ? "object reference of " + std::to_string(m.size) + " bytes"
                      : "reference type " + std::to_string(static_cast<int>(m.reference_type)) +
                            " (region/attribute references)");
    case DatatypeClass::enumerated:
      return decode_enum(m);
    case DatatypeClass::variable_length: {
      if (m.vlen_kind == VlenKind::string)
        return DType::vlen_string(static_cast<CharSet>(m.charset));
      DType base = decode(m.base());
      return DType::vlen(base);
    }
    case DatatypeClass::array: {
      DType base = decode(m.base());
      return checked("array", [&] {
        return DType::array(base, {m.array_dims.begin(), m.array_dims.end()});
      });
    }
    case DatatypeClass::complex: {
      const DatatypeMessage& b = m.base();
      if (b.type_class != DatatypeClass::floating_point || m.complex_form != 0 || !m.homogeneous) {
        unsupported("complex class other than rectangular IEEE float");
      }
      check_ieee(b);
      if (b.size != 4 && b.size != 8)
        unsupported("complex of " + std::to_string(b.size) + "-byte parts");
      return DType::complex(b.size, order_of(b));
    }
  }
  unsupported("class " + std::to_string(static_cast<int>(m.type_class)));
}

}  // namespace

DType from_datatype_message(const DatatypeMessage& message) {
  return decode(message);
}

}  // namespace h5mem::detail
