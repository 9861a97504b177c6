// format/hdf5/fixed_array.cpp -- fixed array chunk index ("FAHD", "FADB", pages).
#include "format/hdf5/fixed_array.hpp"

#include <string>

#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

constexpr std::string_view kHeader = "fixed array header";
constexpr std::string_view kBlock = "fixed array data block";
constexpr std::string_view kPage = "fixed array data block page";

std::size_t header_size(const FileSizes& s) {
  return 8u + s.lengths + s.offsets + 4;
}

bool bit_set(std::span<const std::byte> bitmap, std::uint64_t i) {
  return (static_cast<unsigned>(bitmap[i / 8]) & (0x80u >> (i % 8))) != 0;
}

}  // namespace

ChunkElementFormat FixedArrayHeader::format(const FileSizes& sizes) const noexcept {
  ChunkElementFormat f;
  f.filtered = client_id == 1;
  if (f.filtered && entry_size > sizes.offsets + 4u)
    f.size_length = entry_size - sizes.offsets - 4u;
  return f;
}

FixedArrayHeader decode_fixed_array_header(const FileView& file, std::uint64_t address) {
  const FileSizes& s = file.sizes;
  ByteReader r = file.at(address, header_size(s), kHeader);
  ByteReader all = r;
  r.expect_signature("FAHD");
  if (r.u8() != 0) r.fail("unsupported fixed array version");
  FixedArrayHeader h;
  h.address = address;
  h.client_id = r.u8();
  h.entry_size = r.u8();
  h.page_bits = r.u8();
  h.max_entries = r.length(s);
  h.data_block_address = r.address(s);
  verify_checksum(r, all.bytes(header_size(s)));
  const bool ok =
      (h.client_id == 0 && h.entry_size == s.offsets) ||
      (h.client_id == 1 && h.entry_size > s.offsets + 4u && h.entry_size <= s.offsets + 12u);
  if (!ok) fail_corrupt(kHeader, file.absolute(address), "client id / entry size mismatch");
  if (h.page_bits > 32) fail_corrupt(kHeader, file.absolute(address), "page bits above 32");
  return h;
}

std::vector<IndexedChunk> decode_fixed_array(const FileView& file, std::uint64_t header_address) {
  const FileSizes& s = file.sizes;
  const FixedArrayHeader h = decode_fixed_array_header(file, header_address);
  const ChunkElementFormat fmt = h.format(s);
  std::vector<IndexedChunk> out;
  if (h.data_block_address == kUndefinedAddress) return out;

  const std::uint64_t page_n = std::uint64_t{1} << h.page_bits;
  const bool paged = h.max_entries > page_n;
  const std::uint64_t npages = paged ? h.max_entries / page_n + (h.max_entries % page_n != 0) : 0;
  const std::uint64_t bitmap_size = (npages + 7) / 8;
  const std::uint64_t prefix = 6u + s.offsets + bitmap_size + 4;
  const std::uint64_t elements = paged ? 0 : h.max_entries;
  if (!paged && h.max_entries > file.bytes.size() / h.entry_size) {
    fail_corrupt(kBlock, file.absolute(h.data_block_address),
                 "more entries than the file can hold");
  }
  ByteReader r = file.at(h.data_block_address, prefix + elements * h.entry_size, kBlock);
  ByteReader all = r;
  r.expect_signature("FADB");
  if (r.u8() != 0) r.fail("unsupported data block version");
  if (r.u8() != h.client_id) r.fail("client id differs from the header's");
  if (r.address(s) != header_address) r.fail("data block belongs to another array");
  auto bitmap = r.bytes(static_cast<std::size_t>(bitmap_size));
  const std::size_t elem_pos = r.position();
  r.skip(static_cast<std::size_t>(elements * h.entry_size));
  verify_checksum(r, all.bytes(static_cast<std::size_t>(prefix + elements * h.entry_size)));
  auto collect = [&](ByteReader& er, std::uint64_t first, std::uint64_t count) {
    for (std::uint64_t i = 0; i < count; ++i) {
      ChunkEntry e = decode_chunk_element(er, s, fmt);
      if (e.address != kUndefinedAddress) out.push_back({first + i, e});
    }
  };
  if (!paged) {
    ByteReader er = r;
    er.seek(elem_pos);
    collect(er, 0, elements);
    return out;
  }
  const std::uint64_t page_size = page_n * h.entry_size + 4;
  for (std::uint64_t p = 0; p < npages; ++p) {
    if (!bit_set(bitmap, p)) continue;
    const std::uint64_t count = p + 1 == npages ? h.max_entries - p * page_n : page_n;
    ByteReader pr =
        file.at(h.data_block_address + prefix + p * page_size, count * h.entry_size + 4, kPage);
    ByteReader pall = pr;
    ByteReader er = pr;
    pr.skip(static_cast<std::size_t>(count * h.entry_size));
    verify_checksum(pr, pall.bytes(static_cast<std::size_t>(count * h.entry_size + 4)));
    collect(er, p * page_n, count);
  }
  return out;
}

EncodedFixedArray encode_fixed_array(std::span<const ChunkEntry> entries, std::uint64_t address,
                                     const FileSizes& s, const ChunkElementFormat& fmt,
                                     unsigned page_bits) {
  if (page_bits > 32) throw Error(ErrorCode::invalid_argument, "fixed array: page bits above 32");
  EncodedFixedArray out;
  out.header_address = address;
  const std::size_t esize = fmt.element_size(s);
  const std::uint64_t n = entries.size();
  const std::uint64_t dblock = address + header_size(s);
  ByteWriter w(out.bytes);
  w.text("FAHD");
  w.u8(0);
  w.u8(fmt.filtered ? 1 : 0);
  w.u8(static_cast<std::uint8_t>(esize));
  w.u8(static_cast<std::uint8_t>(page_bits));
  w.length(n, s);
  w.address(dblock, s);
  append_checksum(w, 0);

  const std::uint64_t page_n = std::uint64_t{1} << page_bits;
  const bool paged = n > page_n;
  const std::uint64_t npages = paged ? (n + page_n - 1) / page_n : 0;
  const std::size_t start = out.bytes.size();
  w.text("FADB");
  w.u8(0);
  w.u8(fmt.filtered ? 1 : 0);
  w.address(address, s);
  std::vector<bool> init(npages, false);
  for (std::uint64_t i = 0; paged && i < n; ++i) {
    if (entries[i].address != kUndefinedAddress) init[i / page_n] = true;
  }
  for (std::uint64_t b = 0; b < (npages + 7) / 8; ++b) {
    unsigned byte = 0;
    for (unsigned k = 0; k < 8 && b * 8 + k < npages; ++k) {
      if (init[b * 8 + k]) byte |= 0x80u >> k;
    }
    w.u8(static_cast<std::uint8_t>(byte));
  }
  if (!paged) {
    for (const auto& e : entries) encode_chunk_element(w, e, s, fmt);
  }
  append_checksum(w, start);
  for (std::uint64_t p = 0; p < npages; ++p) {
    const std::uint64_t count = p + 1 == npages ? n - p * page_n : page_n;
    if (!init[p]) {
      w.zeros(static_cast<std::size_t>(count * esize + 4));
      continue;
    }
    const std::size_t page_start = out.bytes.size();
    for (std::uint64_t i = 0; i < count; ++i)
      encode_chunk_element(w, entries[p * page_n + i], s, fmt);
    append_checksum(w, page_start);
  }
  return out;
}

}  // namespace h5mem::detail
