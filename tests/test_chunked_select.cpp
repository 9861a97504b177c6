// Chunked datasets against a naive reference: every valid filter combination at ranks 1-4 with
// random shapes, chunk shapes (edge chunks), dtypes and data, through whole and random
// hyperslab reads and writes; and point selections on contiguous and chunked datasets.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "test_util.hpp"

using h5mem::Dataset;
using h5mem::DatasetOptions;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Hyperslab;
using h5mem::Points;
using h5mem::Shape;
using h5mem::Slice;
using h5mem::SliceArg;
using h5mem::unlimited;

namespace {

using Rng = std::mt19937_64;

std::uint64_t uniform(Rng& rng, std::uint64_t lo, std::uint64_t hi) {  // inclusive
  return lo + rng() % (hi - lo + 1);
}

std::uint64_t count_of(const Shape& s) {
  std::uint64_t n = 1;
  for (auto x : s) n *= x;
  return n;
}

// Row-major offset of `idx` in `shape`.
std::uint64_t offset_of(const Shape& shape, const std::vector<std::uint64_t>& idx) {
  std::uint64_t o = 0;
  for (std::size_t d = 0; d < shape.size(); ++d) o = o * shape[d] + idx[d];
  return o;
}

// One dimension of a random selection: the argument and the coordinates it selects,
// computed here by explicit index arithmetic.
struct DimPick {
  SliceArg arg;
  std::vector<std::uint64_t> coords;
  bool kept;
  std::string desc;
};

// A random non-empty selection of one dimension of extent `ext` (>= 1).
DimPick random_dim(Rng& rng, std::uint64_t ext) {
  const auto e = static_cast<std::int64_t>(ext);
  std::ostringstream os;
  std::vector<std::uint64_t> coords;
  switch (rng() % 6) {
    case 0: {  // all
      for (std::uint64_t i = 0; i < ext; ++i) coords.push_back(i);
      return {SliceArg(h5mem::all), coords, true, "all"};
    }
    case 1: {  // integer index, maybe negative
      const std::uint64_t i = uniform(rng, 0, ext - 1);
      const std::int64_t arg =
          rng() % 2 ? static_cast<std::int64_t>(i) : static_cast<std::int64_t>(i) - e;
      os << arg;
      return {SliceArg(arg), {i}, false, os.str()};
    }
    case 2:
    case 5: {  // Slice(start, stop, step), bounds maybe negative
      const std::uint64_t a = uniform(rng, 0, ext - 1), b = uniform(rng, a + 1, ext);
      const std::int64_t step = rng() % 5 == 0 ? 1 : static_cast<std::int64_t>(uniform(rng, 1, 4));
      std::int64_t sa = static_cast<std::int64_t>(a), sb = static_cast<std::int64_t>(b);
      if (rng() % 3 == 0) sa -= e;
      if (b < ext && rng() % 3 == 0) sb -= e;
      for (std::uint64_t i = a; i < b; i += static_cast<std::uint64_t>(step)) coords.push_back(i);
      os << "Slice(" << sa << ", " << sb << ", " << step << ")";
      return {SliceArg(Slice(sa, sb, step)), coords, true, os.str()};
    }
    case 3: {  // Slice::from(start, step)
      const std::uint64_t a = uniform(rng, 0, ext - 1);
      const std::int64_t step = static_cast<std::int64_t>(uniform(rng, 1, 3));
      const std::int64_t sa =
          rng() % 2 ? static_cast<std::int64_t>(a) : static_cast<std::int64_t>(a) - e;
      for (std::uint64_t i = a; i < ext; i += static_cast<std::uint64_t>(step)) coords.push_back(i);
      os << "Slice::from(" << sa << ", " << step << ")";
      return {SliceArg(Slice::from(sa, step)), coords, true, os.str()};
    }
    default: {  // Hyperslab, often with block > 1
      const std::uint64_t block = uniform(rng, 1, std::min<std::uint64_t>(4, ext));
      const std::uint64_t stride = block + uniform(rng, 0, 3);
      const std::uint64_t start = uniform(rng, 0, ext - block);
      const std::uint64_t max_count = (ext - start - block) / stride + 1;
      const std::uint64_t count = uniform(rng, 1, max_count);
      for (std::uint64_t c = 0; c < count; ++c)
        for (std::uint64_t k = 0; k < block; ++k) coords.push_back(start + c * stride + k);
      os << "Hyperslab{" << start << ", " << stride << ", " << count << ", " << block << "}";
      return {SliceArg(Hyperslab{start, stride, count, block}), coords, true, os.str()};
    }
  }
}

// A random selection of an array of `shape`: its arguments (maybe fewer than the rank),
// expected result shape and the reference offsets of its elements in selection order.
struct Pick {
  std::vector<SliceArg> args;
  Shape shape;
  std::vector<std::uint64_t> offsets;
  std::string desc;
};

Pick random_pick(Rng& rng, const Shape& shape) {
  Pick p;
  std::vector<DimPick> dims;
  for (auto ext : shape) dims.push_back(random_dim(rng, ext));
  // Trailing `all`s may be left out.
  std::size_t given = dims.size();
  while (given > 0 && dims[given - 1].desc == "all" && rng() % 2) --given;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (d < given) p.args.push_back(dims[d].arg);
    if (dims[d].kept) p.shape.push_back(dims[d].coords.size());
    p.desc += (d ? ", " : "") + dims[d].desc;
  }
  // Cartesian product, last dimension fastest.
  std::vector<std::size_t> k(dims.size(), 0);
  std::vector<std::uint64_t> idx(dims.size());
  while (true) {
    for (std::size_t d = 0; d < dims.size(); ++d) idx[d] = dims[d].coords[k[d]];
    p.offsets.push_back(offset_of(shape, idx));
    std::size_t d = dims.size();
    while (d > 0) {
      --d;
      if (++k[d] < dims[d].coords.size()) break;
      k[d] = 0;
      if (d == 0) return p;
    }
    if (dims.empty()) return p;
  }
}

template <class T>
T random_value(Rng& rng) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(std::uniform_real_distribution<double>(-1e6, 1e6)(rng));
  } else {
    return static_cast<T>(rng());  // all bit patterns (modular conversion)
  }
}

template <class T>
std::vector<T> make_data(Rng& rng, std::size_t n, bool smooth, std::uint64_t phase) {
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!smooth) {
      v[i] = random_value<T>(rng);
    } else if constexpr (std::is_floating_point_v<T>) {
      v[i] = static_cast<T>(100.0 * std::sin(0.01 * static_cast<double>(i + phase)));
    } else {
      v[i] = static_cast<T>((i + phase) / 3);
    }
  }
  return v;
}

// Bitwise comparison; on mismatch sets `why` to the first differing index.
template <class T>
bool same(const std::vector<T>& got, const std::vector<T>& want, std::string& why) {
  if (got.size() != want.size()) {
    why = "size " + std::to_string(got.size()) + " != " + std::to_string(want.size());
    return false;
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::memcmp(&got[i], &want[i], sizeof(T)) != 0) {
      std::ostringstream os;
      os << "element " << i << ": got " << +got[i] << ", want " << +want[i];
      why = os.str();
      return false;
    }
  }
  return true;
}

struct Filters {
  bool shuffle;
  int comp;  // one of the k* constants below
  bool fletcher;

  static constexpr int kNone = 0, kDeflate1 = 1, kDeflate4 = 2, kDeflate9 = 3, kLzf = 4;
  void apply(DatasetOptions& o) const {
    if (shuffle) o.shuffle();
    if (comp == kDeflate1) o.deflate(1);
    if (comp == kDeflate4) o.deflate(4);
    if (comp == kDeflate9) o.deflate(9);
    if (comp == kLzf) o.lzf();
    if (fletcher) o.fletcher32();
  }
  std::string name() const {
    static const char* comps[] = {"", "deflate(1)", "deflate(4)", "deflate(9)", "lzf"};
    std::string s;
    if (shuffle) s += "shuffle ";
    s += comps[comp];
    if (fletcher) s += " fletcher32";
    return s.empty() ? "none" : s;
  }
  bool any() const { return shuffle || comp != kNone || fletcher; }
};

// Random shape of rank r with at most ~2500 elements, and a chunk shape for it with a
// bounded number of chunks (edge chunks whenever a chunk does not divide the extent).
void random_geometry(Rng& rng, std::size_t r, Shape& shape, Shape& chunks) {
  static const std::uint64_t max_dim[] = {0, 2500, 50, 13, 7};
  do {
    shape.clear();
    for (std::size_t d = 0; d < r; ++d) shape.push_back(uniform(rng, 1, max_dim[r]));
  } while (count_of(shape) > 2500);
  while (true) {
    chunks.clear();
    std::uint64_t n_chunks = 1;
    for (auto ext : shape) {
      const std::uint64_t c =
          rng() % 4 == 0 ? uniform(rng, 1, ext) : uniform(rng, (ext + 3) / 4, ext);
      chunks.push_back(c);
      n_chunks *= (ext + c - 1) / c;
    }
    if (n_chunks <= 120) return;
  }
}

template <class T>
void run_combo(std::uint64_t seed, const Filters& flt, std::size_t rank, const char* tname) {
  Rng rng(seed);
  Shape shape, chunks;
  random_geometry(rng, rank, shape, chunks);
  const bool smooth = rng() % 2;
  const bool auto_chunks = flt.any() && rng() % 8 == 0;
  const bool resizable = rng() % 4 == 0;
  const T fill = rng() % 2 ? T(0) : static_cast<T>(rng() % 100 + 1);
  std::ostringstream cfg;
  cfg << "seed " << seed << " " << tname << " " << flt.name() << " shape "
      << h5mem::to_string(shape) << " chunks "
      << (auto_chunks ? std::string("auto") : h5mem::to_string(chunks))
      << (smooth ? " smooth" : " random") << (resizable ? " resizable" : "") << " fill " << +fill;
  INFO(cfg.str());

  DatasetOptions o;
  if (!auto_chunks) o.chunks(chunks);
  if (resizable) {
    Shape m = shape;
    m[0] = unlimited;
    o.max_shape(m);
  }
  flt.apply(o);
  if (fill != T(0) || rng() % 2) o.fill_value(fill);
  File f = File::create(h5t::mem_name("cs-combo"));
  Dataset d = f.create_dataset<T>("d", shape, o);
  if (!auto_chunks) CHECK(d.chunks() == chunks);
  if (flt.any() || resizable) CHECK(d.chunks().size() == rank);

  const std::size_t n = static_cast<std::size_t>(count_of(shape));
  std::vector<T> ref(n, fill);
  std::string why;
  if (!same(d.read<T>(), ref, why)) {
    FAIL_CHECK("initial read: ", why);
    return;
  }
  CHECK(d.storage_bytes() == 0u);
  std::uint64_t phase = 0;
  for (int op = 0; op < 10; ++op) {
    const Pick p = random_pick(rng, shape);
    INFO("op ", op, ": select(", p.desc, ")");
    auto sel = d.select(std::span<const SliceArg>(p.args));
    CHECK(sel.shape() == p.shape);
    CHECK(sel.size() == p.offsets.size());
    if (op == 6) {  // the whole dataset
      auto data = make_data<T>(rng, n, smooth, phase += 7);
      d.write(data);
      ref = data;
    } else if (rng() % 2) {
      auto data = make_data<T>(rng, p.offsets.size(), smooth, phase += 7);
      sel.write(data);
      for (std::size_t i = 0; i < data.size(); ++i) ref[p.offsets[i]] = data[i];
    } else {
      std::vector<T> want;
      for (auto off : p.offsets) want.push_back(ref[off]);
      if (!same(sel.template read<T>(), want, why)) {
        FAIL_CHECK("selection read: ", why);
        return;
      }
    }
  }
  if (!same(d.read<T>(), ref, why)) FAIL_CHECK("final read: ", why);
  CHECK(f.bytes_held() >= d.storage_bytes());
  CHECK(d.storage_bytes() > 0u);
}

constexpr const char* kTypeNames[] = {"int8", "uint16", "int32", "float32", "float64", "int64"};

template <class F>
void for_test_types(F&& f) {
  f.template operator()<std::int8_t>(0);
  f.template operator()<std::uint16_t>(1);
  f.template operator()<std::int32_t>(2);
  f.template operator()<float>(3);
  f.template operator()<double>(4);
  f.template operator()<std::int64_t>(5);
}

std::vector<Filters> all_filter_combos() {
  std::vector<Filters> v;
  for (int s = 0; s < 2; ++s)
    for (int c = 0; c < 5; ++c)
      for (int fl = 0; fl < 2; ++fl) v.push_back({s == 1, c, fl == 1});
  return v;
}

}  // namespace

TEST_CASE("every filter combination round-trips at ranks 1-4 against a reference") {
  const auto combos = all_filter_combos();
  REQUIRE(combos.size() == 20u);
  std::uint64_t seed = 20240601;
  int runs = 0;
  for (const auto& flt : combos) {
    for (std::size_t rank = 1; rank <= 4; ++rank) {
      for_test_types([&]<class T>(int ti) {
        run_combo<T>(seed++, flt, rank, kTypeNames[ti]);
        ++runs;
      });
    }
  }
  CHECK(runs == 480);
}

TEST_CASE("a filtered dataset rejects nothing valid: empty and single-element selections") {
  File f = File::create(h5t::mem_name("cs-empty"));
  auto d = f.create_dataset<std::int32_t>("d", {9, 11},
                                          DatasetOptions{}.chunks({4, 4}).deflate(4).fill_value(3));
  auto e = d.select({Slice(5, 5), h5mem::all});
  CHECK(e.size() == 0u);
  CHECK(e.shape() == Shape{0, 11});
  CHECK(e.read<std::int32_t>().empty());
  e.write(std::vector<std::int32_t>{});
  CHECK(d.storage_bytes() == 0u);
  d.select({8, 10}).write(std::vector<std::int32_t>{-9});
  CHECK(d.select({-1, -1}).read<std::int32_t>() == std::vector<std::int32_t>{-9});
  CHECK(d.select({Slice(7, 9), Slice(9, 11)}).read<std::int32_t>() ==
        std::vector<std::int32_t>{3, 3, 3, -9});
  CHECK_CODE(d.select({Slice(0, 10)}), ErrorCode::out_of_range);
  CHECK_CODE(d.select({Hyperslab{0, 4, 3, 2}}), ErrorCode::out_of_range);
  CHECK_CODE(d.select({1}).write(std::vector<std::int32_t>(10, 1)), ErrorCode::type_mismatch);
  // Reads convert to another numeric type through the chunk path too.
  std::vector<double> row8(11, 3.0);
  row8[10] = -9.0;
  CHECK(d.select({8}).read<double>() == row8);
}

TEST_CASE("point selections on contiguous and chunked datasets") {
  for (int layout = 0; layout < 3; ++layout) {
    CAPTURE(layout);  // 0 contiguous, 1 chunked, 2 chunked + filters
    File f = File::create(h5t::mem_name("cs-points"));
    DatasetOptions o = DatasetOptions{}.fill_value(std::int64_t{-1});
    if (layout >= 1) o.chunks({2, 4, 3});
    if (layout == 2) o.shuffle().deflate(4).fletcher32();
    auto d = f.create_dataset<std::int64_t>("p", {5, 6, 7}, o);
    std::vector<std::int64_t> ref(210);
    for (std::size_t i = 0; i < 210; ++i) ref[i] = static_cast<std::int64_t>(i * 11);
    d.write(ref);
    auto at = [&](std::uint64_t a, std::uint64_t b, std::uint64_t c) -> std::int64_t& {
      return ref[(a * 6 + b) * 7 + c];
    };

    // Order as given, duplicates allowed.
    auto s = d.select(Points{{4, 5, 6}, {0, 0, 0}, {2, 3, 4}, {0, 0, 0}, {4, 5, 6}, {1, 0, 6}});
    CHECK(s.shape() == Shape{6});
    CHECK(s.size() == 6u);
    CHECK(s.read<std::int64_t>() == std::vector<std::int64_t>{at(4, 5, 6), at(0, 0, 0), at(2, 3, 4),
                                                              at(0, 0, 0), at(4, 5, 6),
                                                              at(1, 0, 6)});

    // Write then read back; the last write of a duplicate wins.
    d.select(Points{{1, 1, 1}, {3, 2, 0}, {1, 1, 1}}).write(std::vector<std::int64_t>{5, 6, 9});
    at(1, 1, 1) = 9;
    at(3, 2, 0) = 6;
    CHECK(d.read<std::int64_t>() == ref);
    CHECK(d.select(Points{{1, 1, 1}}).read<std::int64_t>() == std::vector<std::int64_t>{9});

    // Errors.
    CHECK_CODE(d.select(Points{{5, 0, 0}}), ErrorCode::out_of_range);
    CHECK_CODE(d.select(Points{{0, 0, 0}, {0, 6, 0}}), ErrorCode::out_of_range);
    CHECK_CODE(d.select(Points{{0, 0, 7}}), ErrorCode::out_of_range);
    CHECK_CODE(d.select(Points{{0, 0}}), ErrorCode::invalid_argument);
    CHECK_CODE(d.select(Points{{0, 0, 0, 0}}), ErrorCode::invalid_argument);
    CHECK_CODE(d.select(Points{{0, 0, 0}, {1, 1}}), ErrorCode::invalid_argument);
    CHECK_CODE(s.write(std::vector<std::int64_t>(5, 0)), ErrorCode::type_mismatch);
    std::vector<std::int64_t> too_big(s.size() + 1);
    CHECK_CODE(s.read_into(std::span<std::int64_t>(too_big)), ErrorCode::type_mismatch);
    // Point reads convert to another numeric type.
    const auto s64 = s.read<std::int64_t>();
    CHECK(s.read<std::int32_t>() == std::vector<std::int32_t>(s64.begin(), s64.end()));
    CHECK(d.read<std::int64_t>() == ref);

    // Many random points (with repeats) against the reference.
    Rng rng(77 + layout);
    for (int round = 0; round < 20; ++round) {
      Points p;
      std::vector<std::uint64_t> offs;
      const int npts = 1 + static_cast<int>(rng() % 300);
      for (int i = 0; i < npts; ++i) {
        const std::uint64_t a = rng() % 5, b = rng() % 6, c = rng() % 7;
        p.add({a, b, c});
        offs.push_back((a * 6 + b) * 7 + c);
      }
      auto sel = d.select(p);
      REQUIRE(sel.size() == offs.size());
      if (round % 2) {
        std::vector<std::int64_t> want;
        for (auto off : offs) want.push_back(ref[off]);
        CHECK(sel.read<std::int64_t>() == want);
      } else {
        std::vector<std::int64_t> data(offs.size());
        for (std::size_t i = 0; i < data.size(); ++i) {
          data[i] = static_cast<std::int64_t>(rng() % 100000);
          ref[offs[i]] = data[i];  // later duplicates overwrite earlier ones
        }
        sel.write(data);
      }
    }
    CHECK(d.read<std::int64_t>() == ref);
  }
}

TEST_CASE("point selections: 1-d, unwritten chunks, edge chunks, a resized dataset") {
  File f = File::create(h5t::mem_name("cs-points2"), {}, h5mem::FileOptions{}.cache_bytes(0));
  auto d = f.create_dataset<float>(
      "v", {1000}, DatasetOptions{}.chunks({64}).max_shape({unlimited}).lzf().fill_value(0.5f));
  CHECK(d.select(Points{{999}, {0}, {500}}).read<float>() == std::vector<float>(3, 0.5f));
  CHECK(d.storage_bytes() == 0u);
  CHECK(f.bytes_held() == 0u);
  d.select(Points{{999}, {3}}).write(std::vector<float>{1.0f, 2.0f});  // 999 is in the edge chunk
  CHECK(d.select(Points{{3}, {999}, {998}, {4}}).read<float>() ==
        std::vector<float>{2.0f, 1.0f, 0.5f, 0.5f});
  CHECK(f.bytes_held() == d.storage_bytes());
  d.resize({1500});
  d.select(Points{{1499}, {1000}}).write(std::vector<float>{3.0f, 4.0f});
  CHECK(d.select(Points{{1499}, {999}, {1000}, {1001}}).read<float>() ==
        std::vector<float>{3.0f, 1.0f, 4.0f, 0.5f});
  CHECK_CODE(d.select(Points{{1500}}), ErrorCode::out_of_range);
  d.resize({999});
  CHECK_CODE(d.select(Points{{999}}), ErrorCode::out_of_range);
  d.resize({1000});
  CHECK(d.select(Points{{999}, {3}}).read<float>() == std::vector<float>{0.5f, 2.0f});
}
