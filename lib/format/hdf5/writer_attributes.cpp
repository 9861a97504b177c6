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

AttributePlan plan_attributes(Context& ctx, const Node& node) {
  AttributePlan plan;
  if (ctx.latest()) plan.dense_info.push_back(attribute_info(ctx, {}));
  if (node.attrs.empty()) return plan;
  GlobalHeapWriter heap;
  struct Pending {
    AttributeMessage msg;
    std::vector<GlobalHeapWriter::Slot> slots;  // vlen strings, per element
    const AttrValue* value = nullptr;
  };
  std::vector<Pending> pending;
  for (const auto& [name, value] : node.attrs) {
    Pending p;
    p.value = &value;
    AttributeMessage& m = p.msg;
    const bool ascii = is_ascii(name);
    m.version = ctx.latest() || !ascii ? 3 : 1;
    m.name = name;
    m.name_charset = ascii ? CharacterSet::ascii : CharacterSet::utf8;
    try {
      m.datatype = to_datatype_message(value.dtype, ctx.format);
    } catch (const Error& e) {
      fail(e.code(), where(node) + " attribute \"" + name + "\": " + e.what());
    }
    m.dataspace = attribute_space(ctx, value.shape);
    if (value.dtype.is_variable_string()) {
      for (const std::string& s : value.strings) {
        if (s.size() > 0xffffffffu) {
          fail(ErrorCode::unsupported,
               where(node) + " attribute \"" + name + "\": string longer than 4 GiB");
        }
        p.slots.push_back(s.empty()
                              ? GlobalHeapWriter::Slot{}
                              : heap.add({reinterpret_cast<const std::byte*>(s.data()), s.size()}));
      }
    } else if (value.dtype.has_vlen()) {
      fail(ErrorCode::unsupported, where(node) + " attribute \"" + name + "\" of type " +
                                       value.dtype.name() + " cannot be written");
    } else {
      m.data = value.bytes;
    }
    pending.push_back(std::move(p));
  }
  heap.place(ctx);

  std::vector<std::vector<std::byte>> bodies;
  std::vector<std::string> names;
  bool too_big = false;
  for (Pending& p : pending) {
    if (!p.slots.empty()) {
      const std::size_t ref = vlen_reference_size(ctx.sizes);
      p.msg.data.assign(p.slots.size() * ref, std::byte{0});
      for (std::size_t i = 0; i < p.slots.size(); ++i) {
        const std::string& s = p.value->strings[i];
        if (!s.empty())
          heap.write_reference(p.msg.data.data() + i * ref, s.size(), p.slots[i], ctx.sizes);
      }
    }
    bodies.push_back(encode_attribute(p.msg, ctx.sizes));
    names.push_back(p.msg.name);
    if (bodies.back().size() > kMaxMessageBody - 8) too_big = true;
  }

  if (ctx.latest() && (bodies.size() > kMaxCompactAttributes || too_big)) {
    plan.dense_info.back() =
        attribute_info(ctx, place_dense_attributes(ctx, std::move(bodies), names));
    return plan;
  }
  if (too_big) {
    fail(ErrorCode::unsupported,
         where(node) +
             ": an attribute value over 64 KiB does not fit a version 1 object header "
             "(write with Format::latest for dense attribute storage)");
  }
  for (auto& b : bodies)
    plan.messages.push_back(make_message(HeaderMessageType::attribute, std::move(b)));
  return plan;
}

}  // namespace h5mem::detail::hdf5w
