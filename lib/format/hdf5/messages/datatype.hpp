// format/hdf5/messages/datatype.hpp -- the datatype message (0x0003), every class and
// version 1-5, as one recursive plain struct.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

enum class DatatypeClass : std::uint8_t {
  fixed_point = 0,
  floating_point = 1,
  time = 2,
  string = 3,
  bitfield = 4,
  opaque = 5,
  compound = 6,
  reference = 7,
  enumerated = 8,
  variable_length = 9,
  array = 10,
  complex = 11,
};

enum class ByteOrder : std::uint8_t { little_endian = 0, big_endian = 1, vax = 2 };

// Padding of fixed-length and variable-length strings.
enum class StringPadding : std::uint8_t { null_terminate = 0, null_pad = 1, space_pad = 2 };

// Character set of strings, attribute names and link names.
enum class CharacterSet : std::uint8_t { ascii = 0, utf8 = 1 };

enum class VlenKind : std::uint8_t { sequence = 0, string = 1 };

// Reference types: 0 object and 1 dataset region (versions 1-3); 2-4 the revised references
// of version 4 (object, region, attribute).
enum class ReferenceType : std::uint8_t {
  object = 0,
  dataset_region = 1,
  object2 = 2,
  dataset_region2 = 3,
  attribute = 4,
};

struct CompoundMember;

// One datatype. Fields apply per class as commented; the others keep their defaults.
struct DatatypeMessage {
  // Encoding version (1-5). Nested types carry their own; libhdf5 gives a parent at least its
  // members' version. Encoding uses it as given: compound member names and enum names are
  // padded to 8 bytes before version 3; arrays need version 2 or later.
  std::uint8_t version = 1;
  DatatypeClass type_class = DatatypeClass::fixed_point;
  std::uint32_t size = 0;  // bytes per element

  // fixed_point, floating_point, time, bitfield.
  ByteOrder byte_order = ByteOrder::little_endian;  // vax: floating_point only
  // fixed_point, floating_point, bitfield: value of unused low / high bits.
  bool lo_pad = false;
  bool hi_pad = false;
  bool internal_pad = false;     // floating_point: value of unused bits between fields
  bool is_signed = false;        // fixed_point: two's complement
  std::uint16_t bit_offset = 0;  // fixed_point, floating_point, bitfield
  std::uint16_t precision = 0;   // fixed_point, floating_point, bitfield, time (bits)

  // floating_point.
  std::uint8_t normalization = 0;  // 0 none, 1 MSB set, 2 MSB implied
  std::uint8_t sign_location = 0;
  std::uint8_t exponent_location = 0;
  std::uint8_t exponent_size = 0;
  std::uint8_t mantissa_location = 0;
  std::uint8_t mantissa_size = 0;
  std::uint32_t exponent_bias = 0;

  // string, and variable_length when vlen_kind == string.
  StringPadding padding = StringPadding::null_terminate;
  CharacterSet charset = CharacterSet::ascii;

  // opaque: the tag without its NUL padding.
  std::string tag;

  // compound.
  std::vector<CompoundMember> members;

  // reference.
  ReferenceType reference_type = ReferenceType::object;
  std::uint8_t reference_version = 0;  // version 4 revised references: encoding version (1)

  // enumerated: names and their values packed back to back (base().size bytes each), in the
  // same order.
  std::vector<std::string> enum_names;
  std::vector<std::byte> enum_values;

  // variable_length.
  VlenKind vlen_kind = VlenKind::sequence;

  // array.
  std::vector<std::uint32_t> array_dims;

  // complex (version 5).
  bool homogeneous = true;
  std::uint8_t complex_form = 0;  // 0 rectangular, 1 polar, 2 exponential

  // enumerated, variable_length, array, complex: the base (parent) type, exactly one entry.
  std::vector<DatatypeMessage> base_type;

  // Returns base_type[0]. Throws Error(corruption) if there is none.
  const DatatypeMessage& base() const;

  bool operator==(const DatatypeMessage&) const;
};

// A member of a compound datatype.
struct CompoundMember {
  std::string name;
  std::uint32_t offset = 0;  // byte offset within the compound element
  // Version 1 only: dimensions (0-4) of an old-style array member; empty for scalars.
  std::vector<std::uint32_t> v1_dims;
  DatatypeMessage type;

  bool operator==(const CompoundMember&) const = default;
};

// Decodes a datatype message body that starts at relative address `offset` (used only in
// error messages). Trailing bytes (v1 header padding) are ignored.
// Throws Error(corruption) when the body is truncated or inconsistent (member outside the
// element, enum without base, nesting deeper than 64) and Error(unsupported) for unknown
// classes or versions.
DatatypeMessage decode_datatype(std::span<const std::byte> body, std::uint64_t offset);

// Decodes one datatype at the reader's position, leaving the reader just after it (for
// datatypes nested in other messages).
DatatypeMessage read_datatype(ByteReader& r);

// Encodes `t` in its own version's layout, byte for byte as libhdf5 writes it.
// Throws Error(invalid_argument) when `t` cannot be expressed in that version (e.g. an array
// class in version 1, a missing base type, a vax byte order outside floating point).
std::vector<std::byte> encode_datatype(const DatatypeMessage& t);

// Appends the encoding of `t` to `w`.
void write_datatype(ByteWriter& w, const DatatypeMessage& t);

}  // namespace h5mem::detail
