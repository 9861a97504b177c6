// h5mem/selection_spec.hpp -- how a caller names a part of a dataset.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <variant>

namespace h5mem {

// numpy-style slice over one dimension: start, stop (exclusive), step >= 1. Negative start
// or stop count from the end, as in numpy. Unlike numpy, a slice reaching past the extent is
// an out_of_range error rather than silently clamped, because clamping hides bugs that
// would otherwise surface as silently truncated reads.
struct Slice {
  // The whole dimension.
  Slice() = default;
  Slice(std::int64_t start, std::int64_t stop, std::int64_t step = 1)
      : start(start), stop(stop), step(step) {}
  // From `start` to the end of the dimension.
  static Slice from(std::int64_t start, std::int64_t step = 1) {
    Slice s;
    s.start = start;
    s.step = step;
    return s;
  }

  std::int64_t start = 0;
  std::optional<std::int64_t> stop;  // nullopt: to the end
  std::int64_t step = 1;
};

// Selects a whole dimension: d.select({all, 3}).
struct All {};
inline constexpr All all{};

// HDF5's hyperslab over one dimension: `count` blocks of `block` elements, the first at
// `start`, successive blocks `stride` apart. Requires stride >= block (no overlap).
// The selected indices form one output dimension of count*block elements.
struct Hyperslab {
  std::uint64_t start = 0;
  std::uint64_t stride = 1;
  std::uint64_t count = 1;
  std::uint64_t block = 1;
};

// One dimension of a selection: an integer index (drops the dimension from the result,
// negative counts from the end), a Slice, all, or a Hyperslab. Implicit so that
// d.select({5, Slice(0, 4), all}) reads naturally.
class SliceArg {
 public:
  template <std::integral I>
  SliceArg(I index) : v_(static_cast<std::int64_t>(index)) {}  // NOLINT(runtime/explicit)
  SliceArg(Slice s) : v_(s) {}                                 // NOLINT(runtime/explicit)
  SliceArg(All) : v_(Slice()) {}                               // NOLINT(runtime/explicit)
  SliceArg(Hyperslab h) : v_(h) {}                             // NOLINT(runtime/explicit)

  using Variant = std::variant<std::int64_t, Slice, Hyperslab>;
  const Variant& value() const noexcept { return v_; }

 private:
  Variant v_;
};

}  // namespace h5mem
