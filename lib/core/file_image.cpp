#include "core/file_image.hpp"

#include "core/backing_store.hpp"

namespace h5mem::detail {

std::uint64_t AttrValue::payload() const {
  std::uint64_t n = bytes.size();
  for (const auto& s : strings) n += s.size();
  for (const auto& o : vlen_objects) n += o.size();
  return n;
}

const char* kind_name(ObjectKind kind) noexcept {
  switch (kind) {
    case ObjectKind::group:
      return "group";
    case ObjectKind::dataset:
      return "dataset";
    case ObjectKind::datatype:
      return "committed datatype";
  }
  return "object";
}

std::string path_of(const Node& node) {
  if (node.parent == nullptr) return "/";
  std::vector<const std::string*> names;
  for (const Node* n = &node; n->parent != nullptr; n = n->parent) names.push_back(&n->name);
  std::string p;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    p += '/';
    p += **it;
  }
  return p;
}

FileImage::FileImage(std::string n, const CreateOptions& options)
    : name(std::move(n)),
      lifetime(options.lifetime()),
      budget(options.max_bytes()),
      cache(kDefaultCacheBytes, &budget),
      root(std::make_shared<GroupNode>()) {}

FileImage::~FileImage() {
  std::unique_lock lock(tree_mutex);
  retire_subtree(*root, budget, cache);
}

void retire_subtree(Node& node, MemoryBudget& budget, ChunkCache& cache) noexcept {
  if (node.kind == ObjectKind::group) {
    auto& g = static_cast<GroupNode&>(node);
    for (auto& [name, child] : g.loaded_children()) retire_subtree(*child, budget, cache);
  } else if (node.kind == ObjectKind::dataset) {
    auto& d = static_cast<DatasetNode&>(node);
    // Wait for readers of this dataset to finish before freeing what they read.
    std::unique_lock data_lock(d.data_mutex);
    d.removed.store(true, std::memory_order_release);
    if (d.layout) d.layout->release(budget, cache);
    if (d.vlen) d.vlen->clear(budget);
  }
  for (auto& [name, value] : node.attrs) budget.release(value.payload());
  node.attrs.clear();
  // Parents of a retired subtree may be freed while handles still hold its nodes.
  node.parent = nullptr;
  node.removed.store(true, std::memory_order_release);
}

}  // namespace h5mem::detail
