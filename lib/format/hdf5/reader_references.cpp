// Object references for the reader: once a batch of objects is built, stored object header
// addresses become node ids (in attributes and dataset elements; objects not built yet are
// promised theirs, see ReaderContext::id_for), and the DIMENSION_LIST attributes read
// become dimension scale attachments (REFERENCE_LIST is derived from them
// when writing; only its order is kept).
#include <cstring>

#include "codec/filter.hpp"
#include "core/fail.hpp"
#include "core/vlen_heap.hpp"
#include "format/hdf5/messages/attribute.hpp"
#include "format/hdf5/reader_internal.hpp"
#include "format/hdf5/references.hpp"
#include "layout/layout.hpp"

namespace h5mem::detail {

namespace {

std::uint64_t load_le(const std::byte* p) {
  std::uint64_t v = 0;
  for (int b = 7; b >= 0; --b) v = (v << 8) | static_cast<std::uint8_t>(p[b]);
  return v;
}

// Turns the stored addresses of a dataset's elements into node ids.
void translate_dataset(ReaderContext& ctx, DatasetNode& ds,
                       const std::function<std::uint64_t(std::uint64_t)>& to_id) {
  Layout& layout = *ds.layout;
  if (layout.chunks().empty()) {
    std::span<const std::byte> stored = layout.contiguous_bytes();
    if (stored.empty()) return;
    std::vector<std::byte> bytes(stored.begin(), stored.end());
    map_references(ds.dtype, bytes, true, to_id);
    layout.load_contiguous(bytes, ctx.image.budget, nullptr);
    return;
  }
  struct Chunk {
    std::vector<std::uint64_t> coord;
    std::vector<std::byte> encoded;
    std::uint32_t mask;
  };
  std::vector<Chunk> chunks;
  layout.for_each_stored_chunk([&](std::span<const std::uint64_t> coord,
                                   std::span<const std::byte> encoded, std::uint32_t mask) {
    chunks.push_back({{coord.begin(), coord.end()}, {encoded.begin(), encoded.end()}, mask});
  });
  const FilterPipeline* fp = layout.filters();
  for (Chunk& c : chunks) {
    if (!fp || fp->empty()) {
      map_references(ds.dtype, c.encoded, true, to_id);
      layout.load_chunk(c.coord, c.encoded, c.mask, ctx.image.budget, nullptr);
      continue;
    }
    std::vector<std::byte> decoded(static_cast<std::size_t>(fp->chunk_bytes()));
    fp->decode(c.encoded, c.mask, decoded);
    map_references(ds.dtype, decoded, true, to_id);
    Encoded enc = fp->encode(decoded);
    layout.load_chunk(c.coord, enc.bytes, enc.filter_mask, ctx.image.budget, nullptr);
  }
}

// Unsigned value of `size` (<= 8) bytes in `order`.
std::uint64_t load_uint(const std::byte* p, std::size_t size, h5mem::ByteOrder order) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t b = order == h5mem::ByteOrder::big ? i : size - 1 - i;
    v = (v << 8) | static_cast<std::uint8_t>(p[b]);
  }
  return v;
}

// H5DS's back references of a scale, {dataset reference, dimension} per attachment. The
// attachments themselves come from the datasets' DIMENSION_LIST; only the order is kept
// (REFERENCE_LIST lists them in attach order). False if `dt` is not H5DS's type.
bool read_reference_list(ReaderContext& ctx, const AttributeMessage& m, const DType& dt,
                         Node& node) {
  if (dt.type_class() != TypeClass::compound || !dtype_has_reference(dt)) return false;
  const Member* ref = nullptr;
  const Member* dim = nullptr;
  for (const Member& mem : dt.members()) {
    if (mem.name == "dataset" && mem.type->type_class() == TypeClass::reference) ref = &mem;
    if (mem.name == "dimension" && mem.type->type_class() == TypeClass::integer) dim = &mem;
  }
  // Anything else shaped like it is dropped as before: it is rebuilt from DIMENSION_LIST.
  if (!ref || !dim || ref->type->size() > 8 || dim->type->size() > 8 ||
      node.kind != ObjectKind::dataset) {
    return true;
  }
  const std::uint64_t n = m.dataspace.element_count();
  if (n > m.data.size() / dt.size()) fail_corrupt("attribute", 0, "REFERENCE_LIST value too short");
  std::vector<std::pair<std::uint64_t, std::uint32_t>> list;
  list.reserve(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::byte* e = m.data.data() + i * dt.size();
    list.emplace_back(load_uint(e + ref->offset, ref->type->size(), h5mem::ByteOrder::little),
                      static_cast<std::uint32_t>(
                          load_uint(e + dim->offset, dim->type->size(), dim->type->byte_order())));
  }
  ctx.reference_lists.emplace_back(&static_cast<DatasetNode&>(node), std::move(list));
  return true;
}

}  // namespace

bool read_scale_attribute(ReaderContext& ctx, const AttributeMessage& m, const DType& dt,
                          Node& node) {
  if (m.name == "REFERENCE_LIST") return read_reference_list(ctx, m, dt, node);
  if (m.name != "DIMENSION_LIST" || node.kind != ObjectKind::dataset ||
      dt.type_class() != TypeClass::vlen || dt.base().type_class() != TypeClass::reference) {
    return false;
  }
  auto& ds = static_cast<DatasetNode&>(node);
  const std::uint64_t n = m.dataspace.element_count();
  if (n != ds.shape.size()) return false;  // not H5DS's: one entry per dimension
  const std::size_t ref_size = vlen_ref_size(ctx);
  if (m.data.size() < n * ref_size) fail_corrupt("attribute", 0, "DIMENSION_LIST value too short");
  // The vlen elements go through a scratch heap (VlenHandles), released at once.
  VlenHeap heap;
  std::vector<std::byte> handles(static_cast<std::size_t>(n) * kVlenHandleSize);
  std::vector<std::vector<std::uint64_t>> dims(static_cast<std::size_t>(n));
  try {
    refs_to_handles(ctx, std::span<const std::byte>(m.data.data(), n * ref_size), n, 8, heap,
                    handles.data());
    for (std::size_t i = 0; i < dims.size(); ++i) {
      VlenHandle h;
      std::memcpy(&h, handles.data() + i * kVlenHandleSize, kVlenHandleSize);
      if (h.count == 0) continue;
      std::span<const std::byte> bytes = heap.get(h.id);
      for (std::uint64_t k = 0; k < h.count; ++k) dims[i].push_back(load_le(bytes.data() + 8 * k));
    }
  } catch (...) {
    heap.clear(ctx.image.budget);
    throw;
  }
  heap.clear(ctx.image.budget);
  ctx.dim_lists.emplace_back(&ds, std::move(dims));
  return true;
}

void resolve_references(ReaderContext& ctx) {
  const auto to_id = [&ctx](std::uint64_t address) { return ctx.id_for(address); };
  std::unordered_set<const Node*> done;
  for (auto& [address, node] : ctx.fresh) {
    if (!done.insert(node.get()).second) continue;
    for (auto& [name, value] : node->attrs) {
      if (!value.bytes.empty()) map_references(value.dtype, value.bytes, true, to_id);
    }
    if (node->kind == ObjectKind::dataset) {
      auto& ds = static_cast<DatasetNode&>(*node);
      if (dtype_has_reference(ds.dtype) && !ds.dtype.has_vlen()) translate_dataset(ctx, ds, to_id);
    }
  }
  for (auto& [scale, list] : ctx.reference_lists) {
    for (const auto& [address, dim] : list) {
      if (const std::uint64_t id = to_id(address)) scale->scale_users.emplace_back(id, dim);
    }
  }
  for (auto& [ds, dims] : ctx.dim_lists) {
    ds->dim_scales.assign(dims.size(), {});
    for (std::size_t d = 0; d < dims.size(); ++d) {
      for (std::uint64_t address : dims[d]) {
        const std::uint64_t id = to_id(address);
        if (id != 0) ds->dim_scales[d].push_back(id);
      }
    }
  }
}

}  // namespace h5mem::detail
