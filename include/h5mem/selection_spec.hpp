// h5mem/selection_spec.hpp -- how a caller names a part of a dataset.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <variant>
#include <vector>

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
  // The whole dimension, as All.
  SliceArg() : v_(Slice()) {}

  using Variant = std::variant<std::int64_t, Slice, Hyperslab>;
  const Variant& value() const noexcept { return v_; }

 private:
  Variant v_;
};

// A point selection: a list of coordinates, each of the dataset's rank. Reads return the
// points in the order given (shape (n,)); duplicates are allowed on read and on write (the
// last write of a point wins).
class Points {
 public:
  Points() = default;
  // Points{{1, 2}, {3, 4}}: one initializer list per point.
  Points(std::initializer_list<std::initializer_list<std::uint64_t>> points) {
    for (const auto& p : points) add(std::vector<std::uint64_t>(p));
  }
  // Appends a point. All points must have the same rank.
  Points& add(const std::vector<std::uint64_t>& coord) {
    if (size() == 0) rank_ = coord.size();
    if (coord.size() != rank_) ragged_ = true;
    coords_.insert(coords_.end(), coord.begin(), coord.end());
    ++count_;
    return *this;
  }
  std::size_t rank() const noexcept { return rank_; }
  std::size_t size() const noexcept { return count_; }
  // Coordinates, point after point (size() * rank() values).
  const std::vector<std::uint64_t>& coords() const noexcept { return coords_; }
  // True if points of different ranks were added (rejected by select).
  bool ragged() const noexcept { return ragged_; }

 private:
  std::vector<std::uint64_t> coords_;
  std::size_t rank_ = 0;
  std::size_t count_ = 0;
  bool ragged_ = false;
};

}  // namespace h5mem
