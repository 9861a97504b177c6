#include "array/selection_plan.hpp"

#include <string>

#include "core/fail.hpp"

namespace h5mem::detail {
namespace {

[[noreturn]] void bad_dim(ErrorCode code, std::size_t dim, std::uint64_t extent,
                          const std::string& what) {
  fail(code, "selection in dimension " + std::to_string(dim) + " (extent " +
                 std::to_string(extent) + "): " + what);
}

// Maps a numpy-style possibly negative position onto [0, extent] (for slice bounds).
std::uint64_t slice_bound(std::int64_t v, std::uint64_t extent, std::size_t dim,
                          const char* which) {
  std::int64_t ext = static_cast<std::int64_t>(extent);
  std::int64_t p = v < 0 ? v + ext : v;
  if (p < 0 || p > ext) {
    bad_dim(ErrorCode::out_of_range, dim, extent,
            std::string("slice ") + which + " " + std::to_string(v) + " is outside [" +
                std::to_string(-ext) + ", " + std::to_string(ext) + "]");
  }
  return static_cast<std::uint64_t>(p);
}

DimSelection resolve(const SliceArg& arg, std::uint64_t extent, std::size_t dim) {
  DimSelection d;
  const auto& v = arg.value();
  if (const auto* index = std::get_if<std::int64_t>(&v)) {
    std::int64_t ext = static_cast<std::int64_t>(extent);
    std::int64_t p = *index < 0 ? *index + ext : *index;
    if (p < 0 || p >= ext) {
      bad_dim(ErrorCode::out_of_range, dim, extent,
              "index " + std::to_string(*index) + " is out of range");
    }
    d.start = static_cast<std::uint64_t>(p);
    d.count = 1;
    d.kept = false;
  } else if (const auto* s = std::get_if<Slice>(&v)) {
    if (s->step < 1) {
      bad_dim(ErrorCode::invalid_argument, dim, extent,
              "slice step must be >= 1, got " + std::to_string(s->step));
    }
    std::uint64_t start = slice_bound(s->start, extent, dim, "start");
    std::uint64_t stop = s->stop ? slice_bound(*s->stop, extent, dim, "stop") : extent;
    std::uint64_t step = static_cast<std::uint64_t>(s->step);
    d.start = start;
    d.stride = step;
    d.count = stop > start ? (stop - start + step - 1) / step : 0;
    d.block = 1;
  } else {
    const auto& h = std::get<Hyperslab>(v);
    if (h.block == 0 || h.stride == 0) {
      bad_dim(ErrorCode::invalid_argument, dim, extent, "hyperslab stride and block must be >= 1");
    }
    if (h.count > 1 && h.stride < h.block) {
      bad_dim(ErrorCode::invalid_argument, dim, extent,
              "hyperslab blocks overlap (stride " + std::to_string(h.stride) + " < block " +
                  std::to_string(h.block) + ")");
    }
    d.start = h.start;
    d.stride = h.stride;
    d.count = h.count;
    d.block = h.block;
    if (h.count > 0) {
      // One past the last selected coordinate, checked without overflow.
      std::uint64_t span = 0, last = 0;
      bool overflow = __builtin_mul_overflow(h.count - 1, h.stride, &span) ||
                      __builtin_add_overflow(span, h.start, &last) ||
                      __builtin_add_overflow(last, h.block, &last);
      if (overflow || last > extent) {
        bad_dim(ErrorCode::out_of_range, dim, extent,
                "hyperslab (start " + std::to_string(h.start) + ", stride " +
                    std::to_string(h.stride) + ", count " + std::to_string(h.count) + ", block " +
                    std::to_string(h.block) + ") reaches past the extent");
      }
    }
  }
  return d;
}

}  // namespace

SelectionPlan make_plan(const Shape& extent, std::span<const SliceArg> args) {
  SelectionPlan plan;
  make_plan(plan, extent, args);
  return plan;
}

void make_plan(SelectionPlan& plan, const Shape& extent, std::span<const SliceArg> args) {
  if (args.size() > extent.size()) {
    fail(ErrorCode::invalid_argument, "selection has " + std::to_string(args.size()) +
                                          " arguments for a dataset of rank " +
                                          std::to_string(extent.size()));
  }
  plan.extent.assign(extent.data(), extent.data() + extent.size());
  plan.args.assign(args.data(), args.data() + args.size());
  plan.dims.resize(extent.size());
  plan.shape.reserve(extent.size());
  plan.n_elements = 1;
  for (std::size_t d = 0; d < extent.size(); ++d) {
    DimSelection ds = d < args.size() ? resolve(args[d], extent[d], d) : resolve(all, extent[d], d);
    plan.n_elements *= ds.n();  // <= element_count(extent), which cannot overflow
    if (ds.kept) plan.shape.push_back(ds.n());
    plan.dims[d] = ds;
  }
}

SelectionPlan make_point_plan(const Shape& extent, const Points& points) {
  if (points.ragged() || (points.size() > 0 && points.rank() != extent.size())) {
    fail(ErrorCode::invalid_argument, "point selection of rank " + std::to_string(points.rank()) +
                                          " for a dataset of rank " +
                                          std::to_string(extent.size()));
  }
  SelectionPlan plan;
  plan.extent.assign(extent.data(), extent.data() + extent.size());
  plan.is_points = true;
  plan.points = points.coords();
  plan.n_elements = points.size();
  plan.shape = Shape{points.size()};
  const std::size_t r = extent.size();
  for (std::size_t p = 0; p < points.size(); ++p) {
    for (std::size_t d = 0; d < r; ++d) {
      if (plan.points[p * r + d] >= extent[d]) {
        fail(ErrorCode::out_of_range, "point " + std::to_string(p) + " has coordinate " +
                                          std::to_string(plan.points[p * r + d]) +
                                          " in dimension " + std::to_string(d) + " (extent " +
                                          std::to_string(extent[d]) + ")");
      }
    }
  }
  return plan;
}

SelectionPlan replan(const SelectionPlan& plan, const Shape& extent) {
  if (!plan.is_points) return make_plan(extent, plan.args);
  Points pts;
  const std::size_t r = plan.extent.size();
  for (std::size_t p = 0; p < plan.n_elements; ++p) {
    pts.add(
        std::vector<std::uint64_t>(plan.points.begin() + p * r, plan.points.begin() + (p + 1) * r));
  }
  return make_point_plan(extent, pts);
}

}  // namespace h5mem::detail
