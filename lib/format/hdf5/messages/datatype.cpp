// format/hdf5/messages/datatype.cpp -- datatype message header, atomic classes and dispatch.
#include "format/hdf5/messages/datatype.hpp"

#include <string>

#include "core/fail.hpp"
#include "format/hdf5/messages/datatype_codec.hpp"

namespace h5mem::detail {

const DatatypeMessage& DatatypeMessage::base() const {
  if (base_type.empty()) {
    fail(ErrorCode::corruption,
         "datatype of class " + std::to_string(static_cast<int>(type_class)) + " has no base type");
  }
  return base_type.front();
}

bool DatatypeMessage::operator==(const DatatypeMessage&) const = default;

namespace datatype_codec {
namespace {

constexpr std::uint8_t kMaxVersion = 5;
constexpr std::size_t kOpaqueTagMax = 248;  // padded tag length must fit the 8-bit field

bool bit(std::uint32_t bits, int n) {
  return (bits >> n) & 1u;
}

// Fixed-point, bitfield and time share "bit 0 = big endian".
ByteOrder simple_order(std::uint32_t bits) {
  return bit(bits, 0) ? ByteOrder::big_endian : ByteOrder::little_endian;
}

void read_fixed_or_bitfield(ByteReader& r, DatatypeMessage& t, std::uint32_t bits) {
  t.byte_order = simple_order(bits);
  t.lo_pad = bit(bits, 1);
  t.hi_pad = bit(bits, 2);
  if (t.type_class == DatatypeClass::fixed_point) t.is_signed = bit(bits, 3);
  t.bit_offset = r.u16();
  t.precision = r.u16();
}

void read_float(ByteReader& r, DatatypeMessage& t, std::uint32_t bits) {
  if (bit(bits, 6)) {
    if (!bit(bits, 0)) r.fail("floating-point byte order uses the reserved value");
    t.byte_order = ByteOrder::vax;
  } else {
    t.byte_order = simple_order(bits);
  }
  t.lo_pad = bit(bits, 1);
  t.hi_pad = bit(bits, 2);
  t.internal_pad = bit(bits, 3);
  t.normalization = static_cast<std::uint8_t>((bits >> 4) & 3u);
  t.sign_location = static_cast<std::uint8_t>((bits >> 8) & 0xFFu);
  t.bit_offset = r.u16();
  t.precision = r.u16();
  t.exponent_location = r.u8();
  t.exponent_size = r.u8();
  t.mantissa_location = r.u8();
  t.mantissa_size = r.u8();
  t.exponent_bias = r.u32();
}

void read_atomic(ByteReader& r, DatatypeMessage& t, std::uint32_t bits) {
  switch (t.type_class) {
    case DatatypeClass::fixed_point:
    case DatatypeClass::bitfield:
      read_fixed_or_bitfield(r, t, bits);
      return;
    case DatatypeClass::floating_point:
      read_float(r, t, bits);
      return;
    case DatatypeClass::time:
      t.byte_order = simple_order(bits);
      t.precision = r.u16();
      return;
    case DatatypeClass::string:
      t.padding = static_cast<StringPadding>(bits & 0x0Fu);
      t.charset = static_cast<CharacterSet>((bits >> 4) & 0x0Fu);
      return;
    case DatatypeClass::opaque:
      t.tag = r.string(bits & 0xFFu);
      return;
    case DatatypeClass::reference:
      t.reference_type = static_cast<ReferenceType>(bits & 0x0Fu);
      if (t.version >= 4) t.reference_version = static_cast<std::uint8_t>((bits >> 4) & 0x0Fu);
      return;
    default:
      return;
  }
}

std::uint32_t order_bits(const DatatypeMessage& t) {
  switch (t.byte_order) {
    case ByteOrder::little_endian:
      return 0;
    case ByteOrder::big_endian:
      return 1;
    case ByteOrder::vax:
      if (t.type_class == DatatypeClass::floating_point) return 0x41;
      break;
  }
  fail(ErrorCode::invalid_argument, "VAX byte order outside a floating-point datatype");
}

// Returns the class bit field of an atomic type and appends its properties.
std::uint32_t write_atomic(ByteWriter& w, const DatatypeMessage& t) {
  std::uint32_t bits = 0;
  switch (t.type_class) {
    case DatatypeClass::fixed_point:
    case DatatypeClass::bitfield:
      bits = order_bits(t) | (t.lo_pad ? 2u : 0u) | (t.hi_pad ? 4u : 0u);
      if (t.type_class == DatatypeClass::fixed_point && t.is_signed) bits |= 8u;
      w.u16(t.bit_offset);
      w.u16(t.precision);
      return bits;
    case DatatypeClass::floating_point:
      bits = order_bits(t) | (t.lo_pad ? 2u : 0u) | (t.hi_pad ? 4u : 0u) |
             (t.internal_pad ? 8u : 0u) | ((t.normalization & 3u) << 4) |
             (std::uint32_t{t.sign_location} << 8);
      w.u16(t.bit_offset);
      w.u16(t.precision);
      w.u8(t.exponent_location);
      w.u8(t.exponent_size);
      w.u8(t.mantissa_location);
      w.u8(t.mantissa_size);
      w.u32(t.exponent_bias);
      return bits;
    case DatatypeClass::time:
      w.u16(t.precision);
      return order_bits(t);
    case DatatypeClass::string:
      return (static_cast<std::uint32_t>(t.padding) & 0x0Fu) |
             ((static_cast<std::uint32_t>(t.charset) & 0x0Fu) << 4);
    case DatatypeClass::opaque: {
      if (t.tag.size() > kOpaqueTagMax) {
        fail(ErrorCode::invalid_argument, "opaque tag longer than 248 bytes");
      }
      const std::size_t padded = (t.tag.size() + 7) & ~std::size_t{7};
      w.text(t.tag);
      w.zeros(padded - t.tag.size());
      return static_cast<std::uint32_t>(padded);
    }
    case DatatypeClass::reference:
      return (static_cast<std::uint32_t>(t.reference_type) & 0x0Fu) |
             (t.version >= 4 ? (t.reference_version & 0x0Fu) << 4 : 0u);
    default:
      return 0;
  }
}

}  // namespace

DatatypeMessage read(ByteReader& r, int depth) {
  if (depth > kMaxDepth) r.fail("datatype nested more than 64 levels deep");
  DatatypeMessage t;
  const std::uint8_t class_version = r.u8();
  const std::uint32_t bits = static_cast<std::uint32_t>(r.uint_n(3));
  t.size = r.u32();
  t.version = class_version >> 4;
  const std::uint8_t cls = class_version & 0x0F;
  if (t.version == 0 || t.version > kMaxVersion) {
    fail(ErrorCode::unsupported, "datatype at byte " + std::to_string(r.offset() - 8) +
                                     ": datatype message version " + std::to_string(t.version));
  }
  if (cls > static_cast<std::uint8_t>(DatatypeClass::complex)) {
    fail(ErrorCode::unsupported, "datatype at byte " + std::to_string(r.offset() - 8) +
                                     ": datatype class " + std::to_string(cls));
  }
  t.type_class = static_cast<DatatypeClass>(cls);
  switch (t.type_class) {
    case DatatypeClass::compound:
      read_compound(r, t, bits, depth);
      break;
    case DatatypeClass::enumerated:
      read_enum(r, t, bits, depth);
      break;
    case DatatypeClass::variable_length:
      read_vlen(r, t, bits, depth);
      break;
    case DatatypeClass::array:
      if (t.version < 2) r.fail("array datatype in a version 1 datatype message");
      read_array(r, t, depth);
      break;
    case DatatypeClass::complex:
      read_complex(r, t, bits, depth);
      break;
    default:
      read_atomic(r, t, bits);
      break;
  }
  return t;
}

void write_base(ByteWriter& w, const DatatypeMessage& t) {
  if (t.base_type.size() != 1) {
    fail(ErrorCode::invalid_argument, "datatype of class " +
                                          std::to_string(static_cast<int>(t.type_class)) +
                                          " needs exactly one base type");
  }
  write_datatype(w, t.base_type.front());
}

}  // namespace datatype_codec

DatatypeMessage read_datatype(ByteReader& r) {
  return datatype_codec::read(r, 0);
}

DatatypeMessage decode_datatype(std::span<const std::byte> body, std::uint64_t offset) {
  ByteReader r(body, offset, "datatype message");
  return datatype_codec::read(r, 0);
}

void write_datatype(ByteWriter& w, const DatatypeMessage& t) {
  using namespace datatype_codec;
  if (t.version == 0 || t.version > kMaxVersion) {
    fail(ErrorCode::invalid_argument, "datatype version " + std::to_string(t.version));
  }
  w.u8(static_cast<std::uint8_t>((t.version << 4) | static_cast<std::uint8_t>(t.type_class)));
  const std::size_t bits_at = w.size();
  w.zeros(3);
  w.u32(t.size);
  std::uint32_t bits = 0;
  switch (t.type_class) {
    case DatatypeClass::compound:
      bits = compound_bits(t);
      write_compound(w, t);
      break;
    case DatatypeClass::enumerated:
      bits = enum_bits(t);
      write_enum(w, t);
      break;
    case DatatypeClass::variable_length:
      bits = vlen_bits(t);
      write_base(w, t);
      break;
    case DatatypeClass::array:
      if (t.version < 2) fail(ErrorCode::invalid_argument, "array datatype needs version 2+");
      write_array(w, t);
      break;
    case DatatypeClass::complex:
      bits = complex_bits(t);
      write_base(w, t);
      break;
    default:
      bits = write_atomic(w, t);
      break;
  }
  w.patch(bits_at, bits, 3);
}

std::vector<std::byte> encode_datatype(const DatatypeMessage& t) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  write_datatype(w, t);
  return out;
}

}  // namespace h5mem::detail
