// format/hdf5/extensible_array.cpp -- extensible array chunk index ("EAHD", "EAIB", "EASB",
// "EADB" and data block pages).
#include "format/hdf5/extensible_array.hpp"

#include <string>

#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

constexpr std::string_view kHeader = "extensible array header";
constexpr std::string_view kIndex = "extensible array index block";
constexpr std::string_view kSuper = "extensible array secondary block";
constexpr std::string_view kData = "extensible array data block";
constexpr std::string_view kPage = "extensible array data block page";

bool pow2(std::uint64_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}

struct Super {
  std::uint64_t blocks = 0;  // data blocks in this super block
  std::uint64_t block_elements = 0;
  std::uint64_t start_index = 0;  // of its first element, not counting the index block's
  std::uint64_t start_block = 0;  // data blocks before it
};

// libhdf5's derived geometry (H5EA__hdr_init / H5EA__iblock_alloc).
struct Geometry {
  std::vector<Super> supers;
  std::size_t index_supers = 0;         // super blocks addressed directly by the index block
  std::uint64_t index_block_addrs = 0;  // their data block addresses in the index block
  unsigned offset_size = 0;             // bytes of a block offset
  std::uint64_t page_elements = 0;
};

bool geometry(const ExtensibleArrayParams& p, Geometry& g) {
  if (!pow2(p.data_block_min_elements) || !pow2(p.secondary_block_min_pointers) ||
      p.secondary_block_min_pointers < 2 || p.max_elements_bits > 64 || p.max_page_bits > 32 ||
      p.max_elements_bits <= log2_floor(p.data_block_min_elements)) {
    return false;
  }
  const std::size_t n = 1 + p.max_elements_bits - log2_floor(p.data_block_min_elements);
  g.index_supers = 2u * log2_floor(p.secondary_block_min_pointers);
  if (g.index_supers > n) return false;
  g.index_block_addrs = 2u * (p.secondary_block_min_pointers - 1u);
  g.offset_size = (p.max_elements_bits + 7u) / 8u;
  g.page_elements = std::uint64_t{1} << p.max_page_bits;
  std::uint64_t start = 0, start_block = 0;
  const std::uint64_t cap = std::uint64_t{1} << 62;
  for (std::size_t u = 0; u < n; ++u) {
    Super s;
    s.blocks = std::uint64_t{1} << (u / 2);
    s.block_elements = (std::uint64_t{1} << ((u + 1) / 2)) * p.data_block_min_elements;
    s.start_index = start;
    s.start_block = start_block;
    g.supers.push_back(s);
    start = std::min(cap, start + std::min(cap, s.blocks * s.block_elements));
    start_block += s.blocks;
  }
  return true;
}

// libhdf5 1.10 writes the offset of a data block addressed from the index block as
// start_index + (index of the data block among ALL index-block data blocks) * block elements,
// not its true first element; it never checks the value on reading. Data blocks under a
// secondary block get start_index + j * block elements.
std::uint64_t quirk_offset(const Geometry& g, std::size_t u, std::uint64_t j) {
  const Super& sb = g.supers[u];
  if (u >= g.index_supers) return sb.start_index + j * sb.block_elements;
  return sb.start_index + (sb.start_block + j) * sb.block_elements;
}

// A secondary block holds one page bitmap per data block, each rounded up to whole bytes
// (libhdf5's dblk_page_init_size); page p of data block j is bit j * pages + p of the
// concatenation, most significant bit first.
std::uint64_t bitmap_bytes(const Geometry& g, const Super& sb) {
  return (sb.block_elements / g.page_elements + 7) / 8;
}

std::size_t header_size(const FileSizes& s) {
  return 12u + 6u * s.lengths + s.offsets + 4;
}

ChunkElementFormat format_for(std::uint8_t client, std::uint8_t esize, const FileSizes& s) {
  ChunkElementFormat f;
  f.filtered = client == 1;
  if (f.filtered) f.size_length = esize - s.offsets - 4u;
  return f;
}

bool bit_set(std::span<const std::byte> bitmap, std::uint64_t i) {
  return (static_cast<unsigned>(bitmap[i / 8]) & (0x80u >> (i % 8))) != 0;
}

// Checks the common block prefix: signature, version, client id, owning header address.
void check_prefix(ByteReader& r, std::string_view sig, const ExtensibleArrayHeader& h,
                  const FileSizes& s) {
  r.expect_signature(sig);
  if (r.u8() != 0) r.fail("unsupported block version");
  if (r.u8() != h.client_id) r.fail("client id differs from the header's");
  if (r.address(s) != h.address) r.fail("block belongs to another array");
}

}  // namespace

ExtensibleArrayHeader decode_extensible_array_header(const FileView& file, std::uint64_t address) {
  const FileSizes& s = file.sizes;
  ByteReader r = file.at(address, header_size(s), kHeader);
  ByteReader all = r;
  r.expect_signature("EAHD");
  if (r.u8() != 0) r.fail("unsupported extensible array version");
  ExtensibleArrayHeader h;
  h.address = address;
  h.client_id = r.u8();
  h.element_size = r.u8();
  h.params.max_elements_bits = r.u8();
  h.params.index_block_elements = r.u8();
  h.params.data_block_min_elements = r.u8();
  h.params.secondary_block_min_pointers = r.u8();
  h.params.max_page_bits = r.u8();
  h.secondary_blocks = r.length(s);
  h.secondary_blocks_size = r.length(s);
  h.data_blocks = r.length(s);
  h.data_blocks_size = r.length(s);
  h.max_index_set = r.length(s);
  h.elements = r.length(s);
  h.index_block_address = r.address(s);
  verify_checksum(r, all.bytes(header_size(s)));
  const bool ok =
      (h.client_id == 0 && h.element_size == s.offsets) ||
      (h.client_id == 1 && h.element_size > s.offsets + 4u && h.element_size <= s.offsets + 12u);
  Geometry g;
  if (!ok || !geometry(h.params, g))
    fail_corrupt(kHeader, file.absolute(address), "parameters out of range");
  return h;
}

std::vector<IndexedChunk> decode_extensible_array(const FileView& file,
                                                  std::uint64_t header_address) {
  const FileSizes& s = file.sizes;
  const ExtensibleArrayHeader h = decode_extensible_array_header(file, header_address);
  Geometry g;
  geometry(h.params, g);
  const ChunkElementFormat fmt = format_for(h.client_id, h.element_size, s);
  const std::uint64_t es = h.element_size;
  std::vector<IndexedChunk> out;
  if (h.index_block_address == kUndefinedAddress) return out;
  WalkGuard guard("extensible array block", 2);
  auto collect = [&](ByteReader& r, std::uint64_t first, std::uint64_t count) {
    for (std::uint64_t i = 0; i < count; ++i) {
      ChunkEntry e = decode_chunk_element(r, s, fmt);
      if (e.address != kUndefinedAddress) out.push_back({first + i, e});
    }
  };
  const std::uint64_t idx_elems = h.params.index_block_elements;
  auto data_block = [&](std::uint64_t addr, std::size_t u, std::uint64_t j,
                        std::span<const std::byte> bitmap) {
    const Super& sb = g.supers[u];
    const std::uint64_t n = sb.block_elements;
    const bool paged = n > g.page_elements;
    const std::uint64_t prefix = 6u + s.offsets + g.offset_size + 4;
    if (!paged && n > file.bytes.size() / es)
      fail_corrupt(kData, file.absolute(addr), "block larger than the file");
    ByteReader r = file.at(addr, prefix + (paged ? 0 : n * es), kData);
    guard.enter(r.offset(), 1);
    ByteReader all = r;
    check_prefix(r, "EADB", h, s);
    const std::uint64_t block_offset = sb.start_index + j * n;
    const std::uint64_t stored = r.uint_n(g.offset_size);
    if (stored != block_offset && stored != quirk_offset(g, u, j)) {
      r.fail("block offset differs from its place in the array");
    }
    ByteReader elems = r;
    r.skip(static_cast<std::size_t>(paged ? 0 : n * es));
    verify_checksum(r, all.bytes(static_cast<std::size_t>(prefix + (paged ? 0 : n * es))));
    const std::uint64_t first = idx_elems + block_offset;
    if (!paged) return collect(elems, first, n);
    if (bitmap.empty())
      throw Error(ErrorCode::unsupported, "extensible array: paged data block in the index block");
    const std::uint64_t npages = n / g.page_elements;
    const std::uint64_t page_size = g.page_elements * es + 4;
    for (std::uint64_t p = 0; p < npages; ++p) {
      if (!bit_set(bitmap, j * npages + p)) continue;
      ByteReader pr = file.at(addr + prefix + p * page_size, page_size, kPage);
      ByteReader pall = pr, pe = pr;
      pr.skip(static_cast<std::size_t>(page_size - 4));
      verify_checksum(pr, pall.bytes(static_cast<std::size_t>(page_size)));
      collect(pe, first + p * g.page_elements, g.page_elements);
    }
  };

  const std::uint64_t nsuper_addrs = g.supers.size() - g.index_supers;
  const std::uint64_t isize =
      6u + s.offsets + idx_elems * es + (g.index_block_addrs + nsuper_addrs) * s.offsets + 4;
  ByteReader r = file.at(h.index_block_address, isize, kIndex);
  guard.enter(r.offset(), 0);
  ByteReader all = r;
  check_prefix(r, "EAIB", h, s);
  ByteReader elems = r;
  r.skip(static_cast<std::size_t>(idx_elems * es));
  std::vector<std::uint64_t> dblocks, sblocks;
  for (std::uint64_t i = 0; i < g.index_block_addrs; ++i) dblocks.push_back(r.address(s));
  for (std::uint64_t i = 0; i < nsuper_addrs; ++i) sblocks.push_back(r.address(s));
  verify_checksum(r, all.bytes(static_cast<std::size_t>(isize)));
  collect(elems, 0, idx_elems);

  std::size_t u = 0;
  for (std::uint64_t i = 0; i < dblocks.size(); ++i) {
    while (i >= g.supers[u].start_block + g.supers[u].blocks) ++u;
    if (dblocks[i] != kUndefinedAddress) data_block(dblocks[i], u, i - g.supers[u].start_block, {});
  }
  for (std::uint64_t k = 0; k < sblocks.size(); ++k) {
    if (sblocks[k] == kUndefinedAddress) continue;
    const std::size_t su = g.index_supers + k;
    const Super& sb = g.supers[su];
    const bool paged = sb.block_elements > g.page_elements;
    const std::uint64_t bitmap_size = paged ? sb.blocks * bitmap_bytes(g, sb) : 0;
    const std::uint64_t size =
        6u + s.offsets + g.offset_size + bitmap_size + sb.blocks * s.offsets + 4;
    ByteReader sr = file.at(sblocks[k], size, kSuper);
    guard.enter(sr.offset(), 1);
    ByteReader sall = sr;
    check_prefix(sr, "EASB", h, s);
    if (sr.uint_n(g.offset_size) != sb.start_index)
      sr.fail("block offset differs from its place in the array");
    auto bitmap = sr.bytes(static_cast<std::size_t>(bitmap_size));
    std::vector<std::uint64_t> addrs;
    for (std::uint64_t j = 0; j < sb.blocks; ++j) addrs.push_back(sr.address(s));
    verify_checksum(sr, sall.bytes(static_cast<std::size_t>(size)));
    for (std::uint64_t j = 0; j < sb.blocks; ++j) {
      if (addrs[j] != kUndefinedAddress) data_block(addrs[j], su, j, bitmap);
    }
  }
  return out;
}

EncodedExtensibleArray encode_extensible_array(std::span<const ChunkEntry> entries,
                                               std::uint64_t address, const FileSizes& s,
                                               const ChunkElementFormat& fmt,
                                               const ExtensibleArrayParams& p) {
  Geometry g;
  if (!geometry(p, g))
    throw Error(ErrorCode::invalid_argument, "extensible array: invalid parameters");
  if (p.max_elements_bits < 64 && entries.size() > (std::uint64_t{1} << p.max_elements_bits)) {
    throw Error(ErrorCode::invalid_argument,
                "extensible array: more entries than max_elements_bits allows");
  }
  const std::size_t es = fmt.element_size(s);
  const std::uint64_t idx_elems = p.index_block_elements;
  auto defined = [&](std::uint64_t first, std::uint64_t count) {
    for (std::uint64_t i = first; i < first + count && i < entries.size(); ++i) {
      if (entries[i].address != kUndefinedAddress) return true;
    }
    return false;
  };
  auto element = [&](ByteWriter& w, std::uint64_t i) {
    encode_chunk_element(w, i < entries.size() ? entries[i] : ChunkEntry{}, s, fmt);
  };
  ExtensibleArrayHeader h;
  for (std::uint64_t i = 0; i < entries.size(); ++i) {
    if (entries[i].address != kUndefinedAddress) h.max_index_set = i + 1;
  }
  const std::uint64_t nsuper_addrs = g.supers.size() - g.index_supers;
  const std::uint64_t isize =
      6u + s.offsets + idx_elems * es + (g.index_block_addrs + nsuper_addrs) * s.offsets + 4;
  const std::uint64_t prefix = 6u + s.offsets + g.offset_size + 4;
  auto dblock_size = [&](const Super& sb) {
    const bool paged = sb.block_elements > g.page_elements;
    return prefix + sb.block_elements * es + (paged ? sb.block_elements / g.page_elements * 4 : 0);
  };

  // Pass 1: decide which blocks exist and where they go.
  const bool any = h.max_index_set > 0;
  std::uint64_t next = address + header_size(s) + (any ? isize : 0);
  std::vector<std::vector<std::uint64_t>> dblock_addr(g.supers.size());
  std::vector<std::uint64_t> sblock_addr(g.supers.size(), kUndefinedAddress);
  std::vector<std::uint64_t> sblock_size(g.supers.size(), 0);
  for (std::size_t u = 0; any && u < g.supers.size(); ++u) {
    const Super& sb = g.supers[u];
    if (idx_elems + sb.start_index >= h.max_index_set) break;
    dblock_addr[u].assign(sb.blocks, kUndefinedAddress);
    const bool paged = sb.block_elements > g.page_elements;
    if (u >= g.index_supers && defined(idx_elems + sb.start_index, sb.blocks * sb.block_elements)) {
      const std::uint64_t bitmap = paged ? sb.blocks * bitmap_bytes(g, sb) : 0;
      sblock_size[u] = prefix + bitmap + sb.blocks * s.offsets;
      sblock_addr[u] = next;
      next += sblock_size[u];
      ++h.secondary_blocks;
      h.secondary_blocks_size += sblock_size[u];
    }
    for (std::uint64_t j = 0; j < sb.blocks; ++j) {
      if (!defined(idx_elems + sb.start_index + j * sb.block_elements, sb.block_elements)) continue;
      if (u < g.index_supers && paged)
        throw Error(ErrorCode::unsupported,
                    "extensible array: paged data block in the index block");
      dblock_addr[u][j] = next;
      next += dblock_size(sb);
      ++h.data_blocks;
      h.data_blocks_size += dblock_size(sb);
      h.elements += sb.block_elements;
    }
  }
  if (any) h.elements += idx_elems;

  EncodedExtensibleArray out;
  out.header_address = address;
  ByteWriter w(out.bytes);
  w.text("EAHD");
  w.u8(0);
  w.u8(fmt.filtered ? 1 : 0);
  w.u8(static_cast<std::uint8_t>(es));
  for (std::uint8_t v : {p.max_elements_bits, p.index_block_elements, p.data_block_min_elements,
                         p.secondary_block_min_pointers, p.max_page_bits}) {
    w.u8(v);
  }
  for (std::uint64_t v : {h.secondary_blocks, h.secondary_blocks_size, h.data_blocks,
                          h.data_blocks_size, h.max_index_set, h.elements}) {
    w.length(v, s);
  }
  w.address(any ? address + header_size(s) : kUndefinedAddress, s);
  append_checksum(w, 0);
  if (!any) return out;

  // Pass 2: write the blocks in address order.
  std::size_t start = out.bytes.size();
  w.text("EAIB");
  w.u8(0);
  w.u8(fmt.filtered ? 1 : 0);
  w.address(address, s);
  for (std::uint64_t i = 0; i < idx_elems; ++i) element(w, i);
  for (std::size_t u = 0; u < g.index_supers; ++u) {
    for (std::uint64_t j = 0; j < g.supers[u].blocks; ++j) {
      w.address(j < dblock_addr[u].size() ? dblock_addr[u][j] : kUndefinedAddress, s);
    }
  }
  for (std::size_t u = g.index_supers; u < g.supers.size(); ++u) w.address(sblock_addr[u], s);
  append_checksum(w, start);
  for (std::size_t u = 0; u < g.supers.size() && !dblock_addr[u].empty(); ++u) {
    const Super& sb = g.supers[u];
    const bool paged = sb.block_elements > g.page_elements;
    const std::uint64_t npages = paged ? sb.block_elements / g.page_elements : 0;
    if (sblock_addr[u] != kUndefinedAddress) {
      start = out.bytes.size();
      w.text("EASB");
      w.u8(0);
      w.u8(fmt.filtered ? 1 : 0);
      w.address(address, s);
      w.uint_n(sb.start_index, g.offset_size);
      std::vector<std::uint8_t> bitmap(paged ? sb.blocks * bitmap_bytes(g, sb) : 0, 0);
      for (std::uint64_t j = 0; j < sb.blocks && paged; ++j) {
        for (std::uint64_t q = 0; q < npages; ++q) {
          if (defined(idx_elems + sb.start_index + j * sb.block_elements + q * g.page_elements,
                      g.page_elements)) {
            bitmap[(j * npages + q) / 8] |=
                static_cast<std::uint8_t>(0x80u >> ((j * npages + q) % 8));
          }
        }
      }
      for (auto b : bitmap) w.u8(b);
      for (auto a : dblock_addr[u]) w.address(a, s);
      append_checksum(w, start);
    }
    for (std::uint64_t j = 0; j < sb.blocks; ++j) {
      if (dblock_addr[u][j] == kUndefinedAddress) continue;
      const std::uint64_t first = idx_elems + sb.start_index + j * sb.block_elements;
      start = out.bytes.size();
      w.text("EADB");
      w.u8(0);
      w.u8(fmt.filtered ? 1 : 0);
      w.address(address, s);
      w.uint_n(quirk_offset(g, u, j), g.offset_size);
      if (!paged) {
        for (std::uint64_t i = 0; i < sb.block_elements; ++i) element(w, first + i);
        append_checksum(w, start);
        continue;
      }
      append_checksum(w, start);
      for (std::uint64_t q = 0; q < npages; ++q) {
        const std::uint64_t pfirst = first + q * g.page_elements;
        if (!defined(pfirst, g.page_elements)) {
          w.zeros(static_cast<std::size_t>(g.page_elements * es + 4));
          continue;
        }
        const std::size_t pstart = out.bytes.size();
        for (std::uint64_t i = 0; i < g.page_elements; ++i) element(w, pfirst + i);
        append_checksum(w, pstart);
      }
    }
  }
  return out;
}

}  // namespace h5mem::detail
