// Datasets for the writer: the header messages (dataspace, datatype, fill value, layout,
// filter pipeline, attributes) and the raw data: contiguous bytes, or stored chunks with a
// v1 B-tree (earliest) or the chunk index libhdf5 1.10 picks for layout v4 (latest).
#include <algorithm>
#include <cstring>
#include <optional>

#include "core/fail.hpp"
#include "format/hdf5/btree_v1.hpp"
#include "format/hdf5/dtype_map.hpp"
#include "format/hdf5/messages/dataspace.hpp"
#include "format/hdf5/messages/fill_value.hpp"
#include "format/hdf5/messages/filter_pipeline.hpp"
#include "format/hdf5/messages/layout.hpp"
#include "format/hdf5/messages/shared_message.hpp"
#include "format/hdf5/writer_internal.hpp"

namespace h5mem::detail::hdf5w {

namespace {

struct StoredChunk {
  std::vector<std::uint64_t> grid;                // chunk coordinates
  std::span<const std::byte> bytes;               // straight from the layout
  std::shared_ptr<std::vector<std::byte>> owned;  // re-encoded (vlen datasets)
  std::uint32_t mask = 0;
  std::uint64_t address = kUndefinedAddress;
  std::span<const std::byte> data() const {
    return owned ? std::span<const std::byte>(*owned) : bytes;
  }
};

struct DatasetState {
  DatatypeMessage dtype;
  // Set when the datatype is a committed type in the file: the message refers to it (its
  // address is filled in once every header is placed).
  std::optional<SharedMessage> shared_type;
  DataspaceMessage space;
  FillValueMessage fill;
  std::vector<std::byte> old_fill;
  LayoutMessage layout;
  std::vector<FilterInfo> filters;
  AttributePlan attrs;
  std::vector<StoredChunk> chunks;
  std::shared_ptr<ChunkIndexInput> index;  // latest-format chunk indexes
};

std::vector<HeaderMessage> dataset_messages(const DatasetState& st, const FileSizes& sizes,
                                            bool latest) {
  std::vector<HeaderMessage> msgs;
  msgs.push_back(make_message(HeaderMessageType::dataspace, encode_dataspace(st.space, sizes)));
  if (st.shared_type) {
    msgs.push_back(make_message(HeaderMessageType::datatype,
                                encode_shared_message(*st.shared_type, sizes),
                                kMessageConstant | kMessageShared));
  } else {
    msgs.push_back(
        make_message(HeaderMessageType::datatype, encode_datatype(st.dtype), kMessageConstant));
  }
  msgs.push_back(
      make_message(HeaderMessageType::fill_value, encode_fill_value(st.fill), kMessageConstant));
  if (!st.old_fill.empty()) {
    msgs.push_back(make_message(HeaderMessageType::fill_value_old,
                                encode_old_fill_value(st.old_fill), kMessageConstant));
  }
  msgs.push_back(make_message(HeaderMessageType::layout, encode_layout(st.layout, sizes)));
  if (!st.filters.empty()) {
    FilterPipelineMessage p;
    p.version = latest ? 2 : 1;
    for (const FilterInfo& f : st.filters) {
      p.filters.push_back(FilterDescription{f.id, f.flags, f.name, f.client_data});
    }
    msgs.push_back(make_message(HeaderMessageType::filter_pipeline, encode_filter_pipeline(p)));
  }
  for (auto& m : st.attrs.all()) msgs.push_back(std::move(m));
  return msgs;
}

IndexKind choose_index(const Shape& shape, const Shape& max_shape, const Shape& chunk) {
  std::size_t unlimited_dims = 0;
  for (auto m : max_shape) unlimited_dims += m == unlimited;
  if (unlimited_dims == 1) return IndexKind::extensible_array;
  if (unlimited_dims > 1) return IndexKind::btree_v2;
  // libhdf5 uses the single chunk index when one chunk spans the maximum extent.
  bool single = true;
  for (std::size_t d = 0; d < shape.size(); ++d) single = single && chunk[d] == max_shape[d];
  return single ? IndexKind::single_chunk : IndexKind::fixed_array;
}

void plan_chunk_layout(Context& ctx, const DatasetNode& ds, DatasetState& st, const Shape& chunk) {
  LayoutMessage& L = st.layout;
  L.layout_class = LayoutClass::chunked;
  L.chunk_dims = chunk;
  L.element_size = st.dtype.size;
  const bool filtered = !st.filters.empty();
  std::uint64_t chunk_bytes = st.dtype.size;
  for (auto c : chunk) chunk_bytes *= c;
  if (!ctx.latest()) {
    L.version = 3;
    L.index_type = ChunkIndexType::btree_v1;
    return;
  }
  L.version = 4;
  auto in = std::make_shared<ChunkIndexInput>();
  in->kind = choose_index(ds.shape, ds.max_shape, chunk);
  in->shape = ds.shape;
  in->max_shape = ds.max_shape;
  in->chunk = chunk;
  in->element_size = st.dtype.size;
  in->filtered = filtered;
  in->chunk_bytes = chunk_bytes;
  st.index = in;
  switch (in->kind) {
    case IndexKind::single_chunk:
      L.index_type = ChunkIndexType::single_chunk;
      if (filtered) L.chunk_flags |= kLayoutSingleIndexWithFilter;
      break;
    case IndexKind::fixed_array:
      L.index_type = ChunkIndexType::fixed_array;
      L.fixed_array.page_bits = 10;
      break;
    case IndexKind::extensible_array:
      L.index_type = ChunkIndexType::extensible_array;
      L.extensible_array = {32, 4, 4, 16, 10};
      break;
    case IndexKind::btree_v2:
      L.index_type = ChunkIndexType::btree_v2;
      L.btree_v2 = {2048, 100, 40};
      break;
  }
}

// Vlen datasets store VlenHandles; HDF5 wants global heap references. Chunks are decoded,
// translated and re-encoded with the dataset's own pipeline.
void translate_vlen_chunks(Context& ctx, const DatasetNode& ds, DatasetState& st,
                           std::uint64_t chunk_bytes) {
  GlobalHeapWriter heap;
  VlenTranslator tr(ds, heap);
  std::vector<std::size_t> tickets;
  std::vector<std::byte> decoded(chunk_bytes);
  for (StoredChunk& c : st.chunks) {
    decode_stored_chunk(*ds.layout, c.bytes, c.mask, decoded);
    tickets.push_back(tr.collect(decoded));
  }
  heap.place(ctx);
  std::vector<std::byte> refs(chunk_bytes);
  for (std::size_t i = 0; i < st.chunks.size(); ++i) {
    // Decoded again rather than kept: holding every decoded chunk could be large.
    decode_stored_chunk(*ds.layout, st.chunks[i].bytes, st.chunks[i].mask, decoded);
    tr.write(tickets[i], decoded, refs, ctx.sizes);
    auto out = std::make_shared<std::vector<std::byte>>();
    st.chunks[i].mask = encode_stored_chunk(*ds.layout, refs, *out);
    st.chunks[i].owned = std::move(out);
  }
}

// Datasets of object references store node ids; HDF5 wants object header addresses, known
// only once every header is placed. Runs after placement: chunks are decoded, translated and
// re-encoded (their sizes may change, so they are allocated only then).
void translate_reference_chunks(const Context& ctx, const DatasetNode& ds, DatasetState& st,
                                std::uint64_t chunk_bytes) {
  std::vector<std::byte> decoded(chunk_bytes);
  for (StoredChunk& c : st.chunks) {
    decode_stored_chunk(*ds.layout, c.bytes, c.mask, decoded);
    translate_references(ctx, ds.dtype, decoded);
    auto out = std::make_shared<std::vector<std::byte>>();
    c.mask = encode_stored_chunk(*ds.layout, decoded, *out);
    c.owned = std::move(out);
  }
}

std::uint64_t alloc_chunk(Context& ctx, const StoredChunk& c) {
  return ctx.alloc(c.data().size(), [owned = c.owned, bytes = c.bytes](ByteSink& sink) {
    sink.write(owned ? std::span<const std::byte>(*owned) : bytes);
  });
}

}  // namespace

PlacedObject place_dataset(Context& ctx, const DatasetNode& ds) {
  ctx.data_locks.emplace_back(ds.data_mutex);
  // Its stored bytes were never loaded (see DatasetNode::unreadable): nothing to write.
  if (!ds.unreadable.empty()) fail(ErrorCode::unsupported, ds.unreadable);  // names the path
  const FileSizes sizes = ctx.sizes;
  auto st = std::make_shared<DatasetState>();
  const Layout& layout = *ds.layout;
  try {
    st->dtype = to_datatype_message(ds.dtype, ctx.format);
  } catch (const Error& e) {
    fail(e.code(), where(ds) + ": " + e.what());
  }
  if (ds.named_type && ctx.in_file.count(ds.named_type->id)) {
    // As libhdf5: version 2 references in the earliest format, 3 in the latest.
    st->shared_type.emplace();
    st->shared_type->version = ctx.latest() ? 3 : 2;
    st->shared_type->location = SharedLocation::committed;
    const Context* c = &ctx;
    const std::uint64_t id = ds.named_type->id;
    ctx.after_placement.push_back(
        [st, c, id] { st->shared_type->address = c->reference_address(id); });
  }
  const bool vlen = ds.dtype.has_vlen();
  if (vlen && !ds.vlen) fail(ErrorCode::unsupported, where(ds) + ": vlen data without a heap");
  const bool refs = has_reference(ds.dtype);
  if (refs && vlen) {
    fail(ErrorCode::unsupported,
         where(ds) + ": variable-length data holding object references cannot be written");
  }

  st->space.version = ctx.latest() ? 2 : 1;
  if (ds.null_space) {
    st->space.version = 2;  // version 1 cannot express it; libhdf5 also writes 2 then
    st->space.type = DataspaceType::null;
  } else if (ds.shape.empty()) {
    st->space.type = DataspaceType::scalar;
  } else {
    st->space.dims = ds.shape;
    st->space.max_dims = ds.max_shape;  // libhdf5 always stores them in a simple dataspace
    for (auto& m : st->space.max_dims) m = m == unlimited ? kUnlimitedDim : m;
  }

  const Shape chunk = layout.chunks();
  const bool chunked = !chunk.empty();
  st->filters = layout_filters(layout);

  // The fill value as libhdf5 records a user-defined one; all-zero fills are the default.
  const auto fill = layout.fill_value();
  const bool user_fill =
      std::any_of(fill.begin(), fill.end(), [](std::byte b) { return b != std::byte{0}; });
  st->fill.version = ctx.latest() ? 3 : 2;
  st->fill.alloc_time = chunked ? FillAllocTime::incremental : FillAllocTime::late;
  st->fill.write_time = FillWriteTime::if_set;
  st->fill.defined = user_fill || !ctx.latest();
  if (user_fill && vlen) {
    // As libhdf5: the fill's vlen values are global heap objects the message refers to.
    GlobalHeapWriter heap;
    VlenTranslator tr(ds, heap);
    const std::size_t t = tr.collect(fill);
    heap.place(ctx);
    st->fill.value.resize(fill.size());
    tr.write(t, fill, st->fill.value, sizes);
  } else if (user_fill) {
    st->fill.value.assign(fill.begin(), fill.end());
  }
  if (user_fill && !ctx.latest()) st->old_fill = st->fill.value;

  std::uint64_t chunk_bytes = st->dtype.size;
  for (auto c : chunk) chunk_bytes *= c;
  std::shared_ptr<std::vector<std::byte>> vlen_data;
  std::span<const std::byte> contiguous;
  if (chunked) {
    plan_chunk_layout(ctx, ds, *st, chunk);
    layout.for_each_stored_chunk([&](std::span<const std::uint64_t> grid,
                                     std::span<const std::byte> encoded, std::uint32_t mask) {
      st->chunks.push_back(
          StoredChunk{{grid.begin(), grid.end()}, encoded, nullptr, mask, kUndefinedAddress});
    });
    if (vlen) translate_vlen_chunks(ctx, ds, *st, chunk_bytes);
  } else {
    st->layout.version = 3;
    st->layout.layout_class = LayoutClass::contiguous;
    std::uint64_t n = st->dtype.size;
    for (auto d : ds.shape) n *= d;
    st->layout.size = n;
    contiguous = layout.contiguous_bytes();
    if (vlen && !contiguous.empty()) {
      GlobalHeapWriter heap;
      VlenTranslator tr(ds, heap);
      const std::size_t t = tr.collect(contiguous);
      heap.place(ctx);
      vlen_data = std::make_shared<std::vector<std::byte>>(contiguous.size());
      tr.write(t, contiguous, *vlen_data, sizes);
      contiguous = *vlen_data;
    }
    if (!contiguous.empty() && contiguous.size() != n) {
      fail(ErrorCode::corruption, where(ds) + ": contiguous storage of " +
                                      std::to_string(contiguous.size()) + " bytes, expected " +
                                      std::to_string(n));
    }
  }
  st->attrs = plan_attributes(ctx, ds);

  PlacedObject placed;
  const bool latest = ctx.latest();
  placed.header = place_object_header(
      ctx, [st, sizes, latest] { return dataset_messages(*st, sizes, latest); });

  if (!chunked) {
    if (!contiguous.empty() && refs) {
      // Translated at emission, when every object header address is known.
      const Context* c = &ctx;
      st->layout.address =
          ctx.alloc(contiguous.size(), [contiguous, c, t = ds.dtype](ByteSink& sink) {
            std::vector<std::byte> bytes(contiguous.begin(), contiguous.end());
            translate_references(*c, t, bytes);
            sink.write(bytes);
          });
    } else if (!contiguous.empty()) {
      st->layout.address = ctx.alloc(
          contiguous.size(), [contiguous, vlen_data](ByteSink& sink) { sink.write(contiguous); });
    }
    return placed;
  }
  if (st->chunks.empty()) return placed;  // no index until a chunk exists, as libhdf5

  if (!latest) {
    std::vector<std::uint64_t> layout_dims(chunk.begin(), chunk.end());
    layout_dims.push_back(st->dtype.size);
    auto records = std::make_shared<std::vector<ChunkRecordV1>>();
    for (const StoredChunk& c : st->chunks) {
      ChunkRecordV1 r;
      r.size = static_cast<std::uint32_t>(c.data().size());
      r.filter_mask = c.mask;
      for (std::size_t d = 0; d < chunk.size(); ++d) r.offset.push_back(c.grid[d] * chunk[d]);
      records->push_back(std::move(r));
    }
    const std::uint64_t size = encode_chunk_btree(*records, layout_dims, 0, sizes).bytes.size();
    const std::uint64_t at = ctx.next;
    st->layout.address = encode_chunk_btree(*records, layout_dims, at, sizes).root_address;
    ctx.alloc(size, [records, layout_dims, at, sizes](ByteSink& sink) {
      sink.write(encode_chunk_btree(*records, layout_dims, at, sizes).bytes);
    });
    if (refs) {
      ctx.after_placement.push_back([&ctx, &ds, st, records, chunk_bytes] {
        translate_reference_chunks(ctx, ds, *st, chunk_bytes);
        for (std::size_t i = 0; i < st->chunks.size(); ++i) {
          (*records)[i].size = static_cast<std::uint32_t>(st->chunks[i].data().size());
          (*records)[i].filter_mask = st->chunks[i].mask;
          (*records)[i].address = alloc_chunk(ctx, st->chunks[i]);
        }
      });
      return placed;
    }
    for (std::size_t i = 0; i < st->chunks.size(); ++i) {
      (*records)[i].address = alloc_chunk(ctx, st->chunks[i]);
    }
    return placed;
  }

  ChunkIndexInput& in = *st->index;
  for (const StoredChunk& c : st->chunks) {
    in.chunks.push_back({c.grid, kUndefinedAddress, c.data().size(), c.mask});
  }
  if (refs) {
    if (in.kind != IndexKind::single_chunk) st->layout.address = place_chunk_index(ctx, st->index);
    ctx.after_placement.push_back([&ctx, &ds, st, chunk_bytes] {
      translate_reference_chunks(ctx, ds, *st, chunk_bytes);
      ChunkIndexInput& index = *st->index;
      for (std::size_t i = 0; i < st->chunks.size(); ++i) {
        index.chunks[i].size = st->chunks[i].data().size();
        index.chunks[i].filter_mask = st->chunks[i].mask;
        index.chunks[i].address = alloc_chunk(ctx, st->chunks[i]);
      }
      if (index.kind == IndexKind::single_chunk) {
        st->layout.address = index.chunks[0].address;
        st->layout.single_chunk = {index.chunks[0].size, index.chunks[0].filter_mask};
      }
    });
    return placed;
  }
  if (in.kind == IndexKind::single_chunk) {
    st->layout.address = alloc_chunk(ctx, st->chunks[0]);
    st->layout.single_chunk = {st->chunks[0].data().size(), st->chunks[0].mask};
    return placed;
  }
  st->layout.address = place_chunk_index(ctx, st->index);
  for (std::size_t i = 0; i < st->chunks.size(); ++i)
    in.chunks[i].address = alloc_chunk(ctx, st->chunks[i]);
  return placed;
}

}  // namespace h5mem::detail::hdf5w
