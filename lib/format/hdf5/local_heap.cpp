// format/hdf5/local_heap.cpp -- local heap ("HEAP") decoding and libhdf5-compatible encoding.
#include "format/hdf5/local_heap.hpp"

#include <algorithm>
#include <cstring>
#include <list>

namespace h5mem::detail {
namespace {

constexpr std::string_view kHeap = "local heap";

std::uint64_t align8(std::uint64_t n) {
  return (n + 7) & ~std::uint64_t{7};
}

}  // namespace

std::size_t local_heap_header_size(const FileSizes& sizes) noexcept {
  return 8 + 2u * sizes.lengths + sizes.offsets;
}

std::string LocalHeap::string_at(std::uint64_t offset) const {
  if (offset >= data.size()) {
    fail_corrupt(kHeap, data_address,
                 "name offset " + std::to_string(offset) + " outside the " +
                     std::to_string(data.size()) + "-byte data segment");
  }
  const auto* begin = reinterpret_cast<const char*>(data.data()) + offset;
  const void* nul = std::memchr(begin, 0, data.size() - offset);
  if (nul == nullptr) fail_corrupt(kHeap, data_address + offset, "string not NUL-terminated");
  return std::string(begin, static_cast<const char*>(nul));
}

LocalHeap decode_local_heap(const FileView& file, std::uint64_t address) {
  const FileSizes& s = file.sizes;
  ByteReader r = file.at(address, local_heap_header_size(s), kHeap);
  r.expect_signature("HEAP");
  if (r.u8() != 0) r.fail("unsupported local heap version");
  r.skip(3);
  LocalHeap heap;
  heap.address = address;
  const std::uint64_t data_size = r.length(s);
  std::uint64_t free_head = r.length(s);
  heap.data_address = r.address(s);
  ByteReader d = file.at(heap.data_address, data_size, kHeap);
  auto bytes = d.bytes(static_cast<std::size_t>(data_size));
  heap.data.assign(bytes.begin(), bytes.end());

  const std::uint64_t undefined_length =
      s.lengths >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * s.lengths)) - 1;
  const std::uint64_t limit = data_size / (2u * s.lengths) + 1;
  while (free_head != kLocalHeapFreeNull && free_head != undefined_length) {
    if (heap.free_blocks.size() >= limit) r.fail("free list does not end");
    if (free_head % 8 != 0 || free_head > data_size || data_size - free_head < 2u * s.lengths) {
      fail_corrupt(kHeap, file.absolute(heap.data_address) + std::min(free_head, data_size),
                   "free block offset " + std::to_string(free_head) + " outside the data segment");
    }
    ByteReader fb(
        std::span<const std::byte>(heap.data).subspan(static_cast<std::size_t>(free_head)),
        file.absolute(heap.data_address) + free_head, kHeap);
    LocalHeapFreeBlock block{free_head, 0};
    const std::uint64_t next = fb.length(s);
    block.size = fb.length(s);
    if (block.size < 2u * s.lengths || block.size > data_size - free_head) {
      fb.fail("free block size " + std::to_string(block.size) + " does not fit");
    }
    heap.free_blocks.push_back(block);
    free_head = next;
  }
  return heap;
}

EncodedLocalHeap encode_local_heap(std::span<const std::string> strings, std::uint64_t address,
                                   const FileSizes& sizes, std::uint64_t size_hint) {
  // Replays H5HL_create + H5HL_insert so offsets, segment size and free list match libhdf5.
  const std::uint64_t free_overhead = 2u * sizes.lengths;
  std::uint64_t dblk_size = align8(std::max<std::uint64_t>(size_hint, free_overhead + 8));
  std::list<LocalHeapFreeBlock> freelist{{0, dblk_size}};
  std::vector<std::byte> data(static_cast<std::size_t>(dblk_size));

  auto insert = [&](const std::string& s) {
    const std::uint64_t need = align8(s.size() + 1);
    std::uint64_t offset = 0;
    bool found = false;
    auto last = freelist.end();
    for (auto it = freelist.begin(); it != freelist.end(); ++it) {
      if (it->size > need && it->size - need >= free_overhead) {
        offset = it->offset;
        it->offset += need;
        it->size -= need;
        found = true;
        break;
      }
      if (it->size == need) {
        offset = it->offset;
        freelist.erase(it);
        found = true;
        break;
      }
      if (last == freelist.end() || last->offset < it->offset) last = it;
    }
    if (!found) {
      std::uint64_t more = std::max(need, dblk_size);
      const bool last_at_end = last != freelist.end() && last->offset + last->size == dblk_size;
      if (!last_at_end && more < need + free_overhead) more = need;
      const std::uint64_t old_size = dblk_size;
      dblk_size += more;
      if (last_at_end) {
        offset = last->offset;
        last->offset += need;
        last->size += more - need;
        if (last->size < free_overhead) freelist.erase(last);
      } else {
        offset = old_size;
        if (more - need >= free_overhead) freelist.push_front({old_size + need, more - need});
      }
      data.resize(static_cast<std::size_t>(dblk_size));
    }
    std::fill(data.begin() + static_cast<std::ptrdiff_t>(offset),
              data.begin() + static_cast<std::ptrdiff_t>(offset + need), std::byte{0});
    std::memcpy(data.data() + offset, s.data(), s.size());
    return offset;
  };

  EncodedLocalHeap out;
  insert(std::string());
  out.offsets.reserve(strings.size());
  for (const auto& s : strings) out.offsets.push_back(insert(s));
  out.data_size = dblk_size;

  // Free blocks carry (next offset, size) in their first bytes; the list ends with 1.
  for (auto it = freelist.begin(); it != freelist.end(); ++it) {
    std::vector<std::byte> tmp;
    ByteWriter fw(tmp);
    auto next = std::next(it);
    fw.length(next == freelist.end() ? kLocalHeapFreeNull : next->offset, sizes);
    fw.length(it->size, sizes);
    std::fill(data.begin() + static_cast<std::ptrdiff_t>(it->offset),
              data.begin() + static_cast<std::ptrdiff_t>(it->offset + it->size), std::byte{0});
    std::copy(tmp.begin(), tmp.end(), data.begin() + static_cast<std::ptrdiff_t>(it->offset));
  }

  ByteWriter w(out.bytes);
  w.text("HEAP");
  w.u8(0);
  w.zeros(3);
  w.length(dblk_size, sizes);
  w.length(freelist.empty() ? kLocalHeapFreeNull : freelist.front().offset, sizes);
  w.address(address + local_heap_header_size(sizes), sizes);
  w.bytes(data);
  return out;
}

}  // namespace h5mem::detail
