#include "core/tree.hpp"

namespace h5mem::detail {

Walk walk(FileImage& img, GroupNode& base, const ParsedPath& path) {
  Walk w;
  w.group = path.absolute ? img.root.get() : &base;
  if (path.parts.empty()) {
    w.target = w.group;
    return w;
  }
  for (std::size_t i = 0; i < path.parts.size(); ++i) {
    auto it = w.group->children.find(path.parts[i]);
    if (it == w.group->children.end()) return w;
    Node* child = it->second.get();
    if (i + 1 == path.parts.size()) {
      w.target = child;
      return w;
    }
    if (child->kind != ObjectKind::group) {
      w.blocked = true;
      return w;
    }
    w.group = static_cast<GroupNode*>(child);
    ++w.matched;
  }
  return w;
}

std::string join_path(const Node& base, std::string_view path) {
  if (!path.empty() && path.front() == '/') return std::string(path);
  std::string p = path_of(base);
  if (p != "/") p += '/';
  p += path;
  return p;
}

}  // namespace h5mem::detail
