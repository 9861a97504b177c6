// Choosing and validating a new dataset's storage from its DatasetOptions.
#pragma once

#include <memory>

#include "core/vlen_fill.hpp"
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
// type_mismatch / unsupported without file context. `stored_fill`, when given, is a fill
// value holding vlen data already in `dtype`'s stored form (the file reader's), used instead
// of the options' one.
NewLayout make_dataset_layout(const DType& dtype, const Shape& shape, const DatasetOptions& options,
                              const VlenFill* stored_fill = nullptr);

}  // namespace h5mem::detail
