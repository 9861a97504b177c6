// Fill values holding variable-length data (h5py's fillvalue=b"abc" on a string_dtype()
// dataset): elements never written read as the fill's vlen values.
//
// The layout's fill element is the stored form (core/vlen_elements.hpp) with handle ids
// marked by kFillIdBit; the values' bytes belong to the layout (a wrapper made by
// make_vlen_fill_layout), not to the dataset's VlenHeap. The heap never hands out such ids,
// so writes that free the values they overwrite (VlenHeap::remove ignores unknown ids)
// never free a fill value, however many elements show it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/node.hpp"
#include "h5mem/dtype.hpp"
#include "layout/layout.hpp"

namespace h5mem::detail {

inline constexpr std::uint64_t kFillIdBit = std::uint64_t{1} << 63;

// A fill value in stored form whose handle ids are 1-based indexes into `objects`.
struct VlenFill {
  std::vector<std::byte> element;
  std::vector<std::vector<std::byte>> objects;
};

// The fill value `element` + `objects` of type `from` as a fill value of `to`: the same type,
// vlen strings of either character set, or vlen sequences whose bases convert. Throws
// Error(type_mismatch) otherwise.
VlenFill convert_vlen_fill(const DType& from, std::span<const std::byte> element,
                           const std::vector<std::vector<std::byte>>& objects, const DType& to);

// Marks the ids of `fill.element` (a stored element of `t`) as fill ids.
void mark_fill_ids(const DType& t, VlenFill& fill);

// `inner` (whose fill element carries fill ids) owning the fill values `objects`. Their
// bytes are charged to the image's budget by the first read, write or resize (the layout
// is built before the dataset knows its image), or by charge_vlen_fill, and returned by
// release().
std::unique_ptr<Layout> make_vlen_fill_layout(std::unique_ptr<Layout> inner,
                                              std::vector<std::vector<std::byte>> objects);

// Charges a vlen fill layout's values to `budget` now if not yet done (no-op for other
// layouts). Throws Error(out_of_space) when they do not fit.
void charge_vlen_fill(const Layout& layout, MemoryBudget& budget);

// The fill values of `layout`, indexed by fill id without kFillIdBit, minus 1 (empty for a
// layout without vlen fill values).
std::span<const std::vector<std::byte>> vlen_fill_objects(const Layout& layout);

// The bytes of vlen value `id` held by `ds`: a fill value or one in its VlenHeap. Throws
// Error(corruption) for an unknown id.
std::span<const std::byte> vlen_value(const DatasetNode& ds, std::uint64_t id);

}  // namespace h5mem::detail
