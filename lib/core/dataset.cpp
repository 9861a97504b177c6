#include "h5mem/dataset.hpp"

#include <mutex>
#include <shared_mutex>

#include "array/selection_plan.hpp"
#include "core/handle_access.hpp"

namespace h5mem {

using detail::DatasetNode;

namespace {

DatasetNode& ds_node(const std::shared_ptr<detail::Node>& n) {
  if (!n) detail::fail(ErrorCode::closed, "empty handle: it does not refer to any dataset");
  return static_cast<DatasetNode&>(*n);
}

void check_buffer(const DType& dtype, const DType& mem_type, std::uint64_t expected,
                  std::uint64_t n, const void* buffer) {
  if (!(mem_type == dtype)) {
    detail::fail(ErrorCode::type_mismatch, "dataset type is " + dtype.name() +
                                               ", buffer type is " + mem_type.name() +
                                               " (conversion is not supported yet)");
  }
  if (n != expected) {
    detail::fail(ErrorCode::type_mismatch, "the selection has " + std::to_string(expected) +
                                               " element(s) but the buffer has " + std::to_string(n));
  }
  if (buffer == nullptr && n != 0) detail::fail(ErrorCode::invalid_argument, "null buffer");
}

// The plan to use now: `plan` if the dataset still has the extent it was made for,
// otherwise the same arguments resolved against the current extent.
const detail::SelectionPlan& current_plan(const detail::SelectionPlan& plan, const Shape& extent,
                                          std::optional<detail::SelectionPlan>& replanned) {
  if (plan.extent == extent) return plan;
  replanned = detail::make_plan(extent, plan.args);
  return *replanned;
}

}  // namespace

DType Dataset::dtype() const {
  detail::acquire(file_);
  return ds_node(node_).dtype;
}

Shape Dataset::shape() const {
  auto img = detail::acquire(file_);
  auto& ds = ds_node(node_);
  std::shared_lock lock(ds.data_mutex);
  detail::check_alive(*file_, ds);
  return ds.shape;
}

std::size_t Dataset::rank() const { return shape().size(); }

std::uint64_t Dataset::size() const { return element_count(shape()); }

Selection Dataset::select(std::initializer_list<SliceArg> args) const {
  return select(std::span<const SliceArg>(args.begin(), args.size()));
}

Selection Dataset::select(std::span<const SliceArg> args) const {
  auto img = detail::acquire(file_);
  auto& ds = ds_node(node_);
  auto plan = detail::with_context(*file_, *img, ds, [&] {
    std::shared_lock lock(ds.data_mutex);
    detail::check_alive(*file_, ds);
    return std::make_shared<const detail::SelectionPlan>(detail::make_plan(ds.shape, args));
  });
  return Selection(*this, std::move(plan));
}

Selection::Selection(const Dataset& ds, std::shared_ptr<const detail::SelectionPlan> plan)
    : file_(ds.file_), node_(ds.node_), plan_(std::move(plan)) {}

const Shape& Selection::shape() const noexcept { return plan_->shape; }

std::uint64_t Selection::size() const noexcept { return plan_->n_elements; }

void Selection::read_raw(const DType& mem_type, void* buffer, std::uint64_t n) const {
  auto img = detail::acquire(file_);
  auto& ds = ds_node(node_);
  detail::with_context(*file_, *img, ds, [&] {
    check_buffer(ds.dtype, mem_type, plan_->n_elements, n, buffer);
    std::shared_lock lock(ds.data_mutex);
    detail::check_alive(*file_, ds);
    std::optional<detail::SelectionPlan> replanned;
    const auto& plan = current_plan(*plan_, ds.shape, replanned);
    check_buffer(ds.dtype, mem_type, plan.n_elements, n, buffer);
    ds.layout->read(plan, static_cast<std::byte*>(buffer));
  });
}

void Selection::write_raw(const DType& mem_type, const void* buffer, std::uint64_t n) const {
  auto img = detail::acquire(file_);
  auto& ds = ds_node(node_);
  detail::with_context(*file_, *img, ds, [&] {
    if (!file_->writable()) detail::fail(ErrorCode::invalid_argument, "the file was opened read-only");
    check_buffer(ds.dtype, mem_type, plan_->n_elements, n, buffer);
    std::unique_lock lock(ds.data_mutex);
    detail::check_alive(*file_, ds);
    std::optional<detail::SelectionPlan> replanned;
    const auto& plan = current_plan(*plan_, ds.shape, replanned);
    check_buffer(ds.dtype, mem_type, plan.n_elements, n, buffer);
    ds.layout->write(plan, static_cast<const std::byte*>(buffer), img->budget);
  });
}

}  // namespace h5mem
