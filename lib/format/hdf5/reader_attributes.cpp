// Attributes: compact (attribute messages in the header) and dense (fractal heap indexed by
// a v2 B-tree of name hashes), converted to AttrValues as AttributeSet::set_raw stores them.
#include <optional>

#include "core/fail.hpp"
#include "format/hdf5/btree_v2.hpp"
#include "format/hdf5/dtype_map.hpp"
#include "format/hdf5/fractal_heap.hpp"
#include "format/hdf5/messages/attribute.hpp"
#include "format/hdf5/messages/attribute_info.hpp"
#include "format/hdf5/messages/dataspace.hpp"
#include "format/hdf5/messages/datatype.hpp"
#include "format/hdf5/reader_internal.hpp"
#include "format/hdf5/references.hpp"

namespace h5mem::detail {
namespace {

Shape shape_of(const DataspaceMessage& ds) {
  // A null dataspace (h5py.Empty) holds no elements: shown as a 1-d shape of length 0.
  if (ds.type == DataspaceType::null) return Shape{0};
  return Shape(ds.dims.begin(), ds.dims.end());
}

void add_attribute(ReaderContext& ctx, AttributeMessage m, Node& node, const std::string& path,
                   std::uint64_t offset) {
  const std::string where = (path.empty() ? "/" : path) + " attribute \"" + m.name + "\"";
  if (m.flags & kAttributeDataspaceShared) {
    m.dataspace =
        decode_dataspace(shared_body(ctx, static_cast<std::uint16_t>(HeaderMessageType::dataspace),
                                     m.shared_dataspace, offset),
                         offset, ctx.sb.sizes);
  }
  if (m.flags & kAttributeDatatypeShared) {
    m.datatype =
        decode_datatype(shared_body(ctx, static_cast<std::uint16_t>(HeaderMessageType::datatype),
                                    m.shared_datatype, offset),
                        offset);
  }
  std::optional<DType> maybe;
  try {
    maybe = from_datatype_message(m.datatype);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::unsupported) throw;
    ctx.note(path.empty() ? "/" : path, "attribute \"" + m.name + "\" skipped: " + e.what());
    return;
  }
  const DType& dt = *maybe;
  if (read_scale_attribute(ctx, m, dt, node)) return;
  if (dt.has_vlen() && !dt.is_variable_string()) {
    // Vlen data holding object references (other than the DIMENSION_LIST taken above) would
    // keep file addresses.
    std::string why = dtype_has_reference(dt) ? "references in variable-length data" : "";
    if (!why.empty()) {
      ctx.note(path.empty() ? "/" : path,
               "attribute \"" + m.name + "\" of type " + dt.name() + " skipped: " + why);
      return;
    }
  }
  AttrValue v{dt, shape_of(m.dataspace), {}, {}, {}};
  v.null_space = m.dataspace.type == DataspaceType::null;
  const std::uint64_t n = m.dataspace.element_count();
  const std::uint64_t need = n * m.datatype.size;  // element_count checked, size <= 2^32
  if (m.datatype.size != 0 && need / m.datatype.size != n) {
    fail_corrupt("attribute", offset, "value size overflows");
  }
  if (m.data.size() < need) {
    fail_corrupt(
        "attribute", offset,
        "value of " + std::to_string(m.data.size()) + " bytes, need " + std::to_string(need));
  }
  std::span<const std::byte> data(m.data.data(), static_cast<std::size_t>(need));
  if (dt.is_variable_string()) {
    v.strings = refs_to_strings(ctx, data, n);
  } else if (dt.has_vlen()) {
    v.bytes.resize(static_cast<std::size_t>(n * stored_size(dt)));
    file_to_stored(
        ctx, m.datatype, dt, data, n,
        [&v](std::span<const std::byte> bytes, std::uint64_t count) {
          v.vlen_objects.emplace_back(bytes.begin(), bytes.end());
          return VlenHandle{count, v.vlen_objects.size()};
        },
        v.bytes.data());
  } else {
    v.bytes.assign(data.begin(), data.end());
  }
  if (node.attrs.count(m.name)) fail(ErrorCode::corruption, where + ": duplicate attribute name");
  ctx.image.budget.reserve(v.payload());
  node.attrs.emplace(m.name, std::move(v));
}

void dense_attributes(ReaderContext& ctx, const AttributeInfoMessage& info, Node& node,
                      const std::string& path) {
  FractalHeap heap(ctx.view, info.fractal_heap);
  BTreeV2Header bt = decode_btree_v2_header(ctx.view, info.name_btree);
  if (bt.type != BTreeV2Type::attribute_name ||
      bt.record_size != attribute_record_size(BTreeV2Type::attribute_name)) {
    fail_corrupt(
        "attribute name index", ctx.view.absolute(info.name_btree),
        "not an attribute name B-tree (type " + std::to_string(static_cast<int>(bt.type)) + ")");
  }
  std::vector<AttributeRecord> records;
  walk_btree_v2(ctx.view, bt, [&](std::span<const std::byte> raw) {
    records.push_back(decode_attribute_record(BTreeV2Type::attribute_name, raw));
  });
  const std::uint64_t where = ctx.view.absolute(info.fractal_heap);
  for (const AttributeRecord& r : records) {
    // A shared attribute's record holds its ID in the shared message heap instead.
    std::vector<std::byte> body =
        (r.message_flags & kMessageShared)
            ? shared_heap_body(ctx, static_cast<std::uint16_t>(HeaderMessageType::attribute),
                               r.heap_id, where)
            : heap.read(r.heap_id);
    add_attribute(ctx, decode_attribute(body, where, ctx.sb.sizes), node, path, where);
  }
}

}  // namespace

void read_attributes(ReaderContext& ctx, const ObjectHeader& h, Node& node,
                     const std::string& path) {
  for (const HeaderMessage& m : h.messages) {
    if (m.kind() != HeaderMessageType::attribute) continue;
    const std::uint64_t at = ctx.view.absolute(m.address);
    add_attribute(ctx, decode_attribute(message_body(ctx, m), at, ctx.sb.sizes), node, path, at);
  }
  if (const HeaderMessage* ai = find_message(h, HeaderMessageType::attribute_info)) {
    AttributeInfoMessage info =
        decode_attribute_info(message_body(ctx, *ai), ctx.view.absolute(ai->address), ctx.sb.sizes);
    if (info.fractal_heap != kUndefinedAddress) dense_attributes(ctx, info, node, path);
  }
}

}  // namespace h5mem::detail
