// Attribute messages for the writer, with vlen string values in global heap collections and,
// in the latest format, dense storage when the attributes do not fit the object header.
#include <cstring>

#include "core/fail.hpp"
#include "format/hdf5/dtype_map.hpp"
#include "format/hdf5/global_heap.hpp"
#include "format/hdf5/messages/attribute_info.hpp"
#include "format/hdf5/writer_internal.hpp"

namespace h5mem::detail::hdf5w {

namespace {

// libhdf5's default attribute phase change: more than 8 attributes go dense.
constexpr std::size_t kMaxCompactAttributes = 8;
// A header message body is at most 64 KiB; bigger attributes only fit dense storage.
constexpr std::size_t kMaxMessageBody = 65535;

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

DataspaceMessage attribute_space(const Context& ctx, const Shape& shape) {
  DataspaceMessage s;
  s.version = ctx.latest() ? 2 : 1;
  if (shape.empty()) {
    s.type = DataspaceType::scalar;
  } else {
    s.type = DataspaceType::simple;
    s.dims = shape;
    s.max_dims = shape;
  }
  return s;
}

}  // namespace

namespace {

// libhdf5 counts the attributes of a version 2 header from its attribute info message (and
// finds none without one), so every v2 header gets one, as libhdf5 writes it.
HeaderMessage attribute_info(const Context& ctx, const DenseStorage& dense) {
  AttributeInfoMessage info;
  info.fractal_heap = dense.heap;
  info.name_btree = dense.name_btree;
  return make_message(HeaderMessageType::attribute_info, encode_attribute_info(info, ctx.sizes),
                      kMessageDontShare);
}

}  // namespace

namespace {

// The DIMENSION_LIST of a dataset (per dimension, the attached scales in the file) and the
// REFERENCE_LIST of a scale, as H5DSattach_scale writes them.
struct ScaleAttributes {
  std::vector<std::vector<std::uint64_t>> dim_list;
  bool has_dim_list = false;
  const std::vector<std::pair<std::uint64_t, std::uint32_t>>* ref_list = nullptr;
};

ScaleAttributes scale_attributes(const Context& ctx, const Node& node) {
  ScaleAttributes s;
  if (node.kind == ObjectKind::dataset) {
    const auto& ds = static_cast<const DatasetNode&>(node);
    if (ds.dim_scales.size() == ds.shape.size()) {
      for (const auto& ids : ds.dim_scales) {
        s.dim_list.emplace_back();
        for (std::uint64_t id : ids) {
          if (ctx.in_file.count(id)) s.dim_list.back().push_back(id);
        }
        s.has_dim_list = s.has_dim_list || !s.dim_list.back().empty();
      }
    }
  }
  auto it = ctx.reference_lists.find(node.id);
  if (it != ctx.reference_lists.end() && !it->second.empty()) s.ref_list = &it->second;
  return s;
}

// REFERENCE_LIST's type: H5DS's ds_list_t {hobj_ref_t dataset; int dimension;}.
DType reference_list_type() {
  CompoundBuilder b;
  b.add("dataset", 0, DType::object_reference());
  b.add("dimension", 8, DType::signed_integer(4, h5mem::ByteOrder::little));
  return b.size(16).build();
}

}  // namespace

AttributePlan plan_attributes(Context& ctx, const Node& node) {
  AttributePlan plan;
  if (ctx.latest()) plan.dense_info.push_back(attribute_info(ctx, {}));
  const ScaleAttributes scales = scale_attributes(ctx, node);
  if (node.attrs.empty() && !scales.has_dim_list && !scales.ref_list) return plan;
  GlobalHeapWriter heap;
  // What an attribute holding object references needs to be re-encoded after placement.
  struct RefValue {
    AttributeMessage msg;
    DType dtype;
    std::vector<std::byte> raw;  // elements with node ids
  };
  struct Pending {
    AttributeMessage msg;
    std::vector<GlobalHeapWriter::Slot> slots;  // vlen elements
    std::vector<std::uint64_t> lengths;         // their lengths (0: null reference)
    std::shared_ptr<RefValue> refs;             // set when the value holds references
    // Vlen sequences and nested vlen data: the stored form's handles, translated.
    std::shared_ptr<VlenTranslator> vlen;
    std::size_t ticket = 0;
    const AttrValue* value = nullptr;
  };
  std::vector<Pending> pending;
  auto start = [&](const std::string& name, const DType& dtype, const Shape& shape) -> Pending& {
    Pending& p = pending.emplace_back();
    AttributeMessage& m = p.msg;
    const bool ascii = is_ascii(name);
    m.version = ctx.latest() || !ascii ? 3 : 1;
    m.name = name;
    m.name_charset = ascii ? CharacterSet::ascii : CharacterSet::utf8;
    try {
      m.datatype = to_datatype_message(dtype, ctx.format);
    } catch (const Error& e) {
      fail(e.code(), where(node) + " attribute \"" + name + "\": " + e.what());
    }
    m.dataspace = attribute_space(ctx, shape);
    return p;
  };
  auto with_refs = [&](Pending& p, const DType& dtype, std::vector<std::byte> raw) {
    p.msg.data = raw;  // ids for now: same size as the addresses
    p.refs = std::make_shared<RefValue>(RefValue{p.msg, dtype, std::move(raw)});
  };
  for (const auto& [name, value] : node.attrs) {
    if ((scales.has_dim_list && name == "DIMENSION_LIST") ||
        (scales.ref_list && name == "REFERENCE_LIST")) {
      continue;  // written from the attachments below
    }
    Pending& p = start(name, value.dtype, value.shape);
    if (value.null_space) {  // h5py's Empty: no value; version 1 cannot express it
      p.msg.dataspace = DataspaceMessage{2, DataspaceType::null, {}, {}};
      continue;
    }
    if (value.dtype.is_variable_string()) {
      for (const std::string& s : value.strings) {
        if (s.size() > 0xffffffffu) {
          fail(ErrorCode::unsupported,
               where(node) + " attribute \"" + name + "\": string longer than 4 GiB");
        }
        p.lengths.push_back(s.size());
        p.slots.push_back(s.empty()
                              ? GlobalHeapWriter::Slot{}
                              : heap.add({reinterpret_cast<const std::byte*>(s.data()), s.size()}));
      }
    } else if (value.dtype.has_vlen()) {
      if (has_reference(value.dtype)) {
        fail(ErrorCode::unsupported, where(node) + " attribute \"" + name + "\" of type " +
                                         value.dtype.name() + " cannot be written");
      }
      const auto* objects = &value.vlen_objects;
      p.vlen = std::make_shared<VlenTranslator>(
          value.dtype,
          [objects](std::uint64_t id) -> std::span<const std::byte> {
            if (id == 0 || id > objects->size()) {
              fail(ErrorCode::corruption,
                   "variable-length value " + std::to_string(id) + " is missing");
            }
            return (*objects)[id - 1];
          },
          where(node) + " attribute \"" + name + "\"", heap);
      p.ticket = p.vlen->collect(value.bytes);
      p.value = &value;
    } else if (has_reference(value.dtype)) {
      with_refs(p, value.dtype, value.bytes);
    } else {
      p.msg.data = value.bytes;
    }
  }
  // DIMENSION_LIST: one vlen of references per dimension, in global heap objects whose
  // addresses are filled in after placement.
  if (scales.has_dim_list) {
    Pending& p = start("DIMENSION_LIST", DType::vlen(DType::object_reference()),
                       Shape{scales.dim_list.size()});
    auto objects = std::make_shared<std::vector<std::vector<std::byte>>>();
    for (const auto& ids : scales.dim_list) {
      std::vector<std::byte>& o = objects->emplace_back(ids.size() * 8);
      if (!ids.empty()) std::memcpy(o.data(), ids.data(), o.size());
    }
    for (auto& o : *objects) {
      p.lengths.push_back(o.size() / 8);
      p.slots.push_back(o.empty() ? GlobalHeapWriter::Slot{} : heap.add(o));
    }
    const Context* c = &ctx;
    ctx.after_placement.push_back([c, objects] {
      for (auto& o : *objects) translate_references(*c, DType::object_reference(), o);
    });
  }
  if (scales.ref_list) {
    const DType t = reference_list_type();
    Pending& p = start("REFERENCE_LIST", t, Shape{scales.ref_list->size()});
    std::vector<std::byte> raw(scales.ref_list->size() * 16);
    for (std::size_t i = 0; i < scales.ref_list->size(); ++i) {
      const auto& [ds, dim] = (*scales.ref_list)[i];
      const std::int32_t d = static_cast<std::int32_t>(dim);
      std::memcpy(raw.data() + 16 * i, &ds, 8);
      std::memcpy(raw.data() + 16 * i + 8, &d, 4);
    }
    with_refs(p, t, std::move(raw));
  }
  heap.place(ctx);

  std::vector<std::vector<std::byte>> bodies;
  std::vector<std::string> names;
  bool too_big = false;
  for (Pending& p : pending) {
    if (p.vlen) {
      p.msg.data.resize(p.value->bytes.size());
      p.vlen->write(p.ticket, p.value->bytes, p.msg.data, ctx.sizes);
    }
    if (!p.slots.empty()) {
      const std::size_t ref = vlen_reference_size(ctx.sizes);
      p.msg.data.assign(p.slots.size() * ref, std::byte{0});
      for (std::size_t i = 0; i < p.slots.size(); ++i) {
        if (p.lengths[i] != 0)
          heap.write_reference(p.msg.data.data() + i * ref, p.lengths[i], p.slots[i], ctx.sizes);
      }
    }
    bodies.push_back(encode_attribute(p.msg, ctx.sizes));
    names.push_back(p.msg.name);
    if (bodies.back().size() > kMaxMessageBody - 8) too_big = true;
  }

  // Re-encodes the attributes holding references once every object has its address.
  const Context* c = &ctx;
  const FileSizes sizes = ctx.sizes;
  auto reencode = [c, sizes](const RefValue& v) {
    AttributeMessage m = v.msg;
    m.data = v.raw;
    translate_references(*c, v.dtype, m.data);
    return encode_attribute(m, sizes);
  };

  if (ctx.latest() && (bodies.size() > kMaxCompactAttributes || too_big)) {
    auto shared = std::make_shared<std::vector<std::vector<std::byte>>>(std::move(bodies));
    for (std::size_t k = 0; k < pending.size(); ++k) {
      if (!pending[k].refs) continue;
      ctx.after_placement.push_back([shared, k, v = pending[k].refs, reencode] {
        (*shared)[k] = reencode(*v);
      });
    }
    plan.dense_info.back() = attribute_info(ctx, place_dense_attributes(ctx, shared, names));
    return plan;
  }
  if (too_big) {
    fail(ErrorCode::unsupported,
         where(node) +
             ": an attribute value over 64 KiB does not fit a version 1 object header "
             "(write with Format::latest for dense attribute storage)");
  }
  for (std::size_t k = 0; k < pending.size(); ++k) {
    if (pending[k].refs) {
      auto late = std::make_shared<std::vector<std::byte>>(bodies[k]);
      plan.late.emplace_back(k, late);
      ctx.after_placement.push_back([late, v = pending[k].refs, reencode] { *late = reencode(*v); });
    }
    plan.messages.push_back(make_message(HeaderMessageType::attribute, std::move(bodies[k])));
  }
  return plan;
}

}  // namespace h5mem::detail::hdf5w
