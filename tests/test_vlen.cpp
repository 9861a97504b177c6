// Variable-length data in datasets and attributes: vlen strings (empty, multi-byte UTF-8, ascii)
// and vlen sequences (jagged arrays) of fixed-size bases, in contiguous and chunked + shuffle +
// deflate layouts, with hyperslab and point selections, conversion of sequence elements, exact
// memory accounting, quotas, UTF-8 validation, and the combinations that are rejected (vlen
// nested in compounds and arrays: test_vlen_nested.cpp).
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "test_util.hpp"

using h5mem::all;
using h5mem::CharSet;
using h5mem::CompoundBuilder;
using h5mem::CreateOptions;
using h5mem::Dataset;
using h5mem::DatasetOptions;
using h5mem::DType;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::FileOptions;
using h5mem::Hyperslab;
using h5mem::Mode;
using h5mem::Points;
using h5mem::Shape;
using h5mem::Slice;
using h5mem::TypeClass;
using h5mem::VlenView;

namespace {

// Bytes of one handle of a vlen element in the dataset's layout (length + heap id).
constexpr std::uint64_t kHandle = 16;

struct Layout {
  std::string label;
  DatasetOptions opts;
};
std::vector<Layout> layouts(const Shape& chunks) {
  return {{"contiguous", DatasetOptions{}},
          {"chunked+shuffle+deflate", DatasetOptions{}.chunks(chunks).shuffle().deflate(4)}};
}

template <class V>
std::vector<V> pick(const std::vector<V>& v, const std::vector<std::size_t>& idx) {
  std::vector<V> out;
  for (std::size_t i : idx) out.push_back(v[i]);
  return out;
}

std::uint64_t total_chars(const std::vector<std::string>& v) {
  std::uint64_t n = 0;
  for (const auto& s : v) n += s.size();
  return n;
}

template <class T>
std::uint64_t total_elems(const std::vector<std::vector<T>>& v) {
  std::uint64_t n = 0;
  for (const auto& r : v) n += r.size();
  return n;
}

// A vector-of-vectors printer for failure messages.
template <class T>
std::string show(const std::vector<std::vector<T>>& v) {
  std::ostringstream os;
  os << '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) os << ", ";
    os << '[';
    for (std::size_t j = 0; j < v[i].size(); ++j) {
      if (j) os << ' ';
      if constexpr (std::is_arithmetic_v<T>) {
        os << +v[i][j];
      } else {
        os << v[i][j];
      }
    }
    os << ']';
  }
  os << ']';
  return os.str();
}
// CHECK_ROWS(actual, expected): compares jagged arrays; an exception fails the check (and
// lets the test case go on).
#define CHECK_ROWS(a, b)                                                         \
  do {                                                                           \
    try {                                                                        \
      const auto& h5t_a_ = (a);                                                  \
      const auto& h5t_b_ = (b);                                                  \
      CHECK_MESSAGE(bool(h5t_a_ == h5t_b_), show(h5t_a_), " != ", show(h5t_b_)); \
    } catch (const std::exception& e) {                                          \
      FAIL_CHECK(#a " threw: " << std::string(e.what()));                        \
    }                                                                            \
  } while (0)

// Twelve strings for a (3, 4) dataset: empty ones, multi-byte UTF-8 (2, 3 and 4 bytes per
// character), a long one.
std::vector<std::string> sample_strings() {
  return {"",
          "a",
          "gr\xc3\xbc\xc3\x9f",  // grüß
          "\xe2\x82\xac"
          "5",  // €5
          "",
          "\xf0\x9f\x98\x80 smile",                // 😀 smile
          "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",  // 日本語
          std::string(1000, 'L'),
          "tab\there",
          "",
          "end",
          "\xce\xb1\xce\xb2\xce\xb3"};  // αβγ
}

struct Point3 {
  double x;
  std::int32_t id;
  float w;
  bool operator==(const Point3&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Point3& p) {
  return os << "{" << p.x << "," << p.id << "," << p.w << "}";
}
struct Point3Id {
  std::int64_t id;
  bool operator==(const Point3Id&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Point3Id& p) {
  return os << "{" << p.id << "}";
}

}  // namespace

namespace h5mem {
template <>
struct TypeMapping<Point3> {
  static DType dtype() {
    return compound_of<Point3>(field("x", &Point3::x), field("id", &Point3::id),
                               field("w", &Point3::w));
  }
};
template <>
struct TypeMapping<Point3Id> {
  static DType dtype() { return compound_of<Point3Id>(field("id", &Point3Id::id)); }
};
}  // namespace h5mem

// ---------------------------------------------------------------------------------------------
// Jagged arrays.

TEST_CASE_TEMPLATE("jagged arrays of each numeric type: layouts, selections, conversion", T,
                   H5T_NUMERIC_TYPES) {
  const DType base = h5mem::dtype_of<T>();
  const DType vt = DType::vlen(base);
  CHECK(vt.type_class() == TypeClass::vlen);
  CHECK(vt.has_vlen());
  CHECK_FALSE(vt.is_variable_string());
  CHECK(vt.base() == base);
  CHECK(vt.name() == "vlen of " + base.name());
  CHECK(vt.size() == sizeof(std::vector<std::byte>));
  CHECK_FALSE(vt == DType::vlen(DType::floating(2)));

  // 12 rows for a (4, 3) dataset, rows 0 and 7 empty, extremes in row 5.
  std::vector<std::vector<T>> rows(12);
  for (std::uint64_t i = 0; i < 12; ++i) {
    for (std::uint64_t j = 0; j < (i * 5) % 7; ++j) rows[i].push_back(h5t::value_at<T>(i * 10 + j));
  }
  rows[5] = {std::numeric_limits<T>::lowest(), std::numeric_limits<T>::max(), T(0)};
  CHECK(rows[0].empty());
  CHECK(rows[7].empty());
  std::vector<std::vector<double>> as_double;
  for (const auto& r : rows) as_double.emplace_back(r.begin(), r.end());

  const std::string name = h5t::mem_name("vl-jagged");
  File f = File::create(name);
  int n = 0;
  for (const Layout& l : layouts({2, 2})) {
    CAPTURE(l.label);
    Dataset d = f.create_dataset(h5t::cat("j", n++), vt, {4, 3}, l.opts);
    CHECK(d.dtype() == vt);
    // Never written: every element is an empty sequence.
    CHECK_ROWS(d.template read<std::vector<T>>(), std::vector<std::vector<T>>(12));
    d.write(rows);
    CHECK_ROWS(d.template read<std::vector<T>>(), rows);
    // Rows 0 and 2 by columns 1 and 2; points with a repeat.
    auto slab = d.select({Hyperslab{0, 2, 2, 1}, Slice(1, 3)});
    CHECK(slab.shape() == Shape{2, 2});
    CHECK_ROWS(slab.template read<std::vector<T>>(), pick(rows, {1, 2, 7, 8}));
    const Points pts{{3, 2}, {0, 0}, {1, 2}, {3, 2}};
    CHECK_ROWS(d.select(pts).template read<std::vector<T>>(), pick(rows, {11, 0, 5, 11}));
    // Reading with conversion.
    CHECK_ROWS(d.template read<std::vector<double>>(), as_double);
    CHECK_ROWS(d.select(pts).template read<std::vector<double>>(), pick(as_double, {11, 0, 5, 11}));

    // Writes through selections replace exactly those elements, converting if needed.
    std::vector<std::vector<T>> w = rows;
    const std::vector<std::vector<T>> patch = {{T(1)}, {}, {T(2), T(3), T(4), T(5)}, {T(6)}};
    slab.write(patch);
    w[1] = patch[0];
    w[2] = patch[1];
    w[7] = patch[2];
    w[8] = patch[3];
    CHECK_ROWS(d.template read<std::vector<T>>(), w);
    d.select(Points{{0, 0}, {2, 1}}).write(std::vector<std::vector<double>>{{7.0, 8.0}, {9.0}});
    w[0] = {T(7), T(8)};
    w[7] = {T(9)};
    CHECK_ROWS(d.template read<std::vector<T>>(), w);
    d.select({3}).write(std::vector<std::vector<std::int8_t>>{{1}, {}, {2, 2}});
    w[9] = {T(1)};
    w[10] = {};
    w[11] = {T(2), T(2)};
    CHECK_ROWS(d.template read<std::vector<T>>(), w);

    // The untyped form: one sink call per element, in selection order.
    std::vector<std::uint64_t> order;
    std::vector<std::size_t> counts;
    d.select(pts).read_vlen_raw(base, [&](std::uint64_t i, const void* data, std::size_t count) {
      order.push_back(i);
      counts.push_back(count);
      if (count) CHECK(data != nullptr);
    });
    CHECK(order == std::vector<std::uint64_t>{0, 1, 2, 3});
    CHECK(counts == std::vector<std::size_t>{2, 2, 3, 2});
    const T raw_vals[3] = {T(3), T(2), T(1)};
    const VlenView views[2] = {{raw_vals, 3}, {raw_vals + 1, 0}};
    d.select({1, Slice(0, 2)}).write_vlen_raw(base, views);
    w[3] = {T(3), T(2), T(1)};
    w[4] = {};
    CHECK_ROWS(d.template read<std::vector<T>>(), w);
  }
}

TEST_CASE("jagged arrays convert element values: saturation, float rounding, int -> double") {
  const std::string name = h5t::mem_name("vl-conv");
  File f = File::create(name);
  Dataset u8 = f.create_dataset("u8", DType::vlen(DType::unsigned_integer(1)), {2});
  u8.write(std::vector<std::vector<std::int32_t>>{{300, -5, 7}, {}});
  CHECK_ROWS(u8.read<std::vector<std::uint8_t>>(),
             (std::vector<std::vector<std::uint8_t>>{{255, 0, 7}, {}}));
  CHECK_ROWS(u8.read<std::vector<double>>(), (std::vector<std::vector<double>>{{255, 0, 7}, {}}));
  Dataset i32 = f.create_dataset("i32", DType::vlen(DType::signed_integer(4)), {3});
  i32.write(std::vector<std::vector<double>>{
      {2.9, -2.9, std::numeric_limits<double>::quiet_NaN()}, {1e20}, {-1e20, 0.5}});
  CHECK_ROWS(i32.read<std::vector<std::int32_t>>(),
             (std::vector<std::vector<std::int32_t>>{
                 {2, -2, 0}, {2147483647}, {std::numeric_limits<std::int32_t>::min(), 0}}));
  CHECK_ROWS(i32.read<std::vector<double>>(),
             (std::vector<std::vector<double>>{{2, -2, 0}, {2147483647}, {-2147483648.0, 0}}));
  Dataset h = f.create_dataset("h", DType::vlen(DType::floating(2, h5mem::ByteOrder::big)), {1});
  h.write(std::vector<std::vector<float>>{{65519.0f, 65520.0f, 1.0f / 3.0f}});
  auto hb = h.read<std::vector<h5mem::Float16>>();
  REQUIRE(hb.size() == 1u);
  REQUIRE(hb[0].size() == 3u);
  CHECK(hb[0][0].bits == 0x7bff);
  CHECK(hb[0][1].bits == 0x7c00);
  CHECK(hb[0][2].bits == 0x3555);
  Dataset fl = f.create_dataset("f", DType::vlen(DType::floating(4)), {1});
  fl.write(std::vector<std::vector<double>>{{1e40, -1e40, 0.1}});
  CHECK_ROWS(fl.read<std::vector<float>>(),
             (std::vector<std::vector<float>>{{std::numeric_limits<float>::infinity(),
                                               -std::numeric_limits<float>::infinity(), 0.1f}}));
}

TEST_CASE("jagged arrays of compounds and complex numbers; subsets of fields per row") {
  const std::string name = h5t::mem_name("vl-compound");
  File f = File::create(name);
  const DType packed = CompoundBuilder()
                           .add("id", DType::signed_integer(4))
                           .add("w", DType::floating(4))
                           .add("x", DType::floating(8))
                           .build();
  std::vector<std::vector<Point3>> rows = {
      {{1.5, 1, 0.25f}, {2.5, 2, 0.5f}}, {}, {{-1, -1, -1}}, {{0, 7, 3}, {1, 8, 4}, {2, 9, 5}}};
  int n = 0;
  for (const Layout& l : layouts({3})) {
    for (const DType& base : {h5mem::dtype_for<Point3>(), packed}) {
      CAPTURE(l.label);
      CAPTURE(base.name());
      Dataset d = f.create_dataset(h5t::cat("p", n++), DType::vlen(base), {4}, l.opts);
      d.write(rows);
      CHECK_ROWS(d.read<std::vector<Point3>>(), rows);
      CHECK_ROWS(d.select({Slice(1, 4, 2)}).read<std::vector<Point3>>(), pick(rows, {1, 3}));
      std::vector<std::vector<Point3Id>> ids = {{{1}, {2}}, {}, {{-1}}, {{7}, {8}, {9}}};
      CHECK_ROWS(d.read<std::vector<Point3Id>>(), ids);
      CHECK_ROWS(d.select(Points{{3}, {0}}).read<std::vector<Point3Id>>(), pick(ids, {3, 0}));
      // Writing rows of a subset leaves members without a source: type_mismatch, unchanged.
      CHECK_CODE(d.write(ids), ErrorCode::type_mismatch);
      CHECK_ROWS(d.read<std::vector<Point3>>(), rows);
    }
  }
  Dataset c = f.create_dataset("c", DType::vlen(DType::complex(8)), {2});
  const std::vector<std::vector<std::complex<double>>> cz = {{{1, 2}, {3, -4}}, {}};
  c.write(cz);
  CHECK_ROWS(c.read<std::vector<std::complex<double>>>(), cz);
  CHECK_ROWS(c.read<std::vector<std::complex<float>>>(),
             (std::vector<std::vector<std::complex<float>>>{{{1, 2}, {3, -4}}, {}}));
}

// ---------------------------------------------------------------------------------------------
// Variable-length strings.

TEST_CASE("vlen strings: empty and multi-byte UTF-8, layouts, selections, raw forms") {
  const DType s = DType::vlen_string();
  CHECK(s.is_variable_string());
  CHECK(s.has_vlen());
  CHECK(s.type_class() == TypeClass::string);
  CHECK(s.charset() == CharSet::utf8);
  CHECK(s.name() == "string (utf-8, variable)");
  CHECK(DType::vlen_string(CharSet::ascii).name() == "string (ascii, variable)");
  CHECK(s.size() == sizeof(std::string));

  const std::vector<std::string> v = sample_strings();
  const std::string name = h5t::mem_name("vl-str");
  File f = File::create(name);
  int n = 0;
  for (const DType& t : {s, DType::vlen_string(CharSet::ascii)}) {
    for (const Layout& l : layouts({2, 3})) {
      CAPTURE(t.name());
      CAPTURE(l.label);
      Dataset d = f.create_dataset(h5t::cat("s", n++), t, {3, 4}, l.opts);
      CHECK(d.dtype() == t);
      CHECK(d.read<std::string>() == std::vector<std::string>(12));
      d.write(v);
      CHECK(d.read<std::string>() == v);
      // Rows 0 and 2 (a hyperslab), columns 1 and 3; points with a repeat.
      auto slab = d.select({Hyperslab{0, 2, 2, 1}, Slice(1, 4, 2)});
      CHECK(slab.shape() == Shape{2, 2});
      CHECK(slab.read<std::string>() == pick(v, {1, 3, 9, 11}));
      const Points pts{{1, 3}, {0, 0}, {2, 3}, {1, 3}};
      CHECK(d.select(pts).read<std::string>() == pick(v, {7, 0, 11, 7}));
      CHECK(d.select({1, -3}).read<std::string>() == std::vector<std::string>{v[5]});

      std::vector<std::string> w = v;
      slab.write(std::vector<std::string>{"\xc3\xa9t\xc3\xa9", "", "x", std::string(300, 'y')});
      w[1] = "\xc3\xa9t\xc3\xa9";
      w[3] = "";
      w[9] = "x";
      w[11] = std::string(300, 'y');
      CHECK(d.read<std::string>() == w);
      d.select(Points{{0, 0}, {2, 2}}).write(std::vector<std::string>{"first", ""});
      w[0] = "first";
      w[10] = "";
      CHECK(d.read<std::string>() == w);

      // Raw forms: std::string buffers through read_raw/write_raw, and vlen views.
      std::vector<std::string> buf(12);
      d.select({}).read_raw(t, buf.data(), 12);
      CHECK(buf == w);
      const std::string two[2] = {"raw", "\xe2\x9c\x93"};
      d.select({2, Slice(0, 2)}).write_raw(t, two, 2);
      w[8] = "raw";
      w[9] = "\xe2\x9c\x93";
      CHECK(d.read<std::string>() == w);
      const char* chars = "abcdef";
      const VlenView views[3] = {{chars, 3}, {chars + 3, 0}, {chars + 2, 4}};
      d.select({Slice(0, 3), 3}).write_vlen_raw(DType::vlen_string(t.charset()), views);
      w[3] = "abc";
      w[7] = "";
      w[11] = "cdef";
      CHECK(d.read<std::string>() == w);
      std::vector<std::string> seen(3);
      d.select({Slice(0, 3), 3})
          .read_vlen_raw(DType::vlen_string(t.charset()),
                         [&](std::uint64_t i, const void* data, std::size_t c) {
                           seen.at(i).assign(static_cast<const char*>(data), c);
                         });
      CHECK(seen == std::vector<std::string>{"abc", "", "cdef"});
    }
  }

  // A scalar vlen string dataset.
  Dataset sc = f.create_dataset("scalar", s, Shape{});
  CHECK(sc.read<std::string>() == std::vector<std::string>{""});
  sc.write(std::vector<std::string>{"\xf0\x9f\x8e\x89"});
  CHECK(sc.read<std::string>() == std::vector<std::string>{"\xf0\x9f\x8e\x89"});

  // Attributes of vlen strings: scalar, empty, multi-byte, 1-d.
  f.attrs().set("one", v[5]);
  f.attrs().set("empty", std::string());
  f.attrs().set("list", v);
  f.attrs().set("none", std::vector<std::string>{});
  CHECK(f.attrs().read<std::string>("one") == v[5]);
  CHECK(f.attrs().read<std::string>("empty").empty());
  CHECK(f.attrs().read<std::vector<std::string>>("list") == v);
  CHECK(f.attrs().read<std::vector<std::string>>("none").empty());
  CHECK(f.attrs().get("list").shape() == Shape{12});
  CHECK(f.attrs().get("list").dtype() == s);
  CHECK(f.attrs().read<std::vector<std::string>>("one") == std::vector<std::string>{v[5]});
}

// ---------------------------------------------------------------------------------------------
// Memory accounting and quotas.

TEST_CASE("memory accounting: vlen string bytes count exactly; overwrite frees; remove returns") {
  const std::string name = h5t::mem_name("vl-bytes");
  File f = File::create(name);
  f.attrs().set("note", std::string("12345"));
  const std::uint64_t before = f.bytes_held();
  CHECK(before == 5u);

  const std::uint64_t n = 12;
  Dataset d = f.create_dataset("s", DType::vlen_string(), {3, 4});
  CHECK(f.bytes_held() == before);  // nothing allocated until written
  const std::vector<std::string> v = sample_strings();
  const std::uint64_t chars = total_chars(v);
  CHECK(chars == 0 + 1 + 6 + 4 + 0 + 10 + 9 + 1000 + 8 + 0 + 3 + 6);
  d.write(v);
  CHECK(f.bytes_held() == before + kHandle * n + chars);
  CHECK(h5t::registry_entry(name).value().bytes_held == before + kHandle * n + chars);

  // Rewriting the same strings holds the same bytes; other strings change the total exactly.
  d.write(v);
  CHECK(f.bytes_held() == before + kHandle * n + chars);
  std::vector<std::string> w(n, "xy");
  d.write(w);
  CHECK(f.bytes_held() == before + kHandle * n + 2 * n);
  d.select({1, 2}).write(std::vector<std::string>{std::string(100, 'z')});
  CHECK(f.bytes_held() == before + kHandle * n + 2 * (n - 1) + 100);
  d.select({1, 2}).write(std::vector<std::string>{""});
  CHECK(f.bytes_held() == before + kHandle * n + 2 * (n - 1));
  // A point given twice keeps only its last value; the first is not leaked.
  d.select(Points{{0, 0}, {0, 0}}).write(std::vector<std::string>{std::string(50, 'a'), "bcd"});
  CHECK(d.select({0, 0}).read<std::string>() == std::vector<std::string>{"bcd"});
  CHECK(f.bytes_held() == before + kHandle * n + 2 * (n - 2) + 3);
  d.write(std::vector<std::string>(n));
  CHECK(f.bytes_held() == before + kHandle * n);

  // Another dataset and attributes add on top; removing the dataset returns to the previous value.
  Dataset e = f.create_dataset("g/e", DType::vlen_string(CharSet::ascii), {4});
  const std::uint64_t mid = f.bytes_held();
  e.write(std::vector<std::string>{"a", "bb", "ccc", ""});
  CHECK(f.bytes_held() == mid + kHandle * 4 + 6);
  f.attrs().set("list", std::vector<std::string>{"ab", "", "cde"});
  CHECK(f.bytes_held() == mid + kHandle * 4 + 6 + 5);
  f.attrs().set("list", std::vector<std::string>{"x"});
  CHECK(f.bytes_held() == mid + kHandle * 4 + 6 + 1);
  f.attrs().remove("list");
  CHECK(f.bytes_held() == mid + kHandle * 4 + 6);
  f.remove("g");
  CHECK(f.bytes_held() == mid);
  d.write(v);
  f.remove("s");
  CHECK(f.bytes_held() == before);
  CHECK_FALSE(d.valid());
}

TEST_CASE_TEMPLATE("memory accounting: jagged array bytes count exactly", T, H5T_NUMERIC_TYPES) {
  const std::string name = h5t::mem_name("vl-bytes-seq");
  File f = File::create(name);
  f.attrs().set("x", T(1));
  const std::uint64_t before = f.bytes_held();
  CHECK(before == sizeof(T));
  Dataset d = f.create_dataset("j", DType::vlen(h5mem::dtype_of<T>()), {5});
  std::vector<std::vector<T>> rows = {{}, {T(1)}, {T(1), T(2)}, {T(1), T(2), T(3)}, {}};
  d.write(rows);
  CHECK(f.bytes_held() == before + kHandle * 5 + 6 * sizeof(T));
  d.select({1}).write(std::vector<std::vector<T>>{std::vector<T>(10, T(4))});
  CHECK(f.bytes_held() == before + kHandle * 5 + 15 * sizeof(T));
  // Values written through a conversion are stored (and counted) in the dataset's base type.
  d.select({4}).write(std::vector<std::vector<double>>{{1, 2, 3, 4}});
  CHECK(f.bytes_held() == before + kHandle * 5 + 19 * sizeof(T));
  d.write(std::vector<std::vector<T>>(5));
  CHECK(f.bytes_held() == before + kHandle * 5);
  f.remove("j");
  CHECK(f.bytes_held() == before);
}

TEST_CASE("max_bytes: vlen writes beyond the quota are out_of_space and change nothing") {
  const std::string name = h5t::mem_name("vl-quota");
  File f = File::create(name, CreateOptions{}.max_bytes(kHandle * 4 + 10));
  Dataset d = f.create_dataset("s", DType::vlen_string(), {4});
  const std::vector<std::string> v = {"abc", "de", "", "fghij"};  // exactly the quota
  d.write(v);
  CHECK(f.bytes_held() == kHandle * 4 + 10);
  CHECK_CODE_MSG(d.write(std::vector<std::string>{"abc", "de", "", "fghijk"}),
                 ErrorCode::out_of_space, name);
  CHECK(d.read<std::string>() == v);
  CHECK(f.bytes_held() == kHandle * 4 + 10);
  CHECK_CODE(d.select({2}).write(std::vector<std::string>{"q"}), ErrorCode::out_of_space);
  CHECK(d.read<std::string>() == v);
  CHECK_CODE(f.attrs().set("a", std::string("q")), ErrorCode::out_of_space);
  CHECK_FALSE(f.attrs().contains("a"));
  // Freeing makes room again.
  d.select({3}).write(std::vector<std::string>{""});
  CHECK(f.bytes_held() == kHandle * 4 + 5);
  f.attrs().set("a", std::string("qrstu"));
  CHECK(f.bytes_held() == kHandle * 4 + 10);
  CHECK_CODE(f.attrs().set("a", std::string("qrstuv")), ErrorCode::out_of_space);
  CHECK(f.attrs().read<std::string>("a") == "qrstu");
  f.attrs().remove("a");

  // The handles of a first write count too: a fresh dataset of 8 elements needs 128 bytes.
  Dataset e = f.create_dataset("e", DType::vlen(DType::signed_integer(2)), {8});
  CHECK_CODE(e.write(std::vector<std::vector<std::int16_t>>(8)), ErrorCode::out_of_space);
  CHECK_ROWS(e.read<std::vector<std::int16_t>>(), std::vector<std::vector<std::int16_t>>(8));
  f.remove("s");
  CHECK(f.bytes_held() == 0u);
  // 128 handle bytes + 2 * 3 elements = 134 > 74.
  CHECK_CODE(e.write(std::vector<std::vector<std::int16_t>>{{1, 2, 3}, {}, {}, {}, {}, {}, {}, {}}),
             ErrorCode::out_of_space);
  CHECK(f.bytes_held() == 0u);
  Dataset g = f.create_dataset("g", DType::vlen(DType::signed_integer(2)), {4});
  g.write(std::vector<std::vector<std::int16_t>>{{1, 2, 3}, {4, 5}, {}, {}});
  CHECK(f.bytes_held() == kHandle * 4 + 10);
  CHECK_CODE(g.select({2}).write(std::vector<std::vector<std::int16_t>>{{9}}),
             ErrorCode::out_of_space);
  CHECK_ROWS(g.read<std::vector<std::int16_t>>(),
             (std::vector<std::vector<std::int16_t>>{{1, 2, 3}, {4, 5}, {}, {}}));
}

TEST_CASE("max_bytes: an overwrite whose result fits the quota succeeds at the limit") {
  // The quota is on the bytes the image holds; replacing strings by shorter ones never holds
  // more than before, so it must not be refused even when the image is exactly at the quota.
  const std::string name = h5t::mem_name("vl-quota-overwrite");
  File f = File::create(name, CreateOptions{}.max_bytes(kHandle * 4 + 10));
  Dataset d = f.create_dataset("s", DType::vlen_string(), {4});
  d.write(std::vector<std::string>{"abc", "de", "", "fghij"});
  CHECK(f.bytes_held() == kHandle * 4 + 10);
  const std::vector<std::string> shorter = {"a", "", "", "fghij"};
  CHECK_NOTHROW(d.write(shorter));
  CHECK(d.read<std::string>() == shorter);
  CHECK(f.bytes_held() == kHandle * 4 + 6);
}

TEST_CASE("resizing a chunked vlen dataset: shrinking frees the discarded values") {
  const std::string name = h5t::mem_name("vl-resize");
  File f = File::create(name);
  Dataset d =
      f.create_dataset("s", DType::vlen_string(), {6},
                       DatasetOptions{}.chunks({4}).max_shape({h5mem::unlimited}).cache_bytes(0));
  d.write(std::vector<std::string>{"aa", "bbb", "c", "dddd", "eeeee", "ffffff"});
  // With no chunk cache, what the image holds is the chunks plus the strings.
  CHECK(f.bytes_held() - d.storage_bytes() == 21u);
  d.resize({3});
  CHECK(d.read<std::string>() == std::vector<std::string>{"aa", "bbb", "c"});
  CHECK(f.bytes_held() - d.storage_bytes() == 6u);
  d.resize({8});
  CHECK(d.read<std::string>() == std::vector<std::string>{"aa", "bbb", "c", "", "", "", "", ""});
  CHECK(f.bytes_held() - d.storage_bytes() == 6u);
  d.select({Slice(6, 8)}).write(std::vector<std::string>{"gg", "h"});
  CHECK(d.read<std::string>() == std::vector<std::string>{"aa", "bbb", "c", "", "", "", "gg", "h"});
  CHECK(f.bytes_held() - d.storage_bytes() == 9u);
  f.remove("s");
  CHECK(f.bytes_held() == 0u);
}

// ---------------------------------------------------------------------------------------------
// UTF-8 validation.

TEST_CASE("validate_utf8: invalid UTF-8 in a UTF-8 vlen string dataset is invalid_argument") {
  const std::vector<std::string> bad = {
      "\xff",              // never valid
      "ok\xc3",            // truncated sequence
      "\xc0\xaf",          // overlong '/'
      "\xed\xa0\x80",      // surrogate U+D800
      "\xf4\x90\x80\x80",  // beyond U+10FFFF
      "\x80",              // lone continuation byte
      "\xe2\x82",          // truncated 3-byte sequence
  };
  const std::vector<std::string> good = {
      "", "plain", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"};
  const std::string name = h5t::mem_name("vl-utf8");
  File f = File::create(name, CreateOptions{}, FileOptions{}.validate_utf8(true));
  for (const Layout& l : layouts({2})) {
    CAPTURE(l.label);
    // No chunk cache, so that bytes_held counts only what the datasets store.
    DatasetOptions opts = l.opts;
    if (opts.chunks()) opts.cache_bytes(0);
    Dataset d = f.create_dataset(h5t::cat("u", l.label), DType::vlen_string(), {2}, opts);
    Dataset a =
        f.create_dataset(h5t::cat("a", l.label), DType::vlen_string(CharSet::ascii), {2}, opts);
    d.write(std::vector<std::string>{"keep", "me"});
    for (const std::string& b : bad) {
      CAPTURE(b);
      const std::uint64_t held = f.bytes_held();
      CHECK_CODE_MSG(d.write(std::vector<std::string>{"fine", b}), ErrorCode::invalid_argument,
                     name);
      CHECK_CODE(d.select({0}).write(std::vector<std::string>{b}), ErrorCode::invalid_argument);
      const VlenView view{b.data(), b.size()};
      CHECK_CODE(d.select({1}).write_vlen_raw(DType::vlen_string(), std::span(&view, 1)),
                 ErrorCode::invalid_argument);
      CHECK(d.read<std::string>() == std::vector<std::string>{"keep", "me"});
      CHECK(f.bytes_held() == held);
      // ASCII-charset datasets are not checked.
      a.write(std::vector<std::string>{b, "x"});
      CHECK(a.read<std::string>() == std::vector<std::string>{b, "x"});
    }
    for (const std::string& g : good) {
      CAPTURE(g);
      d.write(std::vector<std::string>{g, g + g});
      CHECK(d.read<std::string>() == std::vector<std::string>{g, g + g});
    }
  }
  // Without validation (the default) any bytes are stored, as libhdf5 does.
  const std::string name2 = h5t::mem_name("vl-utf8-off");
  File g = File::create(name2);
  Dataset d = g.create_dataset("u", DType::vlen_string(), {static_cast<std::uint64_t>(bad.size())});
  d.write(bad);
  CHECK(d.read<std::string>() == bad);
  // The option set by a later open applies to the whole image, and can be turned off again.
  File g2 = File::open(name2, Mode::read_write, FileOptions{}.validate_utf8(true));
  CHECK_CODE(d.write(bad), ErrorCode::invalid_argument);
  CHECK(d.read<std::string>() == bad);
  File g3 = File::open(name2, Mode::read_write, FileOptions{}.validate_utf8(false));
  d.write(std::vector<std::string>(bad.size(), "\xfe"));
  CHECK(d.read<std::string>() == std::vector<std::string>(bad.size(), "\xfe"));
}

TEST_CASE("validate_utf8 applies to UTF-8 string attributes too") {
  const std::string name = h5t::mem_name("vl-utf8-attr");
  File f = File::create(name, CreateOptions{}, FileOptions{}.validate_utf8(true));
  f.attrs().set("ok", std::string("\xc3\xa9t\xc3\xa9"));
  CHECK_CODE_MSG(f.attrs().set("bad", std::string("\xff")), ErrorCode::invalid_argument, name);
  CHECK_FALSE(f.attrs().contains("bad"));
  CHECK_CODE(f.attrs().set("ok", std::vector<std::string>{"fine", "\xc0\xaf"}),
             ErrorCode::invalid_argument);
  CHECK(f.attrs().read<std::string>("ok") == "\xc3\xa9t\xc3\xa9");
  // Without the option, anything is accepted.
  const std::string name2 = h5t::mem_name("vl-utf8-attr-off");
  File g = File::create(name2);
  g.attrs().set("bad", std::string("\xff"));
  CHECK(g.attrs().read<std::string>("bad") == "\xff");
}

TEST_CASE("validate_utf8 applies to fixed-length UTF-8 string datasets too") {
  const std::string name = h5t::mem_name("vl-utf8-fixed");
  File f = File::create(name, CreateOptions{}, FileOptions{}.validate_utf8(true));
  const DType t = DType::fixed_string(6, h5mem::StringPad::null_pad, CharSet::utf8);
  Dataset d = f.create_dataset("u", t, {2});
  d.write(std::vector<std::string>{"\xc3\xa9", "ok"});
  CHECK_CODE(d.write(std::vector<std::string>{"\xff", "ok"}), ErrorCode::invalid_argument);
  CHECK(d.read<std::string>() == std::vector<std::string>{"\xc3\xa9", "ok"});
  // ASCII fixed strings are not checked.
  Dataset a = f.create_dataset("a", DType::fixed_string(6), {1});
  a.write(std::vector<std::string>{"\xff"});
  CHECK(a.read<std::string>() == std::vector<std::string>{"\xff"});
}

// ---------------------------------------------------------------------------------------------
// Rejected combinations.

TEST_CASE("fixed <-> vlen strings and strings <-> numbers are type_mismatch for vlen data") {
  const std::string name = h5t::mem_name("vl-mismatch");
  File f = File::create(name);
  Dataset s = f.create_dataset("s", DType::vlen_string(), {2});
  s.write(std::vector<std::string>{"12", "345"});
  Dataset fx = f.create_dataset("fx", DType::fixed_string(4), {2});
  fx.write(std::vector<std::string>{"ab", "cd"});
  Dataset j = f.create_dataset("j", DType::vlen(DType::signed_integer(4)), {2});
  j.write(std::vector<std::vector<std::int32_t>>{{1}, {2, 3}});

  // Fixed-length buffers on a vlen string dataset, and the reverse.
  std::string buf(8, ' ');
  CHECK_CODE_MSG(s.select({}).read_raw(DType::fixed_string(4), buf.data(), 2),
                 ErrorCode::type_mismatch, name, "/s");
  CHECK_CODE(s.select({}).write_raw(DType::fixed_string(4), "abcdefgh", 2),
             ErrorCode::type_mismatch);
  const VlenView v2[2] = {{"ab", 2}, {"c", 1}};
  CHECK_CODE_MSG(fx.select({}).write_vlen_raw(DType::vlen_string(), v2), ErrorCode::type_mismatch,
                 name, "/fx");
  CHECK_CODE(fx.select({}).read_vlen_raw(DType::vlen_string(),
                                         [](std::uint64_t, const void*, std::size_t) {}),
             ErrorCode::type_mismatch);
  // Numbers and vlen strings.
  CHECK_CODE_MSG(s.read<std::int32_t>(), ErrorCode::type_mismatch, name, "/s", "string", "int32");
  CHECK_CODE_MSG(s.write(std::vector<std::int32_t>{1, 2}), ErrorCode::type_mismatch, "string",
                 "int32");
  // Jagged arrays and strings.
  CHECK_CODE_MSG(s.read<std::vector<std::int32_t>>(), ErrorCode::type_mismatch, name, "/s");
  CHECK_CODE(s.write(std::vector<std::vector<char>>{{'a'}, {'b'}}), ErrorCode::type_mismatch);
  CHECK_CODE_MSG(j.read<std::string>(), ErrorCode::type_mismatch, name, "/j");
  CHECK_CODE(j.write(std::vector<std::string>{"a", "b"}), ErrorCode::type_mismatch);
  CHECK_CODE(j.read<std::vector<Point3>>(), ErrorCode::type_mismatch);
  CHECK_CODE(j.select({}).read_vlen_raw(DType::fixed_string(4),
                                        [](std::uint64_t, const void*, std::size_t) {}),
             ErrorCode::type_mismatch);
  // Jagged arrays into a fixed-size dataset.
  CHECK_CODE(fx.write(std::vector<std::vector<std::int32_t>>{{1}, {2}}), ErrorCode::type_mismatch);
  Dataset i = f.create_dataset<std::int32_t>("i", {2});
  CHECK_CODE_MSG(i.write(std::vector<std::vector<std::int32_t>>{{1}, {2}}),
                 ErrorCode::type_mismatch, name, "/i");
  CHECK_CODE(i.read<std::vector<std::int32_t>>(), ErrorCode::type_mismatch);
  // Nothing changed.
  CHECK(s.read<std::string>() == std::vector<std::string>{"12", "345"});
  CHECK(fx.read<std::string>() == std::vector<std::string>{"ab", "cd"});
  CHECK_ROWS(j.read<std::vector<std::int32_t>>(),
             (std::vector<std::vector<std::int32_t>>{{1}, {2, 3}}));

  // Attributes: vlen strings do not convert to fixed-length strings or numbers, nor back.
  f.attrs().set("vs", std::string("abc"));
  f.attrs().set_raw("fs", DType::fixed_string(3), Shape{}, "abc");
  std::string out(3, ' ');
  CHECK_CODE_MSG(f.attrs().get("vs").read_raw(DType::fixed_string(3), out.data(), 1),
                 ErrorCode::type_mismatch, name, "string");
  CHECK_CODE(f.attrs().read<std::string>("fs"), ErrorCode::type_mismatch);
  CHECK_CODE(f.attrs().read<std::int32_t>("vs"), ErrorCode::type_mismatch);
  CHECK(f.attrs().read<std::string>("vs") == "abc");
}

TEST_CASE("buffers whose length differs from a vlen selection are type_mismatch, unchanged") {
  const std::string name = h5t::mem_name("vl-length");
  File f = File::create(name);
  Dataset s = f.create_dataset("s", DType::vlen_string(), {3});
  s.write(std::vector<std::string>{"a", "b", "c"});
  const std::uint64_t held = f.bytes_held();
  CHECK_CODE(s.write(std::vector<std::string>{"x", "y"}), ErrorCode::type_mismatch);
  CHECK_CODE(s.write(std::vector<std::string>{"x", "y", "z", "w"}), ErrorCode::type_mismatch);
  std::vector<std::string> two(2);
  CHECK_CODE(s.select({}).read_strings(two), ErrorCode::type_mismatch);
  CHECK(s.read<std::string>() == std::vector<std::string>{"a", "b", "c"});
  CHECK(f.bytes_held() == held);
  Dataset j = f.create_dataset("j", DType::vlen(DType::unsigned_integer(1)), {2});
  CHECK_CODE(j.write(std::vector<std::vector<std::uint8_t>>{{1}}), ErrorCode::type_mismatch);
  CHECK_CODE(j.select({1}).write(std::vector<std::vector<std::uint8_t>>{{1}, {2}}),
             ErrorCode::type_mismatch);
  CHECK_ROWS(j.read<std::vector<std::uint8_t>>(), std::vector<std::vector<std::uint8_t>>(2));
  CHECK(f.bytes_held() == held);
}

TEST_CASE("vlen sequences of vlen data make datasets and attributes; numbers are no vlen fill") {
  // Their reads and writes: test_vlen_deep.cpp.
  const std::string name = h5t::mem_name("vl-nested");
  File f = File::create(name);
  const DType i32 = DType::signed_integer(4);
  const DType with_str = CompoundBuilder().add("id", i32).add("s", DType::vlen_string()).build();
  const DType vv = DType::vlen(DType::vlen(i32));
  const DType v_of_str = DType::vlen(DType::vlen_string());
  const DType v_of_cmp = DType::vlen(with_str);
  const DType arr_of_vv = DType::array(vv, {2});
  int k = 0;
  for (const DType& t : {vv, v_of_str, v_of_cmp, arr_of_vv}) {
    CAPTURE(t.name());
    const std::string p = h5t::cat("n", k++);
    CHECK(f.create_dataset(p, t, {2}).dtype() == t);
    CHECK(f.create_dataset(p + "c", t, {2}, DatasetOptions{}.chunks({1}).deflate(4)).dtype() == t);
    CHECK_CODE(f.attrs().set_raw(p, t, Shape{}, nullptr), ErrorCode::invalid_argument);
  }
  f.remove("n0");
  f.remove("n0c");
  f.remove("n1");
  f.remove("n1c");
  f.remove("n2");
  f.remove("n2c");
  f.remove("n3");
  f.remove("n3c");
  CHECK(f.attrs().list().empty());
  // A number is no fill value for vlen data (vlen fill values: test_vlen_fill.cpp).
  CHECK_CODE(f.create_dataset("fv", DType::vlen(i32), {2}, DatasetOptions{}.fill_value(1)),
             ErrorCode::type_mismatch);
  CHECK_CODE(f.create_dataset("fc", with_str, {2}, DatasetOptions{}.fill_value(1)),
             ErrorCode::type_mismatch);
  CHECK_FALSE(f.contains("fv"));
  CHECK(f.bytes_held() == 0u);
}
