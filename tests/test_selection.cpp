// Selections: slices, steps, negative indices, integer indices, hyperslabs, their errors, and
// randomized reads and writes at ranks 0..4 checked against a naive reference.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "test_util.hpp"

using h5mem::All;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Hyperslab;
using h5mem::Mode;
using h5mem::Shape;
using h5mem::Slice;
using h5mem::SliceArg;

namespace {

// ---------------------------------------------------------------------------------------------
// Naive reference: every selected index of every dimension computed by explicit arithmetic.

struct RefDim {
  bool keep = true;                // false for an integer index (dimension dropped)
  std::vector<std::uint64_t> idx;  // selected indices, in order
};

struct RefSelection {
  std::vector<RefDim> dims;
  Shape shape;                         // kept dimensions' lengths
  std::vector<std::uint64_t> offsets;  // row-major offsets into the dataset, selection order
};

// Resolves one argument against extent n; only called with valid arguments.
RefDim ref_dim(const SliceArg& arg, std::uint64_t n) {
  RefDim r;
  const auto ext = static_cast<std::int64_t>(n);
  if (const auto* i = std::get_if<std::int64_t>(&arg.value())) {
    r.keep = false;
    const std::int64_t k = *i < 0 ? *i + ext : *i;
    r.idx.push_back(static_cast<std::uint64_t>(k));
  } else if (const auto* s = std::get_if<Slice>(&arg.value())) {
    const std::int64_t start = s->start < 0 ? s->start + ext : s->start;
    std::int64_t stop = ext;
    if (s->stop) stop = *s->stop < 0 ? *s->stop + ext : *s->stop;
    for (std::int64_t k = start; k < stop; k += s->step)
      r.idx.push_back(static_cast<std::uint64_t>(k));
  } else {
    const auto& h = std::get<Hyperslab>(arg.value());
    for (std::uint64_t c = 0; c < h.count; ++c)
      for (std::uint64_t b = 0; b < h.block; ++b) r.idx.push_back(h.start + c * h.stride + b);
  }
  return r;
}

RefSelection ref_select(const Shape& shape, const std::vector<SliceArg>& args) {
  RefSelection rs;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    rs.dims.push_back(d < args.size() ? ref_dim(args[d], shape[d]) : ref_dim(h5mem::all, shape[d]));
    if (rs.dims.back().keep) rs.shape.push_back(rs.dims.back().idx.size());
  }
  // Row-major strides of the dataset.
  std::vector<std::uint64_t> stride(shape.size(), 1);
  for (std::size_t d = shape.size(); d-- > 1;) stride[d - 1] = stride[d] * shape[d];
  // Odometer over the selected index lists, last dimension fastest.
  std::uint64_t total = 1;
  for (const auto& dim : rs.dims) total *= dim.idx.size();
  std::vector<std::size_t> pos(shape.size(), 0);
  for (std::uint64_t k = 0; k < total; ++k) {
    std::uint64_t off = 0;
    for (std::size_t d = 0; d < shape.size(); ++d) off += rs.dims[d].idx[pos[d]] * stride[d];
    rs.offsets.push_back(off);
    for (std::size_t d = shape.size(); d-- > 0;) {
      if (++pos[d] < rs.dims[d].idx.size()) break;
      pos[d] = 0;
    }
  }
  return rs;
}

std::string describe(const SliceArg& a) {
  std::ostringstream os;
  if (const auto* i = std::get_if<std::int64_t>(&a.value())) {
    os << *i;
  } else if (const auto* s = std::get_if<Slice>(&a.value())) {
    os << "Slice(" << s->start << ", ";
    if (s->stop) {
      os << *s->stop;
    } else {
      os << "end";
    }
    os << ", " << s->step << ")";
  } else {
    const auto& h = std::get<Hyperslab>(a.value());
    os << "Hyperslab{start=" << h.start << ", stride=" << h.stride << ", count=" << h.count
       << ", block=" << h.block << "}";
  }
  return os.str();
}

std::string describe(const Shape& shape, const std::vector<SliceArg>& args) {
  std::ostringstream os;
  os << "shape " << h5mem::to_string(shape) << " select {";
  for (std::size_t i = 0; i < args.size(); ++i) os << (i ? ", " : "") << describe(args[i]);
  os << "}";
  return os.str();
}

// ---------------------------------------------------------------------------------------------
// Random valid arguments for one dimension of extent n (n >= 1).

SliceArg random_arg(std::mt19937_64& rng, std::uint64_t n) {
  auto uni = [&](std::uint64_t lo, std::uint64_t hi) {  // inclusive
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
  };
  const auto ext = static_cast<std::int64_t>(n);
  switch (uni(0, 4)) {
    case 0: {  // integer index, possibly negative
      const auto k = static_cast<std::int64_t>(uni(0, n - 1));
      return uni(0, 1) ? SliceArg(k) : SliceArg(k - ext);
    }
    case 1:
      return h5mem::all;
    case 2:
    case 3: {  // slice [a, b) with a < b, random step and random sign conventions
      const std::uint64_t a = uni(0, n - 1);
      const std::uint64_t b = uni(a + 1, n);
      const auto step = static_cast<std::int64_t>(uni(1, 4));
      std::int64_t start = static_cast<std::int64_t>(a);
      if (uni(0, 1)) start -= ext;  // negative start counts from the end
      if (b == n && uni(0, 1)) return Slice::from(start, step);
      std::int64_t stop = static_cast<std::int64_t>(b);
      if (b < n && uni(0, 1)) stop -= ext;  // negative stop (never -0)
      return Slice(start, stop, step);
    }
    default: {  // hyperslab fitting inside the extent, block may exceed 1
      Hyperslab h;
      h.block = uni(1, std::min<std::uint64_t>(n, 3));
      h.start = uni(0, n - h.block);
      h.stride = h.block + uni(0, 3);
      h.count = (n - h.block - h.start) / h.stride + 1;
      h.count = uni(1, h.count);
      return h;
    }
  }
}

template <class T>
void randomized_selections(std::size_t rank, std::uint64_t seed, int iterations) {
  std::mt19937_64 rng(seed);
  const std::string name = h5t::mem_name("sel-random");
  File f = File::create(name);
  for (int it = 0; it < iterations; ++it) {
    Shape shape(rank);
    for (auto& e : shape) e = std::uniform_int_distribution<std::uint64_t>(1, 7)(rng);
    const std::uint64_t n = h5mem::element_count(shape);
    // Fewer arguments than the rank are padded with `all`.
    std::size_t nargs = rank;
    if (rank > 0 && std::uniform_int_distribution<int>(0, 4)(rng) == 0)
      nargs = std::uniform_int_distribution<std::size_t>(0, rank - 1)(rng);
    std::vector<SliceArg> args;
    for (std::size_t d = 0; d < nargs; ++d) args.push_back(random_arg(rng, shape[d]));

    INFO("seed ", seed, " iteration ", it, ": ", describe(shape, args));
    const RefSelection ref = ref_select(shape, args);
    auto d = f.create_dataset<T>(h5t::cat("d", it), shape);
    const std::vector<T> base = h5t::iota_values<T>(n);
    d.write(base);

    const auto sel = d.select(std::span<const SliceArg>(args));
    REQUIRE(sel.shape() == ref.shape);
    REQUIRE(sel.size() == ref.offsets.size());

    // Read.
    std::vector<T> expected_read;
    for (auto off : ref.offsets) expected_read.push_back(base[off]);
    CHECK(sel.template read<T>() == expected_read);
    std::vector<T> into(ref.offsets.size());
    sel.read_into(std::span<T>(into));
    CHECK(into == expected_read);

    // Write new values through the selection; everything else must stay.
    const std::vector<T> fresh = h5t::iota_values<T>(ref.offsets.size(), n + 7);
    sel.write(fresh);
    std::vector<T> expected_all = base;
    for (std::size_t k = 0; k < ref.offsets.size(); ++k) expected_all[ref.offsets[k]] = fresh[k];
    CHECK(d.template read<T>() == expected_all);
    CHECK(sel.template read<T>() == fresh);
    f.remove(h5t::cat("d", it));
  }
}

std::vector<std::int32_t> read_1d(const h5mem::Dataset& d, std::initializer_list<SliceArg> a) {
  return d.select(a).read<std::int32_t>();
}

}  // namespace

TEST_CASE("the naive reference itself agrees with hand-computed numpy results") {
  // Guards against a reference that is wrong in the same way as the library.
  const auto r = ref_select({3, 4}, {Slice(0, 3, 2), Slice::from(-3, 2)});
  CHECK(r.shape == Shape{2, 2});
  CHECK(r.offsets == std::vector<std::uint64_t>{1, 3, 9, 11});
  const auto h = ref_select({10}, {Hyperslab{1, 4, 2, 2}});
  CHECK(h.offsets == std::vector<std::uint64_t>{1, 2, 5, 6});
  const auto i = ref_select({2, 3, 4}, {-1, h5mem::all, Slice(1, -1)});
  CHECK(i.shape == Shape{3, 2});
  CHECK(i.offsets == std::vector<std::uint64_t>{13, 14, 17, 18, 21, 22});
  const auto p = ref_select({2, 3}, {1});
  CHECK(p.shape == Shape{3});
  CHECK(p.offsets == std::vector<std::uint64_t>{3, 4, 5});
}

TEST_CASE("1-d selections match numpy semantics") {
  const std::string name = h5t::mem_name("sel-1d");
  File f = File::create(name);
  auto d = f.create_dataset<std::int32_t>("d", {10});
  d.write(std::vector<std::int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  using V = std::vector<std::int32_t>;

  CHECK(read_1d(d, {Slice(2, 8, 2)}) == V{2, 4, 6});
  CHECK(read_1d(d, {Slice(1, 10, 3)}) == V{1, 4, 7});
  CHECK(read_1d(d, {Slice(1, 9, 3)}) == V{1, 4, 7});
  CHECK(read_1d(d, {Slice::from(-3)}) == V{7, 8, 9});
  CHECK(read_1d(d, {Slice::from(0, 4)}) == V{0, 4, 8});
  CHECK(read_1d(d, {Slice(-5, -1)}) == V{5, 6, 7, 8});
  CHECK(read_1d(d, {Slice(-10, 3)}) == V{0, 1, 2});
  CHECK(read_1d(d, {Slice(0, 10)}) == V{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(read_1d(d, {Slice()}) == V{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(read_1d(d, {h5mem::all}) == V{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(read_1d(d, {}) == V{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(read_1d(d, {-1}) == V{9});
  CHECK(read_1d(d, {-10}) == V{0});
  CHECK(read_1d(d, {std::uint64_t{3}}) == V{3});
  CHECK(read_1d(d, {Hyperslab{1, 4, 2, 2}}) == V{1, 2, 5, 6});
  CHECK(read_1d(d, {Hyperslab{0, 3, 3, 3}}) == V{0, 1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(read_1d(d, {Hyperslab{7, 1, 3, 1}}) == V{7, 8, 9});
  CHECK(read_1d(d, {Hyperslab{0, 4, 3, 2}}) == V{0, 1, 4, 5, 8, 9});

  CHECK(d.select({-1}).shape() == Shape{});
  CHECK(d.select({-1}).size() == 1u);
  CHECK(d.select({Slice(2, 8, 2)}).shape() == Shape{3});
  CHECK(d.select({Hyperslab{1, 4, 2, 2}}).shape() == Shape{4});

  // An empty slice inside the extent selects nothing.
  auto empty = d.select({Slice(3, 3)});
  CHECK(empty.shape() == Shape{0});
  CHECK(empty.size() == 0u);
  CHECK(empty.read<std::int32_t>().empty());
  empty.write(std::vector<std::int32_t>{});
  CHECK_CODE(empty.write(std::vector<std::int32_t>{1}), ErrorCode::type_mismatch);
  CHECK(d.read<std::int32_t>() == V{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("n-d selections: integer indices drop dimensions") {
  const std::string name = h5t::mem_name("sel-nd");
  File f = File::create(name);
  auto d = f.create_dataset<std::int32_t>("d", {3, 4});
  std::vector<std::int32_t> v(12);
  for (int i = 0; i < 12; ++i) v[static_cast<std::size_t>(i)] = i;
  d.write(v);
  using V = std::vector<std::int32_t>;

  auto row = d.select({1});
  CHECK(row.shape() == Shape{4});
  CHECK(row.read<std::int32_t>() == V{4, 5, 6, 7});
  auto col = d.select({h5mem::all, 2});
  CHECK(col.shape() == Shape{3});
  CHECK(col.read<std::int32_t>() == V{2, 6, 10});
  auto one = d.select({-1, -1});
  CHECK(one.shape() == Shape{});
  CHECK(one.read<std::int32_t>() == V{11});
  auto sub = d.select({Slice(0, 3, 2), Slice::from(1, 2)});
  CHECK(sub.shape() == Shape{2, 2});
  CHECK(sub.read<std::int32_t>() == V{1, 3, 9, 11});
  auto hs = d.select({Hyperslab{0, 2, 2, 1}, Hyperslab{1, 3, 1, 3}});
  CHECK(hs.shape() == Shape{2, 3});
  CHECK(hs.read<std::int32_t>() == V{1, 2, 3, 9, 10, 11});

  // Writes land exactly on the selected elements, in selection order.
  sub.write(V{-1, -2, -3, -4});
  CHECK(d.read<std::int32_t>() == V{0, -1, 2, -2, 4, 5, 6, 7, 8, -3, 10, -4});
  col.write(V{100, 200, 300});
  CHECK(d.read<std::int32_t>() == V{0, -1, 100, -2, 4, 5, 200, 7, 8, -3, 300, -4});
  // A selection reads the current data each time.
  CHECK(sub.read<std::int32_t>() == V{-1, -2, -3, -4});
  CHECK(row.read<std::int32_t>() == V{4, 5, 200, 7});
}

TEST_CASE("selection errors: out_of_range and invalid_argument") {
  const std::string name = h5t::mem_name("sel-errors");
  File f = File::create(name);
  auto d = f.create_dataset<float>("/g/d", {10, 4});

  SUBCASE("stop beyond the extent is out_of_range, never clamped") {
    CHECK_CODE_MSG(d.select({Slice(0, 11)}), ErrorCode::out_of_range, name, "/g/d");
    CHECK_CODE(d.select({Slice(5, 100, 2)}), ErrorCode::out_of_range);
    CHECK_CODE((d.select({h5mem::all, Slice(0, 5)})), ErrorCode::out_of_range);
    CHECK_CODE((d.select({h5mem::all, Slice(-2, 5)})), ErrorCode::out_of_range);
  }
  SUBCASE("starts and indices beyond either end are out_of_range") {
    CHECK_CODE(d.select({Slice(-11, 5)}), ErrorCode::out_of_range);
    CHECK_CODE(d.select({Slice::from(-11)}), ErrorCode::out_of_range);
    CHECK_CODE(d.select({Slice(0, -11)}), ErrorCode::out_of_range);
    CHECK_CODE_MSG(d.select({10}), ErrorCode::out_of_range, name, "/g/d");
    CHECK_CODE(d.select({-11}), ErrorCode::out_of_range);
    CHECK_CODE((d.select({0, 4})), ErrorCode::out_of_range);
    CHECK_CODE((d.select({0, -5})), ErrorCode::out_of_range);
    CHECK_CODE(d.select({std::uint64_t{1} << 40}), ErrorCode::out_of_range);
  }
  SUBCASE("hyperslabs reaching past the extent are out_of_range") {
    CHECK_CODE(d.select({Hyperslab{8, 3, 1, 3}}), ErrorCode::out_of_range);
    CHECK_CODE(d.select({Hyperslab{0, 4, 3, 3}}), ErrorCode::out_of_range);
    CHECK_CODE(d.select({Hyperslab{10, 1, 1, 1}}), ErrorCode::out_of_range);
    CHECK_CODE(d.select({Hyperslab{0, 1, 11, 1}}), ErrorCode::out_of_range);
    CHECK_CODE((d.select({h5mem::all, Hyperslab{2, 2, 2, 1}})), ErrorCode::out_of_range);
  }
  SUBCASE("step < 1 is invalid_argument") {
    CHECK_CODE_MSG(d.select({Slice(0, 4, 0)}), ErrorCode::invalid_argument, name, "/g/d");
    CHECK_CODE(d.select({Slice(8, 2, -1)}), ErrorCode::invalid_argument);
    CHECK_CODE(d.select({Slice::from(0, -2)}), ErrorCode::invalid_argument);
    CHECK_CODE((d.select({h5mem::all, Slice(0, 4, 0)})), ErrorCode::invalid_argument);
  }
  SUBCASE("a hyperslab with stride < block is invalid_argument") {
    CHECK_CODE_MSG(d.select({Hyperslab{0, 1, 2, 2}}), ErrorCode::invalid_argument, name, "/g/d");
    CHECK_CODE(d.select({Hyperslab{0, 2, 2, 3}}), ErrorCode::invalid_argument);
    CHECK_CODE(d.select({Hyperslab{0, 0, 2, 1}}), ErrorCode::invalid_argument);
    CHECK_CODE((d.select({0, Hyperslab{0, 1, 2, 2}})), ErrorCode::invalid_argument);
  }
  SUBCASE("more arguments than dimensions is invalid_argument") {
    CHECK_CODE_MSG((d.select({0, 0, 0})), ErrorCode::invalid_argument, name, "/g/d");
    CHECK_CODE((d.select({h5mem::all, h5mem::all, h5mem::all})), ErrorCode::invalid_argument);
    const std::vector<SliceArg> many(3, h5mem::all);
    CHECK_CODE(d.select(std::span<const SliceArg>(many)), ErrorCode::invalid_argument);
  }
}

TEST_CASE("selection reads and writes check type, length and mode") {
  const std::string name = h5t::mem_name("sel-io-errors");
  File f = File::create(name);
  auto d = f.create_dataset<std::uint16_t>("d", {4, 4});
  const auto base = h5t::iota_values<std::uint16_t>(16);
  d.write(base);
  auto s = d.select({Slice(1, 3), Slice(0, 4, 2)});  // 2 x 2
  REQUIRE(s.size() == 4u);

  CHECK_CODE_MSG(s.write(std::vector<std::uint16_t>(3, 0)), ErrorCode::type_mismatch, name, "/d");
  CHECK_CODE(s.write(std::vector<std::uint16_t>(5, 0)), ErrorCode::type_mismatch);
  CHECK_CODE(s.write(std::vector<std::uint16_t>(16, 0)), ErrorCode::type_mismatch);
  CHECK_CODE(s.write(std::vector<std::string>(4, "0")), ErrorCode::type_mismatch);
  CHECK_CODE(s.read<std::string>(), ErrorCode::type_mismatch);
  std::vector<std::uint32_t> wide(3);
  CHECK_CODE(s.read_into(std::span<std::uint32_t>(wide)), ErrorCode::type_mismatch);
  std::vector<std::uint16_t> three(3, 0xAAAA);
  CHECK_CODE(s.read_into(std::span<std::uint16_t>(three)), ErrorCode::type_mismatch);
  CHECK(three == std::vector<std::uint16_t>(3, 0xAAAA));
  CHECK(d.read<std::uint16_t>() == base);

  File r = File::open(name, Mode::read_only);
  auto rs = r.dataset("d").select({Slice(1, 3), Slice(0, 4, 2)});
  CHECK_CODE_MSG(rs.write(std::vector<std::uint16_t>(4, 0)), ErrorCode::invalid_argument, name);
  CHECK(rs.read<std::uint16_t>() ==
        std::vector<std::uint16_t>{base[4], base[6], base[8], base[10]});
  CHECK(d.read<std::uint16_t>() == base);
}

TEST_CASE("selections of removed datasets or closed files throw closed") {
  const std::string name = h5t::mem_name("sel-closed");
  File f = File::create(name);
  File g = File::open(name, Mode::read_write);
  auto d = f.create_dataset<double>("d", {4});
  auto e = g.create_dataset<double>("e", {4});
  auto sd = d.select({Slice(0, 2)});
  auto se = e.select({Slice(0, 2)});
  f.remove("d");
  CHECK_CODE_MSG(sd.read<double>(), ErrorCode::closed, name);
  CHECK_CODE(sd.write(std::vector<double>{1, 2}), ErrorCode::closed);
  g.close();
  CHECK_CODE(se.read<double>(), ErrorCode::closed);
  CHECK_CODE(se.write(std::vector<double>{1, 2}), ErrorCode::closed);
  // The other open still reaches "e".
  CHECK(f.dataset("e").select({Slice(0, 2)}).read<double>() == std::vector<double>{0, 0});
}

TEST_CASE_TEMPLATE("randomized selections at ranks 0..4 match the naive reference", T,
                   H5T_NUMERIC_TYPES) {
  for (std::size_t rank = 0; rank <= 4; ++rank) {
    CAPTURE(rank);
    randomized_selections<T>(rank,
                             0x5eed0000u + rank * 7919u + sizeof(T) * 31u +
                                 (std::is_floating_point_v<T> ? 1u : 0u) +
                                 (std::is_signed_v<T> ? 2u : 0u),
                             rank == 0 ? 5 : 40);
  }
}

TEST_CASE("randomized selections, many iterations on int32") {
  for (std::size_t rank = 1; rank <= 4; ++rank) {
    CAPTURE(rank);
    randomized_selections<std::int32_t>(rank, 1234567u + rank, 250);
  }
}

TEST_CASE("randomized invalid selections raise the documented codes") {
  std::mt19937_64 rng(987654321u);
  const std::string name = h5t::mem_name("sel-random-invalid");
  File f = File::create(name);
  auto uni = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  for (int it = 0; it < 300; ++it) {
    const auto rank = static_cast<std::size_t>(uni(1, 4));
    Shape shape(rank);
    for (auto& e : shape) e = static_cast<std::uint64_t>(uni(1, 6));
    auto d = f.create_dataset<std::int8_t>("d", shape);
    std::vector<SliceArg> args;
    for (std::size_t k = 0; k < rank; ++k) args.push_back(random_arg(rng, shape[k]));
    const std::size_t bad = static_cast<std::size_t>(uni(0, static_cast<std::int64_t>(rank) - 1));
    const auto n = static_cast<std::int64_t>(shape[bad]);
    ErrorCode expected = ErrorCode::out_of_range;
    switch (uni(0, 6)) {
      case 0:
        args[bad] = n + uni(0, 3);
        break;  // index past the end
      case 1:
        args[bad] = -n - 1 - uni(0, 3);
        break;  // index before the start
      case 2:
        args[bad] = Slice(uni(0, n - 1), n + 1 + uni(0, 3));
        break;  // stop past the end
      case 3:
        args[bad] = Slice::from(-n - 1 - uni(0, 3));
        break;   // start before the start
      case 4: {  // hyperslab past the end
        const auto block = static_cast<std::uint64_t>(uni(1, n));
        args[bad] = Hyperslab{static_cast<std::uint64_t>(n) - block + 1, block, 1, block};
        break;
      }
      case 5:
        args[bad] = Slice(0, n, -uni(0, 3));  // step < 1
        expected = ErrorCode::invalid_argument;
        break;
      default:
        expected = ErrorCode::invalid_argument;
        if (n >= 3) {
          // Two overlapping blocks (stride < block) that still fit inside the extent, so the
          // only thing wrong is the overlap.
          const auto block = static_cast<std::uint64_t>(uni(2, (n + 1) / 2));
          const auto stride =
              static_cast<std::uint64_t>(uni(0, static_cast<std::int64_t>(block) - 1));
          args[bad] = Hyperslab{0, stride, 2, block};
        } else {
          args[bad] = Slice(0, n, 0);
        }
        break;
    }
    INFO("iteration ", it, ": ", describe(shape, args));
    CHECK_CODE(d.select(std::span<const SliceArg>(args)), expected);
    f.remove("d");
  }
}
