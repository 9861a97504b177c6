// Choosing and validating a new dataset's storage from its DatasetOptions.
#pragma once

#include <memory>

#include "h5mem/dtype.hpp"
#include "h5mem/options.hpp"
#include "h5mem/shape.hpp"
#include "layout/layout.hpp"

namespace h5mem::detail {

struct NewLayout {
  Shape max_shape;
  std::unique_ptr<Layout> layout;
};

// Validates `options` for a dataset of `dtype` and `shape` and builds its layout: contiguous
// unless chunks, a max_shape other than the shape, or a filter is requested (then chunked,
// guessing a chunk shape if none is given). Throws invalid_argument / out_of_range /
// type_mismatch / unsupported without file context.
NewLayout make_dataset_layout(const DType& dtype, const Shape& shape, const DatasetOptions& options);

}  // namespace h5mem::detail
