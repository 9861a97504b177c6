#include "h5mem/group.hpp"

#include <mutex>
#include <shared_mutex>

#include "core/dataset_layout.hpp"
#include "core/vlen_elements.hpp"
#include "core/handle_access.hpp"
#include "core/tree.hpp"

namespace h5mem {

using detail::DatasetNode;
using detail::GroupNode;
using detail::Node;

namespace {

detail::ParsedPath parse_for(const detail::OpenFile& file, std::string_view path) {
  try {
    return detail::parse_path(path);
  } catch (const Error& e) {
    detail::rethrow_in_context(e, file.name(), "");
  }
}

GroupNode& as_group(const std::shared_ptr<Node>& n) { return static_cast<GroupNode&>(*n); }

// Creates missing groups parts[from .. last) under `parent` and links `leaf` as parts.back().
// All allocation happens before anything is linked, so a failure leaves the tree unchanged.
void link_chain(GroupNode& parent, const detail::ParsedPath& pp, std::size_t from,
                std::shared_ptr<Node> leaf) {
  std::shared_ptr<Node> top = std::move(leaf);
  top->name = std::string(pp.parts.back());
  for (std::size_t i = pp.parts.size() - 1; i > from; --i) {
    auto g = std::make_shared<GroupNode>();
    g->name = std::string(pp.parts[i - 1]);
    top->parent = g.get();
    g->children.emplace(top->name, top);
    top = std::move(g);
  }
  top->parent = &parent;
  std::string key = top->name;
  parent.children.emplace(std::move(key), std::move(top));
}

}  // namespace

// Shared by create_group and create_dataset: validates, then links `leaf` at `path`.
static void create_at(const std::shared_ptr<detail::OpenFile>& file, const std::shared_ptr<Node>& self,
                      std::string_view path, std::shared_ptr<Node> leaf) {
  auto img = detail::acquire(file);
  detail::ParsedPath pp = parse_for(*file, path);
  std::unique_lock lock(img->tree_mutex);
  img->touch();
  detail::check_alive(*file, *self);
  std::string shown = detail::join_path(*self, path);
  if (!file->writable()) {
    detail::fail_at(ErrorCode::invalid_argument, file->name(), shown, "the file was opened read-only");
  }
  if (pp.parts.empty()) {
    detail::fail_at(ErrorCode::already_exists, file->name(), shown, "the root group always exists");
  }
  detail::Walk w = detail::walk(*img, as_group(self), pp);
  if (w.blocked) {
    detail::fail_at(ErrorCode::type_mismatch, file->name(), shown,
                    "\"" + std::string(pp.parts[w.matched]) + "\" on the way is a dataset, not a group");
  }
  if (w.target) detail::fail_at(ErrorCode::already_exists, file->name(), shown, "an object of that name exists");
  link_chain(*w.group, pp, w.matched, std::move(leaf));
}

Group Group::create_group(std::string_view path) const {
  auto node = std::make_shared<GroupNode>();
  create_at(file_, node_, path, node);
  return Group(file_, node);
}

Dataset Group::create_dataset(std::string_view path, const DType& dtype, const Shape& shape,
                              const DatasetOptions& options) const {
  auto img = detail::acquire(file_);
  std::shared_ptr<DatasetNode> node;
  try {
    detail::check_vlen_nesting(dtype, "datasets");
    detail::NewLayout nl = detail::make_dataset_layout(dtype, shape, options);
    node = std::make_shared<DatasetNode>(dtype, shape, std::move(nl.max_shape));
    node->layout = std::move(nl.layout);
    if (dtype.has_vlen()) node->vlen = std::make_unique<detail::VlenHeap>();
    if (options.cache_bytes()) {
      detail::IoContext io{img->budget, img->cache, img->threads.load()};
      node->layout->set_cache_bytes(*options.cache_bytes(), io);
    }
  } catch (const Error& e) {
    std::string shown;
    {
      std::shared_lock lock(img->tree_mutex);
      shown = detail::join_path(*node_, path);
    }
    detail::rethrow_in_context(e, file_->name(), shown);
  }
  create_at(file_, node_, path, node);
  return Dataset(file_, node);
}

namespace {

// Finds the object at `path` under the tree lock, or throws not_found naming it.
std::shared_ptr<Node> find_object(const std::shared_ptr<detail::OpenFile>& file,
                                  detail::FileImage& img, const std::shared_ptr<Node>& self,
                                  std::string_view path, const detail::ParsedPath& pp) {
  detail::check_alive(*file, *self);
  detail::Walk w = detail::walk(img, as_group(self), pp);
  if (!w.target) {
    detail::fail_at(ErrorCode::not_found, file->name(), detail::join_path(*self, path),
                    w.blocked ? "an intermediate path element is a dataset" : "no such object");
  }
  if (w.target == img.root.get()) return img.root;
  return w.target->parent->children.find(w.target->name)->second;
}

}  // namespace

Group Group::group(std::string_view path) const {
  auto img = detail::acquire(file_);
  auto pp = parse_for(*file_, path);
  std::shared_lock lock(img->tree_mutex);
  auto n = find_object(file_, *img, node_, path, pp);
  if (n->kind != ObjectKind::group) {
    detail::fail_at(ErrorCode::type_mismatch, file_->name(), detail::path_of(*n),
                    "is a dataset, not a group");
  }
  return Group(file_, n);
}

Dataset Group::dataset(std::string_view path) const {
  auto img = detail::acquire(file_);
  auto pp = parse_for(*file_, path);
  std::shared_lock lock(img->tree_mutex);
  auto n = find_object(file_, *img, node_, path, pp);
  if (n->kind != ObjectKind::dataset) {
    detail::fail_at(ErrorCode::type_mismatch, file_->name(), detail::path_of(*n),
                    "is a group, not a dataset");
  }
  return Dataset(file_, n);
}

bool Group::contains(std::string_view path) const {
  auto img = detail::acquire(file_);
  auto pp = parse_for(*file_, path);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  return detail::walk(*img, as_group(node_), pp).target != nullptr;
}

ObjectKind Group::kind_of(std::string_view path) const {
  auto img = detail::acquire(file_);
  auto pp = parse_for(*file_, path);
  std::shared_lock lock(img->tree_mutex);
  return find_object(file_, *img, node_, path, pp)->kind;
}

std::vector<std::string> Group::list() const {
  auto img = detail::acquire(file_);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  std::vector<std::string> names;
  names.reserve(as_group(node_).children.size());
  for (const auto& [name, child] : as_group(node_).children) names.push_back(name);
  return names;
}

void Group::remove(std::string_view path) const {
  auto img = detail::acquire(file_);
  auto pp = parse_for(*file_, path);
  std::unique_lock lock(img->tree_mutex);
  img->touch();
  auto n = find_object(file_, *img, node_, path, pp);
  if (!file_->writable()) {
    detail::fail_at(ErrorCode::invalid_argument, file_->name(), detail::path_of(*n),
                    "the file was opened read-only");
  }
  if (n == img->root) {
    detail::fail_at(ErrorCode::invalid_argument, file_->name(), "/", "the root group cannot be removed");
  }
  n->parent->children.erase(n->name);
  detail::retire_subtree(*n, img->budget, img->cache);
}

void Group::move(std::string_view from, std::string_view to) const {
  auto img = detail::acquire(file_);
  auto pp_from = parse_for(*file_, from);
  auto pp_to = parse_for(*file_, to);
  std::unique_lock lock(img->tree_mutex);
  img->touch();
  auto n = find_object(file_, *img, node_, from, pp_from);
  std::string shown_to = detail::join_path(*node_, to);
  auto fail_to = [&](ErrorCode code, const std::string& msg) {
    detail::fail_at(code, file_->name(), shown_to, msg);
  };
  if (!file_->writable()) fail_to(ErrorCode::invalid_argument, "the file was opened read-only");
  if (n == img->root) fail_to(ErrorCode::invalid_argument, "the root group cannot be moved");
  if (pp_to.parts.empty()) fail_to(ErrorCode::already_exists, "the root group exists");
  detail::Walk w = detail::walk(*img, as_group(node_), pp_to);
  if (w.target) fail_to(ErrorCode::already_exists, "an object of that name exists");
  if (w.blocked || w.matched + 1 != pp_to.parts.size()) {
    fail_to(ErrorCode::not_found, "the destination's parent group does not exist");
  }
  for (const Node* p = w.group; p != nullptr; p = p->parent) {
    if (p == n.get()) fail_to(ErrorCode::invalid_argument, "cannot move a group into itself");
  }
  std::string new_name(pp_to.parts.back());
  w.group->children.emplace(new_name, n);  // before erasing: a failure leaves n linked
  n->parent->children.erase(n->name);
  n->name = std::move(new_name);
  n->parent = w.group;
}

}  // namespace h5mem
