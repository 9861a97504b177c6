// Dataset reads and writes of types holding variable-length data in any position, through
// buffers of memory-form elements (see core/vlen_elements.hpp).
#pragma once

#include <cstdint>
#include <functional>

#include "array/selection_plan.hpp"
#include "core/node.hpp"
#include "core/vlen_elements.hpp"
#include "h5mem/dtype.hpp"

namespace h5mem::detail {

class FileImage;

// Reads the `plan` elements of `ds` (a dataset with vlen data or a buffer type with it) into
// `buffer`: n constructed elements of `mem_type`. Requires the data lock, shared.
void read_nested(DatasetNode& ds, FileImage& img, const SelectionPlan& plan, const DType& mem_type,
                 void* buffer, std::uint64_t n);
// Writes `buffer` into the `plan` elements of `ds`; values overwritten are freed, and on
// failure nothing changes. Requires the data lock, exclusive.
void write_nested(DatasetNode& ds, FileImage& img, const SelectionPlan& plan, const DType& mem_type,
                  const void* buffer, std::uint64_t n);
// Fills the `plan` elements' stored form (core/vlen_elements.hpp), adding values through the
// given adder.
using StoredProducer = std::function<void(std::byte* stored, const VlenAdd& add)>;
// Writes the stored elements `produce` makes into the `plan` elements of `ds` (a dataset with
// vlen data); values overwritten -- and those they name -- are freed, and on failure nothing
// changes. Requires the data lock, exclusive.
void write_stored(DatasetNode& ds, FileImage& img, const SelectionPlan& plan,
                  const StoredProducer& produce);
// Ids of every vlen value held by the whole dataset (resize frees those it drops).
// Requires the data lock.
std::vector<std::uint64_t> live_vlen_ids(const DatasetNode& ds, IoContext& io);

}  // namespace h5mem::detail
