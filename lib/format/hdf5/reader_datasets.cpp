// Datasets: dataspace, datatype, fill value, filter pipeline and layout messages become a
// DatasetOptions, so make_dataset_layout applies the same validation as Group::create_dataset;
// the stored bytes are then loaded as they are (chunks stay encoded).
#include <algorithm>

#include "core/dataset_layout.hpp"
#include "core/fail.hpp"
#include "core/vlen_fill.hpp"
#include "core/vlen_heap.hpp"
#include "format/hdf5/dtype_map.hpp"
#include "format/hdf5/messages/dataspace.hpp"
#include "format/hdf5/messages/fill_value.hpp"
#include "format/hdf5/messages/filter_pipeline.hpp"
#include "format/hdf5/messages/layout.hpp"
#include "format/hdf5/messages/shared_message.hpp"
#include "format/hdf5/reader_internal.hpp"

namespace h5mem::detail {
namespace {

struct Extent {
  Shape shape;
  Shape max_shape;
};

Extent extent_of(const DataspaceMessage& ds) {
  // A null dataspace (h5py.Empty) holds no elements: shown as a 1-d shape of length 0.
  if (ds.type == DataspaceType::null) return {Shape{0}, Shape{0}};
  Extent e{Shape(ds.dims.begin(), ds.dims.end()), {}};
  e.max_shape = ds.max_dims.empty() ? e.shape : Shape(ds.max_dims.begin(), ds.max_dims.end());
  return e;
}

[[noreturn]] void fail_ds(ErrorCode code, const std::string& path, const std::string& what) {
  fail(code, path + ": " + what);
}

// Maps the file's pipeline onto DatasetOptions. The options impose h5py's order (shuffle,
// deflate or lzf, fletcher32); the caller checks the result matches the file's order, since
// chunk filter masks refer to positions in the pipeline.
void apply_filters(const FilterPipelineMessage& p, DatasetOptions& o, const std::string& path) {
  for (const FilterDescription& f : p.filters) {
    switch (f.id) {
      case 1: {
        unsigned level = f.client_data.empty() ? 4u : f.client_data[0];
        if (level > 9)
          fail_ds(ErrorCode::corruption, path, "deflate level " + std::to_string(level));
        o.deflate(level);
        break;
      }
      case 2:
        o.shuffle();
        break;
      case 3:
        o.fletcher32();
        break;
      case 32000:
        o.lzf();
        break;
      default: {
        std::string name = known_filter_name(f.id);
        if (name.empty()) name = f.name.empty() ? "unknown" : f.name;
        fail_ds(ErrorCode::unsupported, path,
                "filter " + std::to_string(f.id) + " (" + name + ") is not supported");
      }
    }
  }
}

void check_filter_order(const FilterPipelineMessage& p, const Layout& layout,
                        const std::string& path) {
  std::vector<std::uint16_t> want;
  for (const auto& f : p.filters) want.push_back(f.id);
  if (want != pipeline_filter_ids(layout)) {
    fail_ds(ErrorCode::unsupported, path,
            "filter pipeline order or repetition differs from h5py's (shuffle, deflate/lzf, "
            "fletcher32)");
  }
}

std::vector<std::byte> fill_bytes(const ReaderContext& ctx, const ObjectHeader& h) {
  if (const HeaderMessage* m = find_message(h, HeaderMessageType::fill_value)) {
    FillValueMessage f = decode_fill_value(message_body(ctx, *m), ctx.view.absolute(m->address));
    if (!f.undefined) return f.value;
    return {};
  }
  if (const HeaderMessage* m = find_message(h, HeaderMessageType::fill_value_old)) {
    return decode_old_fill_value(message_body(ctx, *m), ctx.view.absolute(m->address)).value;
  }
  return {};
}

// A fill value message's value for a type with vlen data: references to global heap objects
// (libhdf5 converts the fill value to its file form), as a stored element and its objects.
VlenFill read_vlen_fill(ReaderContext& ctx, const DatatypeMessage& ftype, const DType& dt,
                        const std::vector<std::byte>& fill) {
  if (fill.size() != ftype.size) {
    fail(ErrorCode::corruption,
         std::to_string(fill.size()) + " bytes for a " + std::to_string(ftype.size) + "-byte type");
  }
  VlenFill out;
  out.element.resize(stored_size(dt));
  file_to_stored(
      ctx, ftype, dt, fill, 1,
      [&out](std::span<const std::byte> bytes, std::uint64_t count) {
        out.objects.emplace_back(bytes.begin(), bytes.end());
        return VlenHandle{count, out.objects.size()};
      },
      out.element.data());
  return out;
}

void load_chunks(ReaderContext& ctx, DatasetNode& ds, const LayoutMessage& lm,
                 const DatatypeMessage& ftype, bool filtered, const std::string& path) {
  std::uint64_t chunk_bytes = ftype.size;
  for (std::uint64_t d : lm.chunk_dims) chunk_bytes *= d;  // make_dataset_layout bounded it
  ChunkIndexInfo info;
  info.kind = static_cast<ChunkIndexKind>(lm.index_type);
  info.address = lm.address;
  info.chunk_dims = lm.chunk_dims;
  info.single_filtered = (lm.chunk_flags & kLayoutSingleIndexWithFilter) != 0;
  info.single_size = lm.single_chunk.filtered_size;
  info.single_mask = lm.single_chunk.filter_mask;
  for (const ChunkLocation& c :
       list_chunks(ctx, info, ds.shape, ds.max_shape, filtered, chunk_bytes)) {
    std::span<const std::byte> stored =
        ctx.view.at(c.entry.address, c.entry.size, "chunk").bytes(c.entry.size);
    try {
      if (ds.vlen) {
        load_vlen_chunk(ctx, ds, ftype, c, stored);
      } else {
        ds.layout->load_chunk(c.coord, stored, c.entry.filter_mask, ctx.image.budget, ctx.owner);
      }
    } catch (const Error& e) {
      if (e.code() != ErrorCode::corruption) throw;
      fail_ds(
          ErrorCode::corruption, path,
          "chunk at byte " + std::to_string(ctx.view.absolute(c.entry.address)) + ": " + e.what());
    }
  }
}

void load_contiguous(ReaderContext& ctx, DatasetNode& ds, const LayoutMessage& lm,
                     const DatatypeMessage& ftype) {
  const std::uint64_t stored_es = ftype.size;
  const std::uint64_t n = element_count(ds.shape);
  std::span<const std::byte> data;
  if (lm.layout_class == LayoutClass::compact) {
    data = lm.compact_data;
  } else {
    if (lm.address == kUndefinedAddress) return;  // never written: reads as the fill value
    const std::uint64_t need = n * stored_es;
    if (stored_es != 0 && need / stored_es != n)
      fail_corrupt("contiguous data", 0, "size overflows");
    data = ctx.view.at(lm.address, need, "contiguous data").bytes(need);
  }
  if (data.size() < n * stored_es) {
    fail_corrupt("compact data", 0,
                 std::to_string(data.size()) + " bytes for " + std::to_string(n) + " elements of " +
                     std::to_string(stored_es) + " bytes");
  }
  data = data.first(static_cast<std::size_t>(n * stored_es));
  if (!ds.vlen) {
    // Compact data is a copy decoded with the object header, not a view of the file.
    const bool in_file = lm.layout_class != LayoutClass::compact;
    ds.layout->load_contiguous(data, ctx.image.budget, in_file ? ctx.owner : nullptr);
    return;
  }
  std::vector<std::byte> handles(static_cast<std::size_t>(n * stored_size(ds.dtype)));
  file_to_stored(ctx, ftype, ds.dtype, data, n, heap_adder(ctx, *ds.vlen), handles.data());
  ds.layout->load_contiguous(handles, ctx.image.budget, nullptr);
}

}  // namespace

std::shared_ptr<DatasetNode> build_dataset(ReaderContext& ctx, const ObjectHeader& h,
                                           const std::string& path) {
  const HeaderMessage* space_m = find_message(h, HeaderMessageType::dataspace);
  const HeaderMessage* type_m = find_message(h, HeaderMessageType::datatype);
  const HeaderMessage* layout_m = find_message(h, HeaderMessageType::layout);
  if (!space_m || !type_m)
    fail_ds(ErrorCode::corruption, path, "dataset without dataspace or datatype");
  if (find_message(h, HeaderMessageType::external_files)) {
    fail_ds(ErrorCode::unsupported, path, "external raw data storage is not supported");
  }
  const DataspaceMessage space = decode_dataspace(
      message_body(ctx, *space_m), ctx.view.absolute(space_m->address), ctx.sb.sizes);
  const DatatypeMessage ftype =
      decode_datatype(message_body(ctx, *type_m), ctx.view.absolute(type_m->address));
  const LayoutMessage lm = decode_layout(message_body(ctx, *layout_m),
                                         ctx.view.absolute(layout_m->address), ctx.sb.sizes);
  DType dt = [&] {
    try {
      return from_datatype_message(ftype);
    } catch (const Error& e) {
      fail_ds(e.code(), path, e.what());
    }
  }();
  // Vlen data anywhere in the type has a VlenHeap form: the file's elements become stored
  // ones (file_to_stored: references to handles, members packed), chunk by chunk.
  const bool vlen = dt.has_vlen();
  if (!vlen && ftype.size != dt.size()) {
    fail_ds(ErrorCode::corruption, path, "datatype size mismatch");
  }
  Extent ext = extent_of(space);

  DatasetOptions opts;
  std::vector<std::byte> fill = fill_bytes(ctx, h);
  if (!fill.empty() && !vlen) {
    if (fill.size() != dt.size()) {
      fail_ds(ErrorCode::corruption, path,
              "fill value of " + std::to_string(fill.size()) + " bytes for a " +
                  std::to_string(dt.size()) + "-byte type");
    }
    opts.fill_value_raw(dt, fill.data());
  }
  std::optional<VlenFill> vlen_fill;
  if (!fill.empty() && vlen) {
    try {
      vlen_fill = read_vlen_fill(ctx, ftype, dt, fill);
    } catch (const Error& e) {
      fail_ds(e.code(), path, std::string("fill value: ") + e.what());
    }
  }
  // A pipeline h5mem cannot decode leaves the dataset in the tree, marked unreadable, so the
  // rest of the file (and this dataset's metadata) stays usable.
  DatasetOptions plain = opts;
  std::string unreadable;
  FilterPipelineMessage pipeline;
  if (const HeaderMessage* fm = find_message(h, HeaderMessageType::filter_pipeline)) {
    pipeline = decode_filter_pipeline(message_body(ctx, *fm), ctx.view.absolute(fm->address));
    try {
      apply_filters(pipeline, opts, path);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::unsupported) throw;
      unreadable = e.what();
    }
  }
  switch (lm.layout_class) {
    case LayoutClass::compact:
    case LayoutClass::contiguous:
      if (ext.max_shape != ext.shape) {
        fail_ds(ErrorCode::corruption, path, "resizable dataset without chunked layout");
      }
      if (!pipeline.filters.empty())
        fail_ds(ErrorCode::corruption, path, "filters on unchunked data");
      break;
    case LayoutClass::chunked:
      if (lm.chunk_dims.size() != ext.shape.size() || space.type != DataspaceType::simple) {
        fail_ds(ErrorCode::corruption, path, "chunk rank differs from the dataspace rank");
      }
      if (lm.element_size != ftype.size) {
        fail_ds(ErrorCode::corruption, path,
                "chunk element size " + std::to_string(lm.element_size) +
                    " differs from the datatype size");
      }
      opts.chunks(Shape(lm.chunk_dims.begin(), lm.chunk_dims.end()));
      opts.max_shape(ext.max_shape);
      plain.chunks(Shape(lm.chunk_dims.begin(), lm.chunk_dims.end()));
      plain.max_shape(ext.max_shape);
      break;
    case LayoutClass::virtual_storage:
      fail_ds(ErrorCode::unsupported, path, "virtual datasets are not supported");
  }
  NewLayout nl = [&] {
    try {
      return make_dataset_layout(dt, ext.shape, unreadable.empty() ? opts : plain,
                                 vlen_fill ? &*vlen_fill : nullptr);
    } catch (const Error& e) {
      // Options that create_dataset would reject are impossible in a valid file.
      ErrorCode code = e.code() == ErrorCode::unsupported ? e.code() : ErrorCode::corruption;
      fail_ds(code, path, e.what());
    }
  }();
  auto ds = std::make_shared<DatasetNode>(dt, ext.shape, nl.max_shape);
  ds->layout = std::move(nl.layout);
  ds->null_space = space.type == DataspaceType::null;
  if (type_m->flags & kMessageShared) {
    const SharedMessage ref =
        decode_shared_message(type_m->body, ctx.view.absolute(type_m->address), ctx.sb.sizes);
    if (ref.location == SharedLocation::committed)
      ctx.named_type_uses.emplace_back(ds, ref.address);
  }
  if (vlen) ds->vlen = std::make_unique<VlenHeap>();
  charge_vlen_fill(*ds->layout, ctx.image.budget);
  if (lm.layout_class == LayoutClass::chunked && unreadable.empty()) {
    try {
      check_filter_order(pipeline, *ds->layout, path);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::unsupported) throw;
      unreadable = e.what();
    }
  }
  if (!unreadable.empty()) {
    // Errors raised through the dataset's handles get the path added again.
    if (unreadable.rfind(path + ": ", 0) == 0) unreadable.erase(0, path.size() + 2);
    ds->unreadable = unreadable;
    return ds;
  }
  if (lm.layout_class == LayoutClass::chunked) {
    load_chunks(ctx, *ds, lm, ftype, !pipeline.filters.empty(), path);
  } else {
    try {
      load_contiguous(ctx, *ds, lm, ftype);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::corruption) throw;
      fail_ds(ErrorCode::corruption, path, e.what());
    }
  }
  return ds;
}

}  // namespace h5mem::detail
