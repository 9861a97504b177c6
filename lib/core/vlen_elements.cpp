#include "core/vlen_elements.hpp"

#include <cstring>
#include <new>
#include <string>

#include "array/convert.hpp"
#include "core/dtype_detail.hpp"
#include "core/fail.hpp"
#include "core/utf8.hpp"
#include "h5mem/options.hpp"

namespace h5mem::detail {
namespace {

std::uint64_t array_count(const DType& t) {
  std::uint64_t n = 1;
  for (std::uint64_t d : t.array_dims()) n *= d;
  return n;
}

void collect_slots(const DType& t, std::size_t at, std::vector<VlenSlot>& out) {
  if (!t.has_vlen()) return;
  switch (t.type_class()) {
    case TypeClass::string:
      out.push_back({at, 1, nullptr});
      return;
    case TypeClass::vlen:
      out.push_back({at, stored_size(t.base()), t.base().has_vlen() ? &t.base() : nullptr});
      return;
    case TypeClass::array: {
      const std::size_t es = stored_size(t.base());
      for (std::uint64_t i = 0; i < array_count(t); ++i) collect_slots(t.base(), at + i * es, out);
      return;
    }
    case TypeClass::compound: {
      const auto offs = stored_offsets(t);
      for (std::size_t i = 0; i < t.members().size(); ++i) {
        collect_slots(*t.members()[i].type, at + offs[i], out);
      }
      return;
    }
    default:
      return;
  }
}

// Stored offset of member `k` of compound `t`, without allocating (the per-element paths
// call it for every member).
std::size_t stored_offset_of(const DType& t, std::size_t k) {
  const auto& ms = t.members();
  if (!t.has_vlen()) return ms[k].offset;
  if (const TypeDetail* d = type_detail(t); !d->stored_offsets.empty()) {
    return d->stored_offsets[k];
  }
  std::size_t at = 0;
  for (std::size_t i = 0; i < k; ++i) at += stored_size(*ms[i].type);
  return at;
}

VlenHandle handle_at(const std::byte* p) {
  VlenHandle h;
  std::memcpy(&h, p, sizeof h);
  return h;
}

// The stored bytes of `h`, checked against its count of `item`-byte items.
std::span<const std::byte> value_of(const VlenHandle& h, std::size_t item, const VlenGet& get) {
  if (h.count == 0) return {};
  auto bytes = get(h);
  if (bytes.size() / item != h.count || bytes.size() % item != 0) {
    fail(ErrorCode::corruption, "variable-length value of " + std::to_string(bytes.size()) +
                                    " bytes for " + std::to_string(h.count) + " item(s)");
  }
  return bytes;
}

const Member& member_named(const DType& t, const std::string& name, std::size_t& index) {
  const auto& ms = t.members();
  for (index = 0; index < ms.size(); ++index) {
    if (ms[index].name == name) return ms[index];
  }
  fail(ErrorCode::type_mismatch, "member \"" + name + "\" is missing from " + t.name());
}

void load_one(const DType& s, const std::byte* in, const DType& d, std::byte* out,
              const VlenGet& get);

// A vlen value whose items hold vlen data: `count` stored items of `s` -> constructed
// memory-form items of `d` replacing those `dst` holds.
void load_nested(const DType& s, std::span<const std::byte> stored, std::uint64_t count,
                 const DType& d, std::vector<std::byte>& dst, const VlenGet& get) {
  const std::size_t ss = stored_size(s), ds = d.size();
  std::vector<std::byte> fresh(static_cast<std::size_t>(count * ds));
  construct_memory_form(d, fresh.data(), count);
  try {
    for (std::uint64_t i = 0; i < count; ++i) {
      load_one(s, stored.data() + i * ss, d, fresh.data() + i * ds, get);
    }
  } catch (...) {
    destroy_memory_form(d, fresh.data(), count);
    throw;
  }
  destroy_memory_form(d, dst.data(), dst.size() / ds);
  dst = std::move(fresh);  // the objects stay where they were built
}

void load_one(const DType& s, const std::byte* in, const DType& d, std::byte* out,
              const VlenGet& get) {
  if (!s.has_vlen()) {
    convert(s, d, in, out, 1);
    return;
  }
  switch (s.type_class()) {
    case TypeClass::string: {
      auto bytes = value_of(handle_at(in), 1, get);
      reinterpret_cast<std::string*>(out)->assign(reinterpret_cast<const char*>(bytes.data()),
                                                  bytes.size());
      return;
    }
    case TypeClass::vlen: {
      const VlenHandle h = handle_at(in);
      auto bytes = value_of(h, stored_size(s.base()), get);
      auto& dst = reinterpret_cast<VlenBytes*>(out)->bytes;
      if (d.base().has_vlen()) {
        load_nested(s.base(), bytes, h.count, d.base(), dst, get);
      } else if (s.base() == d.base()) {
        dst.assign(bytes.begin(), bytes.end());
      } else {
        dst.resize(static_cast<std::size_t>(h.count * d.base().size()));
        if (h.count) convert(s.base(), d.base(), bytes.data(), dst.data(), h.count);
      }
      return;
    }
    case TypeClass::array: {
      const std::size_t ss = stored_size(s.base()), ds = d.base().size();
      for (std::uint64_t i = 0; i < array_count(s); ++i) {
        load_one(s.base(), in + i * ss, d.base(), out + i * ds, get);
      }
      return;
    }
    case TypeClass::compound: {
      for (const Member& m : d.members()) {
        std::size_t k = 0;
        const Member& sm = member_named(s, m.name, k);
        load_one(*sm.type, in + stored_offset_of(s, k), *m.type, out + m.offset, get);
      }
      return;
    }
    default:
      fail(ErrorCode::unsupported, "variable-length data in " + s.name());
  }
}

struct StoreState {
  const VlenAdd& add;
  bool validate_utf8;
  std::uint64_t element = 0;
  std::vector<std::byte> scratch;
};

void put_handle(std::byte* out, const VlenHandle& h) {
  std::memcpy(out, &h, sizeof h);
}

void store_one(const DType& s, const std::byte* in, const DType& d, std::byte* out,
               StoreState& st) {
  if (!d.has_vlen()) {
    convert(s, d, in, out, 1);
    return;
  }
  switch (d.type_class()) {
    case TypeClass::string: {
      const auto& str = *reinterpret_cast<const std::string*>(in);
      if (st.validate_utf8 && d.charset() == CharSet::utf8) {
        if (std::size_t bad = find_invalid_utf8(str); bad != std::string_view::npos) {
          fail(ErrorCode::invalid_argument, "element " + std::to_string(st.element) +
                                                " is not valid UTF-8 (byte " + std::to_string(bad) +
                                                ")");
        }
      }
      VlenHandle h;
      if (!str.empty())
        h = st.add({reinterpret_cast<const std::byte*>(str.data()), str.size()}, str.size());
      put_handle(out, h);
      return;
    }
    case TypeClass::vlen: {
      const auto& src = reinterpret_cast<const VlenBytes*>(in)->bytes;
      const std::size_t item = s.base().size();
      if (src.size() % item != 0) {
        fail(ErrorCode::invalid_argument, "element " + std::to_string(st.element) + ": a Vlen of " +
                                              std::to_string(src.size()) + " bytes for items of " +
                                              std::to_string(item));
      }
      const std::uint64_t count = src.size() / item;
      VlenHandle h;
      if (count && d.base().has_vlen()) {
        // Items holding vlen data: theirs are stored first, then the items with their handles.
        const std::size_t ds = stored_size(d.base());
        std::vector<std::byte> items(static_cast<std::size_t>(count * ds));
        for (std::uint64_t i = 0; i < count; ++i) {
          store_one(s.base(), src.data() + i * item, d.base(), items.data() + i * ds, st);
        }
        h = st.add(items, count);
      } else if (count && s.base() == d.base()) {
        h = st.add(src, count);
      } else if (count) {
        st.scratch.resize(static_cast<std::size_t>(count * d.base().size()));
        convert(s.base(), d.base(), src.data(), st.scratch.data(), count);
        h = st.add(st.scratch, count);
      }
      put_handle(out, h);
      return;
    }
    case TypeClass::array: {
      const std::size_t ss = s.base().size(), ds = stored_size(d.base());
      for (std::uint64_t i = 0; i < array_count(d); ++i) {
        store_one(s.base(), in + i * ss, d.base(), out + i * ds, st);
      }
      return;
    }
    case TypeClass::compound: {
      for (std::size_t i = 0; i < d.members().size(); ++i) {
        const Member& m = d.members()[i];
        std::size_t k = 0;
        const Member& sm = member_named(s, m.name, k);
        store_one(*sm.type, in + sm.offset, *m.type, out + stored_offset_of(d, i), st);
      }
      return;
    }
    default:
      fail(ErrorCode::unsupported, "variable-length data in " + d.name());
  }
}

}  // namespace

std::size_t stored_size(const DType& t) {
  if (!t.has_vlen()) return t.size();
  switch (t.type_class()) {
    case TypeClass::array:
      return static_cast<std::size_t>(array_count(t)) * stored_size(t.base());
    case TypeClass::compound: {
      if (type_detail(t)->stored_size != 0) return type_detail(t)->stored_size;
      std::size_t n = 0;
      for (const Member& m : t.members()) n += stored_size(*m.type);
      return n;
    }
    default:
      return kVlenHandleSize;
  }
}

std::vector<std::size_t> stored_offsets(const DType& t) {
  std::vector<std::size_t> out;
  out.reserve(t.members().size());
  if (!t.has_vlen()) {
    for (const Member& m : t.members()) out.push_back(m.offset);
    return out;
  }
  if (!type_detail(t)->stored_offsets.empty()) return type_detail(t)->stored_offsets;
  std::size_t at = 0;
  for (const Member& m : t.members()) {
    out.push_back(at);
    at += stored_size(*m.type);
  }
  return out;
}

std::vector<VlenSlot> vlen_slots(const DType& t) {
  std::vector<VlenSlot> out;
  collect_slots(t, 0, out);
  return out;
}

void construct_memory_form(const DType& t, std::byte* p, std::uint64_t n) {
  if (!t.has_vlen()) return;
  std::uint64_t done = 0;
  try {
    for (; done < n; ++done) {
      std::byte* e = p + done * t.size();
      switch (t.type_class()) {
        case TypeClass::string:
          new (e) std::string();
          break;
        case TypeClass::vlen:
          new (e) VlenBytes();
          break;
        case TypeClass::array:
          construct_memory_form(t.base(), e, array_count(t));
          break;
        default: {
          std::size_t k = 0;
          try {
            for (; k < t.members().size(); ++k) {
              construct_memory_form(*t.members()[k].type, e + t.members()[k].offset, 1);
            }
          } catch (...) {
            while (k > 0) {
              --k;
              destroy_memory_form(*t.members()[k].type, e + t.members()[k].offset, 1);
            }
            throw;
          }
        }
      }
    }
  } catch (...) {
    destroy_memory_form(t, p, done);
    throw;
  }
}

void destroy_memory_form(const DType& t, std::byte* p, std::uint64_t n) noexcept {
  if (!t.has_vlen()) return;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::byte* e = p + i * t.size();
    switch (t.type_class()) {
      case TypeClass::string:
        reinterpret_cast<std::string*>(e)->~basic_string();
        break;
      case TypeClass::vlen: {
        auto* v = reinterpret_cast<VlenBytes*>(e);
        destroy_memory_form(t.base(), v->bytes.data(), v->bytes.size() / t.base().size());
        v->~VlenBytes();
        break;
      }
      case TypeClass::array:
        destroy_memory_form(t.base(), e, array_count(t));
        break;
      default:
        for (const Member& m : t.members()) destroy_memory_form(*m.type, e + m.offset, 1);
    }
  }
}

void load_elements(const DType& src, const std::byte* stored, const DType& dst, std::byte* mem,
                   std::uint64_t n, const VlenGet& get) {
  const std::size_t ss = stored_size(src);
  for (std::uint64_t i = 0; i < n; ++i)
    load_one(src, stored + i * ss, dst, mem + i * dst.size(), get);
}

void store_elements(const DType& src, const std::byte* mem, const DType& dst, std::byte* stored,
                    std::uint64_t n, const VlenAdd& add, bool validate_utf8) {
  if (n == 0) return;  // the buffers may be null
  const std::size_t ss = stored_size(dst);
  std::memset(stored, 0, static_cast<std::size_t>(n * ss));
  StoreState st{add, validate_utf8, 0, {}};
  for (; st.element < n; ++st.element) {
    store_one(src, mem + st.element * src.size(), dst, stored + st.element * ss, st);
  }
}

void store_fill_value(const DType& type, const void* value, std::vector<std::byte>& stored,
                      std::vector<std::vector<std::byte>>& objects) {
  stored.assign(stored_size(type), std::byte{0});
  objects.clear();
  store_elements(
      type, static_cast<const std::byte*>(value), type, stored.data(), 1,
      [&](std::span<const std::byte> bytes, std::uint64_t count) {
        objects.emplace_back(bytes.begin(), bytes.end());
        return VlenHandle{count, objects.size()};
      },
      true);
}

void for_each_handle_deep(const DType& t, const std::byte* stored, std::uint64_t n,
                          const VlenGet& get, const std::function<void(const VlenHandle&)>& fn) {
  const std::vector<VlenSlot> slots = vlen_slots(t);
  const std::size_t es = stored_size(t);
  for (std::uint64_t i = 0; i < n; ++i) {
    for (const VlenSlot& s : slots) {
      const VlenHandle h = handle_at(stored + i * es + s.offset);
      if (h.count == 0 && h.id == 0) continue;
      fn(h);
      if (s.base && h.count != 0) {
        for_each_handle_deep(*s.base, value_of(h, s.base_size, get).data(), h.count, get, fn);
      }
    }
  }
}

void for_each_handle(std::span<const VlenSlot> slots, std::size_t element_size,
                     const std::byte* stored, std::uint64_t n,
                     const std::function<void(const VlenHandle&)>& fn) {
  for (std::uint64_t i = 0; i < n; ++i) {
    for (const VlenSlot& s : slots) {
      const VlenHandle h = handle_at(stored + i * element_size + s.offset);
      if (h.count != 0 || h.id != 0) fn(h);
    }
  }
}

}  // namespace h5mem::detail
