// Variable-length data: stored references (length + global heap ID) become VlenHeap
// objects and VlenHandles (datasets) or std::strings (attributes).
#include <cstring>
#include <memory>

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

struct FileForm;

// One run of an element: plain bytes copied as they are, or a vlen reference (`item` > 0)
// whose value is loaded and replaced by a handle.
struct Piece {
  std::size_t file = 0, stored = 0, size = 0;  // offsets, and bytes in the file
  std::size_t item = 0;                        // a reference: file bytes per item
  std::shared_ptr<const FileForm> base;        // ... whose items hold vlen data themselves
};

// How file elements of one type map onto its stored form (core/vlen_elements.hpp): the file
// may leave gaps between compound members (libhdf5 writing C structs) and store 12-byte
// references (4-byte addresses) where the stored form has 16-byte handles.
struct FileForm {
  std::size_t file_size = 0, stored_size = 0;
  std::vector<Piece> pieces;
};

void collect_pieces(const FileSizes& sizes, const DatatypeMessage& m, const DType& t,
                    std::size_t file_at, std::size_t stored_at, std::vector<Piece>& out);

std::shared_ptr<const FileForm> file_form(const FileSizes& sizes, const DatatypeMessage& m,
                                          const DType& t) {
  auto f = std::make_shared<FileForm>();
  f->file_size = m.size;
  f->stored_size = stored_size(t);
  collect_pieces(sizes, m, t, 0, 0, f->pieces);
  for (const Piece& p : f->pieces) {
    if (p.file + p.size > f->file_size ||
        p.stored + (p.item ? kVlenHandleSize : p.size) > f->stored_size) {
      fail(ErrorCode::corruption,
           "members of " + t.name() + " exceed its " + std::to_string(m.size) + " bytes");
    }
  }
  return f;
}

void collect_pieces(const FileSizes& sizes, const DatatypeMessage& m, const DType& t,
                    std::size_t file_at, std::size_t stored_at, std::vector<Piece>& out) {
  if (!t.has_vlen()) {
    if (m.size != t.size()) {
      fail(ErrorCode::corruption,
           "datatype of " + std::to_string(m.size) + " bytes for " + t.name());
    }
    out.push_back({file_at, stored_at, m.size, 0, nullptr});
    return;
  }
  if (m.type_class == DatatypeClass::variable_length) {
    if (m.size != vlen_reference_size(sizes) ||
        (!t.is_variable_string() && m.base_type.size() != 1)) {
      fail(ErrorCode::corruption, "variable-length datatype of " + std::to_string(m.size) +
                                      " bytes; the file's references have " +
                                      std::to_string(vlen_reference_size(sizes)));
    }
    Piece p{file_at, stored_at, m.size, 1, nullptr};
    if (!t.is_variable_string()) {
      p.item = m.base().size;
      if (p.item == 0) fail(ErrorCode::corruption, "variable-length sequence of 0-byte items");
      if (t.base().has_vlen()) p.base = file_form(sizes, m.base(), t.base());
    }
    out.push_back(std::move(p));
    return;
  }
  if (m.type_class == DatatypeClass::array && t.type_class() == TypeClass::array) {
    const std::uint64_t n = element_count(t.array_dims());
    const std::size_t fs = m.base().size, ss = stored_size(t.base());
    for (std::uint64_t i = 0; i < n; ++i) {
      collect_pieces(sizes, m.base(), t.base(), file_at + i * fs, stored_at + i * ss, out);
    }
    return;
  }
  if (m.type_class != DatatypeClass::compound || t.type_class() != TypeClass::compound) {
    fail(ErrorCode::corruption, "datatype does not match " + t.name());
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
    collect_pieces(sizes, fm->type, *tm.type, file_at + fm->offset, stored_at + offsets[i], out);
  }
}

void convert_elements(ReaderContext& ctx, const FileForm& form, std::span<const std::byte> file,
                      std::uint64_t n, const VlenAdd& add, std::byte* out) {
  if (form.file_size == 0 || file.size() / form.file_size < n) {
    fail(ErrorCode::corruption, "variable-length data: " + std::to_string(file.size()) +
                                    " bytes cannot hold " + std::to_string(n) + " elements");
  }
  std::vector<std::byte> nested;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::byte* in = file.data() + i * form.file_size;
    std::byte* to = out + i * form.stored_size;
    for (const Piece& p : form.pieces) {
      if (p.item == 0) {
        std::memcpy(to + p.stored, in + p.file, p.size);
        continue;
      }
      ByteReader r(std::span<const std::byte>(in + p.file, p.size), 0, "variable-length reference");
      std::uint64_t length = 0;
      std::span<const std::byte> bytes = element_bytes(ctx, r, p.item, length);
      VlenHandle h;
      if (length != 0 && p.base) {
        // The value's items hold references too: their own values are loaded first.
        nested.assign(static_cast<std::size_t>(length * p.base->stored_size), std::byte{0});
        convert_elements(ctx, *p.base, bytes, length, add, nested.data());
        h = add(nested, length);
      } else if (length != 0) {
        h = add(bytes, length);
      }
      std::memcpy(to + p.stored, &h, kVlenHandleSize);
    }
  }
}

}  // namespace

void file_to_stored(ReaderContext& ctx, const DatatypeMessage& m, const DType& t,
                    std::span<const std::byte> file, std::uint64_t n, const VlenAdd& add,
                    std::byte* out) {
  if (n == 0) return;  // `out` may be null
  convert_elements(ctx, *file_form(ctx.sb.sizes, m, t), file, n, add, out);
}

void load_vlen_chunk(ReaderContext& ctx, DatasetNode& ds, const DatatypeMessage& ftype,
                     const ChunkLocation& c, std::span<const std::byte> stored) {
  const FilterPipeline* fp = ds.layout->filters();
  const std::uint64_t n = fp->chunk_bytes() / stored_size(ds.dtype);
  const std::uint64_t file_bytes = n * ftype.size;  // make_dataset_layout bounded n
  if (file_bytes > kMaxInflateRatio * stored.size() + (1u << 20)) {
    fail_corrupt("chunk", ctx.view.absolute(c.entry.address),
                 std::to_string(stored.size()) + " stored bytes cannot decode to " +
                     std::to_string(file_bytes));
  }
  std::vector<std::byte> file(static_cast<std::size_t>(file_bytes));
  if (file_bytes == fp->chunk_bytes()) {
    fp->decode(stored, c.entry.filter_mask, file);
  } else {
    // The file's elements differ in size from the stored form's (unpacked compounds, 12-byte
    // references): its chunks were shuffled by that size.
    std::vector<FilterSpec> specs = fp->specs();
    for (FilterSpec& s : specs) {
      if (s.id == shuffle_spec().id) s.client_data = {ftype.size};
    }
    FilterPipeline(std::move(specs), ftype.size, file.size())
        .decode(stored, c.entry.filter_mask, file);
  }
  std::vector<std::byte> handles(static_cast<std::size_t>(fp->chunk_bytes()));
  file_to_stored(ctx, ftype, ds.dtype, file, n, heap_adder(ctx, *ds.vlen), handles.data());
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
