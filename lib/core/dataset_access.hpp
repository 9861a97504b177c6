// Shared plumbing of the Dataset and Selection implementations.
#pragma once

#include <mutex>
#include <optional>
#include <shared_mutex>

#include "array/selection_plan.hpp"
#include "core/handle_access.hpp"

namespace h5mem::detail {

inline DatasetNode& ds_node(const std::shared_ptr<Node>& n) {
  if (!n) fail(ErrorCode::closed, "empty handle: it does not refer to any dataset");
  return static_cast<DatasetNode&>(*n);
}

// The plan to use now: `plan` if the dataset still has the extent it was made for,
// otherwise the same selection resolved against the current extent.
inline const SelectionPlan& current_plan(const SelectionPlan& plan, const Shape& extent,
                                         std::optional<SelectionPlan>& replanned) {
  if (made_for(plan, extent)) return plan;
  replanned = replan(plan, extent);
  return *replanned;
}

// Throws Error(unsupported) for a dataset whose stored data cannot be decoded.
inline void check_data_access(const DatasetNode& ds) {
  if (!ds.unreadable.empty()) fail(ErrorCode::unsupported, ds.unreadable);
}

inline IoContext io_of(FileImage& img) {
  return IoContext{img.budget, img.cache, img.threads.load(std::memory_order_relaxed)};
}

// Runs `fn` on the dataset under its data lock (shared or exclusive), after checking the
// handle, with file and path context added to any error.
template <bool kExclusive, class Fn>
auto locked(const std::shared_ptr<OpenFile>& file, const std::shared_ptr<Node>& node, Fn&& fn) {
  auto img = acquire(file);
  auto& ds = ds_node(node);
  return with_context(*file, *img, ds, [&] {
    if constexpr (kExclusive) {
      if (!file->writable()) fail(ErrorCode::invalid_argument, "the file was opened read-only");
      std::unique_lock lock(ds.data_mutex);
      check_alive(*file, ds);
      check_data_access(ds);
      img->touch();
      return fn(ds, *img);
    } else {
      std::shared_lock lock(ds.data_mutex);
      check_alive(*file, ds);
      return fn(ds, *img);
    }
  });
}

}  // namespace h5mem::detail
