// format/hdf5/messages/datatype_codec.hpp -- internal: the pieces of the datatype codec shared
// by datatype.cpp (atomic classes, dispatch) and datatype_composite.cpp (classes that nest
// other datatypes). Not for use outside the datatype codec.
#pragma once

#include <cstdint>

#include "format/hdf5/byte_io.hpp"
#include "format/hdf5/messages/datatype.hpp"

namespace h5mem::detail::datatype_codec {

// Deepest nesting of datatypes accepted, so crafted input cannot exhaust the stack.
inline constexpr int kMaxDepth = 64;

// Reads one datatype (header and properties) at `depth` levels of nesting.
DatatypeMessage read(ByteReader& r, int depth);

// Read the class properties of a composite class whose header (version, class, size) is
// already in `t`; `bits` are the 24 class bit-field bits.
void read_compound(ByteReader& r, DatatypeMessage& t, std::uint32_t bits, int depth);
void read_enum(ByteReader& r, DatatypeMessage& t, std::uint32_t bits, int depth);
void read_vlen(ByteReader& r, DatatypeMessage& t, std::uint32_t bits, int depth);
void read_array(ByteReader& r, DatatypeMessage& t, int depth);
void read_complex(ByteReader& r, DatatypeMessage& t, std::uint32_t bits, int depth);

// Return the class bit field of a composite class and append its properties to `w`.
std::uint32_t compound_bits(const DatatypeMessage& t);
void write_compound(ByteWriter& w, const DatatypeMessage& t);
std::uint32_t enum_bits(const DatatypeMessage& t);
void write_enum(ByteWriter& w, const DatatypeMessage& t);
std::uint32_t vlen_bits(const DatatypeMessage& t);
void write_array(ByteWriter& w, const DatatypeMessage& t);
std::uint32_t complex_bits(const DatatypeMessage& t);

// Appends the single base type of `t`; throws Error(invalid_argument) if it has none.
void write_base(ByteWriter& w, const DatatypeMessage& t);

}  // namespace h5mem::detail::datatype_codec
