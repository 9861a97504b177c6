// format/hdf5/messages/layout.cpp -- the data layout message, versions 1-5.
#include "format/hdf5/messages/layout.hpp"

#include <algorithm>
#include <string>

#include "core/fail.hpp"

namespace h5mem::detail {
namespace {

constexpr std::size_t kMaxChunkRank = 33;  // H5O_LAYOUT_NDIMS: 32 dimensions + element size

[[noreturn]] void invalid(const std::string& what) {
  fail(ErrorCode::invalid_argument, "layout message: " + what);
}

// Splits the stored dimension list of a chunked layout into chunk shape and element size.
void set_chunk_dims(ByteReader& r, LayoutMessage& m, const std::vector<std::uint64_t>& dims) {
  if (dims.size() < 2 || dims.size() > kMaxChunkRank) {
    r.fail("chunked layout with " + std::to_string(dims.size()) + " dimensions");
  }
  for (std::uint64_t d : dims) {
    if (d == 0) r.fail("chunk dimension of zero");
  }
  m.chunk_dims.assign(dims.begin(), dims.end() - 1);
  if (dims.back() > 0xFFFFFFFFu) r.fail("element size above 2^32");
  m.element_size = static_cast<std::uint32_t>(dims.back());
}

void read_v1_v2(ByteReader& r, LayoutMessage& m, const FileSizes& sizes) {
  const std::uint8_t ndims = r.u8();
  const std::uint8_t cls = r.u8();
  r.skip(5);
  if (cls > 2) r.fail("unknown layout class " + std::to_string(cls));
  m.layout_class = static_cast<LayoutClass>(cls);
  if (m.layout_class != LayoutClass::compact) m.address = r.address(sizes);
  if (ndims > kMaxChunkRank) r.fail("layout with " + std::to_string(ndims) + " dimensions");
  std::vector<std::uint64_t> dims;
  for (std::uint8_t i = 0; i < ndims; ++i) dims.push_back(r.u32());
  if (m.layout_class == LayoutClass::chunked) {
    set_chunk_dims(r, m, dims);
    return;
  }
  m.legacy_dims.assign(dims.begin(), dims.end());
  if (m.layout_class == LayoutClass::compact) {
    auto data = r.bytes(r.u32());
    m.compact_data.assign(data.begin(), data.end());
  }
}

void read_chunk_index(ByteReader& r, LayoutMessage& m, const FileSizes& sizes) {
  const std::uint8_t type = r.u8();
  if (type < 1 || type > 5) r.fail("unknown chunk index type " + std::to_string(type));
  m.index_type = static_cast<ChunkIndexType>(type);
  switch (m.index_type) {
    case ChunkIndexType::single_chunk:
      if (m.chunk_flags & kLayoutSingleIndexWithFilter) {
        m.single_chunk.filtered_size = r.length(sizes);
        m.single_chunk.filter_mask = r.u32();
      }
      break;
    case ChunkIndexType::fixed_array:
      m.fixed_array.page_bits = r.u8();
      break;
    case ChunkIndexType::extensible_array:
      m.extensible_array.max_bits = r.u8();
      m.extensible_array.index_elements = r.u8();
      m.extensible_array.min_pointers = r.u8();
      m.extensible_array.min_elements = r.u8();
      m.extensible_array.page_bits = r.u8();
      break;
    case ChunkIndexType::btree_v2:
      m.btree_v2.node_size = r.u32();
      m.btree_v2.split_percent = r.u8();
      m.btree_v2.merge_percent = r.u8();
      break;
    default:
      break;
  }
  m.address = r.address(sizes);
}

void read_v3_plus(ByteReader& r, LayoutMessage& m, const FileSizes& sizes) {
  const std::uint8_t cls = r.u8();
  if (cls > 3 || (cls == 3 && m.version < 4)) r.fail("unknown layout class " + std::to_string(cls));
  m.layout_class = static_cast<LayoutClass>(cls);
  switch (m.layout_class) {
    case LayoutClass::compact: {
      auto data = r.bytes(r.u16());
      m.compact_data.assign(data.begin(), data.end());
      return;
    }
    case LayoutClass::contiguous:
      m.address = r.address(sizes);
      m.size = r.length(sizes);
      return;
    case LayoutClass::virtual_storage:
      m.address = r.address(sizes);
      m.virtual_index = r.u32();
      return;
    case LayoutClass::chunked:
      break;
  }
  std::vector<std::uint64_t> dims;
  if (m.version == 3) {
    const std::uint8_t ndims = r.u8();
    if (ndims > kMaxChunkRank) r.fail("layout with " + std::to_string(ndims) + " dimensions");
    m.address = r.address(sizes);
    for (std::uint8_t i = 0; i < ndims; ++i) dims.push_back(r.u32());
    set_chunk_dims(r, m, dims);
    return;
  }
  m.chunk_flags = r.u8();
  if (m.chunk_flags & ~std::uint8_t{0x03}) r.fail("unknown chunked layout flags");
  const std::uint8_t ndims = r.u8();
  if (ndims > kMaxChunkRank) r.fail("layout with " + std::to_string(ndims) + " dimensions");
  m.dim_width = r.u8();
  if (m.dim_width < 1 || m.dim_width > 8) {
    r.fail("chunk dimension width of " + std::to_string(m.dim_width) + " bytes");
  }
  for (std::uint8_t i = 0; i < ndims; ++i) dims.push_back(r.uint_n(m.dim_width));
  set_chunk_dims(r, m, dims);
  read_chunk_index(r, m, sizes);
}

// The fewest bytes that hold `v` (at least 1), as libhdf5 sizes v4 chunk dimensions.
std::uint8_t bytes_for(std::uint64_t v) {
  std::uint8_t n = 1;
  while (n < 8 && (v >> (8 * n)) != 0) ++n;
  return n;
}

void write_chunked(ByteWriter& w, const LayoutMessage& m, const FileSizes& sizes) {
  if (m.chunk_dims.empty() || m.chunk_dims.size() + 1 > kMaxChunkRank) invalid("chunk rank");
  const auto ndims = static_cast<std::uint8_t>(m.chunk_dims.size() + 1);
  if (m.version < 4) {
    if (m.index_type != ChunkIndexType::btree_v1) invalid("versions 1-3 index chunks by v1 B-tree");
    for (std::uint64_t d : m.chunk_dims) {
      if (d > 0xFFFFFFFFu) invalid("chunk dimension above 2^32 needs version 4");
    }
    if (m.version == 3) {
      w.u8(ndims);
      w.address(m.address, sizes);
    } else {
      w.u8(ndims);
      w.u8(static_cast<std::uint8_t>(LayoutClass::chunked));
      w.zeros(5);
      w.address(m.address, sizes);
    }
    for (std::uint64_t d : m.chunk_dims) w.u32(static_cast<std::uint32_t>(d));
    w.u32(m.element_size);
    return;
  }
  if (m.index_type == ChunkIndexType::btree_v1) invalid("version 4+ cannot use a v1 B-tree index");
  std::uint8_t width = bytes_for(m.element_size);
  for (std::uint64_t d : m.chunk_dims) width = std::max(width, bytes_for(d));
  if (m.dim_width != 0) {
    if (m.dim_width < width || m.dim_width > 8) invalid("dim_width too small for the chunk dims");
    width = m.dim_width;
  }
  w.u8(m.chunk_flags);
  w.u8(ndims);
  w.u8(width);
  for (std::uint64_t d : m.chunk_dims) w.uint_n(d, width);
  w.uint_n(m.element_size, width);
  w.u8(static_cast<std::uint8_t>(m.index_type));
  switch (m.index_type) {
    case ChunkIndexType::single_chunk:
      if (m.chunk_flags & kLayoutSingleIndexWithFilter) {
        w.length(m.single_chunk.filtered_size, sizes);
        w.u32(m.single_chunk.filter_mask);
      }
      break;
    case ChunkIndexType::fixed_array:
      w.u8(m.fixed_array.page_bits);
      break;
    case ChunkIndexType::extensible_array:
      w.u8(m.extensible_array.max_bits);
      w.u8(m.extensible_array.index_elements);
      w.u8(m.extensible_array.min_pointers);
      w.u8(m.extensible_array.min_elements);
      w.u8(m.extensible_array.page_bits);
      break;
    case ChunkIndexType::btree_v2:
      w.u32(m.btree_v2.node_size);
      w.u8(m.btree_v2.split_percent);
      w.u8(m.btree_v2.merge_percent);
      break;
    default:
      break;
  }
  w.address(m.address, sizes);
}

void write_v1_v2(ByteWriter& w, const LayoutMessage& m, const FileSizes& sizes) {
  if (m.layout_class == LayoutClass::chunked) {
    write_chunked(w, m, sizes);
    return;
  }
  if (m.layout_class == LayoutClass::virtual_storage) invalid("virtual storage needs version 4");
  if (m.legacy_dims.size() > kMaxChunkRank) invalid("too many dimensions");
  w.u8(static_cast<std::uint8_t>(m.legacy_dims.size()));
  w.u8(static_cast<std::uint8_t>(m.layout_class));
  w.zeros(5);
  if (m.layout_class == LayoutClass::contiguous) w.address(m.address, sizes);
  for (std::uint32_t d : m.legacy_dims) w.u32(d);
  if (m.layout_class == LayoutClass::compact) {
    w.u32(static_cast<std::uint32_t>(m.compact_data.size()));
    w.bytes(m.compact_data);
  }
}

}  // namespace

LayoutMessage decode_layout(std::span<const std::byte> body, std::uint64_t offset,
                            const FileSizes& sizes) {
  ByteReader r(body, offset, "layout message");
  LayoutMessage m;
  m.version = r.u8();
  if (m.version < 1 || m.version > 5) {
    fail(ErrorCode::unsupported, "layout message at byte " + std::to_string(offset) + ": version " +
                                     std::to_string(m.version));
  }
  if (m.version <= 2) {
    read_v1_v2(r, m, sizes);
  } else {
    read_v3_plus(r, m, sizes);
  }
  return m;
}

std::vector<std::byte> encode_layout(const LayoutMessage& m, const FileSizes& sizes) {
  if (m.version < 1 || m.version > 5) invalid("version must be 1-5");
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u8(m.version);
  if (m.version <= 2) {
    write_v1_v2(w, m, sizes);
    return out;
  }
  if (m.layout_class == LayoutClass::virtual_storage && m.version < 4) {
    invalid("virtual storage needs version 4");
  }
  w.u8(static_cast<std::uint8_t>(m.layout_class));
  switch (m.layout_class) {
    case LayoutClass::compact:
      if (m.compact_data.size() > 0xFFFF) invalid("compact data above 65535 bytes");
      w.u16(static_cast<std::uint16_t>(m.compact_data.size()));
      w.bytes(m.compact_data);
      break;
    case LayoutClass::contiguous:
      w.address(m.address, sizes);
      w.length(m.size, sizes);
      break;
    case LayoutClass::virtual_storage:
      w.address(m.address, sizes);
      w.u32(m.virtual_index);
      break;
    case LayoutClass::chunked:
      write_chunked(w, m, sizes);
      break;
  }
  return out;
}

}  // namespace h5mem::detail
