// Committed (named) datatypes: creating, opening, and datasets that refer to one.
#include <mutex>
#include <shared_mutex>

#include "core/dataset_layout.hpp"
#include "core/group_access.hpp"
#include "core/handle_access.hpp"
#include "core/tree.hpp"
#include "core/vlen_elements.hpp"
#include "h5mem/dataset.hpp"
#include "h5mem/group.hpp"
#include "h5mem/named_type.hpp"

namespace h5mem {

DType NamedType::dtype() const {
  auto img = detail::acquire(file_);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  return static_cast<const detail::DatatypeNode&>(*node_).dtype;
}

NamedType Object::to_named_type() const {
  if (kind() != ObjectKind::datatype) {
    auto img = detail::acquire(file_);
    detail::fail_at(
        ErrorCode::type_mismatch, file_->name(), detail::describe(*img, *node_),
        std::string("is a ") + detail::kind_name(kind()) + ", not a committed datatype");
  }
  return NamedType(file_, node_);
}

NamedType Group::commit_datatype(std::string_view path, const DType& dtype) const {
  auto node = std::make_shared<detail::DatatypeNode>(dtype);
  detail::create_at(file_, node_, path, node);
  return NamedType(file_, node);
}

NamedType Group::named_type(std::string_view path) const {
  detail::Located loc = detail::locate(file_, node_, path);
  if (loc.node->kind != ObjectKind::datatype) {
    detail::fail_at(
        ErrorCode::type_mismatch, loc.file->name(),
        detail::describe(*detail::acquire(loc.file), *loc.node),
        std::string("is a ") + detail::kind_name(loc.node->kind) + ", not a committed datatype");
  }
  return NamedType(loc.file, loc.node);
}

Dataset Group::create_dataset(std::string_view path, const NamedType& type, const Shape& shape,
                              const DatasetOptions& options) const {
  auto img = detail::acquire(file_);
  if (!type.node_ || type.node_->kind != ObjectKind::datatype) {
    detail::fail_at(ErrorCode::closed, file_->name(), "", "empty committed datatype handle");
  }
  std::shared_ptr<detail::DatatypeNode> named =
      std::static_pointer_cast<detail::DatatypeNode>(type.node_);
  {
    std::shared_lock lock(img->tree_mutex);
    const std::string shown = detail::join_path(*node_, path);
    if (!type.file_ || type.file_->acquire() != img) {
      detail::fail_at(ErrorCode::invalid_argument, file_->name(), shown,
                      "the committed datatype belongs to another file");
    }
    if (named->removed.load(std::memory_order_acquire)) {
      detail::fail_at(ErrorCode::closed, file_->name(), shown,
                      "the committed datatype was removed");
    }
  }
  return Dataset(file_, detail::create_dataset_at(
                            file_, node_, path, named->dtype, shape, options,
                            [&named](detail::DatasetNode& ds) { ds.named_type = named; }));
}

std::optional<NamedType> Dataset::named_type() const {
  auto img = detail::acquire(file_);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  const auto& ds = static_cast<const detail::DatasetNode&>(*node_);
  if (!ds.named_type || ds.named_type->removed.load(std::memory_order_acquire)) {
    return std::nullopt;
  }
  if (ds.named_type->unlinked.load(std::memory_order_acquire)) {
    // Read from a file whose group holding the type was not read yet.
    detail::load_all_members(*img->root);
    // Still unlinked: committed without a name, so the file keeps the type inline.
    if (ds.named_type->unlinked.load(std::memory_order_acquire)) return std::nullopt;
  }
  return NamedType(file_, ds.named_type);
}

}  // namespace h5mem
