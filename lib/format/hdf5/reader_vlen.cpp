// Variable-length data: stored references (length + global heap ID) become VlenHeap
// objects and VlenHandles (datasets) or std::strings (attributes).
#include <cstring>

#include "codec/filter.hpp"
#include "core/fail.hpp"
#include "core/memory_budget.hpp"
#include "core/vlen_elements.hpp"
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

VlenAdd heap_adder(ReaderContext& ctx, VlenHeap& heap) {
  return [&ctx, &heap](std::span<const std::byte> bytes, std::uint64_t count) {
    return VlenHandle{count, heap.add(bytes, ctx.image.budget)};
  };
}

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

namespace {

struct RepackPiece {
  std::size_t file, stored, size;
};

// The byte ranges that move a file element of `m` (decoded as `t`) into its stored form.
void repack_pieces(const DatatypeMessage& m, const DType& t, std::size_t file_at,
                   std::size_t stored_at, std::vector<RepackPiece>& out) {
  if (!t.has_vlen() || m.type_class == DatatypeClass::variable_length) {
    if (m.size != stored_size(t)) {
      fail(ErrorCode::corruption,
           "datatype of " + std::to_string(m.size) + " bytes for " + t.name());
    }
    out.push_back({file_at, stored_at, stored_size(t)});
    return;
  }
  if (m.type_class == DatatypeClass::array) {
    const std::uint64_t n = element_count(t.array_dims());
    const std::size_t fs = m.base().size, ss = stored_size(t.base());
    for (std::uint64_t i = 0; i < n; ++i) {
      repack_pieces(m.base(), t.base(), file_at + i * fs, stored_at + i * ss, out);
    }
    return;
  }
  const std::vector<std::size_t> offsets = stored_offsets(t);
  for (std::size_t i = 0; i < t.members().size(); ++i) {
    const Member& tm = t.members()[i];
    const CompoundMember* fm = nullptr;
    for (const CompoundMember& c : m.members) {
      if (c.name == tm.name) fm = &c;
    }
    if (!fm || !fm->v1_dims.empty()) {
      fail(ErrorCode::unsupported, "compound member \"" + tm.name + "\" of " + t.name());
    }
    repack_pieces(fm->type, *tm.type, file_at + fm->offset, stored_at + offsets[i], out);
  }
}

}  // namespace

std::vector<std::byte> repack_to_stored(const DatatypeMessage& m, const DType& t,
                                        std::span<const std::byte> file, std::uint64_t n) {
  // Packing only drops gaps (a vlen reference and a handle have the same size), so a
  // stored form larger than the file's element means a damaged type.
  const std::size_t es = stored_size(t);
  if (es > m.size) {
    fail(ErrorCode::corruption, t.name() + " needs " + std::to_string(es) +
                                    " bytes per element, the file has " + std::to_string(m.size));
  }
  std::vector<RepackPiece> pieces;
  repack_pieces(m, t, 0, 0, pieces);
  for (const RepackPiece& p : pieces) {
    if (p.file + p.size > m.size || p.stored + p.size > es) {
      fail(ErrorCode::corruption,
           "compound members of " + t.name() + " exceed its " + std::to_string(m.size) + " bytes");
    }
  }
  if (m.size == 0 || file.size() / m.size < n) {
    fail(ErrorCode::corruption, "variable-length data: " + std::to_string(file.size()) +
                                    " bytes cannot hold " + std::to_string(n) + " elements");
  }
  std::vector<std::byte> out(static_cast<std::size_t>(n * es));
  for (std::uint64_t i = 0; i < n; ++i) {
    for (const RepackPiece& p : pieces) {
      std::memcpy(out.data() + i * es + p.stored, file.data() + i * m.size + p.file, p.size);
    }
  }
  return out;
}

void refs_to_stored(ReaderContext& ctx, std::span<const std::byte> file, std::uint64_t n,
                    const DType& type, const VlenAdd& add, std::byte* out) {
  const std::size_t es = stored_size(type);
  if (vlen_ref_size(ctx) != kVlenHandleSize) {
    fail(ErrorCode::unsupported,
         "variable-length references of " + std::to_string(vlen_ref_size(ctx)) + " bytes");
  }
  if (file.size() / es < n) {
    fail(ErrorCode::corruption, "variable-length data: " + std::to_string(file.size()) +
                                    " bytes cannot hold " + std::to_string(n) + " elements");
  }
  if (n == 0) return;  // `out` may be null
  std::memcpy(out, file.data(), static_cast<std::size_t>(n * es));
  const std::vector<VlenSlot> slots = vlen_slots(type);
  for (std::uint64_t i = 0; i < n; ++i) {
    for (const VlenSlot& s : slots) {
      const std::size_t at = static_cast<std::size_t>(i * es + s.offset);
      ByteReader r(file.subspan(at, kVlenHandleSize), 0, "variable-length reference");
      std::uint64_t length = 0;
      std::span<const std::byte> bytes = element_bytes(ctx, r, s.base_size, length);
      VlenHandle h;
      if (length != 0) h = add(bytes, length);
      std::memcpy(out + at, &h, kVlenHandleSize);
    }
  }
}

void load_vlen_chunk(ReaderContext& ctx, DatasetNode& ds, const ChunkLocation& c,
                     std::span<const std::byte> stored) {
  const FilterPipeline* fp = ds.layout->filters();
  const std::uint64_t chunk_bytes = fp->chunk_bytes();
  if (chunk_bytes > kMaxInflateRatio * stored.size() + (1u << 20)) {
    fail_corrupt("chunk", ctx.view.absolute(c.entry.address),
                 std::to_string(stored.size()) + " stored bytes cannot decode to " +
                     std::to_string(chunk_bytes));
  }
  std::vector<std::byte> refs(static_cast<std::size_t>(chunk_bytes));
  fp->decode(stored, c.entry.filter_mask, refs);
  const std::uint64_t n = chunk_bytes / stored_size(ds.dtype);
  std::vector<std::byte> handles(refs.size());
  refs_to_stored(ctx, refs, n, ds.dtype, heap_adder(ctx, *ds.vlen), handles.data());
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
