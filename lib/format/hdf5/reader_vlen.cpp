// Variable-length data: stored references (length + global heap ID) become VlenHeap
// objects and VlenHandles (datasets) or std::strings (attributes).
#include <cstring>

#include "codec/filter.hpp"
#include "core/fail.hpp"
#include "core/memory_budget.hpp"
#include "core/vlen_heap.hpp"
#include "format/hdf5/reader_internal.hpp"

namespace h5mem::detail {
namespace {

// Deflate's best ratio is about 1032:1: a chunk that decodes to more than this many times
// its stored size cannot be valid, so it never forces a large allocation.
constexpr std::uint64_t kMaxInflateRatio = 1040;

// The first length * base_size bytes of the heap object `ref` names; empty for length 0.
std::span<const std::byte> element_bytes(ReaderContext& ctx, ByteReader& r, std::size_t base_size,
                                         std::uint64_t& length) {
  const std::uint64_t at = r.offset();
  VlenReference ref = decode_vlen_reference(r, ctx.sb.sizes);
  length = ref.length;
  if (ref.length == 0) return {};
  // libhdf5 stores a NULL reference (address 0) for a missing value.
  if (ref.id.collection == 0 || ref.id.collection == kUndefinedAddress) {
    fail_corrupt("variable-length reference", at,
                 "length " + std::to_string(ref.length) + " without heap object");
  }
  auto it = ctx.global_heaps.find(ref.id.collection);
  if (it == ctx.global_heaps.end()) {
    it = ctx.global_heaps
             .emplace(ref.id.collection, decode_global_heap_collection(ctx.view, ref.id.collection))
             .first;
  }
  const GlobalHeapObject* obj = it->second.find(ref.id.index);
  if (!obj) {
    fail_corrupt("variable-length reference", at,
                 "global heap collection at " + std::to_string(ref.id.collection) +
                     " has no object " + std::to_string(ref.id.index));
  }
  const std::uint64_t need = std::uint64_t{ref.length} * base_size;
  if (obj->data.size() < need) {
    fail_corrupt("variable-length reference", at,
                 "heap object of " + std::to_string(obj->data.size()) + " bytes for " +
                     std::to_string(ref.length) + " element(s) of " + std::to_string(base_size) +
                     " bytes");
  }
  return std::span<const std::byte>(obj->data).first(static_cast<std::size_t>(need));
}

ByteReader refs_reader(const ReaderContext& ctx, std::span<const std::byte> refs, std::uint64_t n) {
  if (refs.size() / vlen_ref_size(ctx) < n) {
    fail(ErrorCode::corruption, "variable-length data: " + std::to_string(refs.size()) +
                                    " bytes cannot hold " + std::to_string(n) + " references");
  }
  return ByteReader(refs, 0, "variable-length reference");
}

}  // namespace

std::size_t vlen_ref_size(const ReaderContext& ctx) {
  return vlen_reference_size(ctx.sb.sizes);
}

void refs_to_handles(ReaderContext& ctx, std::span<const std::byte> refs, std::uint64_t n,
                     std::size_t base_size, VlenHeap& heap, std::byte* out) {
  ByteReader r = refs_reader(ctx, refs, n);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t length = 0;
    std::span<const std::byte> bytes = element_bytes(ctx, r, base_size, length);
    VlenHandle h;
    if (length != 0) h = VlenHandle{length, heap.add(bytes, ctx.image.budget)};
    std::memcpy(out + i * kVlenHandleSize, &h, kVlenHandleSize);
  }
}

void load_vlen_chunk(ReaderContext& ctx, DatasetNode& ds, const ChunkLocation& c,
                     std::span<const std::byte> stored, std::size_t base_size) {
  const FilterPipeline* fp = ds.layout->filters();
  const std::uint64_t chunk_bytes = fp->chunk_bytes();
  if (chunk_bytes > kMaxInflateRatio * stored.size() + (1u << 20)) {
    fail_corrupt("chunk", ctx.view.absolute(c.entry.address),
                 std::to_string(stored.size()) + " stored bytes cannot decode to " +
                     std::to_string(chunk_bytes));
  }
  std::vector<std::byte> refs(static_cast<std::size_t>(chunk_bytes));
  fp->decode(stored, c.entry.filter_mask, refs);
  const std::uint64_t n = chunk_bytes / kVlenHandleSize;
  std::vector<std::byte> handles(refs.size());
  refs_to_handles(ctx, refs, n, base_size, *ds.vlen, handles.data());
  Encoded enc = fp->encode(handles);
  ds.layout->load_chunk(c.coord, enc.bytes, enc.filter_mask, ctx.image.budget, nullptr);
}

std::vector<std::uint16_t> pipeline_filter_ids(const Layout& layout) {
  std::vector<std::uint16_t> ids;
  if (const FilterPipeline* fp = layout.filters()) {
    for (const FilterSpec& s : fp->specs()) ids.push_back(s.id);
  }
  return ids;
}

std::string known_filter_name(std::uint16_t id) {
  return std::string(filter_name(id));
}

std::vector<std::string> refs_to_strings(ReaderContext& ctx, std::span<const std::byte> refs,
                                         std::uint64_t n) {
  ByteReader r = refs_reader(ctx, refs, n);
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t length = 0;
    std::span<const std::byte> bytes = element_bytes(ctx, r, 1, length);
    out.emplace_back(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  return out;
}

}  // namespace h5mem::detail
