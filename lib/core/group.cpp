#include "h5mem/group.hpp"

#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "core/dataset_layout.hpp"
#include "core/group_access.hpp"
#include "core/handle_access.hpp"
#include "core/vlen_elements.hpp"
#include "core/vlen_fill.hpp"

namespace h5mem {

using detail::DatasetNode;
using detail::GroupNode;
using detail::Node;

namespace {

GroupNode& as_group(const std::shared_ptr<Node>& n) {
  return static_cast<GroupNode&>(*n);
}

// Creates missing groups parts[from .. last) under `parent` and binds parts.back() in the
// deepest one to `leaf`, or to `*link` when `leaf` is null. The new groups are assembled
// before anything is attached to `parent`, so a failure leaves the tree unchanged.
void link_chain(GroupNode& parent, const detail::ParsedPath& pp, std::size_t from,
                std::shared_ptr<Node> leaf, const detail::LinkEntry* link) {
  std::shared_ptr<GroupNode> top;
  GroupNode* deepest = &parent;
  for (std::size_t i = from; i + 1 < pp.parts.size(); ++i) {
    auto g = std::make_shared<GroupNode>();
    g->name = std::string(pp.parts[i]);
    if (top) {
      g->parent = deepest;
      deepest->children().emplace(g->name, g);
    } else {
      top = g;
    }
    deepest = g.get();
  }
  std::string leaf_name(pp.parts.back());
  if (leaf) {
    leaf->name = leaf_name;
    leaf->parent = deepest;
    deepest->children().emplace(std::move(leaf_name), std::move(leaf));
  } else {
    deepest->links().emplace(std::move(leaf_name), *link);
  }
  if (top) {
    top->parent = &parent;
    std::string key = top->name;
    parent.children().emplace(std::move(key), std::move(top));
  }
}

}  // namespace

namespace detail {

ParsedPath parse_for(const OpenFile& file, std::string_view path) {
  try {
    return parse_path(path);
  } catch (const Error& e) {
    rethrow_in_context(e, file.name(), "");
  }
}

void create_at(const std::shared_ptr<OpenFile>& file, const std::shared_ptr<Node>& self,
               std::string_view path, std::shared_ptr<Node> leaf, const LinkEntry* link) {
  auto img = acquire(file);
  ParsedPath pp = parse_for(*file, path);
  std::unique_lock lock(img->tree_mutex);
  img->touch();
  check_alive(*file, *self);
  std::string shown = join_path(*self, path);
  if (!file->writable()) {
    fail_at(ErrorCode::invalid_argument, file->name(), shown, "the file was opened read-only");
  }
  if (pp.parts.empty()) {
    fail_at(ErrorCode::already_exists, file->name(), shown, "the root group always exists");
  }
  Walk w = walk(*img, as_group(self), pp, false);
  if (w.blocked) {
    fail_at(ErrorCode::type_mismatch, file->name(), shown,
            "\"" + std::string(pp.parts[w.matched]) + "\" on the way is a dataset, not a group");
  }
  if (!w.broken.empty()) fail_at(ErrorCode::not_found, file->name(), shown, w.broken);
  if (w.external) {
    fail_at(ErrorCode::unsupported, file->name(), shown,
            "the path goes through external link \"" + w.external->link_path +
                "\"; create the object in the file it names");
  }
  if (w.target || w.link) {
    fail_at(ErrorCode::already_exists, file->name(), shown,
            w.link ? "a link of that name exists" : "an object of that name exists");
  }
  link_chain(*w.group, pp, w.matched, std::move(leaf), link);
}

Located locate(const std::shared_ptr<OpenFile>& file, const std::shared_ptr<Node>& self,
               std::string_view path) {
  std::optional<ExternalHop> hop;
  {
    auto img = acquire(file);
    ParsedPath pp = parse_for(*file, path);
    std::shared_lock lock(img->tree_mutex);
    check_alive(*file, *self);
    Walk w = walk(*img, as_group(self), pp);
    if (!w.broken.empty()) {
      fail_at(ErrorCode::not_found, file->name(), join_path(*self, path), w.broken);
    }
    if (w.target) {
      if (w.target == img->root.get()) return {file, img->root};
      return {file, w.target->parent->children().find(w.target->name)->second};
    }
    if (!w.external) {
      fail_at(ErrorCode::not_found, file->name(), join_path(*self, path),
              w.blocked ? "an intermediate path element is a dataset" : "no such object");
    }
    hop = std::move(w.external);
  }
  // Outside the tree lock: the other file may be this one again.
  return follow_external(*file, *hop);
}

std::shared_ptr<DatasetNode> create_dataset_at(const std::shared_ptr<OpenFile>& file,
                                               const std::shared_ptr<Node>& self,
                                               std::string_view path, const DType& dtype,
                                               const Shape& shape, const DatasetOptions& options,
                                               const std::function<void(DatasetNode&)>& finish) {
  auto img = acquire(file);
  std::shared_ptr<DatasetNode> node;
  try {
    NewLayout nl = make_dataset_layout(dtype, shape, options);
    node = std::make_shared<DatasetNode>(dtype, shape, std::move(nl.max_shape));
    node->layout = std::move(nl.layout);
    if (dtype.has_vlen()) node->vlen = std::make_unique<VlenHeap>();
    if (options.cache_bytes()) {
      IoContext io{img->budget, img->cache, img->threads.load()};
      node->layout->set_cache_bytes(*options.cache_bytes(), io);
    }
    if (finish) finish(*node);
    // A vlen fill value is held from creation on (the layout was built before the image).
    charge_vlen_fill(*node->layout, img->budget);
  } catch (const Error& e) {
    std::string shown;
    {
      std::shared_lock lock(img->tree_mutex);
      shown = join_path(*self, path);
    }
    rethrow_in_context(e, file->name(), shown);
  }
  try {
    create_at(file, self, path, node);
  } catch (...) {
    node->layout->release(img->budget, img->cache);  // returns the fill charged above
    throw;
  }
  return node;
}

}  // namespace detail

Group Group::create_group(std::string_view path) const {
  auto node = std::make_shared<GroupNode>();
  detail::create_at(file_, node_, path, node);
  return Group(file_, node);
}

Dataset Group::create_dataset(std::string_view path, const DType& dtype, const Shape& shape,
                              const DatasetOptions& options) const {
  return Dataset(file_, detail::create_dataset_at(file_, node_, path, dtype, shape, options));
}

Group Group::group(std::string_view path) const {
  detail::Located loc = detail::locate(file_, node_, path);
  if (loc.node->kind != ObjectKind::group) {
    detail::fail_at(ErrorCode::type_mismatch, loc.file->name(),
                    detail::describe(*detail::acquire(loc.file), *loc.node),
                    std::string("is a ") + detail::kind_name(loc.node->kind) + ", not a group");
  }
  return Group(loc.file, loc.node);
}

Dataset Group::dataset(std::string_view path) const {
  detail::Located loc = detail::locate(file_, node_, path);
  if (loc.node->kind != ObjectKind::dataset) {
    detail::fail_at(ErrorCode::type_mismatch, loc.file->name(),
                    detail::describe(*detail::acquire(loc.file), *loc.node),
                    std::string("is a ") + detail::kind_name(loc.node->kind) + ", not a dataset");
  }
  return Dataset(loc.file, loc.node);
}

bool Group::contains(std::string_view path) const {
  {
    auto img = detail::acquire(file_);
    auto pp = detail::parse_for(*file_, path);
    std::shared_lock lock(img->tree_mutex);
    detail::check_alive(*file_, *node_);
    // As h5py (H5Lexists): the last part is a name, not followed, so a dangling link is
    // contained; links on the way must resolve.
    detail::Walk w = detail::walk(*img, as_group(node_), pp, false);
    if (!w.external) return w.target != nullptr || w.link != nullptr;
  }
  // The path goes on through an external link: it counts when the other file has it.
  try {
    detail::locate(file_, node_, path);
    return true;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::not_found) return false;
    throw;
  }
}

ObjectKind Group::kind_of(std::string_view path) const {
  return detail::locate(file_, node_, path).node->kind;
}

std::vector<std::string> Group::list() const {
  auto img = detail::acquire(file_);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  const GroupNode& g = as_group(node_);
  std::vector<std::string> names;
  names.reserve(g.children().size() + g.links().size());
  for (const auto& [name, child] : g.children()) names.push_back(name);
  for (const auto& [name, link] : g.links()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

// The member `path` names without following a final link: a node, or (node null) a link
// in `w.group`. Throws not_found naming the path.
std::shared_ptr<Node> find_member(const detail::OpenFile& file, detail::FileImage& img,
                                  const std::shared_ptr<Node>& self, std::string_view path,
                                  const detail::ParsedPath& pp, detail::Walk& w) {
  detail::check_alive(file, *self);
  w = detail::walk(img, as_group(self), pp, false);
  const std::string shown = detail::join_path(*self, path);
  if (!w.broken.empty()) detail::fail_at(ErrorCode::not_found, file.name(), shown, w.broken);
  if (w.external) {
    detail::fail_at(ErrorCode::unsupported, file.name(), shown,
                    "the path goes through external link \"" + w.external->link_path + "\"");
  }
  if (w.link) return nullptr;
  if (!w.target) {
    detail::fail_at(ErrorCode::not_found, file.name(), shown,
                    w.blocked ? "an intermediate path element is a dataset" : "no such object");
  }
  if (w.target == img.root.get()) return img.root;
  return w.target->parent->children().find(w.target->name)->second;
}

}  // namespace

void Group::remove(std::string_view path) const {
  auto img = detail::acquire(file_);
  auto pp = detail::parse_for(*file_, path);
  std::unique_lock lock(img->tree_mutex);
  img->touch();
  detail::Walk w;
  auto n = find_member(*file_, *img, node_, path, pp, w);
  if (!file_->writable()) {
    detail::fail_at(ErrorCode::invalid_argument, file_->name(), detail::join_path(*node_, path),
                    "the file was opened read-only");
  }
  if (!n) {  // a soft or external link: the link goes, its target stays
    w.group->links().erase(w.group->links().find(pp.parts.back()));
    return;
  }
  if (n == img->root) {
    detail::fail_at(ErrorCode::invalid_argument, file_->name(), "/",
                    "the root group cannot be removed");
  }
  n->parent->children().erase(n->name);
  detail::retire_subtree(*n, img->budget, img->cache);
}

void Group::move(std::string_view from, std::string_view to) const {
  auto img = detail::acquire(file_);
  auto pp_from = detail::parse_for(*file_, from);
  auto pp_to = detail::parse_for(*file_, to);
  std::unique_lock lock(img->tree_mutex);
  img->touch();
  detail::Walk wf;
  auto n = find_member(*file_, *img, node_, from, pp_from, wf);
  std::string shown_to = detail::join_path(*node_, to);
  auto fail_to = [&](ErrorCode code, const std::string& msg) {
    detail::fail_at(code, file_->name(), shown_to, msg);
  };
  if (!file_->writable()) fail_to(ErrorCode::invalid_argument, "the file was opened read-only");
  if (n == img->root) fail_to(ErrorCode::invalid_argument, "the root group cannot be moved");
  if (pp_to.parts.empty()) fail_to(ErrorCode::already_exists, "the root group exists");
  detail::Walk w = detail::walk(*img, as_group(node_), pp_to, false);
  if (w.target || w.link) fail_to(ErrorCode::already_exists, "an object of that name exists");
  if (w.blocked || w.external || !w.broken.empty() || w.matched + 1 != pp_to.parts.size()) {
    fail_to(ErrorCode::not_found, "the destination's parent group does not exist");
  }
  std::string new_name(pp_to.parts.back());
  if (!n) {  // moving a soft or external link moves the link, as H5Lmove does
    auto it = wf.group->links().find(pp_from.parts.back());
    w.group->links().emplace(new_name, it->second);  // before erasing: a failure keeps it
    wf.group->links().erase(it);
    return;
  }
  for (const Node* p = w.group; p != nullptr; p = p->parent) {
    if (p == n.get()) fail_to(ErrorCode::invalid_argument, "cannot move a group into itself");
  }
  w.group->children().emplace(new_name, n);  // before erasing: a failure leaves n linked
  n->parent->children().erase(n->name);
  n->name = std::move(new_name);
  n->parent = w.group;
}

}  // namespace h5mem
