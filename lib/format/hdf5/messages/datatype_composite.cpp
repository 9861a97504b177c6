// format/hdf5/messages/datatype_composite.cpp -- datatype classes that contain other
// datatypes: compound, enumerated, variable-length, array and complex.
#include <string>

#include "core/fail.hpp"
#include "format/hdf5/messages/datatype_codec.hpp"

namespace h5mem::detail::datatype_codec {
namespace {

constexpr std::size_t kMaxArrayRank = 32;  // H5S_MAX_RANK
constexpr std::size_t kMaxV1MemberRank = 4;

// Reads a NUL-terminated name; before version 3 the name field (NUL included) is padded with
// NULs to a multiple of 8 bytes, counted from the name's start.
std::string read_name(ByteReader& r, bool padded) {
  std::string name;
  for (std::uint8_t c = r.u8(); c != 0; c = r.u8()) name.push_back(static_cast<char>(c));
  if (padded) r.skip(((name.size() + 8) & ~std::size_t{7}) - (name.size() + 1));
  return name;
}

void write_name(ByteWriter& w, const std::string& name, bool padded) {
  if (name.find('\0') != std::string::npos) {
    fail(ErrorCode::invalid_argument, "datatype member or enum name contains a NUL byte");
  }
  w.text(name);
  w.u8(0);
  if (padded) w.zeros(((name.size() + 8) & ~std::size_t{7}) - (name.size() + 1));
}

// Bytes of a version 3 compound member offset: the fewest that can hold the compound's size
// (libhdf5's H5VM_limit_enc_size).
std::size_t offset_width(std::uint32_t compound_size) {
  int log2 = 0;
  for (std::uint32_t v = compound_size; v > 1; v >>= 1) ++log2;
  return static_cast<std::size_t>(log2 / 8 + 1);
}

}  // namespace

void read_compound(ByteReader& r, DatatypeMessage& t, std::uint32_t bits, int depth) {
  const std::uint32_t count = bits & 0xFFFFu;
  for (std::uint32_t i = 0; i < count; ++i) {
    CompoundMember m;
    const std::uint64_t at = r.offset();
    m.name = read_name(r, t.version < 3);
    m.offset =
        t.version >= 3 ? static_cast<std::uint32_t>(r.uint_n(offset_width(t.size))) : r.u32();
    if (t.version == 1) {
      const std::uint8_t rank = r.u8();
      r.skip(3 + 4 + 4);  // reserved, permutation (never implemented), reserved
      if (rank > kMaxV1MemberRank) r.fail("compound member of rank " + std::to_string(rank));
      for (int d = 0; d < 4; ++d) {
        const std::uint32_t dim = r.u32();
        if (d < rank) m.v1_dims.push_back(dim);
      }
    }
    m.type = read(r, depth + 1);
    // The member's bytes (type size times v1 dimensions) must fit; divide to avoid overflow.
    std::uint64_t extent = m.type.size;
    bool too_big = false;
    for (std::uint32_t d : m.v1_dims) {
      if (d != 0 && extent > t.size / d) too_big = true;
      extent *= d;
    }
    if (too_big || m.offset > t.size || extent > t.size - m.offset) {
      fail_corrupt("compound datatype member", at,
                   "member \"" + m.name + "\" at offset " + std::to_string(m.offset) +
                       " does not fit the " + std::to_string(t.size) + "-byte element");
    }
    t.members.push_back(std::move(m));
  }
}

void read_enum(ByteReader& r, DatatypeMessage& t, std::uint32_t bits, int depth) {
  const std::uint32_t count = bits & 0xFFFFu;
  t.base_type.push_back(read(r, depth + 1));
  for (std::uint32_t i = 0; i < count; ++i) t.enum_names.push_back(read_name(r, t.version < 3));
  auto values = r.bytes(std::size_t{count} * t.base_type.front().size);
  t.enum_values.assign(values.begin(), values.end());
}

void read_vlen(ByteReader& r, DatatypeMessage& t, std::uint32_t bits, int depth) {
  const std::uint32_t kind = bits & 0x0Fu;
  if (kind > 1) r.fail("variable-length datatype of unknown kind " + std::to_string(kind));
  t.vlen_kind = static_cast<VlenKind>(kind);
  t.padding = static_cast<StringPadding>((bits >> 4) & 0x0Fu);
  t.charset = static_cast<CharacterSet>((bits >> 8) & 0x0Fu);
  t.base_type.push_back(read(r, depth + 1));
}

void read_array(ByteReader& r, DatatypeMessage& t, int depth) {
  const std::uint8_t rank = r.u8();
  if (rank == 0 || rank > kMaxArrayRank) r.fail("array datatype of rank " + std::to_string(rank));
  if (t.version < 3) r.skip(3);
  for (std::uint8_t d = 0; d < rank; ++d) t.array_dims.push_back(r.u32());
  if (t.version < 3) r.skip(4u * rank);  // permutation indices, never implemented
  t.base_type.push_back(read(r, depth + 1));
}

void read_complex(ByteReader& r, DatatypeMessage& t, std::uint32_t bits, int depth) {
  t.homogeneous = bits & 1u;
  t.complex_form = static_cast<std::uint8_t>((bits >> 1) & 3u);
  t.base_type.push_back(read(r, depth + 1));
}

std::uint32_t compound_bits(const DatatypeMessage& t) {
  if (t.members.size() > 0xFFFF) fail(ErrorCode::invalid_argument, "compound with > 65535 members");
  return static_cast<std::uint32_t>(t.members.size());
}

void write_compound(ByteWriter& w, const DatatypeMessage& t) {
  for (const CompoundMember& m : t.members) {
    write_name(w, m.name, t.version < 3);
    if (t.version >= 3) {
      w.uint_n(m.offset, offset_width(t.size));
    } else {
      w.u32(m.offset);
    }
    if (t.version == 1) {
      if (m.v1_dims.size() > kMaxV1MemberRank) {
        fail(ErrorCode::invalid_argument, "version 1 compound member of rank above 4");
      }
      w.u8(static_cast<std::uint8_t>(m.v1_dims.size()));
      w.zeros(3 + 4 + 4);
      for (std::size_t d = 0; d < kMaxV1MemberRank; ++d)
        w.u32(d < m.v1_dims.size() ? m.v1_dims[d] : 0);
    } else if (!m.v1_dims.empty()) {
      fail(ErrorCode::invalid_argument, "old-style array members need datatype version 1");
    }
    write_datatype(w, m.type);
  }
}

std::uint32_t enum_bits(const DatatypeMessage& t) {
  if (t.enum_names.size() > 0xFFFF) fail(ErrorCode::invalid_argument, "enum with > 65535 members");
  return static_cast<std::uint32_t>(t.enum_names.size());
}

void write_enum(ByteWriter& w, const DatatypeMessage& t) {
  write_base(w, t);
  if (t.enum_values.size() != t.enum_names.size() * std::size_t{t.base().size}) {
    fail(ErrorCode::invalid_argument, "enum values do not match names times base size");
  }
  for (const std::string& name : t.enum_names) write_name(w, name, t.version < 3);
  w.bytes(t.enum_values);
}

std::uint32_t vlen_bits(const DatatypeMessage& t) {
  return static_cast<std::uint32_t>(t.vlen_kind) |
         ((static_cast<std::uint32_t>(t.padding) & 0x0Fu) << 4) |
         ((static_cast<std::uint32_t>(t.charset) & 0x0Fu) << 8);
}

void write_array(ByteWriter& w, const DatatypeMessage& t) {
  if (t.array_dims.empty() || t.array_dims.size() > kMaxArrayRank) {
    fail(ErrorCode::invalid_argument, "array datatype rank must be 1..32");
  }
  w.u8(static_cast<std::uint8_t>(t.array_dims.size()));
  if (t.version < 3) w.zeros(3);
  for (std::uint32_t d : t.array_dims) w.u32(d);
  if (t.version < 3) {
    for (std::uint32_t i = 0; i < t.array_dims.size(); ++i) w.u32(i);
  }
  write_base(w, t);
}

std::uint32_t complex_bits(const DatatypeMessage& t) {
  return (t.homogeneous ? 1u : 0u) | ((t.complex_form & 3u) << 1);
}

}  // namespace h5mem::detail::datatype_codec
