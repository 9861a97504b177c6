#include "core/tree.hpp"

#include <span>
#include <unordered_set>
#include <vector>

#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

std::string child_path(const GroupNode& group, std::string_view name) {
  std::string p = path_of(group);
  if (p != "/") p += '/';
  p += name;
  return p;
}

void walk_parts(FileImage& img, GroupNode* start, std::span<const std::string_view> parts,
                bool follow_final, int& hops, Walk& w) {
  w.group = start;
  if (parts.empty()) {
    w.target = start;
    return;
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    auto it = w.group->children().find(parts[i]);
    Node* next = nullptr;
    if (it != w.group->children().end()) {
      next = it->second.get();
    } else {
      auto lt = w.group->links().find(parts[i]);
      if (lt == w.group->links().end()) return;
      const LinkEntry& link = lt->second;
      if (last && !follow_final) {
        w.link = &link;
        return;
      }
      const std::string where = child_path(*w.group, parts[i]);
      if (link.kind == LinkKind::external) {
        ExternalHop hop{link.file, link.target, where, link.target};
        for (std::size_t k = i + 1; k < parts.size(); ++k) {
          if (hop.path.empty() || hop.path.back() != '/') hop.path += '/';
          hop.path += parts[k];
        }
        w.external = std::move(hop);
        return;
      }
      const std::string shown = "soft link \"" + where + "\" -> \"" + link.target + "\"";
      if (++hops > kMaxLinkHops) {
        w.broken = shown + ": more than " + std::to_string(kMaxLinkHops) +
                   " soft links followed (a cycle?)";
        return;
      }
      ParsedPath tp;
      try {
        tp = parse_path(link.target);
      } catch (const Error& e) {
        w.broken = shown + ": target cannot be resolved (" + e.what() + ")";
        return;
      }
      Walk sub;
      walk_parts(img, tp.absolute ? img.root.get() : w.group, tp.parts, true, hops, sub);
      if (sub.external) {
        for (std::size_t k = i + 1; k < parts.size(); ++k) {
          if (sub.external->path.empty() || sub.external->path.back() != '/')
            sub.external->path += '/';
          sub.external->path += parts[k];
        }
        w.external = std::move(sub.external);
        return;
      }
      if (!sub.broken.empty()) {
        w.broken = std::move(sub.broken);
        return;
      }
      if (!sub.target) {
        w.broken = shown + ": dangling, the target does not exist";
        return;
      }
      next = sub.target;
    }
    if (last) {
      w.target = next;
      return;
    }
    if (next->kind != ObjectKind::group) {
      w.blocked = true;
      return;
    }
    w.group = static_cast<GroupNode*>(next);
    ++w.matched;
  }
}

}  // namespace

Walk walk(FileImage& img, GroupNode& base, const ParsedPath& path, bool follow_final) {
  Walk w;
  int hops = 0;
  walk_parts(img, path.absolute ? img.root.get() : &base, path.parts, follow_final, hops, w);
  return w;
}

std::string join_path(const Node& base, std::string_view path) {
  if (!path.empty() && path.front() == '/') return std::string(path);
  std::string p = path_of(base);
  if (p != "/") p += '/';
  p += path;
  return p;
}

void load_all_members(GroupNode& root) {
  std::vector<GroupNode*> stack{&root};
  std::unordered_set<const GroupNode*> seen{&root};
  while (!stack.empty()) {
    GroupNode& g = *stack.back();
    stack.pop_back();
    for (auto& [name, child] : g.children()) {
      if (child->kind != ObjectKind::group) continue;
      auto* sub = static_cast<GroupNode*>(child.get());
      if (seen.insert(sub).second) stack.push_back(sub);
    }
  }
}

}  // namespace h5mem::detail
