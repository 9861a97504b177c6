// Superblocks, object headers and header message codecs against files written by h5py/libhdf5
// (tests/interop/gen_format_objects.py, run at build time; H5MEM_FIXTURES names its output).
// Each listed object header is decoded, every message decoded and re-encoded byte for byte,
// and the decoded fields compared with what libhdf5's API reported in manifest.json. Then the
// decoders are fed truncated and corrupted bytes: they must throw Error(corruption or
// unsupported) and nothing else.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fixture_json.hpp"
#include "format/hdf5/messages/attribute.hpp"
#include "format/hdf5/messages/attribute_info.hpp"
#include "format/hdf5/messages/continuation.hpp"
#include "format/hdf5/messages/dataspace.hpp"
#include "format/hdf5/messages/datatype.hpp"
#include "format/hdf5/messages/fill_value.hpp"
#include "format/hdf5/messages/filter_pipeline.hpp"
#include "format/hdf5/messages/group_info.hpp"
#include "format/hdf5/messages/layout.hpp"
#include "format/hdf5/messages/link.hpp"
#include "format/hdf5/messages/link_info.hpp"
#include "format/hdf5/messages/modification_time.hpp"
#include "format/hdf5/messages/reference_count.hpp"
#include "format/hdf5/messages/shared_message.hpp"
#include "format/hdf5/messages/symbol_table_message.hpp"
#include "format/hdf5/object_header.hpp"
#include "format/hdf5/superblock.hpp"
#include "h5mem/error.hpp"

using namespace h5mem::detail;
using Bytes = std::vector<std::byte>;

namespace {

using namespace h5t_fixture;

std::uint64_t manifest_address(const Json& v) {
  return v.i64() < 0 ? kUndefinedAddress : v.u64();
}

std::size_t align8(std::size_t n) {
  return (n + 7) & ~std::size_t{7};
}

// True if `encoded` reproduces `body`, allowing the zero padding v1 headers add to bodies.
bool same_bytes(const Bytes& encoded, const Bytes& body, bool v1_header) {
  if (encoded == body) return true;
  if (!v1_header || body.size() != align8(encoded.size())) return false;
  if (!std::equal(encoded.begin(), encoded.end(), body.begin())) return false;
  return std::all_of(body.begin() + static_cast<std::ptrdiff_t>(encoded.size()), body.end(),
                     [](std::byte b) { return b == std::byte{0}; });
}

// Runs `f`; returns the h5mem error code it threw, nullopt if it returned. Any other exception
// fails the test.
template <class F>
std::optional<h5mem::ErrorCode> error_of(F&& f, const std::string& what) {
  try {
    f();
  } catch (const h5mem::Error& e) {
    return e.code();
  } catch (const std::exception& e) {
    FAIL("non-h5mem exception from " << what << ": " << e.what());
  }
  return std::nullopt;
}

bool decoder_error(std::optional<h5mem::ErrorCode> c) {
  return c == h5mem::ErrorCode::corruption || c == h5mem::ErrorCode::unsupported;
}

// ---- decoding every message of a header ------------------------------------------------------

struct Decoded {
  std::optional<DatatypeMessage> datatype;
  std::optional<SharedMessage> shared_datatype;
  std::optional<DataspaceMessage> dataspace;
  std::optional<LayoutMessage> layout;
  std::optional<FillValueMessage> fill;
  std::optional<FillValueMessage> old_fill;
  std::optional<FilterPipelineMessage> pipeline;
  std::vector<AttributeMessage> attributes;
  std::vector<LinkMessage> links;
  std::optional<LinkInfoMessage> link_info;
  std::optional<GroupInfoMessage> group_info;
  std::optional<AttributeInfoMessage> attribute_info;
  std::optional<SymbolTableMessage> symbol_table;
  std::optional<ModificationTimeMessage> modification_time;
  std::optional<ReferenceCountMessage> reference_count;
  std::vector<ContinuationMessage> continuations;
  std::vector<std::uint16_t> other_types;  // messages this layer does not decode
};

// Decodes `m` into `d`; with `encode`, returns the re-encoding of the decoded value (nullopt
// for NIL and undecoded types).
std::optional<Bytes> decode_one(const HeaderMessage& m, const FileSizes& s, Decoded& d,
                                bool encode) {
  const std::span<const std::byte> b = m.body;
  const std::uint64_t at = m.address;
  auto keep = [&](auto& slot, auto value, auto encoder) -> std::optional<Bytes> {
    slot = std::move(value);
    if (!encode) return std::nullopt;
    return encoder(*slot);
  };
  using T = HeaderMessageType;
  if (m.flags & kMessageShared) {
    SharedMessage sh = decode_shared_message(b, at, s);
    if (m.kind() == T::datatype) {
      d.shared_datatype = sh;
    } else {
      d.other_types.push_back(m.type);
    }
    return encode ? std::optional<Bytes>(encode_shared_message(sh, s)) : std::nullopt;
  }
  switch (m.kind()) {
    case T::nil:
      return std::nullopt;
    case T::dataspace:
      return keep(d.dataspace, decode_dataspace(b, at, s),
                  [&](const DataspaceMessage& v) { return encode_dataspace(v, s); });
    case T::datatype:
      return keep(d.datatype, decode_datatype(b, at),
                  [](const DatatypeMessage& v) { return encode_datatype(v); });
    case T::layout:
      return keep(d.layout, decode_layout(b, at, s),
                  [&](const LayoutMessage& v) { return encode_layout(v, s); });
    case T::fill_value:
      return keep(d.fill, decode_fill_value(b, at),
                  [](const FillValueMessage& v) { return encode_fill_value(v); });
    case T::fill_value_old:
      return keep(d.old_fill, decode_old_fill_value(b, at),
                  [](const FillValueMessage& v) { return encode_old_fill_value(v.value); });
    case T::filter_pipeline:
      return keep(d.pipeline, decode_filter_pipeline(b, at),
                  [](const FilterPipelineMessage& v) { return encode_filter_pipeline(v); });
    case T::link_info:
      return keep(d.link_info, decode_link_info(b, at, s),
                  [&](const LinkInfoMessage& v) { return encode_link_info(v, s); });
    case T::group_info:
      return keep(d.group_info, decode_group_info(b, at),
                  [](const GroupInfoMessage& v) { return encode_group_info(v); });
    case T::attribute_info:
      return keep(d.attribute_info, decode_attribute_info(b, at, s),
                  [&](const AttributeInfoMessage& v) { return encode_attribute_info(v, s); });
    case T::symbol_table:
      return keep(d.symbol_table, decode_symbol_table_message(b, at, s),
                  [&](const SymbolTableMessage& v) { return encode_symbol_table_message(v, s); });
    case T::modification_time:
      return keep(d.modification_time, decode_modification_time(b, at),
                  [](const ModificationTimeMessage& v) { return encode_modification_time(v); });
    case T::modification_time_old:
      return keep(
          d.modification_time, decode_old_modification_time(b, at),
          [](const ModificationTimeMessage& v) { return encode_old_modification_time(v.seconds); });
    case T::reference_count:
      return keep(d.reference_count, decode_reference_count(b, at),
                  [](const ReferenceCountMessage& v) { return encode_reference_count(v); });
    case T::attribute: {
      d.attributes.push_back(decode_attribute(b, at, s));
      return encode ? std::optional<Bytes>(encode_attribute(d.attributes.back(), s)) : std::nullopt;
    }
    case T::link: {
      d.links.push_back(decode_link(b, at, s));
      return encode ? std::optional<Bytes>(encode_link(d.links.back(), s)) : std::nullopt;
    }
    case T::continuation: {
      d.continuations.push_back(decode_continuation(b, at, s));
      return encode ? std::optional<Bytes>(encode_continuation(d.continuations.back(), s))
                    : std::nullopt;
    }
    default:
      d.other_types.push_back(m.type);
      return std::nullopt;
  }
}

// Decodes every message of `h`, checking each re-encodes to its stored body.
Decoded decode_all_checked(const ObjectHeader& h, const FileSizes& s, const std::string& where) {
  Decoded d;
  for (const HeaderMessage& m : h.messages) {
    INFO(where << ": message type " << m.type << " at byte " << m.address);
    std::optional<Bytes> encoded;
    CHECK_NOTHROW(encoded = decode_one(m, s, d, true));
    if (encoded) {
      CHECK_MESSAGE(same_bytes(*encoded, m.body, h.version == 1),
                    "re-encoded " << hex(*encoded) << "\n   stored   " << hex(m.body));
    }
  }
  return d;
}

// ---- comparing decoded messages with libhdf5's view ----------------------------------------

ByteOrder h5t_order(const Json& v) {
  switch (v.i64()) {
    case 0:
      return ByteOrder::little_endian;
    case 1:
      return ByteOrder::big_endian;
    default:
      return ByteOrder::vax;
  }
}

// libhdf5's H5T_norm_t numbers differ from the file's: IMPLIED 0, MSBSET 1, NONE 2.
std::uint8_t file_normalization(const Json& v) {
  switch (v.i64()) {
    case 0:
      return 2;
    case 1:
      return 1;
    default:
      return 0;
  }
}

void check_datatype(const DatatypeMessage& t, const Json& d, const std::string& where) {
  INFO("datatype of " << where);
  REQUIRE(static_cast<int>(t.type_class) == d["class"].i64());
  CHECK(t.size == d["size"].u64());
  switch (t.type_class) {
    case DatatypeClass::fixed_point:
      CHECK(t.byte_order == h5t_order(d["order"]));
      CHECK(t.precision == d["precision"].u64());
      CHECK(t.bit_offset == d["offset"].u64());
      CHECK(t.lo_pad == (d["lo_pad"].i64() == 1));
      CHECK(t.hi_pad == (d["hi_pad"].i64() == 1));
      CHECK(t.is_signed == (d["signed"].i64() == 1));
      break;
    case DatatypeClass::floating_point:
      CHECK(t.byte_order == h5t_order(d["order"]));
      CHECK(t.precision == d["precision"].u64());
      CHECK(t.bit_offset == d["offset"].u64());
      CHECK(t.lo_pad == (d["lo_pad"].i64() == 1));
      CHECK(t.hi_pad == (d["hi_pad"].i64() == 1));
      CHECK(t.internal_pad == (d["inpad"].i64() == 1));
      CHECK(t.normalization == file_normalization(d["norm"]));
      CHECK(t.sign_location == d["sign_location"].u64());
      CHECK(t.exponent_location == d["exponent_location"].u64());
      CHECK(t.exponent_size == d["exponent_size"].u64());
      CHECK(t.mantissa_location == d["mantissa_location"].u64());
      CHECK(t.mantissa_size == d["mantissa_size"].u64());
      CHECK(t.exponent_bias == d["exponent_bias"].u64());
      break;
    case DatatypeClass::string:
      CHECK(static_cast<int>(t.charset) == d["cset"].i64());
      CHECK(static_cast<int>(t.padding) == d["strpad"].i64());
      break;
    case DatatypeClass::bitfield:
      CHECK(t.byte_order == h5t_order(d["order"]));
      CHECK(t.precision == 8 * t.size);
      break;
    case DatatypeClass::opaque:
      CHECK(t.tag == d["tag"].str());
      break;
    case DatatypeClass::compound: {
      const auto& members = d["members"].items;
      REQUIRE(t.members.size() == members.size());
      for (std::size_t i = 0; i < members.size(); ++i) {
        CHECK(t.members[i].name == members[i]["name"].str());
        CHECK(t.members[i].offset == members[i]["offset"].u64());
        CHECK(t.members[i].v1_dims.empty());
        check_datatype(t.members[i].type, members[i]["type"], where + "." + t.members[i].name);
      }
      break;
    }
    case DatatypeClass::reference:
      CHECK(static_cast<int>(t.reference_type) == d["ref"].i64());
      break;
    case DatatypeClass::enumerated: {
      check_datatype(t.base(), d["base"], where + " (enum base)");
      const auto& members = d["members"].items;
      REQUIRE(t.enum_names.size() == members.size());
      const std::size_t n = t.base().size;
      REQUIRE(t.enum_values.size() == n * members.size());
      for (std::size_t i = 0; i < members.size(); ++i) {
        CHECK(t.enum_names[i] == members[i]["name"].str());
        CHECK(hex(std::span(t.enum_values).subspan(i * n, n)) == members[i]["value"].str());
      }
      break;
    }
    case DatatypeClass::variable_length:
      CHECK(static_cast<int>(t.vlen_kind) == d["vlen_kind"].i64());
      if (t.vlen_kind == VlenKind::string) {
        CHECK(static_cast<int>(t.charset) == d["cset"].i64());
        CHECK(static_cast<int>(t.padding) == d["strpad"].i64());
      }
      check_datatype(t.base(), d["base"], where + " (vlen base)");
      break;
    case DatatypeClass::array: {
      std::vector<std::uint64_t> dims;
      for (const Json& x : d["dims"].items) dims.push_back(x.u64());
      CHECK(std::equal(t.array_dims.begin(), t.array_dims.end(), dims.begin(), dims.end()));
      check_datatype(t.base(), d["base"], where + " (array base)");
      break;
    }
    default:
      FAIL("unexpected datatype class " << static_cast<int>(t.type_class));
  }
}

void check_dataspace(const DataspaceMessage& s, const Json& d, const std::string& where) {
  INFO("dataspace of " << where);
  CHECK(static_cast<int>(s.type) == d["type"].i64());
  if (s.type != DataspaceType::simple) {
    CHECK(s.dims.empty());
    return;
  }
  std::vector<std::uint64_t> dims, max;
  for (const Json& x : d["dims"].items) dims.push_back(x.u64());
  for (const Json& x : d["max_dims"].items) max.push_back(x.i64() < 0 ? kUnlimitedDim : x.u64());
  CHECK(s.dims == dims);
  CHECK((s.max_dims.empty() ? s.dims : s.max_dims) == max);
}

ChunkIndexType index_type_named(const std::string& name) {
  if (name == "Single Chunk") return ChunkIndexType::single_chunk;
  if (name == "Implicit") return ChunkIndexType::implicit;
  if (name == "Fixed Array") return ChunkIndexType::fixed_array;
  if (name == "Extensible Array") return ChunkIndexType::extensible_array;
  if (name == "v2 B-tree") return ChunkIndexType::btree_v2;
  return ChunkIndexType::btree_v1;
}

// Everything a file entry says about the objects, keyed by path (for cross references).
std::map<std::string, std::uint64_t> object_addresses(const Json& entry) {
  std::map<std::string, std::uint64_t> out;
  for (const Json& o : entry["objects"].items) out[o["path"].str()] = o["addr"].u64();
  return out;
}

void check_attributes(const Decoded& d, const Json& o,
                      const std::map<std::string, std::uint64_t>& addrs, const std::string& where) {
  const auto& expected = o["attributes"].items;
  if (d.attributes.empty() && !expected.empty()) {
    INFO(where << ": attributes stored densely");
    REQUIRE(d.attribute_info.has_value());
    CHECK(d.attribute_info->fractal_heap != kUndefinedAddress);
    CHECK(d.attribute_info->name_btree != kUndefinedAddress);
    return;
  }
  REQUIRE(d.attributes.size() == expected.size());
  for (const Json& a : expected) {
    const std::string name = a["name"].str();
    INFO(where << ": attribute " << name);
    auto it = std::find_if(d.attributes.begin(), d.attributes.end(),
                           [&](const AttributeMessage& m) { return m.name == name; });
    REQUIRE(it != d.attributes.end());
    CHECK(static_cast<int>(it->name_charset) == a["cset"].i64());
    if (a["committed_type"].boolean) {
      CHECK((it->flags & kAttributeDatatypeShared) != 0);
      CHECK(it->shared_datatype.location == SharedLocation::committed);
      CHECK(it->shared_datatype.address == addrs.at("/ctype"));
    } else {
      check_datatype(it->datatype, a["dtype"], where + " attribute " + name);
      check_dataspace(it->dataspace, a["space"], where + " attribute " + name);
      if (!a["data"].is_null()) CHECK(hex(it->data) == a["data"].str());
      if (a["space"]["type"].i64() == 2) CHECK(it->data.empty());
    }
  }
}

struct FileCtx {
  const Json& entry;
  std::span<const std::byte> image;  // relative address space (from the superblock on)
  FileSizes sizes;
  Superblock superblock;
  std::map<std::string, std::uint64_t> addrs;
  bool latest() const { return entry["format"].str() == "latest"; }
};

void check_dataset(const FileCtx& f, const ObjectHeader& h, const Decoded& d, const Json& o,
                   const std::string& where) {
  INFO("dataset " << where);
  if (o["committed_type"].boolean) {
    REQUIRE(d.shared_datatype.has_value());
    CHECK(d.shared_datatype->location == SharedLocation::committed);
    CHECK(d.shared_datatype->address == f.addrs.at("/ctype"));
  } else {
    REQUIRE(d.datatype.has_value());
    check_datatype(*d.datatype, o["dtype"], where);
  }
  REQUIRE(d.dataspace.has_value());
  check_dataspace(*d.dataspace, o["space"], where);

  REQUIRE(d.layout.has_value());
  const LayoutMessage& l = *d.layout;
  CHECK(static_cast<int>(l.layout_class) == o["layout"].i64());
  CHECK(l.version == o["layout_version"].u64());
  if (l.layout_class == LayoutClass::contiguous) {
    // H5Dget_offset counts the user block; layout addresses do not.
    const std::uint64_t expected = manifest_address(o["data_address"]);
    CHECK(l.address ==
          (expected == kUndefinedAddress ? expected : expected - f.superblock.location));
    if (l.address != kUndefinedAddress) {
      CHECK(l.size == o["storage_size"].u64());
      REQUIRE(l.address + l.size <= f.image.size());
      if (!o["data"].is_null()) CHECK(hex(f.image.subspan(l.address, l.size)) == o["data"].str());
    }
  } else if (l.layout_class == LayoutClass::compact) {
    CHECK(hex(l.compact_data) == o["data"].str());
  } else if (l.layout_class == LayoutClass::chunked) {
    std::vector<std::uint64_t> chunks;
    for (const Json& x : o["chunks"].items) chunks.push_back(x.u64());
    CHECK(l.chunk_dims == chunks);
    CHECK(l.element_size == o["dtype"]["size"].u64());
    CHECK(l.index_type == index_type_named(o["index_type"].str()));
    if (l.index_type == ChunkIndexType::single_chunk && !o["filters"].items.empty()) {
      CHECK((l.chunk_flags & kLayoutSingleIndexWithFilter) != 0);
      CHECK(l.single_chunk.filtered_size > 0);
      CHECK(l.single_chunk.filter_mask == 0);
    }
  }

  const auto& filters = o["filters"].items;
  if (filters.empty()) {
    CHECK_FALSE(d.pipeline.has_value());
  } else {
    REQUIRE(d.pipeline.has_value());
    CHECK(d.pipeline->version == (f.latest() ? 2 : 1));
    REQUIRE(d.pipeline->filters.size() == filters.size());
    for (std::size_t i = 0; i < filters.size(); ++i) {
      const FilterDescription& got = d.pipeline->filters[i];
      CHECK(got.id == filters[i]["id"].u64());
      CHECK(got.flags == filters[i]["flags"].u64());
      std::vector<std::uint32_t> cd;
      for (const Json& x : filters[i]["client_data"].items)
        cd.push_back(static_cast<std::uint32_t>(x.u64()));
      CHECK(got.client_data == cd);
      if (got.id >= 256 || !f.latest()) CHECK(got.name == filters[i]["name"].str());
    }
  }

  REQUIRE(d.fill.has_value());
  CHECK(static_cast<int>(d.fill->alloc_time) == o["alloc_time"].i64());
  CHECK(static_cast<int>(d.fill->write_time) == o["fill_time"].i64());
  CHECK_FALSE(d.fill->undefined);
  if (o["fill_status"].i64() == 2) {
    CHECK_FALSE(d.fill->value.empty());
    if (const Json* v = o.find("fill_value")) CHECK(hex(d.fill->value) == v->str());
    if (d.old_fill) CHECK(d.old_fill->value == d.fill->value);
  } else {
    CHECK(d.fill->value.empty());
  }
  if (o["path"].str() == "/timed") {
    CHECK((d.modification_time.has_value() || h.times.has_value()));
  }
}

void check_group(const FileCtx& f, const ObjectHeader& h, const Decoded& d, const Json& o,
                 const std::string& where) {
  INFO("group " << where);
  const std::string storage = o["storage"].str();
  const auto& links = o["links"].items;
  if (storage == "symbol_table") {
    REQUIRE(d.symbol_table.has_value());
    CHECK(d.links.empty());
    if (o["path"].str() == "/") {
      CHECK(d.symbol_table->btree_address == f.superblock.root_entry.btree_address);
      CHECK(d.symbol_table->heap_address == f.superblock.root_entry.heap_address);
    }
    return;
  }
  REQUIRE(d.link_info.has_value());
  CHECK(d.group_info.has_value());
  CHECK(d.link_info->track_creation_order == o["track_order"].boolean);
  CHECK(h.track_attribute_order == o["track_order"].boolean);
  if (storage == "dense") {
    CHECK(d.links.empty());
    CHECK(d.link_info->fractal_heap != kUndefinedAddress);
    CHECK(d.link_info->name_btree != kUndefinedAddress);
    return;
  }
  CHECK(d.link_info->fractal_heap == kUndefinedAddress);
  REQUIRE(d.links.size() == links.size());
  for (const Json& l : links) {
    const std::string name = l["name"].str();
    INFO("link " << name);
    auto it = std::find_if(d.links.begin(), d.links.end(),
                           [&](const LinkMessage& m) { return m.name == name; });
    REQUIRE(it != d.links.end());
    CHECK(static_cast<int>(it->link_type) == l["type"].i64());
    CHECK(static_cast<int>(it->name_charset) == l["cset"].i64());
    if (const Json* c = l.find("corder")) {
      REQUIRE(it->creation_order.has_value());
      CHECK(*it->creation_order == c->u64());
    } else {
      CHECK_FALSE(it->creation_order.has_value());
    }
    if (const Json* t = l.find("target")) CHECK(it->hard_address == t->u64());
    if (const Json* s = l.find("soft")) CHECK(it->soft_target == s->str());
    if (const Json* file = l.find("file")) {
      CHECK(it->external_file == file->str());
      CHECK(it->external_path == l["path"].str());
    }
  }
}

// Decodes, re-encodes and checks one object of a fixture file.
void check_object(const FileCtx& f, const Json& o, std::map<std::uint16_t, int>& seen) {
  const std::string where = f.entry["file"].str() + ":" + o["path"].str();
  INFO(where);
  ObjectHeader h;
  REQUIRE_NOTHROW(h = decode_object_header(f.image, o["addr"].u64(), f.sizes));
  CHECK(h.version == o["header_version"].u64());
  // The whole header re-encodes to the stored chunks.
  std::vector<Bytes> chunks;
  REQUIRE_NOTHROW(chunks = encode_object_header(h, f.sizes));
  REQUIRE(chunks.size() == h.chunks.size());
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    INFO("chunk " << c << " at " << h.chunks[c].address);
    CHECK(chunks[c].size() == h.chunks[c].size);
    CHECK(hex(chunks[c]) == hex(f.image.subspan(h.chunks[c].address, h.chunks[c].size)));
  }
  CHECK(h.messages.size() == (h.version == 1 ? h.stored_message_count : h.messages.size()));
  for (const HeaderMessage& m : h.messages) ++seen[m.type];
  const Decoded d = decode_all_checked(h, f.sizes, where);
  CHECK(d.continuations.size() + 1 == h.chunks.size());
  // Hard link count: v1 prefix field, v2 reference count message (absent means 1).
  const std::uint64_t rc =
      h.version == 1 ? h.reference_count : (d.reference_count ? d.reference_count->count : 1);
  CHECK(rc == o["refcount"].u64());
  check_attributes(d, o, f.addrs, where);
  const std::string kind = o["kind"].str();
  if (kind == "dataset") {
    check_dataset(f, h, d, o, where);
  } else if (kind == "group") {
    check_group(f, h, d, o, where);
  } else {
    REQUIRE(d.datatype.has_value());
    check_datatype(*d.datatype, o["dtype"], where);
  }
}

void check_superblock(const Json& entry, std::span<const std::byte> file, const Superblock& sb) {
  const Json& s = entry["superblock"];
  INFO(entry["file"].str() << " superblock");
  CHECK(sb.version == s["version"].u64());
  CHECK(sb.sizes.offsets == s["sizeof_addr"].u64());
  CHECK(sb.sizes.lengths == s["sizeof_size"].u64());
  CHECK(sb.location == s["userblock"].u64());
  CHECK(sb.base_address == sb.location);
  CHECK(sb.root_object_header == s["root_addr"].u64());
  CHECK(sb.eof_address == s["file_size"].u64());  // absolute, user block included
  if (sb.version < 2) {
    CHECK(sb.group_leaf_k == s["group_leaf_k"].u64());
    CHECK(sb.group_internal_k == s["group_internal_k"].u64());
    CHECK(sb.root_entry.cache_type == 1);
    CHECK(sb.root_entry.btree_address == s["root_btree"].u64());
    CHECK(sb.root_entry.heap_address == s["root_heap"].u64());
  } else {
    CHECK(sb.extension_address == kUndefinedAddress);
  }
  const Bytes encoded = encode_superblock(sb);
  CHECK(encoded.size() == superblock_size(sb.version, sb.sizes));
  CHECK(hex(encoded) == hex(file.subspan(sb.location, encoded.size())));
}

struct Fixture {
  const Json* entry;
  Bytes bytes;
};

std::vector<Fixture> load_fixtures() {
  std::vector<Fixture> out;
  for (const Json& e : manifest().items) {
    out.push_back({&e, read_file(fixture_dir() + "/" + e["file"].str())});
  }
  return out;
}

}  // namespace

TEST_CASE("fixture files: superblock, object headers and every message match libhdf5") {
  std::map<std::uint16_t, int> seen;
  const auto fixtures = load_fixtures();
  REQUIRE(fixtures.size() >= 10);
  for (const Fixture& fx : fixtures) {
    const Json& entry = *fx.entry;
    Superblock sb;
    REQUIRE_NOTHROW(sb = decode_superblock(fx.bytes));
    check_superblock(entry, fx.bytes, sb);
    FileCtx f{entry, std::span(fx.bytes).subspan(sb.location), sb.sizes, sb,
              object_addresses(entry)};
    for (const Json& o : entry["objects"].items) check_object(f, o, seen);
  }
  std::ostringstream summary;
  for (const auto& [type, n] : seen) summary << " 0x" << std::hex << type << std::dec << ":" << n;
  MESSAGE("message types decoded (type:count):" << summary.str());
  // Every message type the brief names occurs in the fixtures.
  for (auto t : {HeaderMessageType::nil, HeaderMessageType::dataspace, HeaderMessageType::link_info,
                 HeaderMessageType::datatype, HeaderMessageType::fill_value,
                 HeaderMessageType::link, HeaderMessageType::layout, HeaderMessageType::group_info,
                 HeaderMessageType::filter_pipeline, HeaderMessageType::attribute,
                 HeaderMessageType::continuation, HeaderMessageType::symbol_table,
                 HeaderMessageType::modification_time, HeaderMessageType::attribute_info}) {
    CHECK_MESSAGE(seen.count(static_cast<std::uint16_t>(t)) == 1,
                  "no message of type " << static_cast<int>(t));
  }
}

namespace {

// Prefix lengths to try in [from, to): all of them when few, else about `budget` spread evenly
// plus the last 16 (where off-by-one errors live).
std::vector<std::size_t> sample_lengths(std::size_t from, std::size_t to, std::size_t budget) {
  std::vector<std::size_t> out;
  if (to <= from) return out;
  const std::size_t step = std::max<std::size_t>(1, (to - from) / budget);
  for (std::size_t n = from; n < to; n += step) out.push_back(n);
  for (std::size_t n = to > from + 16 ? to - 16 : from; n < to; ++n) out.push_back(n);
  return out;
}

constexpr std::uint8_t kFlipPatterns[] = {0x01, 0x80, 0xFF};

std::uint64_t header_end(const ObjectHeader& h) {
  std::uint64_t end = 0;
  for (const HeaderChunk& c : h.chunks) end = std::max(end, c.address + c.size);
  return end;
}

}  // namespace

TEST_CASE("truncated files and object headers are reported as corruption") {
  for (const Fixture& fx : load_fixtures()) {
    const std::string file = (*fx.entry)["file"].str();
    INFO(file);
    const Superblock sb = decode_superblock(fx.bytes);
    for (std::size_t n : sample_lengths(0, fx.bytes.size(), 2000)) {
      INFO("superblock from a " << n << "-byte prefix");
      auto c =
          error_of([&] { decode_superblock(std::span(fx.bytes).first(n)); }, "decode_superblock");
      CHECK(c == h5mem::ErrorCode::corruption);
    }
    const auto image = std::span<const std::byte>(fx.bytes).subspan(sb.location);
    for (const Json& o : (*fx.entry)["objects"].items) {
      const std::uint64_t addr = o["addr"].u64();
      const std::uint64_t end = header_end(decode_object_header(image, addr, sb.sizes));
      for (std::size_t n : sample_lengths(0, end, 400)) {
        INFO(o["path"].str() << " from a " << n << "-byte prefix");
        auto c = error_of([&] { decode_object_header(image.first(n), addr, sb.sizes); },
                          "decode_object_header");
        CHECK(decoder_error(c));
      }
    }
  }
}

TEST_CASE("corrupted superblocks and object headers fail cleanly or decode") {
  for (const Fixture& fx : load_fixtures()) {
    const std::string file = (*fx.entry)["file"].str();
    INFO(file);
    const Superblock sb = decode_superblock(fx.bytes);
    Bytes copy = fx.bytes;
    const std::size_t sb_size = superblock_size(sb.version, sb.sizes);
    for (std::size_t i = sb.location; i < sb.location + sb_size; ++i) {
      for (std::uint8_t p : kFlipPatterns) {
        copy[i] ^= std::byte{p};
        auto c = error_of([&] { decode_superblock(copy); }, "decode_superblock");
        copy[i] ^= std::byte{p};
        INFO("superblock byte " << i << " ^ " << int(p));
        if (c) CHECK(decoder_error(c));
        // Checksums catch every flip in v2/v3 (the signature flips fail the search).
        if (sb.version >= 2) CHECK(c.has_value());
      }
    }
    auto image = std::span<std::byte>(copy).subspan(sb.location);
    for (const Json& o : (*fx.entry)["objects"].items) {
      const std::uint64_t addr = o["addr"].u64();
      const ObjectHeader original = decode_object_header(image, addr, sb.sizes);
      for (const HeaderChunk& chunk : original.chunks) {
        const std::size_t step = std::max<std::size_t>(1, chunk.size / 300);
        for (std::size_t i = chunk.address; i < chunk.address + chunk.size; i += step) {
          for (std::uint8_t p : kFlipPatterns) {
            image[i] ^= std::byte{p};
            INFO(o["path"].str() << " header byte " << i << " ^ " << int(p));
            auto c = error_of(
                [&] {
                  const ObjectHeader h = decode_object_header(image, addr, sb.sizes);
                  Decoded d;
                  for (const HeaderMessage& m : h.messages) decode_one(m, sb.sizes, d, false);
                },
                "object header decode");
            image[i] ^= std::byte{p};
            if (c) CHECK(decoder_error(c));
            if (original.version == 2) CHECK(c.has_value());  // checksummed
          }
        }
      }
    }
  }
}

TEST_CASE("corrupted and truncated message bodies fail cleanly or decode") {
  int bodies = 0;
  for (const Fixture& fx : load_fixtures()) {
    const Superblock sb = decode_superblock(fx.bytes);
    const auto image = std::span<const std::byte>(fx.bytes).subspan(sb.location);
    for (const Json& o : (*fx.entry)["objects"].items) {
      const ObjectHeader h = decode_object_header(image, o["addr"].u64(), sb.sizes);
      for (const HeaderMessage& original : h.messages) {
        if (original.kind() == HeaderMessageType::nil) continue;
        ++bodies;
        INFO((*fx.entry)["file"].str() << ":" << o["path"].str() << " message type "
                                       << original.type << " at byte " << original.address);
        HeaderMessage m = original;
        for (std::size_t i = 0; i < m.body.size(); ++i) {
          for (std::uint8_t p : kFlipPatterns) {
            m.body[i] ^= std::byte{p};
            Decoded d;
            auto c = error_of([&] { decode_one(m, sb.sizes, d, false); }, "message decode");
            m.body[i] ^= std::byte{p};
            if (c) CHECK_MESSAGE(decoder_error(c), "byte " << i << " ^ " << int(p));
          }
        }
        // Every strict prefix of the minimal encoding lacks a required field, except for
        // attributes whose value size is unknown (shared parts keep "the rest").
        Decoded d;
        const std::optional<Bytes> minimal = decode_one(original, sb.sizes, d, true);
        if (!minimal) continue;
        const bool open_ended =
            original.kind() == HeaderMessageType::attribute && (d.attributes.back().flags != 0);
        for (std::size_t n = 0; n < minimal->size() && !open_ended; ++n) {
          m.body.assign(minimal->begin(), minimal->begin() + static_cast<std::ptrdiff_t>(n));
          Decoded scratch;
          auto c = error_of([&] { decode_one(m, sb.sizes, scratch, false); }, "message decode");
          CHECK_MESSAGE(decoder_error(c),
                        "prefix of " << n << " of " << minimal->size() << " bytes");
        }
      }
    }
  }
  CHECK(bodies > 300);
}

// ---- synthetic round trips: encodings libhdf5 1.10 does not write by default ----------------

namespace {

constexpr FileSizes k8{8, 8};
constexpr FileSizes k4{4, 4};

template <class M, class Enc, class Dec>
void round_trip(const M& m, Enc enc, Dec dec, const std::string& what) {
  INFO(what);
  Bytes b;
  REQUIRE_NOTHROW(b = enc(m));
  M back;
  REQUIRE_NOTHROW(back = dec(b));
  CHECK(back == m);
  CHECK(enc(back) == b);
}

DatatypeMessage fixed(std::uint32_t size, bool is_signed, std::uint8_t version = 1) {
  DatatypeMessage t;
  t.version = version;
  t.size = size;
  t.precision = static_cast<std::uint16_t>(8 * size);
  t.is_signed = is_signed;
  return t;
}

DatatypeMessage ieee_f32(std::uint8_t version) {
  DatatypeMessage t;
  t.version = version;
  t.type_class = DatatypeClass::floating_point;
  t.size = 4;
  t.precision = 32;
  t.normalization = 2;
  t.sign_location = 31;
  t.exponent_location = 23;
  t.exponent_size = 8;
  t.mantissa_size = 23;
  t.exponent_bias = 127;
  return t;
}

void datatype_round_trip(const DatatypeMessage& t, const std::string& what) {
  round_trip(
      t, [](const DatatypeMessage& v) { return encode_datatype(v); },
      [](const Bytes& b) { return decode_datatype(b, 0); }, what);
}

}  // namespace

TEST_CASE("datatype classes and versions round-trip") {
  DatatypeMessage time;
  time.type_class = DatatypeClass::time;
  time.size = 4;
  time.precision = 32;
  time.byte_order = ByteOrder::big_endian;
  datatype_round_trip(time, "time");

  DatatypeMessage vax = ieee_f32(3);
  vax.byte_order = ByteOrder::vax;
  vax.lo_pad = vax.internal_pad = true;
  datatype_round_trip(vax, "vax float v3");

  DatatypeMessage cplx;
  cplx.version = 5;
  cplx.type_class = DatatypeClass::complex;
  cplx.size = 8;
  cplx.base_type = {ieee_f32(5)};
  datatype_round_trip(cplx, "complex v5");

  DatatypeMessage ref;
  ref.version = 4;
  ref.type_class = DatatypeClass::reference;
  ref.size = 64;
  ref.reference_type = ReferenceType::attribute;
  ref.reference_version = 1;
  datatype_round_trip(ref, "revised reference v4");

  DatatypeMessage old_compound;  // version 1 with an old-style array member
  old_compound.type_class = DatatypeClass::compound;
  old_compound.size = 4 + 2 * 3 * 8;
  old_compound.members = {{"scalar", 0, {}, fixed(4, true)},
                          {"grid_of_doubles", 4, {2, 3}, fixed(8, false)}};
  datatype_round_trip(old_compound, "compound v1 with array member");
  Bytes encoded = encode_datatype(old_compound);
  CHECK(encoded.size() == 8 + (8 + 4 + 28 + 12) + (16 + 4 + 28 + 12));

  DatatypeMessage e3;
  e3.version = 3;
  e3.type_class = DatatypeClass::enumerated;
  e3.size = 1;
  e3.base_type = {fixed(1, false, 3)};
  e3.enum_names = {"OFF", "ON", "UNKNOWN_STATE"};
  e3.enum_values = {std::byte{0}, std::byte{1}, std::byte{255}};
  datatype_round_trip(e3, "enum v3");

  DatatypeMessage opaque;
  opaque.type_class = DatatypeClass::opaque;
  opaque.size = 12;
  opaque.tag = "nine char";
  datatype_round_trip(opaque, "opaque with 16-byte padded tag");
  CHECK(encode_datatype(opaque).size() == 8 + 16);

  DatatypeMessage member_struct;
  member_struct.version = 3;
  member_struct.type_class = DatatypeClass::compound;
  member_struct.size = 300;  // offsets take two bytes in version 3
  member_struct.members = {{"a", 0, {}, fixed(4, true, 3)}, {"b", 296, {}, fixed(4, true, 3)}};
  DatatypeMessage vlen;
  vlen.version = 3;
  vlen.type_class = DatatypeClass::variable_length;
  vlen.size = 16;
  vlen.base_type = {member_struct};
  datatype_round_trip(vlen, "vlen sequence of a v3 compound with 2-byte offsets");

  DatatypeMessage inner;
  inner.version = 3;
  inner.type_class = DatatypeClass::array;
  inner.size = 6 * 4;
  inner.array_dims = {6};
  inner.base_type = {ieee_f32(3)};
  DatatypeMessage outer = inner;
  outer.version = 2;
  outer.size = 5 * 4 * inner.size;
  outer.array_dims = {5, 4};
  outer.base_type = {inner};
  datatype_round_trip(outer, "array v2 of array v3");

  DatatypeMessage str;
  str.type_class = DatatypeClass::string;
  str.size = 10;
  str.padding = StringPadding::space_pad;
  str.charset = CharacterSet::utf8;
  datatype_round_trip(str, "utf-8 space-padded string");

  SUBCASE("impossible or malformed datatypes are refused") {
    DatatypeMessage bad_array = inner;
    bad_array.version = 1;
    auto c = error_of([&] { encode_datatype(bad_array); }, "encode");
    CHECK(c == h5mem::ErrorCode::invalid_argument);
    Bytes b = encode_datatype(fixed(4, true));
    b[0] = std::byte{0x1C};  // class 12
    CHECK(error_of([&] { decode_datatype(b, 0); }, "decode") == h5mem::ErrorCode::unsupported);
    b[0] = std::byte{0x00};  // version 0
    CHECK(error_of([&] { decode_datatype(b, 0); }, "decode") == h5mem::ErrorCode::unsupported);
    DatatypeMessage deep = fixed(4, true, 3);
    for (int i = 0; i < 70; ++i) {
      DatatypeMessage a;
      a.version = 3;
      a.type_class = DatatypeClass::array;
      a.size = deep.size;
      a.array_dims = {1};
      a.base_type = {deep};
      deep = a;
    }
    const Bytes deep_bytes = encode_datatype(deep);
    auto d = error_of([&] { decode_datatype(deep_bytes, 100); }, "decode");
    CHECK(d == h5mem::ErrorCode::corruption);
    DatatypeMessage overlap = member_struct;
    overlap.members[1].offset = 298;  // 4-byte member ends past the 300-byte element
    const Bytes overlap_bytes = encode_datatype(overlap);
    CHECK(error_of([&] { decode_datatype(overlap_bytes, 0); }, "decode") ==
          h5mem::ErrorCode::corruption);
  }
}

TEST_CASE("dataspace, layout, fill value and filter pipeline encodings round-trip") {
  auto space_rt = [](const DataspaceMessage& m, FileSizes s, const std::string& what) {
    round_trip(
        m, [&](const DataspaceMessage& v) { return encode_dataspace(v, s); },
        [&](const Bytes& b) { return decode_dataspace(b, 0, s); }, what);
  };
  space_rt({1, DataspaceType::simple, {3, 4}, {kUnlimitedDim, 4}}, k8, "v1 unlimited");
  space_rt({1, DataspaceType::scalar, {}, {}}, k8, "v1 scalar");
  space_rt({2, DataspaceType::null, {}, {}}, k8, "v2 null");
  space_rt({2, DataspaceType::simple, {7}, {kUnlimitedDim}}, k4, "v2 with 4-byte lengths");
  CHECK(encode_dataspace({2, DataspaceType::simple, {7}, {kUnlimitedDim}}, k4).size() == 4 + 8);
  CHECK(error_of(
            [] {
              encode_dataspace({1, DataspaceType::null, {}, {}}, k8);
            },
            "encode") == h5mem::ErrorCode::invalid_argument);

  auto layout_rt = [](const LayoutMessage& m, FileSizes s, const std::string& what) {
    round_trip(
        m, [&](const LayoutMessage& v) { return encode_layout(v, s); },
        [&](const Bytes& b) { return decode_layout(b, 0, s); }, what);
  };
  LayoutMessage l;
  l.version = 1;
  l.layout_class = LayoutClass::contiguous;
  l.address = 4096;
  l.legacy_dims = {10, 20, 4};
  layout_rt(l, k8, "v1 contiguous");
  l.version = 2;
  l.layout_class = LayoutClass::compact;
  l.address = kUndefinedAddress;
  l.compact_data = {std::byte{1}, std::byte{2}, std::byte{3}};
  layout_rt(l, k4, "v2 compact");
  LayoutMessage c;
  c.version = 2;
  c.layout_class = LayoutClass::chunked;
  c.address = 800;
  c.chunk_dims = {16, 16};
  c.element_size = 8;
  layout_rt(c, k8, "v2 chunked");
  c.version = 4;
  c.dim_width = 1;  // what decoding reports; 0 would also encode as 1 (the minimum)
  c.index_type = ChunkIndexType::single_chunk;
  c.chunk_flags = kLayoutSingleIndexWithFilter;
  c.single_chunk = {1234, 0x2};
  layout_rt(c, k8, "v4 filtered single chunk");
  c.chunk_flags = 0;
  c.single_chunk = {};
  c.index_type = ChunkIndexType::btree_v2;
  c.btree_v2 = {2048, 100, 40};
  c.chunk_dims = {70000, 3};  // 3-byte dimensions
  c.dim_width = 3;
  layout_rt(c, k8, "v4 v2 B-tree");
  CHECK(encode_layout(c, k8)[3] == std::byte{3});
  LayoutMessage minimal = c;
  minimal.dim_width = 0;
  CHECK(encode_layout(minimal, k8) == encode_layout(c, k8));
  c.dim_width = 8;
  layout_rt(c, k8, "v4 with 8-byte dimensions");
  c.index_type = ChunkIndexType::btree_v1;
  CHECK(error_of([&] { encode_layout(c, k8); }, "encode") == h5mem::ErrorCode::invalid_argument);
  LayoutMessage v;
  v.version = 4;
  v.layout_class = LayoutClass::virtual_storage;
  v.address = 5000;
  v.virtual_index = 3;
  layout_rt(v, k8, "v4 virtual");
  c.index_type = ChunkIndexType::implicit;
  Bytes zero_dim = encode_layout(c, k8);
  zero_dim[4] = std::byte{0};  // first chunk dimension
  CHECK(error_of([&] { decode_layout(zero_dim, 0, k8); }, "decode") ==
        h5mem::ErrorCode::corruption);

  auto fill_rt = [](const FillValueMessage& m, const std::string& what) {
    round_trip(
        m, [](const FillValueMessage& x) { return encode_fill_value(x); },
        [](const Bytes& b) { return decode_fill_value(b, 0); }, what);
  };
  fill_rt(
      {1, FillAllocTime::early, FillWriteTime::on_alloc, true, false, {std::byte{7}, std::byte{0}}},
      "v1 value");
  fill_rt({1, FillAllocTime::late, FillWriteTime::never, false, true, {}}, "v1 undefined");
  fill_rt({2, FillAllocTime::incremental, FillWriteTime::if_set, false, false, {}},
          "v2 not defined");
  fill_rt({3, FillAllocTime::late, FillWriteTime::never, false, true, {}}, "v3 undefined");
  CHECK(encode_fill_value({3, FillAllocTime::late, FillWriteTime::never, false, true, {}}) ==
        Bytes{std::byte{3}, std::byte{0x16}});
  const Bytes old = encode_old_fill_value(Bytes{std::byte{9}});
  CHECK(decode_old_fill_value(old, 0).value == Bytes{std::byte{9}});
  CHECK(decode_old_fill_value(old, 0).version == 0);

  FilterPipelineMessage p;
  p.version = 1;
  p.filters = {{300, kFilterOptional, "my filter", {1, 2, 3}}, {1, 0, "deflate", {6}}};
  auto pipe_rt = [](const FilterPipelineMessage& m, const std::string& what) {
    round_trip(
        m, [](const FilterPipelineMessage& x) { return encode_filter_pipeline(x); },
        [](const Bytes& b) { return decode_filter_pipeline(b, 0); }, what);
  };
  pipe_rt(p, "v1 with padded names and odd client data");
  CHECK(encode_filter_pipeline(p).size() == 8 + (8 + 16 + 12 + 4) + (8 + 8 + 4 + 4));
  p.version = 2;
  p.filters[1].name.clear();  // v2 stores no names below 256
  pipe_rt(p, "v2");
  CHECK(encode_filter_pipeline(p).size() == 2 + (8 + 10 + 12) + (6 + 4));
}

TEST_CASE("attribute, link, group and small message encodings round-trip") {
  AttributeMessage a;
  a.version = 1;
  a.name = "seven";
  a.datatype = fixed(2, true);
  a.dataspace = {1, DataspaceType::simple, {3}, {}};
  a.data = Bytes(6, std::byte{0x5A});
  auto attr_rt = [](const AttributeMessage& m, FileSizes s, const std::string& what) {
    round_trip(
        m, [&](const AttributeMessage& x) { return encode_attribute(x, s); },
        [&](const Bytes& b) { return decode_attribute(b, 0, s); }, what);
  };
  attr_rt(a, k8, "v1");
  CHECK(encode_attribute(a, k8).size() == 8 + 8 + 16 + 16 + 6);
  a.version = 2;
  a.flags = kAttributeDatatypeShared;
  a.datatype = {};
  a.shared_datatype = {2, SharedLocation::committed, 1234, {}};
  attr_rt(a, k4, "v2 with a committed datatype");
  a.version = 3;
  a.name = "größe";
  a.name_charset = CharacterSet::utf8;
  a.flags = 0;
  a.shared_datatype = {};
  a.datatype = fixed(8, false, 3);
  a.dataspace = {2, DataspaceType::null, {}, {}};
  a.data.clear();
  attr_rt(a, k8, "v3 utf-8 name, null dataspace");

  auto shared_rt = [](const SharedMessage& m, const std::string& what) {
    round_trip(
        m, [](const SharedMessage& x) { return encode_shared_message(x, k8); },
        [](const Bytes& b) { return decode_shared_message(b, 0, k8); }, what);
  };
  shared_rt({1, SharedLocation::committed, 777, {}}, "shared v1");
  CHECK(encode_shared_message({1, SharedLocation::committed, 777, {}}, k8).size() == 16);
  SharedMessage heap{3, SharedLocation::heap, kUndefinedAddress, {}};
  heap.heap_id[0] = std::byte{1};
  heap.heap_id[7] = std::byte{8};
  shared_rt(heap, "shared v3 in the SOHM heap");

  auto link_rt = [](const LinkMessage& m, const std::string& what) {
    round_trip(
        m, [](const LinkMessage& x) { return encode_link(x, k8); },
        [](const Bytes& b) { return decode_link(b, 0, k8); }, what);
  };
  LinkMessage user;
  user.link_type = 65;
  user.name = std::string(300, 'n');  // two-byte name length
  user.creation_order = 99;
  user.user_data = {std::byte{1}, std::byte{2}};
  link_rt(user, "user-defined link with long name");
  CHECK(encode_link(user, k8)[1] == std::byte{0x0D});  // width 2, creation order, link type
  LinkMessage ext;
  ext.link_type = static_cast<std::uint8_t>(LinkType::external);
  ext.name = "ext";
  ext.name_charset = CharacterSet::utf8;
  ext.external_file = "file.h5";
  ext.external_path = "/a/b";
  link_rt(ext, "external link, utf-8 name");

  round_trip(
      LinkInfoMessage{0, true, true, 41, 100, 200, 300},
      [](const LinkInfoMessage& x) { return encode_link_info(x, k8); },
      [](const Bytes& b) { return decode_link_info(b, 0, k8); }, "link info");
  round_trip(
      GroupInfoMessage{0, 16, 12, 30, 20},
      [](const GroupInfoMessage& x) { return encode_group_info(x); },
      [](const Bytes& b) { return decode_group_info(b, 0); }, "group info");
  round_trip(
      AttributeInfoMessage{0, true, true, 7, 100, 200, 300},
      [](const AttributeInfoMessage& x) { return encode_attribute_info(x, k4); },
      [](const Bytes& b) { return decode_attribute_info(b, 0, k4); }, "attribute info");
  round_trip(
      SymbolTableMessage{136, 680},
      [](const SymbolTableMessage& x) { return encode_symbol_table_message(x, k8); },
      [](const Bytes& b) { return decode_symbol_table_message(b, 0, k8); }, "symbol table");
  round_trip(
      ContinuationMessage{4096, 512},
      [](const ContinuationMessage& x) { return encode_continuation(x, k4); },
      [](const Bytes& b) { return decode_continuation(b, 0, k4); }, "continuation");
  round_trip(
      ReferenceCountMessage{0, 3},
      [](const ReferenceCountMessage& x) { return encode_reference_count(x); },
      [](const Bytes& b) { return decode_reference_count(b, 0); }, "reference count");

  // 2024-02-29T12:34:56Z, a leap day.
  const std::string stamp = "20240229123456";
  Bytes old(16, std::byte{0});
  std::memcpy(old.data(), stamp.data(), stamp.size());
  CHECK(decode_old_modification_time(old, 0).seconds == 1709210096u);
  CHECK(encode_old_modification_time(1709210096u) == old);
  old[3] = std::byte{'x'};
  CHECK(error_of([&] { decode_old_modification_time(old, 0); }, "decode") ==
        h5mem::ErrorCode::corruption);
  round_trip(
      ModificationTimeMessage{1, 1700000000u},
      [](const ModificationTimeMessage& x) { return encode_modification_time(x); },
      [](const Bytes& b) { return decode_modification_time(b, 0); }, "modification time");
}

namespace {

// Places encoded chunks at their addresses in a zeroed image of `size` bytes.
Bytes place_chunks(const ObjectHeader& h, const std::vector<Bytes>& chunks, std::size_t size) {
  Bytes image(size, std::byte{0});
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    REQUIRE(h.chunks[c].address + chunks[c].size() <= size);
    std::copy(chunks[c].begin(), chunks[c].end(),
              image.begin() + static_cast<std::ptrdiff_t>(h.chunks[c].address));
  }
  return image;
}

std::vector<HeaderMessage> sample_messages(int n) {
  std::vector<HeaderMessage> out;
  for (int i = 0; i < n; ++i) {
    HeaderMessage m;
    m.type = static_cast<std::uint16_t>(HeaderMessageType::attribute);
    m.flags = static_cast<std::uint8_t>(i % 2 ? kMessageConstant : 0);
    m.creation_order = static_cast<std::uint16_t>(i);
    m.body.assign(static_cast<std::size_t>(10 + 11 * i), static_cast<std::byte>(i + 1));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

TEST_CASE("planned object headers split into continuation chunks and decode back") {
  for (std::uint8_t version : {1, 2}) {
    for (bool track : {false, true}) {
      if (version == 1 && track) continue;
      INFO("version " << int(version) << ", creation order " << track);
      ObjectHeader prefix;
      prefix.version = version;
      prefix.reference_count = 3;
      prefix.track_attribute_order = track;
      if (version == 2) {
        prefix.times = ObjectTimes{1, 2, 3, 4};
        prefix.phase_change = AttributePhaseChange{20, 10};
      }
      const auto messages = sample_messages(12);
      ObjectHeader h = plan_object_header(prefix, messages, {200, 200}, k8);
      REQUIRE(h.chunks.size() > 3);
      CHECK(std::is_sorted(
          h.messages.begin(), h.messages.end(),
          [](const HeaderMessage& a, const HeaderMessage& b) { return a.chunk < b.chunk; }));
      // Lay the chunks out with gaps between them, as a writer might.
      std::vector<std::uint64_t> addresses;
      std::uint64_t next = 64;
      for (const HeaderChunk& c : h.chunks) {
        addresses.push_back(next);
        next += c.size + 24;
      }
      assign_chunk_addresses(h, addresses, k8);
      const std::vector<Bytes> chunks = encode_object_header(h, k8);
      for (std::size_t c = 0; c < chunks.size(); ++c) CHECK(chunks[c].size() == h.chunks[c].size);
      const Bytes image = place_chunks(h, chunks, next);
      const ObjectHeader back = decode_object_header(image, 64, k8);
      REQUIRE(back.chunks.size() == h.chunks.size());
      CHECK(encode_object_header(back, k8) == chunks);
      CHECK(back.reference_count == (version == 1 ? 3u : 1u));
      CHECK(back.times == prefix.times);
      CHECK(back.phase_change == prefix.phase_change);
      std::vector<const HeaderMessage*> payload;
      for (const HeaderMessage& m : back.messages) {
        if (m.kind() == HeaderMessageType::attribute) payload.push_back(&m);
      }
      REQUIRE(payload.size() == messages.size());
      for (std::size_t i = 0; i < messages.size(); ++i) {
        CHECK(payload[i]->flags == messages[i].flags);
        CHECK(payload[i]->creation_order == (track ? messages[i].creation_order : 0));
        Bytes expected = messages[i].body;
        if (version == 1) expected.resize(align8(expected.size()), std::byte{0});
        CHECK(payload[i]->body == expected);
      }
      // Each chunk's message data stays within the limit (every message here fits one).
      for (std::size_t c = 1; c < h.chunks.size(); ++c) {
        CHECK(h.chunks[c].size - (version == 2 ? 8 : 0) <= 200);
      }
    }
  }
}

TEST_CASE("planned chunk 0 is padded with a NIL message or a v2 gap") {
  ObjectHeader prefix;
  const auto messages = sample_messages(2);  // 4 + 10 and 4 + 21 bytes in v2
  ObjectHeader h = plan_object_header(prefix, messages, {0, 256}, k8);
  REQUIRE(h.chunks.size() == 1);
  REQUIRE(h.messages.size() == 3);
  CHECK(h.messages.back().kind() == HeaderMessageType::nil);
  CHECK(h.chunks[0].gap == 0);
  assign_chunk_addresses(h, std::vector<std::uint64_t>{0}, k8);
  auto chunks = encode_object_header(h, k8);
  CHECK(chunks[0].size() == 4 + 1 + 1 + 2 + 256 + 4);  // chunk 0 needs a 2-byte size field
  ObjectHeader back = decode_object_header(place_chunks(h, chunks, chunks[0].size()), 0, k8);
  CHECK(back.chunk0_size_width == 2);

  ObjectHeader tight = plan_object_header(prefix, messages, {0, 4 + 10 + 4 + 21 + 3}, k8);
  CHECK(tight.messages.size() == 2);
  CHECK(tight.chunks[0].gap == 3);
  assign_chunk_addresses(tight, std::vector<std::uint64_t>{0}, k8);
  chunks = encode_object_header(tight, k8);
  back = decode_object_header(place_chunks(tight, chunks, chunks[0].size()), 0, k8);
  CHECK(back.chunks[0].gap == 3);
  CHECK(back.messages.size() == 2);

  prefix.version = 1;
  ObjectHeader v1 = plan_object_header(prefix, messages, {0, 100}, k8);
  assign_chunk_addresses(v1, std::vector<std::uint64_t>{0}, k8);
  chunks = encode_object_header(v1, k8);
  CHECK(chunks[0].size() == 16 + 104);  // rounded up to whole 8-byte units
  back = decode_object_header(place_chunks(v1, chunks, chunks[0].size()), 0, k8);
  CHECK(back.stored_message_count == back.messages.size());
}

TEST_CASE("malformed object headers are corruption, never loops or overreads") {
  ObjectHeader prefix;
  ObjectHeader h = plan_object_header(prefix, sample_messages(6), {80, 0}, k8);
  REQUIRE(h.chunks.size() >= 3);
  std::vector<std::uint64_t> addresses;
  std::uint64_t next = 0;
  for (const HeaderChunk& c : h.chunks) {
    addresses.push_back(next);
    next += c.size;
  }
  // Rewrites the last continuation message to target `target` and re-encodes (checksums
  // stay valid, so only the cycle/overlap checks can object).
  auto retarget_last = [&](std::uint64_t target, std::uint64_t length) {
    assign_chunk_addresses(h, addresses, k8);
    HeaderMessage* last = nullptr;
    for (HeaderMessage& m : h.messages) {
      if (m.kind() == HeaderMessageType::continuation) last = &m;
    }
    last->body = encode_continuation({target, length}, k8);
    return place_chunks(h, encode_object_header(h, k8), next);
  };
  SUBCASE("a continuation back to chunk 0 (a cycle)") {
    const Bytes image = retarget_last(0, h.chunks[0].size);
    CHECK(error_of([&] { decode_object_header(image, 0, k8); }, "decode") ==
          h5mem::ErrorCode::corruption);
  }
  SUBCASE("a continuation pointing at a chunk already read") {
    const Bytes image = retarget_last(addresses[1], h.chunks[1].size);
    CHECK(error_of([&] { decode_object_header(image, 0, k8); }, "decode") ==
          h5mem::ErrorCode::corruption);
  }
  SUBCASE("a continuation overlapping its own chunk") {
    const Bytes image = retarget_last(addresses[addresses.size() - 2] + 4, 40);
    CHECK(error_of([&] { decode_object_header(image, 0, k8); }, "decode") ==
          h5mem::ErrorCode::corruption);
  }
  SUBCASE("checksum mismatch names the structure and offset") {
    assign_chunk_addresses(h, addresses, k8);
    Bytes image = place_chunks(h, encode_object_header(h, k8), next);
    image[addresses[1] + 5] ^= std::byte{0x40};
    try {
      decode_object_header(image, 0, k8);
      FAIL("no error");
    } catch (const h5mem::Error& e) {
      CHECK(e.code() == h5mem::ErrorCode::corruption);
      const std::string what = e.what();
      CHECK(what.find("object header continuation block") != std::string::npos);
      CHECK(what.find("checksum") != std::string::npos);
      CHECK(what.find("at byte " + std::to_string(addresses[1] + h.chunks[1].size - 4)) !=
            std::string::npos);
    }
  }
  SUBCASE("addresses outside the file") {
    Bytes image(64, std::byte{0});
    CHECK(error_of([&] { decode_object_header(image, 64, k8); }, "decode") ==
          h5mem::ErrorCode::corruption);
    CHECK(error_of([&] { decode_object_header(image, kUndefinedAddress, k8); }, "decode") ==
          h5mem::ErrorCode::corruption);
    CHECK(error_of([&] { decode_object_header(image, 0, k8); }, "decode") ==
          h5mem::ErrorCode::unsupported);
  }
}

TEST_CASE("superblocks of every version encode and decode") {
  for (std::uint8_t version : {0, 1, 2, 3}) {
    for (FileSizes sizes : {k8, k4, FileSizes{2, 8}}) {
      for (std::uint64_t userblock : {0u, 512u}) {
        INFO("version " << int(version) << ", offsets " << int(sizes.offsets) << ", user block "
                        << userblock);
        Superblock sb;
        sb.version = version;
        sb.sizes = sizes;
        sb.location = userblock;
        sb.base_address = userblock;
        sb.eof_address = userblock + 400;
        sb.root_object_header = 96;
        if (version < 2) {
          sb.root_entry.object_header = 96;
          sb.root_entry.btree_address = 136;
          sb.root_entry.heap_address = 200;
          sb.group_leaf_k = 5;
          if (version == 1) sb.indexed_storage_k = 64;
        } else {
          sb.extension_address = 300;
          sb.consistency_flags = version == 3 ? 0x05 : 0;
        }
        Bytes file(userblock + 400, std::byte{0x11});
        const Bytes encoded = encode_superblock(sb);
        CHECK(encoded.size() == superblock_size(version, sizes));
        std::copy(encoded.begin(), encoded.end(),
                  file.begin() + static_cast<std::ptrdiff_t>(userblock));
        Superblock back;
        REQUIRE_NOTHROW(back = decode_superblock(file));
        CHECK(back == sb);
        if (version >= 2) {
          file[userblock + 20] ^= std::byte{1};
          auto c = error_of([&] { decode_superblock(file); }, "decode");
          CHECK(c == h5mem::ErrorCode::corruption);
        }
      }
    }
  }
  Superblock future;
  Bytes file = encode_superblock(future);
  file[8] = std::byte{4};
  CHECK(error_of([&] { decode_superblock(file); }, "decode") == h5mem::ErrorCode::unsupported);
  Bytes junk(4096, std::byte{0x42});
  CHECK(error_of([&] { decode_superblock(junk); }, "decode") == h5mem::ErrorCode::corruption);
  future.version = 9;
  CHECK(error_of([&] { encode_superblock(future); }, "encode") ==
        h5mem::ErrorCode::invalid_argument);
}
