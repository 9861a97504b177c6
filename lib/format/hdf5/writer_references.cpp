// Object references for the writer: node ids become object header addresses once every
// header is placed; dimension scale attachments become DIMENSION_LIST / REFERENCE_LIST.
#include <algorithm>
#include <map>

#include "format/hdf5/references.hpp"
#include "format/hdf5/writer_internal.hpp"

namespace h5mem::detail::hdf5w {

bool has_reference(const DType& t) {
  return dtype_has_reference(t);
}

void translate_references(const Context& ctx, const DType& t, std::span<std::byte> elements) {
  map_references(t, elements, false,
                 [&ctx](std::uint64_t id) { return ctx.reference_address(id); });
}

void collect_references(Context& ctx, const GroupNode& root) {
  // Each node once, even when hard links (from files read) reach it twice.
  std::vector<const Node*> nodes{&root};
  ctx.in_file.insert(root.id);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i]->kind == ObjectKind::group) {
      for (const auto& [name, child] : static_cast<const GroupNode*>(nodes[i])->children()) {
        ++ctx.link_counts[child->id];
        if (ctx.in_file.insert(child->id).second) nodes.push_back(child.get());
      }
    }
  }
  for (const Node* n : nodes) {
    if (n->kind != ObjectKind::dataset) continue;
    const auto& ds = static_cast<const DatasetNode&>(*n);
    // A type committed without a name (H5Tcommit_anon, from a file read) is written as an
    // object of its own that no group links to (placed next to its first dataset).
    if (ds.named_type && ds.named_type->unlinked.load(std::memory_order_acquire) &&
        !ds.named_type->removed.load(std::memory_order_acquire)) {
      ctx.in_file.insert(ds.named_type->id);
    }
    // libhdf5 counts each dataset using a committed type in the type's reference count.
    if (ds.named_type && ctx.in_file.count(ds.named_type->id)) ++ctx.link_counts[ds.named_type->id];
    for (std::size_t d = 0; d < ds.dim_scales.size(); ++d) {
      for (std::uint64_t scale : ds.dim_scales[d]) {
        if (ctx.in_file.count(scale)) {
          ctx.reference_lists[scale].emplace_back(ds.id, static_cast<std::uint32_t>(d));
        }
      }
    }
  }
  // REFERENCE_LIST in attach order, as H5DS appends to it (h5diff compares it entry by
  // entry): attachments the scale recorded come first, any others keep tree order.
  for (const Node* n : nodes) {
    auto it = ctx.reference_lists.find(n->id);
    if (it == ctx.reference_lists.end() || n->kind != ObjectKind::dataset) continue;
    const auto& users = static_cast<const DatasetNode&>(*n).scale_users;
    std::map<std::pair<std::uint64_t, std::uint32_t>, std::size_t> order;
    for (std::size_t i = 0; i < users.size(); ++i) order.emplace(users[i], i);
    const auto rank = [&order](const std::pair<std::uint64_t, std::uint32_t>& e) {
      auto o = order.find(e);
      return o == order.end() ? order.size() : o->second;
    };
    std::stable_sort(it->second.begin(), it->second.end(),
                     [&rank](const auto& a, const auto& b) { return rank(a) < rank(b); });
  }
}

std::vector<HeaderMessage> AttributePlan::all() const {
  std::vector<HeaderMessage> out(dense_info);
  out.insert(out.end(), messages.begin(), messages.end());
  for (const auto& [k, body] : late) out[dense_info.size() + k].body = *body;
  return out;
}

}  // namespace h5mem::detail::hdf5w
