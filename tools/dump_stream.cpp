// Block-wise streaming of dataset and attribute values for `h5mem dump`: a dataset is read a
// few MiB at a time along one dimension, never whole.
#include <algorithm>
#include <string>
#include <vector>

#include "dump_values.hpp"

namespace h5mem::cli {

namespace {

// Reads one selection (a contiguous run of elements in flat order) and formats each one.
void emit_selection(const Selection& sel, const DType& t, Style style, std::uint64_t& flat,
                    const ElementFn& fn, std::string& scratch) {
  const std::uint64_t n = sel.size();
  if (t.is_variable_string()) {
    std::vector<std::string> v(static_cast<std::size_t>(n));
    sel.read_strings(v);
    for (const auto& s : v) {
      scratch.clear();
      append_string(scratch, s, style);
      fn(flat++, scratch);
    }
  } else if (t.type_class() == TypeClass::vlen) {
    const DType& base = t.base();
    sel.read_vlen_raw(base, [&](std::uint64_t, const void* data, std::size_t count) {
      scratch.clear();
      scratch += '[';
      const auto* p = static_cast<const std::byte*>(data);
      for (std::size_t i = 0; i < count; ++i) {
        if (i) scratch += ", ";
        if (base.is_variable_string()) {
          append_string(scratch, static_cast<const std::string*>(data)[i], style);
        } else {
          append_value(scratch, base, p + i * base.size(), style);
        }
      }
      scratch += ']';
      fn(flat++, scratch);
    });
  } else {
    std::vector<std::byte> buf(static_cast<std::size_t>(n * t.size()));
    sel.read_raw(t, buf.data(), n);
    for (std::uint64_t i = 0; i < n; ++i) {
      scratch.clear();
      append_value(scratch, t, buf.data() + i * t.size(), style);
      fn(flat++, scratch);
    }
  }
}

}  // namespace

void for_each_element(const Dataset& ds, Style style, const ElementFn& fn) {
  const DType t = ds.dtype();
  const Shape shape = ds.shape();
  if (element_count(shape) == 0) return;
  std::uint64_t flat = 0;
  std::string scratch;
  if (shape.empty()) {
    emit_selection(ds.select({}), t, style, flat, fn, scratch);
    return;
  }
  constexpr std::uint64_t kTarget = 4u << 20;  // bytes per block read
  const std::uint64_t elem = t.has_vlen() ? 64 : std::max<std::uint64_t>(t.size(), 1);
  const std::size_t rank = shape.size();
  // Split dimension d: the blocks are runs along d of whole rows of the dims after d.
  std::size_t d = 0;
  std::uint64_t inner = element_count(Shape(shape.begin() + 1, shape.end()));
  while (d + 1 < rank && inner * elem > kTarget) {
    ++d;
    inner /= shape[d];
  }
  const std::uint64_t rows = std::max<std::uint64_t>(1, kTarget / (inner * elem));
  std::vector<std::uint64_t> idx(d, 0);  // odometer over the dims before d
  std::vector<SliceArg> args(rank, SliceArg(all));
  while (true) {
    for (std::size_t k = 0; k < d; ++k) args[k] = Hyperslab{idx[k], 1, 1, 1};
    for (std::uint64_t start = 0; start < shape[d]; start += rows) {
      std::uint64_t count = std::min(rows, shape[d] - start);
      args[d] = Hyperslab{start, 1, count, 1};
      emit_selection(ds.select(std::span<const SliceArg>(args)), t, style, flat, fn, scratch);
    }
    std::size_t k = d;
    while (k > 0) {
      --k;
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
      if (k == 0) return;
    }
    if (d == 0) return;
  }
}

void for_each_element(const Attribute& a, Style style, const ElementFn& fn) {
  const DType t = a.dtype();
  const std::uint64_t n = element_count(a.shape());
  std::string scratch;
  if (t.is_variable_string()) {
    std::vector<std::string> v(static_cast<std::size_t>(n));
    a.read_raw(t, v.data(), n);
    for (std::uint64_t i = 0; i < n; ++i) {
      scratch.clear();
      append_string(scratch, v[i], style);
      fn(i, scratch);
    }
    return;
  }
  if (t.has_vlen()) {
    throw Error(ErrorCode::unsupported, "attribute \"" + a.name() + "\" of type " + t.name() +
                                            ": variable-length values cannot be read yet");
  }
  std::vector<std::byte> buf(static_cast<std::size_t>(n * t.size()));
  a.read_raw(t, buf.data(), n);
  for (std::uint64_t i = 0; i < n; ++i) {
    scratch.clear();
    append_value(scratch, t, buf.data() + i * t.size(), style);
    fn(i, scratch);
  }
}

}  // namespace h5mem::cli
