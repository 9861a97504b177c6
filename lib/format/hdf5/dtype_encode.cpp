// DType -> HDF5 datatype message, byte for byte as libhdf5 1.10 encodes the types h5py
// creates (checked against h5debug output of h5py files).
#include <algorithm>
#include <string>

#include "core/fail.hpp"
#include "core/vlen_elements.hpp"
#include "format/hdf5/dtype_map.hpp"

namespace h5mem::detail {

namespace {

// Version 1 can express everything but arrays; libhdf5 raises a parent to the highest
// version of anything it contains, so a compound holding an array becomes version 2 too.
std::uint8_t base_version(Format format) {
  return format == Format::latest ? 3 : 1;
}

h5mem::detail::ByteOrder order_of(const DType& t) {
  return t.byte_order() == h5mem::ByteOrder::big ? h5mem::detail::ByteOrder::big_endian
                                                 : h5mem::detail::ByteOrder::little_endian;
}

DatatypeMessage integer_message(const DType& t, Format format) {
  DatatypeMessage m;
  m.version = base_version(format);
  m.type_class =
      t.type_class() == TypeClass::bitfield ? DatatypeClass::bitfield : DatatypeClass::fixed_point;
  m.size = static_cast<std::uint32_t>(t.size());
  m.byte_order = order_of(t);
  m.is_signed = m.type_class == DatatypeClass::fixed_point && t.is_signed();
  m.precision = static_cast<std::uint16_t>(8 * t.size());
  return m;
}

// IEEE 754 binary16/32/64 as H5T_IEEE_F*: implied leading mantissa bit (normalization 2).
DatatypeMessage float_message(const DType& t, Format format) {
  DatatypeMessage m;
  m.version = base_version(format);
  m.type_class = DatatypeClass::floating_point;
  m.size = static_cast<std::uint32_t>(t.size());
  m.byte_order = order_of(t);
  m.precision = static_cast<std::uint16_t>(8 * t.size());
  m.normalization = 2;
  m.mantissa_location = 0;
  switch (t.size()) {
    case 2:
      m.sign_location = 15, m.exponent_location = 10, m.exponent_size = 5;
      m.mantissa_size = 10, m.exponent_bias = 15;
      break;
    case 4:
      m.sign_location = 31, m.exponent_location = 23, m.exponent_size = 8;
      m.mantissa_size = 23, m.exponent_bias = 127;
      break;
    default:
      m.sign_location = 63, m.exponent_location = 52, m.exponent_size = 11;
      m.mantissa_size = 52, m.exponent_bias = 1023;
      break;
  }
  return m;
}

CharacterSet charset_of(const DType& t) {
  return t.charset() == CharSet::utf8 ? CharacterSet::utf8 : CharacterSet::ascii;
}

// The enum value in the base type's size and byte order.
void append_enum_value(std::vector<std::byte>& out, const DType& base, std::int64_t value) {
  const std::size_t n = base.size();
  const auto v = static_cast<std::uint64_t>(value);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t shift = base.byte_order() == h5mem::ByteOrder::big ? n - 1 - i : i;
    out.push_back(static_cast<std::byte>((v >> (8 * shift)) & 0xff));
  }
}

std::uint8_t max_version(const DatatypeMessage& m) {
  std::uint8_t v = m.version;
  for (const auto& b : m.base_type) v = std::max(v, max_version(b));
  for (const auto& mem : m.members) v = std::max(v, max_version(mem.type));
  return v;
}

void raise_version(DatatypeMessage& m, std::uint8_t v) {
  m.version = std::max(m.version, v);
  for (auto& b : m.base_type) raise_version(b, v);
  for (auto& mem : m.members) raise_version(mem.type, v);
}

DatatypeMessage encode_type(const DType& t, Format format, int depth) {
  if (depth > 64) fail(ErrorCode::unsupported, "datatype nested more than 64 levels deep");
  switch (t.type_class()) {
    case TypeClass::integer:
    case TypeClass::bitfield:
      return integer_message(t, format);
    case TypeClass::floating:
      return float_message(t, format);
    case TypeClass::string: {
      DatatypeMessage m;
      m.version = base_version(format);
      m.charset = charset_of(t);
      if (t.is_variable_string()) {
        // libhdf5 stores a variable-length string as a vlen of unsigned chars.
        m.type_class = DatatypeClass::variable_length;
        m.vlen_kind = VlenKind::string;
        m.padding = StringPadding::null_terminate;
        m.size = 16;
        DType uchar = DType::unsigned_integer(1, h5mem::ByteOrder::little);
        m.base_type.push_back(integer_message(uchar, format));
        return m;
      }
      m.type_class = DatatypeClass::string;
      m.size = static_cast<std::uint32_t>(t.size());
      m.padding = t.string_pad() == StringPad::null_terminate ? StringPadding::null_terminate
                  : t.string_pad() == StringPad::null_pad     ? StringPadding::null_pad
                                                              : StringPadding::space_pad;
      return m;
    }
    case TypeClass::opaque: {
      if (t.tag().size() > 248) {
        fail(ErrorCode::unsupported,
             "opaque tags longer than 248 bytes cannot be stored in HDF5 (type " + t.name() + ")");
      }
      DatatypeMessage m;
      m.version = base_version(format);
      m.type_class = DatatypeClass::opaque;
      m.size = static_cast<std::uint32_t>(t.size());
      m.tag = t.tag();
      return m;
    }
    case TypeClass::compound: {
      DatatypeMessage m;
      m.version = base_version(format);
      m.type_class = DatatypeClass::compound;
      // With vlen members the file holds the stored form (core/vlen_elements.hpp): members
      // packed, each vlen value a 16-byte reference -- as h5py writes such compounds.
      m.size = static_cast<std::uint32_t>(stored_size(t));
      const std::vector<std::size_t> offsets = stored_offsets(t);
      for (std::size_t i = 0; i < t.members().size(); ++i) {
        const Member& mem = t.members()[i];
        CompoundMember cm;
        cm.name = mem.name;
        cm.offset = static_cast<std::uint32_t>(offsets[i]);
        cm.type = encode_type(*mem.type, format, depth + 1);
        m.members.push_back(std::move(cm));
      }
      raise_version(m, max_version(m));
      return m;
    }
    case TypeClass::enumeration: {
      DatatypeMessage m;
      m.version = base_version(format);
      m.type_class = DatatypeClass::enumerated;
      m.size = static_cast<std::uint32_t>(t.size());
      m.base_type.push_back(integer_message(t.base(), format));
      for (const EnumValue& v : t.enum_values()) {
        m.enum_names.push_back(v.name);
        append_enum_value(m.enum_values, t.base(), v.value);
      }
      return m;
    }
    case TypeClass::array: {
      DatatypeMessage m;
      m.version = std::max<std::uint8_t>(2, base_version(format));
      m.type_class = DatatypeClass::array;
      m.size = static_cast<std::uint32_t>(stored_size(t));
      for (std::uint64_t d : t.array_dims()) m.array_dims.push_back(static_cast<std::uint32_t>(d));
      m.base_type.push_back(encode_type(t.base(), format, depth + 1));
      raise_version(m, max_version(m));
      return m;
    }
    case TypeClass::vlen: {
      // A base holding vlen data is encoded as any other: its items are stored (packed,
      // with references) inside the global heap object.
      DatatypeMessage m;
      m.version = base_version(format);
      m.type_class = DatatypeClass::variable_length;
      m.vlen_kind = VlenKind::sequence;
      m.size = 16;
      m.base_type.push_back(encode_type(t.base(), format, depth + 1));
      raise_version(m, max_version(m));
      return m;
    }
    case TypeClass::reference: {
      // H5T_STD_REF_OBJ: an 8-byte object header address.
      DatatypeMessage m;
      m.version = base_version(format);
      m.type_class = DatatypeClass::reference;
      m.size = 8;
      m.reference_type = ReferenceType::object;
      return m;
    }
  }
  fail(ErrorCode::unsupported, "datatype " + t.name() + " is not supported by the HDF5 writer");
}

}  // namespace

DatatypeMessage to_datatype_message(const DType& type, Format format) {
  return encode_type(type, format, 0);
}

}  // namespace h5mem::detail
