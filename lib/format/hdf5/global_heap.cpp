// format/hdf5/global_heap.cpp -- global heap collections ("GCOL").
#include "format/hdf5/global_heap.hpp"

#include <string>

#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {
constexpr std::string_view kCollection = "global heap collection";
std::uint64_t align8(std::uint64_t n) {
  return (n + 7) & ~std::uint64_t{7};
}
// The collection header, each object header and each object's data are padded to 8 bytes
// (libhdf5's H5HG_ALIGN): both headers take 16 bytes with 4-byte lengths too.
std::size_t header_size(const FileSizes& s) {
  return static_cast<std::size_t>(align8(8u + s.lengths));
}
std::size_t object_header_size(const FileSizes& s) {
  return static_cast<std::size_t>(align8(8u + s.lengths));
}
}  // namespace

std::size_t vlen_reference_size(const FileSizes& sizes) noexcept {
  return 8u + sizes.offsets;
}

VlenReference decode_vlen_reference(ByteReader& r, const FileSizes& sizes) {
  VlenReference v;
  v.length = r.u32();
  v.id.collection = r.address(sizes);
  v.id.index = r.u32();
  return v;
}

void encode_vlen_reference(ByteWriter& w, const VlenReference& v, const FileSizes& sizes) {
  w.u32(v.length);
  w.address(v.id.collection, sizes);
  w.u32(v.id.index);
}

const GlobalHeapObject* GlobalHeapCollection::find(std::uint32_t index) const noexcept {
  for (const auto& o : objects) {
    if (o.index == index) return &o;
  }
  return nullptr;
}

GlobalHeapCollection decode_global_heap_collection(const FileView& file, std::uint64_t address) {
  const FileSizes& s = file.sizes;
  ByteReader h = file.at(address, header_size(s), kCollection);
  h.expect_signature("GCOL");
  if (h.u8() != 1) h.fail("unsupported global heap collection version");
  h.skip(3);
  GlobalHeapCollection c;
  c.address = address;
  c.size = h.length(s);
  if (c.size < header_size(s))
    h.fail("collection size " + std::to_string(c.size) + " below its header");
  ByteReader r = file.at(address, c.size, kCollection);
  r.skip(header_size(s));
  while (r.remaining() >= object_header_size(s)) {
    const std::uint16_t index = r.u16();
    const std::uint16_t refs = r.u16();
    r.skip(4);
    const std::uint64_t size = r.length(s);
    r.skip(object_header_size(s) - (8u + s.lengths));
    if (index == 0) break;  // free space runs to the end
    if (size > r.remaining())
      r.fail("object " + std::to_string(index) + " of " + std::to_string(size) +
             " bytes overruns the collection");
    auto data = r.bytes(static_cast<std::size_t>(size));
    const std::uint64_t pad = align8(size) - size;
    r.skip(static_cast<std::size_t>(std::min<std::uint64_t>(pad, r.remaining())));
    GlobalHeapObject o;
    o.index = index;
    o.ref_count = refs;
    o.data.assign(data.begin(), data.end());
    c.objects.push_back(std::move(o));
  }
  return c;
}

std::vector<std::byte> read_global_heap_object(const FileView& file, const GlobalHeapId& id) {
  GlobalHeapCollection c = decode_global_heap_collection(file, id.collection);
  const GlobalHeapObject* o = c.find(id.index);
  if (o == nullptr || id.index == 0) {
    fail_corrupt(kCollection, file.absolute(id.collection),
                 "no object " + std::to_string(id.index));
  }
  return o->data;
}

std::uint64_t global_heap_collection_size(std::span<const std::size_t> object_sizes,
                                          const FileSizes& sizes) noexcept {
  std::uint64_t n = header_size(sizes);
  for (auto size : object_sizes) n += object_header_size(sizes) + align8(size);
  return std::max(n, kGlobalHeapMinCollectionSize);
}

std::vector<std::byte> encode_global_heap_collection(
    std::span<const std::vector<std::byte>> objects, const FileSizes& sizes) {
  if (objects.size() > 0xffff) {
    throw Error(ErrorCode::invalid_argument, "global heap collection: more than 65535 objects");
  }
  std::vector<std::size_t> lens;
  for (const auto& o : objects) lens.push_back(o.size());
  const std::uint64_t total = global_heap_collection_size(lens, sizes);
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.text("GCOL");
  w.u8(1);
  w.zeros(3);
  w.length(total, sizes);
  w.zeros(header_size(sizes) - out.size());
  std::uint16_t index = 1;
  for (const auto& o : objects) {
    w.u16(index++);
    w.u16(0);
    w.zeros(4);
    w.length(o.size(), sizes);
    w.zeros(object_header_size(sizes) - (8u + sizes.lengths));
    w.bytes(o);
    w.zeros(static_cast<std::size_t>(align8(o.size()) - o.size()));
  }
  const std::uint64_t free = total - out.size();
  if (free >= object_header_size(sizes)) {
    w.u16(0);
    w.u16(0);
    w.zeros(4);
    w.length(free, sizes);
    w.zeros(object_header_size(sizes) - (8u + sizes.lengths));
  }
  w.zeros(static_cast<std::size_t>(total - out.size()));
  return out;
}

}  // namespace h5mem::detail
