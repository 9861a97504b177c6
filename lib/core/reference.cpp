// Object references (node ids and their lookup) and dimension scales (attachments kept by
// node id in DatasetNode::dim_scales; CLASS, NAME and DIMENSION_LABELS are attributes).
#include <algorithm>
#include <cstring>
#include <mutex>
#include <shared_mutex>

#include "core/dataset_access.hpp"
#include "h5mem/attribute.hpp"
#include "h5mem/dataset.hpp"
#include "h5mem/group.hpp"

namespace h5mem {

namespace detail {

std::shared_ptr<Node> FileImage::find_node(std::uint64_t id) {
  if (id == 0) return nullptr;
  std::lock_guard guard(index_mutex);
  auto lookup = [&]() -> std::shared_ptr<Node> {
    auto it = node_index.find(id);
    if (it == node_index.end()) return nullptr;
    auto n = it->second.lock();
    if (!n || n->removed.load(std::memory_order_acquire)) {
      node_index.erase(it);  // ids are never reused: a removed node stays gone
      return nullptr;
    }
    return n;
  };
  if (auto n = lookup()) return n;
  // A miss: nodes created (or read) since the last rebuild are not indexed yet.
  node_index.clear();
  std::vector<std::shared_ptr<Node>> stack{root};
  while (!stack.empty()) {
    std::shared_ptr<Node> n = std::move(stack.back());
    stack.pop_back();
    node_index.emplace(n->id, n);
    if (n->kind == ObjectKind::group) {
      for (const auto& [name, child] : static_cast<GroupNode&>(*n).children())
        stack.push_back(child);
    }
  }
  return lookup();
}

}  // namespace detail

namespace {

constexpr std::string_view kScaleClass = "DIMENSION_SCALE";

[[noreturn]] void fail_here(const std::shared_ptr<detail::OpenFile>& file,
                            const std::shared_ptr<detail::Node>& node, ErrorCode code,
                            const std::string& msg) {
  auto img = detail::acquire(file);
  detail::fail_at(code, file->name(), detail::describe(*img, *node), msg);
}

// A fixed-length, null-terminated ASCII string attribute, as H5DS writes CLASS and NAME.
void set_fixed_string(const AttributeSet& attrs, std::string_view name, std::string_view value) {
  std::vector<char> buf(value.begin(), value.end());
  buf.push_back('\0');
  attrs.set_raw(name, DType::fixed_string(buf.size(), StringPad::null_terminate), Shape{},
                buf.data());
}

std::string read_string_attr(const AttributeSet& attrs, std::string_view name) {
  Attribute a = attrs.get(name);
  DType t = a.dtype();
  if (t.type_class() != TypeClass::string || element_count(a.shape()) != 1) return {};
  if (t.is_variable_string()) {
    std::string v;
    a.read_raw(t, &v, 1);
    return v;
  }
  std::string buf(t.size(), '\0');
  a.read_raw(t, buf.data(), 1);
  return buf.substr(0, buf.find('\0'));
}

}  // namespace

ObjectRef Object::ref() const {
  auto img = detail::acquire(file_);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  return ObjectRef{node_->id};
}

Dataset Object::to_dataset() const {
  if (kind() != ObjectKind::dataset)
    fail_here(file_, node_, ErrorCode::type_mismatch,
              std::string("is a ") + detail::kind_name(kind()) + ", not a dataset");
  return Dataset(file_, node_);
}

Group Object::to_group() const {
  if (kind() != ObjectKind::group)
    fail_here(file_, node_, ErrorCode::type_mismatch,
              std::string("is a ") + detail::kind_name(kind()) + ", not a group");
  return Group(file_, node_);
}

Object Group::deref(ObjectRef ref) const {
  auto img = detail::acquire(file_);
  if (!ref)
    fail_here(file_, node_, ErrorCode::invalid_argument,
              "cannot dereference a null object reference");
  std::shared_ptr<detail::Node> n;
  {
    std::shared_lock lock(img->tree_mutex);
    detail::check_alive(*file_, *node_);
    n = img->find_node(ref.id);
  }
  if (!n) {
    detail::fail_at(
        ErrorCode::not_found, file_->name(), "",
        "object reference #" + std::to_string(ref.id) +
            " names no object of this file (it was removed, or belongs to another file)");
  }
  if (n->kind == ObjectKind::group) return Group(file_, n);
  if (n->kind == ObjectKind::datatype) return NamedType(file_, n);
  return Dataset(file_, n);
}

Dataset Group::deref_dataset(ObjectRef ref) const {
  return deref(ref).to_dataset();
}

Group Group::deref_group(ObjectRef ref) const {
  return deref(ref).to_group();
}

// ---- dimension scales ----

bool Dataset::is_scale() const {
  AttributeSet a = attrs();
  if (!a.contains("CLASS")) return false;
  return read_string_attr(a, "CLASS") == kScaleClass;
}

void Dataset::make_scale(std::string_view name) const {
  {
    auto img = detail::acquire(file_);
    auto& ds = detail::ds_node(node_);
    bool attached = false;
    {
      std::shared_lock lock(img->tree_mutex);
      detail::check_alive(*file_, ds);
      for (const auto& d : ds.dim_scales) attached = attached || !d.empty();
    }
    if (attached) {
      fail_here(file_, node_, ErrorCode::invalid_argument,
                "a dataset with dimension scales attached cannot become a scale");
    }
  }
  AttributeSet a = attrs();
  set_fixed_string(a, "CLASS", kScaleClass);
  set_fixed_string(a, "NAME", name);
}

void Dataset::attach_scale(unsigned dim, const Dataset& scale) const {
  auto img = detail::acquire(file_);
  auto& ds = detail::ds_node(node_);
  if (!scale.node_ || scale.node_->kind != ObjectKind::dataset) {
    fail_here(file_, node_, ErrorCode::invalid_argument, "attach_scale needs a dataset handle");
  }
  if (scale.node_ == node_) {
    fail_here(file_, node_, ErrorCode::invalid_argument,
              "a dataset cannot be its own dimension scale");
  }
  if (!scale.is_scale()) {
    fail_here(file_, node_, ErrorCode::invalid_argument,
              scale.path() + " is not a dimension scale (call make_scale first)");
  }
  if (is_scale()) {
    fail_here(file_, node_, ErrorCode::invalid_argument,
              "a dimension scale cannot have scales attached");
  }
  detail::check_writable(*file_, *img, ds);
  std::optional<std::string> problem;
  ErrorCode code = ErrorCode::invalid_argument;
  {
    std::unique_lock lock(img->tree_mutex);
    detail::check_alive(*file_, ds);
    const std::size_t rank = ds.shape.size();
    if (dim >= rank) {
      code = ErrorCode::out_of_range;
      problem =
          "dimension " + std::to_string(dim) + " of a rank-" + std::to_string(rank) + " dataset";
    } else if (img->find_node(scale.node_->id) != scale.node_) {
      problem = "the scale belongs to another file, or was removed";
    } else {
      img->touch();
      if (ds.dim_scales.size() != rank) ds.dim_scales.resize(rank);
      auto& v = ds.dim_scales[dim];
      if (std::find(v.begin(), v.end(), scale.node_->id) == v.end()) {
        v.push_back(scale.node_->id);
        detail::ds_node(scale.node_).scale_users.emplace_back(node_->id, dim);
      }
    }
  }
  if (problem) fail_here(file_, node_, code, *problem);
}

void Dataset::detach_scale(unsigned dim, const Dataset& scale) const {
  auto img = detail::acquire(file_);
  auto& ds = detail::ds_node(node_);
  detail::check_writable(*file_, *img, ds);
  std::optional<std::string> problem;
  ErrorCode code = ErrorCode::not_found;
  {
    std::unique_lock lock(img->tree_mutex);
    detail::check_alive(*file_, ds);
    const std::size_t rank = ds.shape.size();
    if (dim >= rank) {
      code = ErrorCode::out_of_range;
      problem =
          "dimension " + std::to_string(dim) + " of a rank-" + std::to_string(rank) + " dataset";
    } else {
      const std::uint64_t id = scale.node_ ? scale.node_->id : 0;
      std::vector<std::uint64_t>* v = ds.dim_scales.size() == rank ? &ds.dim_scales[dim] : nullptr;
      auto it = v ? std::find(v->begin(), v->end(), id) : std::vector<std::uint64_t>::iterator{};
      if (!v || it == v->end()) {
        problem = "the scale is not attached to dimension " + std::to_string(dim);
      } else {
        img->touch();
        v->erase(it);
        auto& users = detail::ds_node(scale.node_).scale_users;
        std::erase(users, std::pair<std::uint64_t, std::uint32_t>(node_->id, dim));
      }
    }
  }
  if (problem) fail_here(file_, node_, code, *problem);
}

std::vector<Dataset> Dataset::scales(unsigned dim) const {
  auto img = detail::acquire(file_);
  auto& ds = detail::ds_node(node_);
  std::vector<Dataset> out;
  std::size_t rank = 0;
  {
    std::shared_lock lock(img->tree_mutex);
    detail::check_alive(*file_, ds);
    rank = ds.shape.size();
    if (dim < rank && ds.dim_scales.size() == rank) {
      for (std::uint64_t id : ds.dim_scales[dim]) {
        auto n = img->find_node(id);
        if (n && n->kind == ObjectKind::dataset) out.push_back(Dataset(file_, n));
      }
    }
  }
  if (dim >= rank) {
    fail_here(
        file_, node_, ErrorCode::out_of_range,
        "dimension " + std::to_string(dim) + " of a rank-" + std::to_string(rank) + " dataset");
  }
  return out;
}

void Dataset::set_dim_label(unsigned dim, std::string_view label) const {
  const std::size_t r = rank();
  if (dim >= r) {
    fail_here(file_, node_, ErrorCode::out_of_range,
              "dimension " + std::to_string(dim) + " of a rank-" + std::to_string(r) + " dataset");
  }
  AttributeSet a = attrs();
  std::vector<std::string> labels(r);
  if (a.contains("DIMENSION_LABELS")) {
    Attribute at = a.get("DIMENSION_LABELS");
    const DType t = at.dtype();
    if (t.is_variable_string() && element_count(at.shape()) == r) at.read_raw(t, labels.data(), r);
  }
  labels[dim] = std::string(label);
  // H5DSset_label writes ASCII vlen strings.
  bool ascii = true;
  for (const auto& l : labels) {
    for (char c : l) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  }
  a.set_raw("DIMENSION_LABELS", DType::vlen_string(ascii ? CharSet::ascii : CharSet::utf8),
            Shape{r}, labels.data());
}

std::string Dataset::dim_label(unsigned dim) const {
  const std::size_t r = rank();
  if (dim >= r) {
    fail_here(file_, node_, ErrorCode::out_of_range,
              "dimension " + std::to_string(dim) + " of a rank-" + std::to_string(r) + " dataset");
  }
  AttributeSet a = attrs();
  if (!a.contains("DIMENSION_LABELS")) return {};
  Attribute at = a.get("DIMENSION_LABELS");
  const DType t = at.dtype();
  if (t.type_class() != TypeClass::string || element_count(at.shape()) != r) return {};
  if (t.is_variable_string()) {
    std::vector<std::string> labels(r);
    at.read_raw(t, labels.data(), r);  // whatever its character set
    return labels[dim];
  }
  std::string buf(t.size() * r, '\0');
  at.read_raw(t, buf.data(), r);
  std::string s = buf.substr(dim * t.size(), t.size());
  return s.substr(0, s.find('\0'));
}

}  // namespace h5mem
