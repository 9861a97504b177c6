// format/hdf5/references.hpp -- object reference elements: in memory a node id (native
// uint64), in a file the target's object header address (little-endian, 0 = null).
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "h5mem/dtype.hpp"

namespace h5mem::detail {

// True if `t` holds object references (also inside compounds, arrays and vlen bases).
bool dtype_has_reference(const DType& t);

// Calls `map` on every reference of `elements` (whole elements of `t`, references inside
// compounds and arrays included) and stores its result in place. `from_file` says how the
// stored value is read: true = little-endian address (a file), false = native node id; the
// result is stored the other way round.
void map_references(const DType& t, std::span<std::byte> elements, bool from_file,
                    const std::function<std::uint64_t(std::uint64_t)>& map);

}  // namespace h5mem::detail
