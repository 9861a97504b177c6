// Null dataspaces (h5py's Empty): datasets and attributes with a type but no elements. The
// model keeps them as shape {0} plus a flag, so every element path treats them as empty and
// only is_null() and the writer tell them apart.
#include <mutex>
#include <shared_mutex>

#include "core/dataset_layout.hpp"
#include "core/group_access.hpp"
#include "core/handle_access.hpp"
#include "core/path.hpp"
#include "core/vlen_elements.hpp"
#include "h5mem/attribute.hpp"
#include "h5mem/group.hpp"

namespace h5mem {

Dataset Group::create_null_dataset(std::string_view path, const DType& dtype) const {
  return Dataset(file_,
                 detail::create_dataset_at(file_, node_, path, dtype, Shape{0}, DatasetOptions{},
                                           [](detail::DatasetNode& ds) { ds.null_space = true; }));
}

bool Dataset::is_null() const {
  auto img = detail::acquire(file_);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  return static_cast<const detail::DatasetNode&>(*node_).null_space;
}

void AttributeSet::set_null(std::string_view name, const DType& dtype) const {
  auto img = detail::acquire(file_);
  auto fail_here = [&](ErrorCode code, const std::string& msg) {
    detail::fail_at(code, file_->name(),
                    detail::describe(*img, *node_) + " attribute \"" + std::string(name) + "\"",
                    msg);
  };
  try {
    detail::check_name(name, "attribute name");
  } catch (const Error& e) {
    fail_here(e.code(), e.what());
  }
  if (!file_->writable()) fail_here(ErrorCode::invalid_argument, "the file was opened read-only");
  detail::AttrValue v{dtype, Shape{0}, {}, {}, {}};
  v.null_space = true;  // no payload: nothing to charge to the budget

  std::unique_lock lock(img->tree_mutex);
  img->touch();
  detail::check_alive(*file_, *node_);
  auto it = node_->attrs.find(name);
  if (it == node_->attrs.end()) {
    node_->attrs.emplace(std::string(name), std::move(v));
  } else {
    img->budget.release(it->second.payload());
    it->second = std::move(v);
  }
}

bool Attribute::is_null() const {
  auto img = detail::acquire(file_);
  {
    std::shared_lock lock(img->tree_mutex);
    detail::check_alive(*file_, *node_);
    auto it = node_->attrs.find(name_);
    if (it != node_->attrs.end()) return it->second.null_space;
  }
  // describe() takes the tree lock itself.
  detail::fail_at(ErrorCode::not_found, file_->name(),
                  detail::describe(*img, *node_) + " attribute \"" + name_ + "\"",
                  "no such attribute");
}

}  // namespace h5mem
