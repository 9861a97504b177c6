// Dense link and attribute storage for the latest format: a fractal heap of the encoded
// messages and a v2 B-tree of their name hashes, as libhdf5 builds them past the compact limit.
#include <algorithm>
#include <numeric>

#include "format/hdf5/btree_v2.hpp"
#include "format/hdf5/checksum.hpp"
#include "format/hdf5/fractal_heap.hpp"
#include "format/hdf5/writer_internal.hpp"

namespace h5mem::detail::hdf5w {

namespace {

std::uint32_t name_hash(const std::string& name) {
  return lookup3({reinterpret_cast<const std::byte*>(name.data()), name.size()});
}

// Allocates the heap of `objects`; returns its address and each object's heap ID.
std::uint64_t place_heap(Context& ctx, std::shared_ptr<std::vector<std::vector<std::byte>>> objects,
                         const FractalHeapParams& params,
                         std::vector<std::vector<std::byte>>& ids) {
  const FileSizes sizes = ctx.sizes;
  EncodedFractalHeap probe = encode_fractal_heap(*objects, 0, sizes, params);
  ids = std::move(probe.ids);
  const std::uint64_t at = ctx.next;
  ctx.alloc(probe.bytes.size(), [objects, at, sizes, params](ByteSink& sink) {
    sink.write(encode_fractal_heap(*objects, at, sizes, params).bytes);
  });
  return at;
}

std::uint64_t place_btree(Context& ctx, const BTreeV2Params& params,
                          std::vector<std::vector<std::byte>> records) {
  const FileSizes sizes = ctx.sizes;
  const std::uint64_t at = ctx.next;
  // Records hold no addresses, so the encoding is final now.
  std::vector<std::byte> bytes = encode_btree_v2(params, records, at, sizes).bytes;
  ctx.alloc_bytes(std::move(bytes));
  return at;
}

// Record order of name-indexed trees: by hash, then by name (libhdf5 compares names when the
// hashes collide).
std::vector<std::size_t> hash_order(const std::vector<std::string>& names,
                                    std::vector<std::uint32_t>& hashes) {
  hashes.clear();
  for (const auto& n : names) hashes.push_back(name_hash(n));
  std::vector<std::size_t> order(names.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return hashes[a] != hashes[b] ? hashes[a] < hashes[b] : names[a] < names[b];
  });
  return order;
}

}  // namespace

DenseStorage place_dense_links(Context& ctx, std::vector<std::vector<std::byte>> links,
                               const std::vector<std::string>& names) {
  DenseStorage out;
  std::vector<std::vector<std::byte>> ids;
  out.heap =
      place_heap(ctx, std::make_shared<std::vector<std::vector<std::byte>>>(std::move(links)),
                 kLinkHeapParams, ids);
  std::vector<std::uint32_t> hashes;
  std::vector<std::vector<std::byte>> records;
  for (std::size_t i : hash_order(names, hashes)) {
    LinkNameRecord r;
    r.hash = hashes[i];
    std::copy_n(ids[i].begin(), std::min<std::size_t>(ids[i].size(), r.heap_id.size()),
                r.heap_id.begin());
    records.push_back(encode_link_name_record(r));
  }
  BTreeV2Params params;
  params.type = BTreeV2Type::link_name;
  params.record_size = kLinkNameRecordSize;
  out.name_btree = place_btree(ctx, params, std::move(records));
  return out;
}

DenseStorage place_dense_attributes(Context& ctx,
                                    std::shared_ptr<std::vector<std::vector<std::byte>>> attrs,
                                    const std::vector<std::string>& names) {
  DenseStorage out;
  std::vector<std::vector<std::byte>> ids;
  out.heap = place_heap(ctx, std::move(attrs), kAttributeHeapParams, ids);
  std::vector<std::uint32_t> hashes;
  std::vector<std::vector<std::byte>> records;
  for (std::size_t i : hash_order(names, hashes)) {
    AttributeRecord r;
    r.hash = hashes[i];
    std::copy_n(ids[i].begin(), std::min<std::size_t>(ids[i].size(), r.heap_id.size()),
                r.heap_id.begin());
    records.push_back(encode_attribute_record(BTreeV2Type::attribute_name, r));
  }
  BTreeV2Params params;
  params.type = BTreeV2Type::attribute_name;
  params.record_size = attribute_record_size(BTreeV2Type::attribute_name);
  out.name_btree = place_btree(ctx, params, std::move(records));
  return out;
}

}  // namespace h5mem::detail::hdf5w
