#include "core/dataset_layout.hpp"

#include <limits>
#include <optional>
#include <string>

#include "array/convert.hpp"
#include "chunk/chunk_grid.hpp"
#include "codec/filter.hpp"
#include "core/fail.hpp"
#include "core/vlen_elements.hpp"
#include "core/vlen_fill.hpp"

namespace h5mem::detail {
namespace {

// HDF5 limits a chunk to 4 GiB - 1 bytes (its size is stored in 32 bits).
constexpr std::uint64_t kMaxChunkBytes = 0xffffffffull;

std::vector<FilterSpec> filter_specs(const DatasetOptions& o) {
  if (o.deflate_level() && o.lzf_enabled()) {
    fail(ErrorCode::invalid_argument, "deflate and lzf cannot both be applied");
  }
  std::vector<FilterSpec> specs;
  if (o.shuffle_enabled()) specs.push_back(shuffle_spec());
  if (o.deflate_level()) specs.push_back(deflate_spec(*o.deflate_level()));
  if (o.lzf_enabled()) specs.push_back(lzf_spec());
  if (o.fletcher32_enabled()) specs.push_back(fletcher32_spec());
  return specs;
}

void check_chunks(const Shape& shape, const Shape& max_shape, const Shape& chunks, std::size_t es) {
  if (chunks.size() != shape.size()) {
    fail(ErrorCode::invalid_argument, "chunk shape " + to_string(chunks) + " has rank " +
                                          std::to_string(chunks.size()) + ", the dataset " +
                                          std::to_string(shape.size()));
  }
  std::uint64_t bytes = es;
  for (std::size_t d = 0; d < chunks.size(); ++d) {
    if (chunks[d] == 0) fail(ErrorCode::invalid_argument, "chunk dimensions must be >= 1, got " + to_string(chunks));
    if (max_shape[d] != unlimited && chunks[d] > max_shape[d] && max_shape[d] > 0) {
      fail(ErrorCode::invalid_argument, "chunk shape " + to_string(chunks) +
                                            " exceeds the fixed maximum shape " + to_string(max_shape));
    }
    if (__builtin_mul_overflow(bytes, chunks[d], &bytes) || bytes > kMaxChunkBytes) {
      fail(ErrorCode::invalid_argument, "chunk shape " + to_string(chunks) + " is 4 GiB or more");
    }
  }
}

}  // namespace

NewLayout make_dataset_layout(const DType& dtype, const Shape& shape, const DatasetOptions& o,
                              const VlenFill* stored_fill) {
  // Variable-length values are stored as handles into the dataset's VlenHeap.
  const std::size_t es = stored_size(dtype);
  if (shape.size() > max_rank) {
    fail(ErrorCode::invalid_argument, "rank " + std::to_string(shape.size()) +
                                          " exceeds the maximum of " + std::to_string(max_rank));
  }
  element_count(shape);  // rejects overflowing shapes
  NewLayout out;
  out.max_shape = o.max_shape().value_or(shape);
  if (out.max_shape.size() != shape.size()) {
    fail(ErrorCode::invalid_argument, "max_shape " + to_string(out.max_shape) +
                                          " has a different rank from the shape " + to_string(shape));
  }
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (out.max_shape[d] != unlimited && out.max_shape[d] < shape[d]) {
      fail(ErrorCode::out_of_range, "shape " + to_string(shape) + " exceeds max_shape " + to_string(out.max_shape));
    }
  }
  std::vector<std::byte> fill(es, std::byte{0});
  // Vlen fill values: the layout is wrapped to own their bytes (core/vlen_fill.hpp).
  std::optional<VlenFill> vlen_fill;
  if (stored_fill || (o.fill_type() && (o.fill_type()->has_vlen() || dtype.has_vlen()))) {
    vlen_fill = stored_fill
                    ? *stored_fill
                    : convert_vlen_fill(*o.fill_type(), o.fill_bytes(), o.fill_objects(), dtype);
    mark_fill_ids(dtype, *vlen_fill);
    fill = vlen_fill->element;
  } else if (o.fill_type()) {
    std::string why = conversion_problem(*o.fill_type(), dtype);
    if (!why.empty()) {
      fail(ErrorCode::type_mismatch, "fill value of type " + o.fill_type()->name() +
                                         " does not convert to the dataset type " + dtype.name() + ": " + why);
    }
    convert(*o.fill_type(), dtype, o.fill_bytes().data(), fill.data(), 1);
  }
  const auto wrap = [&](std::unique_ptr<Layout> l) {
    return vlen_fill ? make_vlen_fill_layout(std::move(l), std::move(vlen_fill->objects))
                     : std::move(l);
  };
  std::vector<FilterSpec> specs = filter_specs(o);
  bool chunked = o.chunks() || !specs.empty() || out.max_shape != shape;
  if (!chunked) {
    if (o.cache_bytes()) fail(ErrorCode::invalid_argument, "cache_bytes needs a chunked dataset");
    out.layout = wrap(make_contiguous_layout(shape, es, std::move(fill)));
    return out;
  }
  if (shape.empty()) {
    fail(ErrorCode::invalid_argument, "scalar datasets cannot be chunked, resizable or filtered");
  }
  Shape chunks = o.chunks() ? *o.chunks() : guess_chunks(shape, out.max_shape, es);
  check_chunks(shape, out.max_shape, chunks, es);
  // Every chunk index over the largest possible extent must fit in 64 bits.
  std::uint64_t n = 1;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    std::uint64_t ext = out.max_shape[d] == unlimited ? std::numeric_limits<std::uint32_t>::max() : out.max_shape[d];
    std::uint64_t c = ext / chunks[d] + 1;
    if (__builtin_mul_overflow(n, c, &n)) {
      fail(ErrorCode::invalid_argument, "too many chunks: max_shape " + to_string(out.max_shape) +
                                            " with chunks " + to_string(chunks));
    }
  }
  std::uint64_t chunk_bytes = element_count(chunks) * es;
  auto pipeline = std::make_shared<const FilterPipeline>(std::move(specs), es, chunk_bytes);
  out.layout = wrap(make_chunked_layout(shape, chunks, es, std::move(fill), std::move(pipeline)));
  return out;
}

}  // namespace h5mem::detail
