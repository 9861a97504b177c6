#include "h5mem/dataset.hpp"

#include <mutex>
#include <shared_mutex>
#include <unordered_set>

#include "array/convert.hpp"
#include "chunk/chunk_buffer.hpp"
#include "array/selection_plan.hpp"
#include "core/dataset_access.hpp"
#include "core/dataset_nested.hpp"

namespace h5mem {

using detail::DatasetNode;
using detail::ds_node;
using detail::io_of;
using detail::locked;
using detail::current_plan;

namespace {

void check_buffer(const DType& dtype, const DType& mem_type, std::uint64_t expected,
                  std::uint64_t n, const void* buffer, bool reading) {
  if (dtype.has_vlen()) {
    // Fixed-size buffers cannot hold variable-length values.
    detail::fail(ErrorCode::type_mismatch,
                 "cannot convert between " + dtype.name() + " and a buffer of " + mem_type.name() +
                     ": variable-length data is read and written with std::string or "
                     "std::vector element types");
  }
  if (!(mem_type == dtype)) {
    if (mem_type.has_vlen()) {
      detail::fail(ErrorCode::unsupported, "variable-length buffer type " + mem_type.name() +
                                               " is not supported for datasets yet");
    }
    if (reading) {
      detail::check_conversion(dtype, mem_type);
    } else {
      detail::check_conversion(mem_type, dtype);
    }
  }
  if (n != expected) {
    detail::fail(ErrorCode::type_mismatch, "the selection has " + std::to_string(expected) +
                                               " element(s) but the buffer has " + std::to_string(n));
  }
  if (buffer == nullptr && n != 0) detail::fail(ErrorCode::invalid_argument, "null buffer");
}

}  // namespace

DType Dataset::dtype() const {
  return locked<false>(file_, node_, [](DatasetNode& ds, detail::FileImage&) { return ds.dtype; });
}

Shape Dataset::shape() const {
  return locked<false>(file_, node_, [](DatasetNode& ds, detail::FileImage&) { return ds.shape; });
}

std::size_t Dataset::rank() const { return shape().size(); }

std::uint64_t Dataset::size() const { return element_count(shape()); }

Shape Dataset::max_shape() const {
  return locked<false>(file_, node_, [](DatasetNode& ds, detail::FileImage&) { return ds.max_shape; });
}

Shape Dataset::chunks() const {
  return locked<false>(file_, node_, [](DatasetNode& ds, detail::FileImage&) { return ds.layout->chunks(); });
}

std::uint64_t Dataset::storage_bytes() const {
  return locked<false>(file_, node_,
                       [](DatasetNode& ds, detail::FileImage&) { return ds.layout->bytes_held(); });
}

void Dataset::set_cache_bytes(std::uint64_t n) const {
  // Not a data write: allowed on read-only handles, but it needs the dataset alone.
  auto img = detail::acquire(file_);
  auto& ds = ds_node(node_);
  detail::with_context(*file_, *img, ds, [&] {
    std::unique_lock lock(ds.data_mutex);
    detail::check_alive(*file_, ds);
    auto io = io_of(*img);
    ds.layout->set_cache_bytes(n, io);
  });
}

void Dataset::resize(const Shape& new_shape) const {
  locked<true>(file_, node_, [&](DatasetNode& ds, detail::FileImage& img) {
    if (ds.layout->chunks().empty()) {
      detail::fail(ErrorCode::invalid_argument, "only chunked datasets can be resized");
    }
    if (new_shape.size() != ds.shape.size()) {
      detail::fail(ErrorCode::invalid_argument, "cannot change the rank: new shape " +
                                                    to_string(new_shape) + ", dataset shape " +
                                                    to_string(ds.shape));
    }
    for (std::size_t d = 0; d < new_shape.size(); ++d) {
      if (ds.max_shape[d] != unlimited && new_shape[d] > ds.max_shape[d]) {
        detail::fail(ErrorCode::out_of_range, "new shape " + to_string(new_shape) +
                                                  " exceeds max_shape " + to_string(ds.max_shape));
      }
    }
    element_count(new_shape);  // rejects overflow
    if (new_shape == ds.shape) return;
    auto io = io_of(img);
    // Variable-length values of discarded elements must be freed too: note the live ids
    // before and after.
    std::vector<std::uint64_t> before;
    if (ds.vlen) before = detail::live_vlen_ids(ds, io);
    ds.layout->resize(new_shape, io);
    ds.shape = new_shape;
    if (ds.vlen) {
      const auto after = detail::live_vlen_ids(ds, io);
      const std::unordered_set<std::uint64_t> live(after.begin(), after.end());
      for (std::uint64_t id : before) {
        if (!live.count(id)) ds.vlen->remove(id, img.budget);
      }
    }
  });
}

Selection Dataset::select(std::initializer_list<SliceArg> args) const {
  return select(std::span<const SliceArg>(args.begin(), args.size()));
}

Selection Dataset::select(std::span<const SliceArg> args) const {
  auto plan = std::make_shared<detail::SelectionPlan>();  // allocated outside the lock
  locked<false>(file_, node_, [&](DatasetNode& ds, detail::FileImage&) {
    detail::make_plan(*plan, ds.shape, args);
  });
  return Selection(*this, std::move(plan));
}

Selection Dataset::select(const Points& points) const {
  auto plan = locked<false>(file_, node_, [&](DatasetNode& ds, detail::FileImage&) {
    return std::make_shared<const detail::SelectionPlan>(detail::make_point_plan(ds.shape, points));
  });
  return Selection(*this, std::move(plan));
}

Selection::Selection(const Dataset& ds, std::shared_ptr<const detail::SelectionPlan> plan)
    : file_(ds.file_), node_(ds.node_), plan_(std::move(plan)) {}

const Shape& Selection::shape() const noexcept { return plan_->shape; }

std::uint64_t Selection::size() const noexcept { return plan_->n_elements; }

namespace {

// Staging space for type conversion, reused per thread: a fresh large buffer is freshly
// mapped memory whose first touch costs more than the conversion itself. Buffers above
// kKeepBytes are freed after use so an occasional huge read does not pin memory.
class ConversionScratch {
 public:
  explicit ConversionScratch(std::size_t n) {
    thread_local detail::ByteBuffer kept;
    if (n <= kKeepBytes) {
      if (kept.size() < n) kept = detail::ByteBuffer(n);
      data_ = kept.data();
    } else {
      own_ = detail::ByteBuffer(n);
      data_ = own_.data();
    }
  }
  std::byte* data() const noexcept { return data_; }

 private:
  static constexpr std::size_t kKeepBytes = 64u << 20;
  detail::ByteBuffer own_;
  std::byte* data_ = nullptr;
};

}  // namespace

void Selection::read_raw(const DType& mem_type, void* buffer, std::uint64_t n) const {
  if (mem_type.is_variable_string()) {
    return read_strings(std::span<std::string>(static_cast<std::string*>(buffer), n));
  }
  locked<false>(file_, node_, [&](DatasetNode& ds, detail::FileImage& img) {
    detail::check_data_access(ds);
    std::optional<detail::SelectionPlan> replanned;
    if (ds.dtype.has_vlen() || mem_type.has_vlen()) {
      const auto& plan = current_plan(*plan_, ds.shape, replanned);
      return detail::read_nested(ds, img, plan, mem_type, buffer, n);
    }
    check_buffer(ds.dtype, mem_type, plan_->n_elements, n, buffer, true);
    const auto& plan = current_plan(*plan_, ds.shape, replanned);
    if (&plan != plan_.get()) check_buffer(ds.dtype, mem_type, plan.n_elements, n, buffer, true);
    auto io = io_of(img);
    if (mem_type == ds.dtype) {
      ds.layout->read(plan, static_cast<std::byte*>(buffer), io);
      return;
    }
    ConversionScratch tmp(static_cast<std::size_t>(n * ds.dtype.size()));
    ds.layout->read(plan, tmp.data(), io);
    detail::convert(ds.dtype, mem_type, tmp.data(), static_cast<std::byte*>(buffer), n);
  });
}

void Selection::write_raw(const DType& mem_type, const void* buffer, std::uint64_t n) const {
  if (mem_type.is_variable_string()) {
    return write_strings(std::span<const std::string>(static_cast<const std::string*>(buffer), n));
  }
  locked<true>(file_, node_, [&](DatasetNode& ds, detail::FileImage& img) {
    std::optional<detail::SelectionPlan> replanned;
    if (ds.dtype.has_vlen() || mem_type.has_vlen()) {
      const auto& plan = current_plan(*plan_, ds.shape, replanned);
      return detail::write_nested(ds, img, plan, mem_type, buffer, n);
    }
    check_buffer(ds.dtype, mem_type, plan_->n_elements, n, buffer, false);
    const auto& plan = current_plan(*plan_, ds.shape, replanned);
    check_buffer(ds.dtype, mem_type, plan.n_elements, n, buffer, false);
    auto io = io_of(img);
    if (mem_type == ds.dtype) {
      ds.layout->write(plan, static_cast<const std::byte*>(buffer), io);
      return;
    }
    ConversionScratch tmp(static_cast<std::size_t>(n * ds.dtype.size()));
    detail::convert(mem_type, ds.dtype, static_cast<const std::byte*>(buffer), tmp.data(), n);
    ds.layout->write(plan, tmp.data(), io);
  });
}

}  // namespace h5mem
