// Datatypes: every datatype class through datasets (contiguous and chunked + shuffle + deflate,
// whole, hyperslab and point selections) and attributes; numeric widths and byte orders,
// float16, bool, complex, fixed-length strings, compounds (builder and struct mappings, nested,
// with array and string members, subsets of fields), enumerations, arrays, opaque and bitfield
// types, fill values, the libhdf5 conversion matrix, and rejected inputs. Variable-length
// strings and sequences are in test_vlen.cpp.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <limits>
#include <ostream>
#include <span>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "test_util.hpp"

using namespace std::string_literals;
using h5mem::all;
using h5mem::ByteOrder;
using h5mem::CharSet;
using h5mem::CompoundBuilder;
using h5mem::Dataset;
using h5mem::DatasetOptions;
using h5mem::DType;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Float16;
using h5mem::Hyperslab;
using h5mem::Points;
using h5mem::Shape;
using h5mem::Slice;
using h5mem::StringPad;
using h5mem::TypeClass;

namespace {

constexpr ByteOrder kOther =
    h5mem::native_order == ByteOrder::little ? ByteOrder::big : ByteOrder::little;

std::string order_label(ByteOrder o) {
  return o == ByteOrder::little ? "little" : "big";
}

// The numeric DType of T in byte order `o`.
template <class T>
DType numeric_type(ByteOrder o) {
  if constexpr (std::is_floating_point_v<T>) {
    return DType::floating(sizeof(T), o);
  } else if constexpr (std::is_signed_v<T>) {
    return DType::signed_integer(sizeof(T), o);
  } else {
    return DType::unsigned_integer(sizeof(T), o);
  }
}

// The bytes of the scalar `x` laid out in byte order `o`.
template <class T>
std::string bytes_of(const T& x, ByteOrder o = h5mem::native_order) {
  std::string b(sizeof(T), '\0');
  std::memcpy(b.data(), &x, sizeof(T));
  if (o != h5mem::native_order) std::reverse(b.begin(), b.end());
  return b;
}

std::string hex(const std::string& b) {
  std::ostringstream os;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i) os << ' ';
    os << std::hex << std::setw(2) << std::setfill('0')
       << static_cast<unsigned>(static_cast<unsigned char>(b[i]));
  }
  return os.str();
}

// The two layouts every class is checked in.
struct Layout {
  std::string label;
  DatasetOptions opts;
};
std::vector<Layout> layouts(const Shape& chunks) {
  return {{"contiguous", DatasetOptions{}},
          {"chunked+shuffle+deflate", DatasetOptions{}.chunks(chunks).shuffle().deflate(4)}};
}

// The shared 2-d selection used on (6, 5) datasets: rows 1, 2, 4, 5 (a hyperslab of two blocks
// of two) by columns 0, 2, 4 (a strided slice); and four points, one repeated.
const std::vector<std::size_t> kSlabRows = {1, 2, 4, 5};
const std::vector<std::size_t> kSlabCols = {0, 2, 4};
constexpr std::size_t kCols = 5;
h5mem::Selection slab_of(const Dataset& d) {
  return d.select({Hyperslab{1, 3, 2, 2}, Slice(0, 5, 2)});
}
Points points() {
  return Points{{0, 4}, {5, 0}, {3, 2}, {0, 4}};
}
const std::vector<std::size_t> kPointIndex = {4, 25, 17, 4};

template <class V>
std::vector<V> slab_expected(const std::vector<V>& all_values) {
  std::vector<V> out;
  for (std::size_t r : kSlabRows)
    for (std::size_t c : kSlabCols) out.push_back(all_values[r * kCols + c]);
  return out;
}
template <class V>
std::vector<V> points_expected(const std::vector<V>& all_values) {
  std::vector<V> out;
  for (std::size_t i : kPointIndex) out.push_back(all_values[i]);
  return out;
}

std::vector<std::uint16_t> bits_of(const std::vector<Float16>& v) {
  std::vector<std::uint16_t> out;
  for (auto h : v) out.push_back(h.bits);
  return out;
}

Float16 half_bits(std::uint16_t b) {
  Float16 h;
  h.bits = b;
  return h;
}

// ---- structs mapped onto compound types ----

struct Particle {
  double x;
  double y;
  std::int32_t id;
  char tag[8];
  bool operator==(const Particle&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Particle& p) {
  return os << "Particle{" << p.x << ", " << p.y << ", " << p.id << ", "
            << std::string(p.tag, strnlen(p.tag, 8)) << "}";
}

struct Inner {
  float a;
  std::int16_t b;
  bool operator==(const Inner&) const = default;
};
struct Outer {
  std::int32_t id;
  Inner in;
  double v[3];
  char name[6];
  bool operator==(const Outer&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Outer& o) {
  return os << "Outer{" << o.id << ", {" << o.in.a << ", " << o.in.b << "}, [" << o.v[0] << ", "
            << o.v[1] << ", " << o.v[2] << "], " << std::string(o.name, strnlen(o.name, 6)) << "}";
}

// Subsets of Outer's fields, in another order and with other member types.
struct OuterView {
  double v[3];
  std::int64_t id;
  bool operator==(const OuterView&) const = default;
};
std::ostream& operator<<(std::ostream& os, const OuterView& o) {
  return os << "OuterView{[" << o.v[0] << ", " << o.v[1] << ", " << o.v[2] << "], " << o.id << "}";
}
struct InnerB {
  std::int32_t b;
};
struct OuterNested {
  InnerB in;
};
struct OuterMissing {
  std::int32_t id;
  float nope;
};

// A TypeMapping that describes 4 bytes for an 8-byte struct.
struct Lying {
  std::int32_t a;
  std::int32_t b;
};

// A mapped type that is an HDF5 array, not a compound.
struct Vec3 {
  float v[3];
  bool operator==(const Vec3&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Vec3& p) {
  return os << "Vec3{" << p.v[0] << ", " << p.v[1] << ", " << p.v[2] << "}";
}

// A compound of each numeric type, with an array member.
template <class T>
struct Rec {
  T v;
  std::int16_t k;
  T arr[3];
  bool operator==(const Rec&) const = default;
};
template <class T>
std::ostream& operator<<(std::ostream& os, const Rec<T>& r) {
  return os << "Rec{" << +r.v << ", " << r.k << ", [" << +r.arr[0] << ", " << +r.arr[1] << ", "
            << +r.arr[2] << "]}";
}
struct RecView {
  double v;
  std::int64_t k;
};

}  // namespace

namespace h5mem {
template <>
struct TypeMapping<Particle> {
  static DType dtype() {
    return compound_of<Particle>(field("x", &Particle::x), field("y", &Particle::y),
                                 field("id", &Particle::id), field("tag", &Particle::tag));
  }
};
template <>
struct TypeMapping<Inner> {
  static DType dtype() { return compound_of<Inner>(field("a", &Inner::a), field("b", &Inner::b)); }
};
template <>
struct TypeMapping<Outer> {
  static DType dtype() {
    return compound_of<Outer>(field("id", &Outer::id), field("in", &Outer::in),
                              field("v", &Outer::v), field("name", &Outer::name));
  }
};
template <>
struct TypeMapping<OuterView> {
  static DType dtype() {
    return compound_of<OuterView>(field("v", &OuterView::v), field("id", &OuterView::id));
  }
};
template <>
struct TypeMapping<InnerB> {
  static DType dtype() { return compound_of<InnerB>(field("b", &InnerB::b)); }
};
template <>
struct TypeMapping<OuterNested> {
  static DType dtype() { return compound_of<OuterNested>(field("in", &OuterNested::in)); }
};
template <>
struct TypeMapping<OuterMissing> {
  static DType dtype() {
    return compound_of<OuterMissing>(field("id", &OuterMissing::id),
                                     field("nope", &OuterMissing::nope));
  }
};
template <>
struct TypeMapping<Lying> {
  static DType dtype() { return CompoundBuilder().add("a", dtype_of<std::int32_t>()).build(); }
};
template <>
struct TypeMapping<Vec3> {
  static DType dtype() { return DType::array(DType::floating(4), {3}); }
};
template <class T>
struct TypeMapping<Rec<T>> {
  static DType dtype() {
    return compound_of<Rec<T>>(field("v", &Rec<T>::v), field("k", &Rec<T>::k),
                               field("arr", &Rec<T>::arr));
  }
};
template <>
struct TypeMapping<RecView> {
  static DType dtype() {
    return compound_of<RecView>(field("v", &RecView::v), field("k", &RecView::k));
  }
};
}  // namespace h5mem

namespace {

Particle particle(double x, double y, std::int32_t id, const char* tag) {
  Particle p{};
  p.x = x;
  p.y = y;
  p.id = id;
  // Fills the field like numpy's 'S8': truncated, NUL-padded, not necessarily terminated.
  const std::size_t n = std::min(std::strlen(tag), sizeof(p.tag));
  std::memcpy(p.tag, tag, n);
  return p;
}

Outer outer(std::int32_t i) {
  Outer o{};
  o.id = i * 7 - 20;
  o.in.a = 0.5f * static_cast<float>(i);
  o.in.b = static_cast<std::int16_t>(1000 - i);
  o.v[0] = i + 0.25;
  o.v[1] = -i * 1.5;
  o.v[2] = 1e10 * i;
  std::string n = "n" + std::to_string(i);
  std::memcpy(o.name, n.data(), std::min<std::size_t>(n.size(), sizeof(o.name)));
  return o;
}

template <class T>
std::vector<T> numeric_values() {
  // Extremes and small values, 30 elements for a (6, 5) dataset.
  std::vector<T> v = h5t::iota_values<T>(30, 3);
  v[0] = std::numeric_limits<T>::lowest();
  v[1] = std::numeric_limits<T>::max();
  v[2] = T(0);
  v[7] = std::is_signed_v<T> ? T(-1) : T(1);
  if constexpr (std::is_floating_point_v<T>) {
    v[11] = std::numeric_limits<T>::min();
    v[12] = T(-0.5);
    v[13] = std::numeric_limits<T>::infinity();
  } else {
    v[11] = std::numeric_limits<T>::min();
    v[12] = T(std::numeric_limits<T>::max() - 1);
  }
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Numbers: every width in both byte orders, read back as native.

TEST_CASE_TEMPLATE("numeric types in both byte orders round-trip through datasets and attributes",
                   T, H5T_NUMERIC_TYPES) {
  const std::string name = h5t::mem_name("dt-num");
  File f = File::create(name);
  const std::vector<T> v = numeric_values<T>();
  int n = 0;
  for (ByteOrder o : {ByteOrder::little, ByteOrder::big}) {
    for (const Layout& l : layouts({4, 2})) {
      CAPTURE(order_label(o));
      CAPTURE(l.label);
      const DType t = numeric_type<T>(o);
      CHECK(t.byte_order() == o);
      CHECK(t.size() == sizeof(T));
      CHECK(t.is_numeric());
      if (o != h5mem::native_order) {
        CHECK_FALSE(t == h5mem::dtype_of<T>());
        CHECK(t.name() == h5mem::dtype_of<T>().name() +
                              (o == ByteOrder::big ? " (big-endian)" : " (little-endian)"));
      } else {
        CHECK(t == h5mem::dtype_of<T>());
      }
      Dataset d = f.create_dataset(h5t::cat("d", n++), t, {6, 5}, l.opts);
      CHECK(d.dtype() == t);
      d.write(v);
      CHECK(d.template read<T>() == v);

      // The stored representation is in the dataset's byte order.
      std::string raw(v.size() * sizeof(T), '\0');
      d.select({}).read_raw(t, raw.data(), v.size());
      for (std::size_t k = 0; k < v.size(); ++k) {
        CHECK_MESSAGE(raw.substr(k * sizeof(T), sizeof(T)) == bytes_of(v[k], o), "element ", k);
      }

      // Selections return exactly the selected elements, converted to native.
      auto s = slab_of(d);
      CHECK(s.shape() == Shape{4, 3});
      CHECK(s.template read<T>() == slab_expected(v));
      CHECK(d.select(points()).template read<T>() == points_expected(v));
      // Writes through a selection convert from native too.
      std::vector<T> w = v;
      const std::vector<T> patch = {T(9),  T(10), T(11), T(12), T(13), T(14),
                                    T(15), T(16), T(17), T(18), T(19), T(20)};
      s.write(patch);
      for (std::size_t i = 0; i < kSlabRows.size(); ++i)
        for (std::size_t j = 0; j < kSlabCols.size(); ++j)
          w[kSlabRows[i] * kCols + kSlabCols[j]] = patch[i * kSlabCols.size() + j];
      CHECK(d.template read<T>() == w);
      d.select(Points{{2, 1}, {0, 0}}).write(std::vector<T>{T(42), T(43)});
      w[11] = T(42);
      w[0] = T(43);
      CHECK(d.template read<T>() == w);
      std::string raw2(sizeof(T), '\0');
      d.select({2, 1}).read_raw(t, raw2.data(), 1);
      CHECK(raw2 == bytes_of(T(42), o));

      // Attributes hold the same representation.
      const std::string an = h5t::cat("a", n);
      d.attrs().set_raw(an, t, Shape{v.size()}, raw.data());
      CHECK(d.attrs().get(an).dtype() == t);
      CHECK(d.attrs().template read<std::vector<T>>(an) == v);
      const std::string one = bytes_of(std::numeric_limits<T>::max(), o);
      d.attrs().set_raw("scalar", t, Shape{}, one.data());
      CHECK(d.attrs().template read<T>("scalar") == std::numeric_limits<T>::max());
      std::string back(sizeof(T), '\0');
      d.attrs().get("scalar").read_raw(t, back.data(), 1);
      CHECK(back == one);
    }
  }
  CHECK(n == 4);
}

// ---------------------------------------------------------------------------------------------
// float16.

TEST_CASE("float16: Float16 rounds to nearest even and overflows to infinity, as libhdf5") {
  CHECK(h5mem::dtype_of<Float16>() == DType::floating(2));
  CHECK(DType::floating(2).name() == "float16");
  CHECK(DType::floating(2).size() == 2u);

  struct Case {
    float in;
    std::uint16_t bits;
  };
  const Case cases[] = {
      {0.0f, 0x0000},
      {-0.0f, 0x8000},
      {1.0f, 0x3c00},
      {-2.0f, 0xc000},
      {1.5f, 0x3e00},
      {65504.0f, 0x7bff},                      // largest finite
      {65519.0f, 0x7bff},                      // rounds down
      {65520.0f, 0x7c00},                      // halfway to 65536: even is infinity
      {-65520.0f, 0xfc00},                     // -infinity
      {1e6f, 0x7c00},                          // overflow
      {1.0f / 3.0f, 0x3555},                   // nearest: 0.333251953125
      {0.1f, 0x2e66},                          // 0.0999755859375
      {std::ldexp(1.0f, -14), 0x0400},         // smallest normal
      {std::ldexp(1.0f, -24), 0x0001},         // smallest subnormal
      {std::ldexp(1.0f, -25), 0x0000},         // halfway to the smallest subnormal: even is 0
      {std::ldexp(3.0f, -25), 0x0002},         // 1.5 ulp: ties to even (2)
      {std::ldexp(5.0f, -25), 0x0002},         // 2.5 ulp: ties to even (2)
      {1.0f + std::ldexp(1.0f, -11), 0x3c00},  // tie: even mantissa 0
      {1.0f + std::ldexp(3.0f, -11), 0x3c02},  // tie: even mantissa 2
      {2049.0f, 0x6800},                       // 2048
      {2051.0f, 0x6802},                       // 2052
      {std::numeric_limits<float>::infinity(), 0x7c00},
      {-1e-8f, 0x8000},  // underflows to signed zero
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(Float16(c.in).bits == c.bits);
  }
  CHECK(std::isnan(static_cast<float>(Float16(std::numeric_limits<float>::quiet_NaN()))));
  const auto nan_bits = Float16(std::numeric_limits<float>::quiet_NaN()).bits;
  CHECK((nan_bits & 0x7c00) == 0x7c00);
  CHECK((nan_bits & 0x03ff) != 0);

  CHECK(static_cast<float>(half_bits(0x7bff)) == 65504.0f);
  CHECK(static_cast<float>(half_bits(0x0001)) == std::ldexp(1.0f, -24));
  CHECK(static_cast<float>(half_bits(0x3555)) == 0.333251953125f);
  CHECK(static_cast<float>(half_bits(0xfc00)) == -std::numeric_limits<float>::infinity());
  CHECK(static_cast<float>(half_bits(0x8000)) == 0.0f);
  CHECK(std::signbit(static_cast<float>(half_bits(0x8000))));
  CHECK(Float16(2.5f) == half_bits(0x4100));
}

TEST_CASE("float16 datasets and attributes: Float16 and float buffers, both byte orders") {
  const std::string name = h5t::mem_name("dt-f16");
  File f = File::create(name);
  std::vector<Float16> h;
  std::vector<float> as_float;
  for (int i = 0; i < 30; ++i) {
    h.push_back(Float16(static_cast<float>(i) * 0.25f - 3.0f));
    as_float.push_back(static_cast<float>(i) * 0.25f - 3.0f);  // exact in float16
  }
  h[3] = half_bits(0x7bff);
  as_float[3] = 65504.0f;
  h[4] = half_bits(0x0001);
  as_float[4] = std::ldexp(1.0f, -24);
  int n = 0;
  for (ByteOrder o : {ByteOrder::little, ByteOrder::big}) {
    for (const Layout& l : layouts({3, 3})) {
      CAPTURE(order_label(o));
      CAPTURE(l.label);
      Dataset d = f.create_dataset(h5t::cat("h", n++), DType::floating(2, o), {6, 5}, l.opts);
      d.write(h);
      CHECK(bits_of(d.read<Float16>()) == bits_of(h));
      CHECK(d.read<float>() == as_float);
      CHECK(d.read<double>() == std::vector<double>(as_float.begin(), as_float.end()));
      CHECK(bits_of(slab_of(d).read<Float16>()) == bits_of(slab_expected(h)));
      CHECK(d.select(points()).read<float>() == points_expected(as_float));
      std::string raw(2, '\0');
      d.select({0, 3}).read_raw(DType::floating(2, o), raw.data(), 1);
      CHECK(raw == bytes_of(std::uint16_t{0x7bff}, o));

      // Writing floats rounds them to float16 on the way in.
      d.select({0, Slice(0, 5)})
          .write(std::vector<float>{0.1f, 65519.0f, 65520.0f, -1e-8f, 1.0f / 3.0f});
      CHECK(bits_of(d.select({0, Slice(0, 5)}).read<Float16>()) ==
            std::vector<std::uint16_t>{0x2e66, 0x7bff, 0x7c00, 0x8000, 0x3555});
      CHECK(d.select({0, 2}).read<float>() ==
            std::vector<float>{std::numeric_limits<float>::infinity()});
      // Integers too; float16 saturates to +/-inf as a float, then to the integer range.
      CHECK(d.select({0, Slice(1, 3)}).read<std::int16_t>() ==
            std::vector<std::int16_t>{32767, 32767});
      CHECK(d.select({0, Slice(1, 3)}).read<std::int32_t>() ==
            std::vector<std::int32_t>{65504, std::numeric_limits<std::int32_t>::max()});
    }
  }
  f.attrs().set("h", Float16(1.5f));
  CHECK(f.attrs().read<Float16>("h").bits == 0x3e00);
  CHECK(f.attrs().read<float>("h") == 1.5f);
  CHECK(f.attrs().get("h").dtype() == DType::floating(2));
  f.attrs().set("hv", std::vector<Float16>{Float16(65519.0f), Float16(-2.0f)});
  CHECK(f.attrs().read<std::vector<double>>("hv") == std::vector<double>{65504.0, -2.0});
  const std::string be = bytes_of(std::uint16_t{0x3555}, ByteOrder::big);
  f.attrs().set_raw("be", DType::floating(2, ByteOrder::big), Shape{}, be.data());
  CHECK(f.attrs().read<Float16>("be").bits == 0x3555);
  f.attrs().set("f", 65520.0f);
  CHECK(f.attrs().read<Float16>("f").bits == 0x7c00);
}

// ---------------------------------------------------------------------------------------------
// bool.

TEST_CASE("bool is an int8 enum FALSE/TRUE named \"bool\"; read as bool or int8") {
  const DType b = DType::boolean();
  CHECK(b.name() == "bool");
  CHECK(b.is_boolean());
  CHECK(b.type_class() == TypeClass::enumeration);
  CHECK(b.size() == 1u);
  CHECK(b.base() == DType::signed_integer(1));
  REQUIRE(b.enum_values().size() == 2u);
  CHECK(b.enum_values()[0].name == "FALSE");
  CHECK(b.enum_values()[0].value == 0);
  CHECK(b.enum_values()[1].name == "TRUE");
  CHECK(b.enum_values()[1].value == 1);
  CHECK(h5mem::dtype_of<bool>() == b);
  // Built by hand it is the same type; over uint8 it is not bool.
  const DType same = DType::enumeration(DType::signed_integer(1), {{"FALSE", 0}, {"TRUE", 1}});
  CHECK(same == b);
  CHECK(same.is_boolean());
  const DType u8 = DType::enumeration(DType::unsigned_integer(1), {{"FALSE", 0}, {"TRUE", 1}});
  CHECK_FALSE(u8.is_boolean());
  CHECK(u8.name() == "enum uint8 {FALSE=0, TRUE=1}");
  CHECK_FALSE(DType::signed_integer(1).is_boolean());

  const std::string name = h5t::mem_name("dt-bool");
  File f = File::create(name);
  // std::vector<bool> is a bitset, so bool buffers are spans over bool arrays.
  bool vals[30];
  std::vector<std::int8_t> as_i8;
  for (int i = 0; i < 30; ++i) {
    vals[i] = (i % 3) != 1;
    as_i8.push_back(vals[i] ? 1 : 0);
  }
  int n = 0;
  for (const Layout& l : layouts({2, 5})) {
    CAPTURE(l.label);
    Dataset d = f.create_dataset<bool>(h5t::cat("b", n++), {6, 5}, l.opts);
    CHECK(d.dtype().name() == "bool");
    CHECK(d.dtype().is_boolean());
    d.write(std::span<const bool>(vals));
    bool back[30] = {};
    d.read_into(std::span<bool>(back));
    CHECK(std::equal(std::begin(back), std::end(back), std::begin(vals)));
    CHECK(d.read<std::int8_t>() == as_i8);
    CHECK(d.read<double>() == std::vector<double>(as_i8.begin(), as_i8.end()));
    CHECK(slab_of(d).read<std::int8_t>() == slab_expected(as_i8));
    CHECK(d.select(points()).read<std::int8_t>() == points_expected(as_i8));
    bool sel[4] = {};
    d.select(points()).read_into(std::span<bool>(sel));
    for (std::size_t k = 0; k < 4; ++k) CHECK(sel[k] == vals[kPointIndex[k]]);
    // Integers write through the base type.
    d.select({0, Slice(0, 2)}).write(std::vector<std::int8_t>{0, 1});
    bool two[2] = {true, false};
    d.select({0, Slice(0, 2)}).read_into(std::span<bool>(two));
    CHECK_FALSE(two[0]);
    CHECK(two[1]);
  }
  f.attrs().set("yes", true);
  f.attrs().set("no", false);
  CHECK(f.attrs().read<bool>("yes"));
  CHECK_FALSE(f.attrs().read<bool>("no"));
  CHECK(f.attrs().read<std::int8_t>("yes") == 1);
  CHECK(f.attrs().read<std::int8_t>("no") == 0);
  CHECK(f.attrs().get("yes").dtype().name() == "bool");
  f.attrs().set("i", std::int8_t{1});
  CHECK(f.attrs().read<bool>("i"));
}

// ---------------------------------------------------------------------------------------------
// complex.

TEST_CASE("complex64 and complex128: compounds of r and i, std::complex buffers") {
  const DType c8 = DType::complex(4);
  const DType c16 = DType::complex(8);
  CHECK(c8.is_complex());
  CHECK(c16.is_complex());
  CHECK(c8.name() == "complex64");
  CHECK(c16.name() == "complex128");
  CHECK(c8.size() == 8u);
  CHECK(c16.size() == 16u);
  CHECK(c8.type_class() == TypeClass::compound);
  REQUIRE(c16.members().size() == 2u);
  CHECK(c16.members()[0].name == "r");
  CHECK(c16.members()[0].offset == 0u);
  CHECK(c16.members()[1].name == "i");
  CHECK(c16.members()[1].offset == 8u);
  CHECK(*c16.members()[1].type == DType::floating(8));
  CHECK(h5mem::dtype_of<std::complex<float>>() == c8);
  CHECK(h5mem::dtype_of<std::complex<double>>() == c16);
  const DType c16o = DType::complex(8, kOther);
  CHECK(c16o.is_complex());
  CHECK_FALSE(c16o == c16);
  if (kOther == ByteOrder::big) CHECK(c16o.name() == "complex128 (big-endian)");
  CHECK(CompoundBuilder().add("r", DType::floating(8)).add("i", DType::floating(8)).build() == c16);
  CHECK_FALSE(CompoundBuilder()
                  .add("re", DType::floating(8))
                  .add("im", DType::floating(8))
                  .build()
                  .is_complex());
  CHECK_FALSE(CompoundBuilder()
                  .add("r", DType::floating(4))
                  .add("i", DType::floating(8))
                  .build()
                  .is_complex());
  CHECK_FALSE(DType::floating(8).is_complex());
  CHECK_CODE(DType::complex(2), ErrorCode::invalid_argument);
  CHECK_CODE(DType::complex(16), ErrorCode::invalid_argument);

  const std::string name = h5t::mem_name("dt-complex");
  File f = File::create(name);
  std::vector<std::complex<double>> v;
  std::vector<std::complex<float>> vf;
  for (int i = 0; i < 30; ++i) {
    v.emplace_back(i * 0.5 - 3.0, -i * 0.25);
    vf.emplace_back(static_cast<float>(i * 0.5 - 3.0), static_cast<float>(-i * 0.25));
  }
  v[7] = {0.1, -1e300};  // not representable in complex64
  vf[7] = {0.1f, -std::numeric_limits<float>::infinity()};
  int n = 0;
  for (ByteOrder o : {ByteOrder::little, ByteOrder::big}) {
    for (const Layout& l : layouts({3, 2})) {
      CAPTURE(order_label(o));
      CAPTURE(l.label);
      Dataset d = f.create_dataset(h5t::cat("c", n++), DType::complex(8, o), {6, 5}, l.opts);
      d.write(v);
      CHECK(d.read<std::complex<double>>() == v);
      // complex128 read as complex64: member by member, double -> float.
      CHECK(d.read<std::complex<float>>() == vf);
      CHECK(slab_of(d).read<std::complex<double>>() == slab_expected(v));
      CHECK(d.select(points()).read<std::complex<float>>() == points_expected(vf));
      std::string raw(16, '\0');
      d.select({1, 2}).read_raw(DType::complex(8, o), raw.data(), 1);
      CHECK(raw == bytes_of(v[7].real(), o) + bytes_of(v[7].imag(), o));

      Dataset g = f.create_dataset(h5t::cat("c", n++), DType::complex(4, o), {6, 5}, l.opts);
      g.write(vf);
      CHECK(g.read<std::complex<float>>() == vf);
      CHECK(g.read<std::complex<double>>()[3] == std::complex<double>(-1.5, -0.75));
      g.select({0, 0}).write(std::vector<std::complex<double>>{{1e40, -1e40}});
      CHECK(g.select({0, 0}).read<std::complex<float>>() ==
            std::vector<std::complex<float>>{
                {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()}});
    }
  }
  f.attrs().set("z", std::complex<double>(1.25, -2.5));
  CHECK(f.attrs().read<std::complex<double>>("z") == std::complex<double>(1.25, -2.5));
  CHECK(f.attrs().read<std::complex<float>>("z") == std::complex<float>(1.25f, -2.5f));
  CHECK(f.attrs().get("z").dtype().name() == "complex128");
  f.attrs().set("zs", vf);
  CHECK(f.attrs().read<std::vector<std::complex<float>>>("zs") == vf);
  // A complex number does not convert to a real one (compound vs float).
  CHECK_CODE(f.attrs().read<double>("z"), ErrorCode::type_mismatch);
}

// ---------------------------------------------------------------------------------------------
// Fixed-length strings.

TEST_CASE("fixed-length strings: names, padding and truncation on write, stripping on read") {
  CHECK(DType::fixed_string(10).name() == "string[10] (ascii, null_pad)");
  CHECK(DType::fixed_string(8, StringPad::space_pad, CharSet::utf8).name() ==
        "string[8] (utf-8, space_pad)");
  CHECK(DType::fixed_string(3, StringPad::null_terminate).name() ==
        "string[3] (ascii, null_terminate)");
  CHECK(DType::fixed_string(4).size() == 4u);
  CHECK_FALSE(DType::fixed_string(4).is_variable_string());
  CHECK_FALSE(DType::fixed_string(4).has_vlen());
  CHECK_FALSE(DType::fixed_string(4, StringPad::null_pad) ==
              DType::fixed_string(4, StringPad::space_pad));
  CHECK_FALSE(DType::fixed_string(4) == DType::fixed_string(4, StringPad::null_pad, CharSet::utf8));
  CHECK_CODE(DType::fixed_string(0), ErrorCode::invalid_argument);
  CHECK(h5mem::dtype_for<char[8]>() == DType::fixed_string(8, StringPad::null_pad));

  struct PadCase {
    StringPad pad;
    std::string raw;                // the 4 stored elements of 5 bytes
    std::vector<std::string> read;  // as read<std::string>
  };
  const std::vector<std::string> in = {"hello", "hi", "", "toolongvalue"};
  const PadCase cases[] = {
      {StringPad::null_terminate, "hell\0hi\0\0\0\0\0\0\0\0tool\0"s, {"hell", "hi", "", "tool"}},
      {StringPad::null_pad, "hellohi\0\0\0\0\0\0\0\0toolo"s, {"hello", "hi", "", "toolo"}},
      {StringPad::space_pad, "hellohi        toolo"s, {"hello", "hi", "", "toolo"}},
  };
  const std::string name = h5t::mem_name("dt-fixed");
  File f = File::create(name);
  int n = 0;
  for (const PadCase& c : cases) {
    for (const Layout& l : layouts({3})) {
      CAPTURE(static_cast<int>(c.pad));
      CAPTURE(l.label);
      const DType t = DType::fixed_string(5, c.pad);
      Dataset d = f.create_dataset(h5t::cat("s", n++), t, {4}, l.opts);
      d.write(in);
      std::string raw(20, 'x');
      d.select({}).read_raw(t, raw.data(), 4);
      CHECK_MESSAGE(raw == c.raw, hex(raw), " vs expected ", hex(c.raw));
      CHECK(d.read<std::string>() == c.read);
      CHECK(d.select({Slice(1, 4, 2)}).read<std::string>() ==
            std::vector<std::string>{c.read[1], c.read[3]});
      CHECK(d.select(Points{{3}, {0}}).read<std::string>() ==
            std::vector<std::string>{c.read[3], c.read[0]});
      // Attributes store the same bytes.
      d.attrs().set_raw("s", t, Shape{4}, raw.data());
      std::string araw(20, 'x');
      d.attrs().get("s").read_raw(t, araw.data(), 4);
      CHECK(araw == c.raw);
    }
  }

  // Reading stops at the first NUL for the NUL paddings; space padding strips trailing spaces
  // only.
  Dataset np = f.create_dataset("np", DType::fixed_string(5, StringPad::null_pad), {1});
  np.select({}).write_raw(DType::fixed_string(5, StringPad::null_pad), "ab\0cd", 1);
  CHECK(np.read<std::string>() == std::vector<std::string>{"ab"});
  Dataset sp = f.create_dataset("sp", DType::fixed_string(5, StringPad::space_pad), {2});
  sp.write(std::vector<std::string>{" a b", "     "});
  CHECK(sp.read<std::string>() == std::vector<std::string>{" a b", ""});

  // UTF-8 fixed strings keep multi-byte characters (bytes are counted, not characters).
  const DType u = DType::fixed_string(8, StringPad::null_pad, CharSet::utf8);
  Dataset ud = f.create_dataset("utf8", u, {2});
  CHECK(ud.dtype().charset() == CharSet::utf8);
  const std::string gruss = "gr\xc3\xbc\xc3\x9f";  // 6 bytes
  ud.write(std::vector<std::string>{gruss, "\xe2\x82\xac\xe2\x82\xac"});
  CHECK(ud.read<std::string>() == std::vector<std::string>{gruss, "\xe2\x82\xac\xe2\x82\xac"});
}

TEST_CASE("fixed-length strings convert to other sizes and paddings") {
  const std::string name = h5t::mem_name("dt-fixed-conv");
  File f = File::create(name);
  const DType np5 = DType::fixed_string(5, StringPad::null_pad);
  Dataset d = f.create_dataset("d", np5, {3});
  d.write(std::vector<std::string>{"hello", "ab", ""});
  auto read_as = [&](const DType& t) {
    std::string out(3 * t.size(), 'x');
    d.select({}).read_raw(t, out.data(), 3);
    return out;
  };
  CHECK(read_as(DType::fixed_string(3, StringPad::space_pad)) == "helab    "s);
  CHECK(read_as(DType::fixed_string(8, StringPad::space_pad)) == "hello   ab              "s);
  CHECK(read_as(DType::fixed_string(4, StringPad::null_terminate)) == "hel\0ab\0\0\0\0\0\0"s);
  CHECK(read_as(DType::fixed_string(6, StringPad::null_pad)) == "hello\0ab\0\0\0\0\0\0\0\0\0\0"s);
  CHECK(read_as(DType::fixed_string(2, StringPad::null_pad, CharSet::utf8)) == "heab\0\0"s);
  // Writing from a space-padded buffer re-pads with NULs.
  d.select({}).write_raw(DType::fixed_string(4, StringPad::space_pad), "xy  abcd    ", 3);
  CHECK(read_as(np5) == "xy\0\0\0abcd\0\0\0\0\0\0"s);
  CHECK(d.read<std::string>() == std::vector<std::string>{"xy", "abcd", ""});
  // Attributes convert the same way.
  f.attrs().set_raw("a", DType::fixed_string(6, StringPad::space_pad), Shape{}, "abc   ");
  std::string out(4, 'x');
  f.attrs().get("a").read_raw(DType::fixed_string(4, StringPad::null_terminate), out.data(), 1);
  CHECK(out == "abc\0"s);
}

// ---------------------------------------------------------------------------------------------
// Compound types.

TEST_CASE("CompoundBuilder: packed and explicit offsets, size, names; invalid layouts") {
  const DType i8 = DType::signed_integer(1), f64 = DType::floating(8);
  const DType u16 = DType::unsigned_integer(2), i32 = DType::signed_integer(4);
  const DType packed = CompoundBuilder().add("a", i8).add("b", f64).add("c", u16).build();
  CHECK(packed.type_class() == TypeClass::compound);
  CHECK(packed.size() == 11u);
  REQUIRE(packed.members().size() == 3u);
  CHECK(packed.members()[0].offset == 0u);
  CHECK(packed.members()[1].offset == 1u);
  CHECK(packed.members()[2].offset == 9u);
  CHECK(packed.name() == "compound {a: int8 @0, b: float64 @1, c: uint16 @9} (11 bytes)");
  CHECK_FALSE(packed.has_vlen());
  CHECK_FALSE(packed.is_numeric());

  // Explicit offsets, listed out of order; members() is in offset order; size() pads.
  const DType expl = CompoundBuilder().add("x", 8, f64).add("id", 0, i32).size(24).build();
  CHECK(expl.size() == 24u);
  REQUIRE(expl.members().size() == 2u);
  CHECK(expl.members()[0].name == "id");
  CHECK(expl.members()[1].name == "x");
  CHECK(expl.member("x").offset == 8u);
  CHECK(*expl.member("x").type == f64);
  CHECK_CODE(expl.member("nope"), ErrorCode::not_found);
  // add() without an offset continues after the furthest member.
  const DType cont = CompoundBuilder().add("x", 8, f64).add("y", i8).build();
  CHECK(cont.member("y").offset == 16u);
  CHECK(cont.size() == 17u);
  // Equality is structural.
  CHECK(CompoundBuilder().add("id", 0, i32).add("x", 8, f64).size(24).build() == expl);
  CHECK_FALSE(CompoundBuilder().add("id", 0, i32).add("x", 8, f64).build() == expl);
  CHECK_FALSE(CompoundBuilder().add("id", 0, i32).add("y", 8, f64).size(24).build() == expl);

  // Invalid layouts.
  CHECK_CODE(CompoundBuilder().add("a", 0, i32).add("b", 2, u16).build(),
             ErrorCode::invalid_argument);
  CHECK_CODE(CompoundBuilder().add("a", 4, i32).add("b", 0, f64).build(),
             ErrorCode::invalid_argument);
  CHECK_CODE(CompoundBuilder().add("a", 0, i32).add("b", 0, i32).build(),
             ErrorCode::invalid_argument);
  CHECK_CODE(CompoundBuilder().add("a", i32).add("a", i32).build(), ErrorCode::invalid_argument);
  CHECK_CODE(CompoundBuilder().add("", i32).build(), ErrorCode::invalid_argument);
  CHECK_CODE(CompoundBuilder().add("a", 0, f64).size(4).build(), ErrorCode::invalid_argument);
  CHECK_CODE(CompoundBuilder().build(), ErrorCode::invalid_argument);
  CHECK_CODE(CompoundBuilder().size(8).build(), ErrorCode::invalid_argument);
  // Touching members do not overlap.
  CHECK(CompoundBuilder().add("a", 0, i32).add("b", 4, i32).build().size() == 8u);
}

TEST_CASE("struct mappings: compound_of offsets, read<S>, write(span<const S>), packed storage") {
  const DType t = h5mem::dtype_for<Particle>();
  CHECK(t.size() == sizeof(Particle));
  CHECK(t.member("x").offset == offsetof(Particle, x));
  CHECK(t.member("y").offset == offsetof(Particle, y));
  CHECK(t.member("id").offset == offsetof(Particle, id));
  CHECK(t.member("tag").offset == offsetof(Particle, tag));
  CHECK(*t.member("tag").type == DType::fixed_string(8, StringPad::null_pad));

  std::vector<Particle> v;
  for (int i = 0; i < 30; ++i) {
    v.push_back(particle(i * 1.5, -i * 0.5, i - 10, i % 2 ? "odd" : "evenevenX"));
  }
  CHECK(std::string(v[0].tag, 8) == "eveneven");  // truncated to 8 by strncpy

  // The same members packed in another order: writes and reads convert by name.
  const DType packed = CompoundBuilder()
                           .add("id", DType::signed_integer(4))
                           .add("tag", DType::fixed_string(8, StringPad::null_pad))
                           .add("x", DType::floating(8))
                           .add("y", DType::floating(8))
                           .build();
  CHECK(packed.size() == 28u);
  const std::string name = h5t::mem_name("dt-struct");
  File f = File::create(name);
  int n = 0;
  for (const DType& stored : {t, packed}) {
    for (const Layout& l : layouts({4, 2})) {
      CAPTURE(stored.name());
      CAPTURE(l.label);
      Dataset d = f.create_dataset(h5t::cat("p", n++), stored, {6, 5}, l.opts);
      d.write(std::span<const Particle>(v));
      CHECK(d.read<Particle>() == v);
      CHECK(slab_of(d).read<Particle>() == slab_expected(v));
      CHECK(d.select(points()).read<Particle>() == points_expected(v));
      std::vector<Particle> one(1);
      d.select({3, 4}).read_into(std::span<Particle>(one));
      CHECK(one[0] == v[19]);
      // The stored bytes are laid out as the stored type says.
      std::string raw(stored.size(), '\0');
      d.select({3, 4}).read_raw(stored, raw.data(), 1);
      CHECK(raw.substr(stored.member("x").offset, 8) == bytes_of(v[19].x));
      CHECK(raw.substr(stored.member("y").offset, 8) == bytes_of(v[19].y));
      CHECK(raw.substr(stored.member("id").offset, 4) == bytes_of(v[19].id));
      CHECK(raw.substr(stored.member("tag").offset, 8) == "odd\0\0\0\0\0"s);
      // A hyperslab write replaces exactly the selected elements.
      std::vector<Particle> patch;
      for (int i = 0; i < 12; ++i) patch.push_back(particle(100 + i, 200 + i, 300 + i, "new"));
      slab_of(d).write(std::span<const Particle>(patch));
      std::vector<Particle> w = v;
      for (std::size_t i = 0; i < kSlabRows.size(); ++i)
        for (std::size_t j = 0; j < kSlabCols.size(); ++j)
          w[kSlabRows[i] * kCols + kSlabCols[j]] = patch[i * kSlabCols.size() + j];
      CHECK(d.read<Particle>() == w);
      d.select(Points{{5, 4}, {0, 1}}).write(std::vector<Particle>{patch[0], patch[1]});
      w[29] = patch[0];
      w[1] = patch[1];
      CHECK(d.read<Particle>() == w);
    }
  }

  // Attributes: scalar and 1-d structs, read back, read as a subset.
  f.attrs().set("p", v[3]);
  CHECK(f.attrs().read<Particle>("p") == v[3]);
  CHECK(f.attrs().get("p").dtype() == t);
  f.attrs().set("ps", v);
  CHECK(f.attrs().read<std::vector<Particle>>("ps") == v);
  std::string pb =
      bytes_of(v[5].id) + std::string(v[5].tag, 8) + bytes_of(v[5].x) + bytes_of(v[5].y);
  f.attrs().set_raw("packed", packed, Shape{}, pb.data());
  CHECK(f.attrs().read<Particle>("packed") == v[5]);
}

TEST_CASE("nested compounds with array and fixed-string members; reading subsets of fields") {
  const DType t = h5mem::dtype_for<Outer>();
  CHECK(t.size() == sizeof(Outer));
  CHECK(t.member("in").type->type_class() == TypeClass::compound);
  CHECK(t.member("in").type->member("b").offset == offsetof(Inner, b));
  CHECK(t.member("v").type->type_class() == TypeClass::array);
  CHECK(t.member("v").type->array_dims() == std::vector<std::uint64_t>{3});
  CHECK(t.member("v").type->base() == DType::floating(8));
  CHECK(*t.member("name").type == DType::fixed_string(6, StringPad::null_pad));

  std::vector<Outer> v;
  for (int i = 0; i < 30; ++i) v.push_back(outer(i));
  const std::string name = h5t::mem_name("dt-nested");
  File f = File::create(name);
  int n = 0;
  for (const Layout& l : layouts({2, 3})) {
    CAPTURE(l.label);
    Dataset d = f.create_dataset<Outer>(h5t::cat("o", n++), {6, 5}, l.opts);
    CHECK(d.dtype() == t);
    d.write(v);
    CHECK(d.read<Outer>() == v);
    CHECK(slab_of(d).read<Outer>() == slab_expected(v));
    CHECK(d.select(points()).read<Outer>() == points_expected(v));

    // A struct naming only some members, in another order and other member types.
    std::vector<OuterView> view;
    for (const Outer& o : v) {
      OuterView w{};
      std::copy(std::begin(o.v), std::end(o.v), std::begin(w.v));
      w.id = o.id;
      view.push_back(w);
    }
    CHECK(d.read<OuterView>() == view);
    CHECK(slab_of(d).read<OuterView>() == slab_expected(view));
    CHECK(d.select(points()).read<OuterView>() == points_expected(view));
    // Nested subset with conversion of the nested member (int16 -> int32).
    auto nested = d.read<OuterNested>();
    REQUIRE(nested.size() == 30u);
    for (int i = 0; i < 30; ++i) CHECK(nested[i].in.b == v[i].in.b);
    // Inner's members a and b are not top-level members of Outer.
    CHECK_CODE(d.select({2, Slice(1, 3)}).read<Inner>(), ErrorCode::type_mismatch);
  }
}

TEST_CASE("compound subsets: a field missing from the source is type_mismatch, on read and write") {
  const std::string name = h5t::mem_name("dt-subset-bad");
  File f = File::create(name);
  Dataset d = f.create_dataset<Outer>("o", {3});
  std::vector<Outer> v = {outer(1), outer(2), outer(3)};
  d.write(v);
  // "nope" is not a member of the stored type.
  CHECK_CODE_MSG(d.read<OuterMissing>(), ErrorCode::type_mismatch, name, "/o", "nope");
  CHECK_CODE(d.select({1}).read<OuterMissing>(), ErrorCode::type_mismatch);
  // Writing a subset would leave stored members without a source: type_mismatch, unchanged.
  CHECK_CODE(d.write(std::vector<OuterView>(3)), ErrorCode::type_mismatch);
  CHECK(d.read<Outer>() == v);
  f.attrs().set("o", v[0]);
  CHECK_CODE(f.attrs().read<OuterMissing>("o"), ErrorCode::type_mismatch);
  OuterView w = f.attrs().read<OuterView>("o");
  CHECK(w.id == v[0].id);
  CHECK(w.v[2] == v[0].v[2]);
}

TEST_CASE_TEMPLATE("compounds with array members of each numeric type: layouts and selections", T,
                   H5T_NUMERIC_TYPES) {
  const DType t = h5mem::dtype_for<Rec<T>>();
  CHECK(t.size() == sizeof(Rec<T>));
  CHECK(t.member("arr").type->base() == h5mem::dtype_of<T>());
  std::vector<Rec<T>> v;
  for (std::uint64_t i = 0; i < 30; ++i) {
    Rec<T> r{};
    r.v = h5t::value_at<T>(i);
    r.k = static_cast<std::int16_t>(i * 3 - 40);
    r.arr[0] = h5t::value_at<T>(i + 7);
    r.arr[1] = std::numeric_limits<T>::max();
    r.arr[2] = std::numeric_limits<T>::lowest();
    v.push_back(r);
  }
  const std::string name = h5t::mem_name("dt-rec");
  File f = File::create(name);
  // Stored packed (no padding) with the members reversed.
  const DType packed = CompoundBuilder()
                           .add("arr", DType::array(numeric_type<T>(kOther), {3}))
                           .add("k", DType::signed_integer(2, kOther))
                           .add("v", numeric_type<T>(kOther))
                           .build();
  CHECK(packed.size() == 4 * sizeof(T) + 2);
  int n = 0;
  for (const DType& stored : {t, packed}) {
    for (const Layout& l : layouts({4, 2})) {
      CAPTURE(stored.name());
      CAPTURE(l.label);
      Dataset d = f.create_dataset(h5t::cat("r", n++), stored, {6, 5}, l.opts);
      d.write(v);
      CHECK(d.template read<Rec<T>>() == v);
      CHECK(slab_of(d).template read<Rec<T>>() == slab_expected(v));
      CHECK(d.select(points()).template read<Rec<T>>() == points_expected(v));
      auto view = slab_of(d).template read<RecView>();
      auto expected = slab_expected(v);
      REQUIRE(view.size() == expected.size());
      for (std::size_t k = 0; k < view.size(); ++k) {
        CHECK(view[k].v == static_cast<double>(expected[k].v));
        CHECK(view[k].k == expected[k].k);
      }
    }
  }
  f.attrs().set("r", v[4]);
  CHECK(f.attrs().template read<Rec<T>>("r") == v[4]);
  f.attrs().set("rs", v);
  CHECK(f.attrs().template read<std::vector<Rec<T>>>("rs") == v);
  CHECK(f.attrs().template read<RecView>("r").k == v[4].k);
}

TEST_CASE("a TypeMapping whose DType size disagrees with sizeof(T) is type_mismatch") {
  CHECK(h5mem::dtype_for<Lying>().size() == 4u);
  const std::string name = h5t::mem_name("dt-lying");
  File f = File::create(name);
  CHECK_CODE(f.create_dataset<Lying>("l", {2}), ErrorCode::type_mismatch);
  CHECK_FALSE(f.contains("l"));
  Dataset d = f.create_dataset("d", DType::signed_integer(4), {2});
  CHECK_CODE(d.read<Lying>(), ErrorCode::type_mismatch);
  CHECK_CODE(d.write(std::vector<Lying>(2)), ErrorCode::type_mismatch);
  CHECK_CODE(f.attrs().set("l", Lying{1, 2}), ErrorCode::type_mismatch);
  CHECK_FALSE(f.attrs().contains("l"));
  CHECK(f.bytes_held() == 0u);
}

// ---------------------------------------------------------------------------------------------
// Enumerations.

TEST_CASE("enumerations over several integer bases; values by name across enums") {
  const DType color8 =
      DType::enumeration(DType::signed_integer(1), {{"RED", 0}, {"GREEN", 1}, {"BLUE", 2}});
  CHECK(color8.name() == "enum int8 {RED=0, GREEN=1, BLUE=2}");
  CHECK(color8.type_class() == TypeClass::enumeration);
  CHECK(color8.base() == DType::signed_integer(1));
  CHECK(color8.enum_values().size() == 3u);
  CHECK_FALSE(color8.is_boolean());
  CHECK_FALSE(color8 == DType::enumeration(DType::signed_integer(1),
                                           {{"RED", 0}, {"GREEN", 1}, {"BLUE", 3}}));

  const std::string name = h5t::mem_name("dt-enum");
  File f = File::create(name);
  struct BaseCase {
    DType base;
    std::vector<h5mem::EnumValue> values;
  };
  const BaseCase bases[] = {
      {DType::signed_integer(1), {{"LOW", -128}, {"MID", 0}, {"HIGH", 127}}},
      {DType::unsigned_integer(1), {{"LOW", 0}, {"MID", 100}, {"HIGH", 254}}},
      {DType::signed_integer(2, ByteOrder::big), {{"LOW", -30000}, {"MID", 6}, {"HIGH", 30000}}},
      {DType::unsigned_integer(4), {{"LOW", 1}, {"MID", 70000}, {"HIGH", 4000000000}}},
      {DType::signed_integer(8, kOther),
       {{"LOW", std::numeric_limits<std::int64_t>::min()}, {"MID", -2}, {"HIGH", 1LL << 40}}},
      {DType::unsigned_integer(8), {{"LOW", 0}, {"MID", 1LL << 62}, {"HIGH", (1LL << 62) + 5}}},
  };
  // (All-ones bits, what an unmatched value becomes, is not among the values.)
  // The target enum: same names, other values, another base.
  const DType target = DType::enumeration(DType::signed_integer(2),
                                          {{"HIGH", -7}, {"LOW", 11}, {"MID", 300}, {"X", 1}});
  int n = 0;
  for (const BaseCase& b : bases) {
    for (const Layout& l : layouts({2})) {
      CAPTURE(b.base.name());
      CAPTURE(l.label);
      const DType e = DType::enumeration(b.base, b.values);
      CHECK(e.size() == b.base.size());
      CHECK(e.byte_order() == b.base.byte_order());
      Dataset d = f.create_dataset(h5t::cat("e", n++), e, {5}, l.opts);
      // Written through the base type as int64 (for the uint64 base, as uint64).
      if (b.base.size() == 8 && !b.base.is_signed()) {
        const std::vector<std::uint64_t> raw = {0, (std::uint64_t{1} << 62) + 5,
                                                std::uint64_t{1} << 62, 0, 5};
        d.write(raw);
        CHECK(d.read<std::uint64_t>() == raw);
      } else {
        std::vector<std::int64_t> raw = {b.values[0].value, b.values[2].value, b.values[1].value,
                                         b.values[0].value, 5};
        d.write(raw);
        CHECK(d.read<std::int64_t>() == raw);
      }
      // By name into the target enum: LOW HIGH MID LOW <unmatched>.
      std::vector<std::int16_t> out(5);
      d.select({}).read_raw(target, out.data(), 5);
      CHECK(out == std::vector<std::int16_t>{11, -7, 300, 11, -1});
      // Selections.
      std::vector<std::int16_t> two(2);
      d.select({Hyperslab{1, 2, 2, 1}}).read_raw(target, two.data(), 2);
      CHECK(two == std::vector<std::int16_t>{-7, 11});
      d.select(Points{{2}, {1}}).read_raw(target, two.data(), 2);
      CHECK(two == std::vector<std::int16_t>{300, -7});
      // Writing from the target enum converts back by name; X has no counterpart.
      const std::vector<std::int16_t> back = {300, 11, -7, 1, -7};
      d.select({}).write_raw(target, back.data(), 5);
      d.select({}).read_raw(target, out.data(), 5);
      CHECK(out == std::vector<std::int16_t>{300, 11, -7, -1, -7});
      // Attributes.
      std::string araw(5 * e.size(), '\0');
      d.select({}).read_raw(e, araw.data(), 5);
      d.attrs().set_raw("e", e, Shape{5}, araw.data());
      std::vector<std::int16_t> aout(5);
      d.attrs().get("e").read_raw(target, aout.data(), 5);
      CHECK(aout == std::vector<std::int16_t>{300, 11, -7, -1, -7});
    }
  }

  // Unmatched values become all-ones bits of the destination (uint8: 255, int8: -1).
  const DType colors16 =
      DType::enumeration(DType::signed_integer(2), {{"RED", 0}, {"GREEN", 1}, {"BLUE", 2}});
  const DType rg_u8 = DType::enumeration(DType::unsigned_integer(1), {{"GREEN", 9}, {"RED", 8}});
  const DType rg_i8 = DType::enumeration(DType::signed_integer(1), {{"GREEN", 9}, {"RED", 8}});
  Dataset c = f.create_dataset("colors", colors16, {4});
  c.write(std::vector<std::int16_t>{2, 1, 0, 2});
  std::vector<std::uint8_t> u(4);
  c.select({}).read_raw(rg_u8, u.data(), 4);
  CHECK(u == std::vector<std::uint8_t>{255, 9, 8, 255});
  std::vector<std::int8_t> s(4);
  c.select({}).read_raw(rg_i8, s.data(), 4);
  CHECK(s == std::vector<std::int8_t>{-1, 9, 8, -1});
  // Enums read as integers through their base, and integers saturate into the base.
  CHECK(c.read<double>() == std::vector<double>{2, 1, 0, 2});
  Dataset e8 = f.create_dataset("color8", color8, {2});
  e8.write(std::vector<std::int32_t>{1000, -1000});
  CHECK(e8.read<std::int32_t>() == std::vector<std::int32_t>{127, -128});
}

// EnumValue gives values of uint64 bases above 2^63 wrapped (as negative int64); conversion
// by name must still store them as the unsigned values they stand for.
TEST_CASE("enum -> enum conversion into a uint64 base with values above 2^63") {
  const std::string name = h5t::mem_name("dt-enum-u64");
  File f = File::create(name);
  const DType big = DType::enumeration(DType::unsigned_integer(8), {{"ZERO", 0}, {"TOP", -2}});
  const DType small = DType::enumeration(DType::signed_integer(1), {{"TOP", 1}, {"ZERO", 2}});
  Dataset bu = f.create_dataset("big", big, {2});
  // Reading converts by name.
  bu.write(std::vector<std::uint64_t>{std::numeric_limits<std::uint64_t>::max() - 1, 0});
  std::int8_t read8[2] = {0, 0};
  bu.select({}).read_raw(small, read8, 2);
  CHECK(read8[0] == 1);
  CHECK(read8[1] == 2);
  // Writing converts by name too.
  bu.write(std::vector<std::uint64_t>{5, 5});
  const std::int8_t top_zero[2] = {1, 2};
  bu.select({}).write_raw(small, top_zero, 2);
  CHECK(bu.read<std::uint64_t>() ==
        std::vector<std::uint64_t>{std::numeric_limits<std::uint64_t>::max() - 1, 0});
  std::int8_t back8[2] = {0, 0};
  bu.select({}).read_raw(small, back8, 2);
  CHECK(back8[0] == 1);
  CHECK(back8[1] == 2);
}

TEST_CASE("enum definitions: duplicate values or names, values outside the base, bad bases") {
  const DType i8 = DType::signed_integer(1), u8 = DType::unsigned_integer(1);
  CHECK_CODE(DType::enumeration(i8, {{"A", 0}, {"B", 0}}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::enumeration(i8, {{"A", 0}, {"A", 1}}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::enumeration(i8, {{"", 0}}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::enumeration(i8, {{"A", 128}}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::enumeration(i8, {{"A", -129}}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::enumeration(u8, {{"A", 256}}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::enumeration(u8, {{"A", -1}}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::enumeration(DType::floating(4), {{"A", 0}}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::enumeration(DType::fixed_string(4), {{"A", 0}}), ErrorCode::invalid_argument);
  CHECK(DType::enumeration(i8, {{"A", -128}, {"B", 127}}).enum_values().size() == 2u);
  CHECK(DType::enumeration(u8, {{"A", 255}}).enum_values()[0].value == 255);
}

// ---------------------------------------------------------------------------------------------
// Arrays.

TEST_CASE("array types: float[3] element-wise, dims checked, invalid dims rejected") {
  const DType f3 = DType::array(DType::floating(4), {3});
  CHECK(f3.name() == "array[3] of float32");
  CHECK(f3.size() == 12u);
  CHECK(f3.type_class() == TypeClass::array);
  CHECK(f3.array_dims() == std::vector<std::uint64_t>{3});
  CHECK(f3.base() == DType::floating(4));
  CHECK(h5mem::dtype_for<Vec3>() == f3);
  CHECK(h5mem::dtype_for<float[3]>() == f3);
  CHECK(h5mem::dtype_for<std::array<float, 3>>() == f3);
  const DType i23 = DType::array(DType::signed_integer(2), {2, 3});
  CHECK(i23.name() == "array[2x3] of int16");
  CHECK(i23.size() == 12u);
  CHECK_FALSE(i23 == DType::array(DType::signed_integer(2), {3, 2}));
  CHECK_CODE(DType::array(DType::floating(4), {0}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::array(DType::floating(4), {3, 0}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::array(DType::floating(4), {}), ErrorCode::invalid_argument);
  CHECK_CODE(DType::array(DType::floating(4), std::vector<std::uint64_t>(33, 1)),
             ErrorCode::invalid_argument);
  CHECK(DType::array(DType::floating(4), std::vector<std::uint64_t>(32, 1)).size() == 4u);

  std::vector<Vec3> v;
  for (int i = 0; i < 30; ++i) v.push_back(Vec3{{i * 0.5f, -i * 1.0f, i * 1e30f}});
  const std::string name = h5t::mem_name("dt-array");
  File f = File::create(name);
  int n = 0;
  for (const DType& stored :
       {f3, DType::array(DType::floating(4, kOther), {3}), DType::array(DType::floating(8), {3})}) {
    for (const Layout& l : layouts({3, 3})) {
      CAPTURE(stored.name());
      CAPTURE(l.label);
      Dataset d = f.create_dataset(h5t::cat("a", n++), stored, {6, 5}, l.opts);
      d.write(v);
      CHECK(d.read<Vec3>() == v);
      CHECK(slab_of(d).read<Vec3>() == slab_expected(v));
      CHECK(d.select(points()).read<Vec3>() == points_expected(v));
      // Element-wise conversion to double[3].
      std::vector<double> dbl(30 * 3);
      d.select({}).read_raw(DType::array(DType::floating(8), {3}), dbl.data(), 30);
      for (int i = 0; i < 30; ++i) {
        CHECK(dbl[i * 3 + 0] == static_cast<double>(v[i].v[0]));
        CHECK(dbl[i * 3 + 2] == static_cast<double>(v[i].v[2]));
      }
      // Dimensions must agree: (1, 3) and (4) are other shapes.
      std::vector<float> buf(12);
      CHECK_CODE(d.select({0, 0}).read_raw(DType::array(DType::floating(4), {1, 3}), buf.data(), 1),
                 ErrorCode::type_mismatch);
      CHECK_CODE(d.select({0, 0}).read_raw(DType::array(DType::floating(4), {4}), buf.data(), 1),
                 ErrorCode::type_mismatch);
      CHECK_CODE(d.read<float>(), ErrorCode::type_mismatch);
    }
  }
  // Saturation inside arrays: double[3] -> int8[3].
  Dataset a = f.create_dataset("i8x3", DType::array(DType::signed_integer(1), {3}), {1});
  const double in[3] = {300.0, -1e9, 2.9};
  a.select({}).write_raw(DType::array(DType::floating(8), {3}), in, 1);
  std::int8_t out[3];
  a.select({}).read_raw(DType::array(DType::signed_integer(1), {3}), out, 1);
  CHECK(out[0] == 127);
  CHECK(out[1] == -128);
  CHECK(out[2] == 2);
  // 2-d array type, and attributes.
  Dataset m = f.create_dataset("m", i23, {2});
  const std::int16_t mv[12] = {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6};
  m.select({}).write_raw(i23, mv, 2);
  std::int32_t mo[6];
  m.select({1}).read_raw(DType::array(DType::signed_integer(4), {2, 3}), mo, 1);
  CHECK(mo[0] == -1);
  CHECK(mo[5] == -6);
  f.attrs().set("v", v[9]);
  CHECK(f.attrs().read<Vec3>("v") == v[9]);
  CHECK(f.attrs().get("v").dtype() == f3);
  f.attrs().set("vs", v);
  CHECK(f.attrs().read<std::vector<Vec3>>("vs") == v);
}

// ---------------------------------------------------------------------------------------------
// Opaque and bitfield.

TEST_CASE("opaque with a tag and bitfields round-trip; conversions need equal sizes and tags") {
  const DType op = DType::opaque(4, "blob");
  CHECK(op.type_class() == TypeClass::opaque);
  CHECK(op.tag() == "blob");
  CHECK(op.size() == 4u);
  CHECK(op.name() == "opaque[4] \"blob\"");
  CHECK_FALSE(op == DType::opaque(4, "other"));
  CHECK(DType::opaque(3).tag().empty());
  CHECK_CODE(DType::opaque(0, "x"), ErrorCode::invalid_argument);
  CHECK_CODE(DType::opaque(4, std::string(256, 't')), ErrorCode::invalid_argument);
  CHECK(DType::opaque(4, std::string(255, 't')).tag().size() == 255u);

  const DType bf_be = DType::bitfield(2, ByteOrder::big);
  const DType bf_le = DType::bitfield(2, ByteOrder::little);
  CHECK(bf_be.type_class() == TypeClass::bitfield);
  CHECK(bf_be.byte_order() == ByteOrder::big);
  CHECK_FALSE(bf_be == bf_le);
  CHECK(DType::bitfield(1).name() == "bitfield8");
  CHECK_CODE(DType::bitfield(3), ErrorCode::invalid_argument);
  CHECK_CODE(DType::bitfield(0), ErrorCode::invalid_argument);

  const std::string name = h5t::mem_name("dt-opaque");
  File f = File::create(name);
  std::string blobs;
  for (int i = 0; i < 30; ++i) blobs += std::string{char(i), char(0xff - i), '\0', char(0x80 | i)};
  int n = 0;
  for (const Layout& l : layouts({4, 4})) {
    CAPTURE(l.label);
    Dataset d = f.create_dataset(h5t::cat("o", n++), op, {6, 5}, l.opts);
    d.select({}).write_raw(op, blobs.data(), 30);
    std::string out(120, 'x');
    d.select({}).read_raw(op, out.data(), 30);
    CHECK(out == blobs);
    std::string sel(16, 'x');
    d.select(points()).read_raw(op, sel.data(), 4);
    std::string expected;
    for (std::size_t i : kPointIndex) expected += blobs.substr(i * 4, 4);
    CHECK(sel == expected);
    std::string slab(48, 'x');
    slab_of(d).read_raw(op, slab.data(), 12);
    expected.clear();
    for (std::size_t r : kSlabRows)
      for (std::size_t c : kSlabCols) expected += blobs.substr((r * kCols + c) * 4, 4);
    CHECK(slab == expected);
    CHECK_CODE(d.select({}).read_raw(DType::opaque(4, "other"), out.data(), 30),
               ErrorCode::type_mismatch);
    CHECK_CODE(d.select({0, 0}).read_raw(DType::opaque(2, "blob"), out.data(), 1),
               ErrorCode::type_mismatch);
    CHECK_CODE(d.read<std::uint32_t>(), ErrorCode::type_mismatch);

    Dataset b = f.create_dataset(h5t::cat("b", n++), bf_be, {6, 5}, l.opts);
    std::vector<std::uint16_t> bits;
    for (int i = 0; i < 30; ++i) bits.push_back(static_cast<std::uint16_t>(0x0102 * i + 1));
    // Raw bytes in the stored (big-endian) order.
    std::string be;
    for (auto x : bits) be += bytes_of(x, ByteOrder::big);
    b.select({}).write_raw(bf_be, be.data(), 30);
    std::string be_out(60, 'x');
    b.select({}).read_raw(bf_be, be_out.data(), 30);
    CHECK(be_out == be);
    // Bitfields convert across byte orders (bytes swapped), not to integers or other sizes.
    std::vector<std::uint16_t> native(30);
    b.select({}).read_raw(DType::bitfield(2), native.data(), 30);
    CHECK(native == bits);
    std::vector<std::uint16_t> sel2(4);
    b.select(points()).read_raw(DType::bitfield(2), sel2.data(), 4);
    CHECK(sel2 == points_expected(bits));
    CHECK_CODE(b.read<std::uint16_t>(), ErrorCode::type_mismatch);
    CHECK_CODE(b.select({0, 0}).read_raw(DType::bitfield(4), native.data(), 1),
               ErrorCode::type_mismatch);
  }
  f.attrs().set_raw("o", op, Shape{2}, blobs.data());
  std::string aout(8, 'x');
  f.attrs().get("o").read_raw(op, aout.data(), 2);
  CHECK(aout == blobs.substr(0, 8));
  CHECK(f.attrs().get("o").dtype().tag() == "blob");
  CHECK_CODE(f.attrs().get("o").read_raw(DType::opaque(4, "x"), aout.data(), 2),
             ErrorCode::type_mismatch);
  const std::uint16_t one = 0x1234;
  f.attrs().set_raw("b", DType::bitfield(2), Shape{}, &one);
  std::string bb(2, 'x');
  f.attrs().get("b").read_raw(DType::bitfield(2, kOther), bb.data(), 1);
  CHECK(bb == bytes_of(one, kOther));
}

// ---------------------------------------------------------------------------------------------
// Fill values.

TEST_CASE_TEMPLATE("fill values of each numeric type, in both orders and both layouts", T,
                   H5T_NUMERIC_TYPES) {
  const std::string name = h5t::mem_name("dt-fill");
  File f = File::create(name);
  const T fill = std::numeric_limits<T>::max();
  int n = 0;
  for (ByteOrder o : {ByteOrder::little, ByteOrder::big}) {
    for (const Layout& l : layouts({2, 2})) {
      CAPTURE(order_label(o));
      CAPTURE(l.label);
      DatasetOptions opts = l.opts;
      opts.fill_value(fill);
      const DType t = numeric_type<T>(o);
      Dataset d = f.create_dataset(h5t::cat("f", n++), t, {6, 5}, opts);
      CHECK(d.template read<T>() == std::vector<T>(30, fill));
      std::string raw(sizeof(T), '\0');
      d.select({5, 4}).read_raw(t, raw.data(), 1);
      CHECK(raw == bytes_of(fill, o));
      slab_of(d).write(std::vector<T>(12, T(1)));
      std::vector<T> expected(30, fill);
      for (std::size_t r : kSlabRows)
        for (std::size_t c : kSlabCols) expected[r * kCols + c] = T(1);
      CHECK(d.template read<T>() == expected);
      CHECK(d.select(points()).template read<T>() == points_expected(expected));
    }
  }
  // The fill value converts to the dataset's type (saturating like any conversion).
  Dataset s = f.create_dataset<std::int8_t>("sat", {3}, DatasetOptions{}.fill_value(1e9));
  CHECK(s.read<std::int8_t>() == std::vector<std::int8_t>(3, 127));
  Dataset h = f.create_dataset("half", DType::floating(2), {2}, DatasetOptions{}.fill_value(fill));
  if constexpr (sizeof(T) >= 2 && !std::is_same_v<T, std::int16_t>) {
    CHECK(h.read<float>() == std::vector<float>(2, std::numeric_limits<float>::infinity()));
  }
}

TEST_CASE("fill values of every other fixed-size class, incl. compound fills via fill_value_raw") {
  const std::string name = h5t::mem_name("dt-fill-classes");
  File f = File::create(name);
  int n = 0;
  for (const Layout& l : layouts({2})) {
    CAPTURE(l.label);
    auto with = [&](DatasetOptions o) {
      DatasetOptions x = l.opts;
      if (o.fill_type()) x.fill_value_raw(*o.fill_type(), o.fill_bytes().data());
      return x;
    };
    auto path = [&] { return h5t::cat("d", n++); };
    // Each dataset has 5 elements; element 1 is written, the rest read as the fill value.
    Dataset h =
        f.create_dataset<Float16>(path(), {5}, with(DatasetOptions{}.fill_value(Float16(0.1f))));
    h.select({1}).write(std::vector<Float16>{Float16(2.0f)});
    CHECK(bits_of(h.read<Float16>()) ==
          std::vector<std::uint16_t>{0x2e66, 0x4000, 0x2e66, 0x2e66, 0x2e66});

    Dataset b = f.create_dataset<bool>(path(), {5}, with(DatasetOptions{}.fill_value(true)));
    b.select({1}).write(std::vector<std::int8_t>{0});
    CHECK(b.read<std::int8_t>() == std::vector<std::int8_t>{1, 0, 1, 1, 1});

    Dataset c = f.create_dataset<std::complex<double>>(
        path(), {5}, with(DatasetOptions{}.fill_value(std::complex<float>(1.5f, -2.0f))));
    c.select({1}).write(std::vector<std::complex<double>>{{0, 0}});
    CHECK(c.read<std::complex<double>>() ==
          std::vector<std::complex<double>>{{1.5, -2}, {0, 0}, {1.5, -2}, {1.5, -2}, {1.5, -2}});

    const DType fs = DType::fixed_string(4, StringPad::space_pad);
    Dataset s = f.create_dataset(path(), fs, {5},
                                 with(DatasetOptions{}.fill_value_raw(
                                     DType::fixed_string(6, StringPad::null_pad), "ab\0\0\0\0")));
    s.select({1}).write(std::vector<std::string>{"xyz"});
    CHECK(s.read<std::string>() == std::vector<std::string>{"ab", "xyz", "ab", "ab", "ab"});
    std::string sraw(4, 'x');
    s.select({4}).read_raw(fs, sraw.data(), 1);
    CHECK(sraw == "ab  ");

    // Compound fill given as a mapped struct, converted by name into a packed stored type.
    const DType packed = CompoundBuilder()
                             .add("id", DType::signed_integer(2))
                             .add("x", DType::floating(4))
                             .add("tag", DType::fixed_string(3, StringPad::null_terminate))
                             .add("y", DType::floating(8))
                             .build();
    const Particle pf = particle(0.5, -4.0, -9, "fill");
    Dataset p =
        f.create_dataset(path(), packed, {5},
                         with(DatasetOptions{}.fill_value_raw(h5mem::dtype_for<Particle>(), &pf)));
    p.select({1}).write(std::vector<Particle>{particle(1, 2, 3, "w")});
    auto pv = p.read<Particle>();
    REQUIRE(pv.size() == 5u);
    CHECK(pv[1] == particle(1, 2, 3, "w"));
    CHECK(pv[0] == particle(0.5, -4.0, -9, "fi"));  // tag truncated to string[3] null_terminate
    CHECK(pv[4] == pv[0]);

    const DType e = DType::enumeration(DType::unsigned_integer(1), {{"A", 3}, {"B", 7}});
    const std::uint8_t seven = 7;
    Dataset en = f.create_dataset(path(), e, {5}, with(DatasetOptions{}.fill_value_raw(e, &seven)));
    CHECK(en.read<std::int32_t>() == std::vector<std::int32_t>(5, 7));

    const Vec3 vf{{1, 2, 3}};
    Dataset a =
        f.create_dataset(path(), DType::array(DType::floating(8), {3}), {5},
                         with(DatasetOptions{}.fill_value_raw(h5mem::dtype_for<Vec3>(), &vf)));
    a.select({1}).write(std::vector<Vec3>{Vec3{{4, 5, 6}}});
    CHECK(a.read<Vec3>() == std::vector<Vec3>{vf, Vec3{{4, 5, 6}}, vf, vf, vf});

    const DType op = DType::opaque(3, "t");
    Dataset o = f.create_dataset(path(), op, {5},
                                 with(DatasetOptions{}.fill_value_raw(op, "\x01\x02\x03")));
    std::string oraw(15, 'x');
    o.select({}).read_raw(op, oraw.data(), 5);
    CHECK(oraw == "\x01\x02\x03\x01\x02\x03\x01\x02\x03\x01\x02\x03\x01\x02\x03");

    const std::uint16_t bits = 0xabcd;
    Dataset bf = f.create_dataset(path(), DType::bitfield(2, kOther), {5},
                                  with(DatasetOptions{}.fill_value_raw(DType::bitfield(2), &bits)));
    std::vector<std::uint16_t> bfo(5);
    bf.select({}).read_raw(DType::bitfield(2), bfo.data(), 5);
    CHECK(bfo == std::vector<std::uint16_t>(5, 0xabcd));
  }
  // Chunked datasets that grow expose the fill value in the new elements.
  const Particle gp = particle(7, 8, 9, "g");
  Dataset g = f.create_dataset<Particle>("grow", {2},
                                         DatasetOptions{}
                                             .chunks({2})
                                             .max_shape({h5mem::unlimited})
                                             .fill_value_raw(h5mem::dtype_for<Particle>(), &gp));
  g.write(std::vector<Particle>{particle(1, 1, 1, "a"), particle(2, 2, 2, "b")});
  g.resize({5});
  CHECK(g.read<Particle>() == std::vector<Particle>{particle(1, 1, 1, "a"), particle(2, 2, 2, "b"),
                                                    particle(7, 8, 9, "g"), particle(7, 8, 9, "g"),
                                                    particle(7, 8, 9, "g")});

  // Fill values that do not convert are type_mismatch; nothing is created.
  CHECK_CODE(f.create_dataset("bad1", DType::fixed_string(4), {2}, DatasetOptions{}.fill_value(1)),
             ErrorCode::type_mismatch);
  CHECK_CODE(f.create_dataset<std::int32_t>(
                 "bad2", {2}, DatasetOptions{}.fill_value_raw(DType::fixed_string(1), "1")),
             ErrorCode::type_mismatch);
  const OuterView ov{};
  CHECK_CODE(f.create_dataset<Outer>(
                 "bad3", {2}, DatasetOptions{}.fill_value_raw(h5mem::dtype_for<OuterView>(), &ov)),
             ErrorCode::type_mismatch);
  CHECK_CODE(f.create_dataset("bad4", DType::opaque(4, "a"), {2},
                              DatasetOptions{}.fill_value_raw(DType::opaque(4, "b"), "abcd")),
             ErrorCode::type_mismatch);
  CHECK_FALSE(f.contains("bad1"));
  CHECK_FALSE(f.contains("bad2"));
  CHECK_FALSE(f.contains("bad3"));
  CHECK_FALSE(f.contains("bad4"));
}

// ---------------------------------------------------------------------------------------------
// The conversion matrix.

namespace {

// One value of one type, as bytes.
struct Val {
  DType type;
  std::string bytes;
  std::string text;
};

template <class T>
Val num(T x) {
  std::ostringstream os;
  os << h5mem::dtype_of<T>().name() << ' ' << std::setprecision(17) << +x;
  return Val{h5mem::dtype_of<T>(), bytes_of(x), os.str()};
}
Val half(std::uint16_t bits) {
  std::ostringstream os;
  os << "float16 bits 0x" << std::hex << bits;
  return Val{DType::floating(2), bytes_of(bits), os.str()};
}
// An integer of `size` bytes from the low bytes of `bits`.
Val integer(std::size_t size, bool is_signed, std::uint64_t bits) {
  std::ostringstream os;
  const DType t = is_signed ? DType::signed_integer(size) : DType::unsigned_integer(size);
  std::string b(8, '\0');
  std::memcpy(b.data(), &bits, 8);
  if (h5mem::native_order == ByteOrder::big) std::reverse(b.begin(), b.end());
  b = h5mem::native_order == ByteOrder::little ? b.substr(0, size) : b.substr(8 - size);
  os << t.name() << " bits 0x" << std::hex << bits;
  return Val{t, b, os.str()};
}

// The same value in the other byte order (numeric types only).
Val flipped(const Val& v) {
  const DType& t = v.type;
  const ByteOrder o = t.byte_order() == ByteOrder::little ? ByteOrder::big : ByteOrder::little;
  DType u = t.type_class() == TypeClass::floating
                ? DType::floating(t.size(), o)
                : (t.is_signed() ? DType::signed_integer(t.size(), o)
                                 : DType::unsigned_integer(t.size(), o));
  std::string b = v.bytes;
  std::reverse(b.begin(), b.end());
  return Val{u, b, v.text + (o == ByteOrder::big ? " (as big-endian)" : " (as little-endian)")};
}

bool is_nan(const Val& v, const std::string& bytes) {
  if (v.type.type_class() != TypeClass::floating) return false;
  std::string b = bytes;
  if (v.type.byte_order() != h5mem::native_order) std::reverse(b.begin(), b.end());
  if (v.type.size() == 2) {
    std::uint16_t h;
    std::memcpy(&h, b.data(), 2);
    return (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0;
  }
  if (v.type.size() == 4) {
    float x;
    std::memcpy(&x, b.data(), 4);
    return std::isnan(x);
  }
  double x;
  std::memcpy(&x, b.data(), 8);
  return std::isnan(x);
}

struct Row {
  Val src, dst;
  bool flip = true;  // also check every byte-order combination
};

std::vector<Row> conversion_rows() {
  using i64 = std::int64_t;
  using u64 = std::uint64_t;
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const float finf = std::numeric_limits<float>::infinity();
  std::vector<Row> rows;
  auto add = [&](Val s, Val d) { rows.push_back(Row{std::move(s), std::move(d)}); };

  // Saturation at every integer width, from every source kind.
  for (std::size_t size : {1, 2, 4, 8}) {
    const int bits = static_cast<int>(size * 8);
    const i64 smax = bits == 64 ? std::numeric_limits<i64>::max() : (i64{1} << (bits - 1)) - 1;
    const i64 smin = -smax - 1;
    const u64 umax = bits == 64 ? std::numeric_limits<u64>::max() : (u64{1} << bits) - 1;
    auto S = [&](i64 x) { return integer(size, true, static_cast<u64>(x)); };
    auto U = [&](u64 x) { return integer(size, false, x); };
    // signed destination
    add(num(std::numeric_limits<i64>::max()), S(smax));
    add(num(std::numeric_limits<i64>::min()), S(smin));
    add(num(std::numeric_limits<u64>::max()), S(smax));
    add(num(i64{-1}), S(-1));
    add(num(std::int8_t{-128}), S(-128));
    add(num(std::uint8_t{255}), S(size == 1 ? 127 : 255));
    add(num(1e300), S(smax));
    add(num(-1e300), S(smin));
    add(num(inf), S(smax));
    add(num(-inf), S(smin));
    add(num(nan), S(0));
    add(num(static_cast<float>(nan)), S(0));
    add(num(2.9), S(2));
    add(num(-2.9), S(-2));
    add(num(-0.9), S(0));
    add(num(3e38f), S(smax));
    add(num(-3e38f), S(smin));
    if (size < 8) {
      add(num(smax + i64{1}), S(smax));
      add(num(smin - i64{1}), S(smin));
      add(num(static_cast<u64>(smax) + 1), S(smax));
      add(num(static_cast<double>(smax) + 0.75), S(smax));
      add(num(static_cast<double>(smin) - 0.75), S(smin));
      add(num(static_cast<double>(smax) - 0.25), S(smax - 1));  // truncation toward zero
      add(num(static_cast<double>(smin) + 0.25), S(smin + 1));
      add(num(static_cast<double>(smax) + 1.0), S(smax));
    }
    // unsigned destination
    add(num(i64{-1}), U(0));
    add(num(std::int8_t{-128}), U(0));
    add(num(std::numeric_limits<i64>::min()), U(0));
    add(num(std::numeric_limits<i64>::max()),
        U(size == 8 ? static_cast<u64>(std::numeric_limits<i64>::max()) : umax));
    add(num(std::numeric_limits<u64>::max()), U(umax));
    add(num(-0.9), U(0));
    add(num(-1e300), U(0));
    add(num(1e300), U(umax));
    add(num(nan), U(0));
    add(num(inf), U(umax));
    add(num(-inf), U(0));
    add(num(2.9), U(2));
    add(num(-5.0f), U(0));
    if (size < 8) {
      add(num(static_cast<double>(umax) + 1.0), U(umax));
      add(num(static_cast<double>(umax) + 0.5), U(umax));
      add(num(static_cast<double>(umax) - 0.5), U(umax - 1));
      add(num(static_cast<u64>(umax) + 1), U(umax));
    }
  }
  // Exact integer widening and narrowing.
  add(num(std::int8_t{-5}), num(i64{-5}));
  add(num(std::uint32_t{4000000000u}), num(i64{4000000000}));
  add(num(std::uint32_t{4000000000u}), num(std::int32_t{2147483647}));
  add(num(std::int16_t{-129}), num(std::int8_t{-128}));
  add(num(std::uint16_t{65535}), num(std::int16_t{32767}));
  add(num(std::int16_t{-1}), num(std::uint16_t{0}));
  add(num(std::uint64_t{1} << 63), num(std::numeric_limits<i64>::max()));

  // float -> integer at the 64-bit edges.
  add(num(9223372036854774784.0), num(i64{9223372036854774784}));  // largest double < 2^63
  add(num(9223372036854775808.0), num(std::numeric_limits<i64>::max()));
  add(num(-9223372036854775808.0), num(std::numeric_limits<i64>::min()));
  add(num(18446744073709549568.0), num(u64{18446744073709549568ull}));  // 2^64 - 2048
  add(num(18446744073709551616.0), num(std::numeric_limits<u64>::max()));
  add(num(3e9f), num(std::numeric_limits<std::int32_t>::max()));
  add(num(3e9f), num(std::uint32_t{3000000000u}));
  add(num(2147483647.5), num(std::int32_t{2147483647}));
  add(num(-2147483648.9), num(std::numeric_limits<std::int32_t>::min()));
  add(num(4294967295.9), num(std::numeric_limits<std::uint32_t>::max()));

  // integer -> float rounds to nearest (once).
  add(num(std::int32_t{16777217}), num(16777216.0f));
  add(num(std::int32_t{16777219}), num(16777220.0f));
  add(num(std::numeric_limits<u64>::max()), num(18446744073709551616.0f));
  add(num(std::numeric_limits<u64>::max()), num(18446744073709551616.0));
  add(num(std::numeric_limits<i64>::max()), num(9223372036854775808.0));
  add(num((i64{1} << 53) + 1), num(9007199254740992.0));
  // 2^53 + 2^29 + 1: a single rounding to float gives 2^53 + 2^30; rounding through double
  // first would give 2^53.
  add(num((i64{1} << 53) + (i64{1} << 29) + 1), num(9007200328482816.0f));
  add(num(std::int8_t{-7}), num(-7.0f));

  // double -> float: overflow to infinity, rounding, underflow.
  const double fmax = std::numeric_limits<float>::max();
  add(num(1e40), num(finf));
  add(num(-1e40), num(-finf));
  add(num(std::ldexp(1.0, 128)), num(finf));
  add(num(fmax), num(std::numeric_limits<float>::max()));
  add(num(fmax + std::ldexp(1.0, 102)), num(std::numeric_limits<float>::max()));  // below half
  add(num(fmax + std::ldexp(1.0, 103)), num(finf));  // halfway: ties to even (up)
  add(num(-(fmax + std::ldexp(1.0, 102))), num(-std::numeric_limits<float>::max()));
  add(num(0.1), num(0.1f));
  add(num(1.0 / 3.0), num(1.0f / 3.0f));
  add(num(1e-50), num(0.0f));
  add(num(-1e-50), num(-0.0f));
  add(num(inf), num(finf));
  add(num(nan), num(std::numeric_limits<float>::quiet_NaN()));
  add(num(0.1f), num(static_cast<double>(0.1f)));
  add(num(-finf), num(-inf));

  // -> float16.
  add(num(65520.0), half(0x7c00));
  add(num(65519.0), half(0x7bff));
  add(num(65504.0), half(0x7bff));
  add(num(-65520.0), half(0xfc00));
  add(num(1e10), half(0x7c00));
  add(num(1.0 / 3.0), half(0x3555));
  add(num(0.1f), half(0x2e66));
  add(num(65520.0f), half(0x7c00));
  add(num(std::ldexp(1.0, -14)), half(0x0400));
  add(num(std::ldexp(1.0, -24)), half(0x0001));
  add(num(std::ldexp(1.0, -25)), half(0x0000));
  add(num(std::ldexp(3.0, -26)), half(0x0001));  // 0.75 ulp
  add(num(std::ldexp(3.0, -25)), half(0x0002));
  add(num(std::ldexp(5.0, -25)), half(0x0002));
  add(num(1e-8), half(0x0000));
  add(num(-1e-8), half(0x8000));
  add(num(1.0 + std::ldexp(1.0, -11)), half(0x3c00));
  add(num(1.0 + std::ldexp(3.0, -11)), half(0x3c02));
  add(num(1.0 + std::ldexp(1.0, -10)), half(0x3c01));
  add(num(inf), half(0x7c00));
  add(num(-inf), half(0xfc00));
  add(num(nan), half(0x7e00));
  add(num(std::int32_t{65504}), half(0x7bff));
  add(num(std::int32_t{70000}), half(0x7c00));
  add(num(std::int32_t{-70000}), half(0xfc00));
  add(num(std::int32_t{2049}), half(0x6800));
  add(num(std::int32_t{2051}), half(0x6802));
  add(num(std::numeric_limits<u64>::max()), half(0x7c00));
  add(num(std::uint8_t{255}), half(0x5bf8));

  // float16 ->.
  add(half(0x7bff), num(65504.0f));
  add(half(0x7bff), num(65504.0));
  add(half(0x0001), num(5.9604644775390625e-08));
  add(half(0x3555), num(0.333251953125f));
  add(half(0xfc00), num(-finf));
  add(half(0x7e00), num(std::numeric_limits<float>::quiet_NaN()));
  add(half(0x7c00), num(std::int8_t{127}));
  add(half(0x7c00), num(std::uint16_t{65535}));
  add(half(0xfc00), num(std::numeric_limits<std::int32_t>::min()));
  add(half(0x7bff), num(std::int16_t{32767}));
  add(half(0x4d00), num(std::uint8_t{20}));
  add(half(0xc500), num(std::uint8_t{0}));
  add(half(0xc500), num(std::int8_t{-5}));
  add(half(0x3c00), num(i64{1}));
  add(half(0x3800), num(std::int32_t{0}));
  add(half(0xbbff), num(std::int32_t{0}));  // -0.99951171875 truncates to 0
  add(half(0x7e00), num(std::int16_t{0}));

  // Explicit big-endian bytes.
  rows.push_back(Row{
      Val{DType::signed_integer(4, ByteOrder::big), "\x01\x02\x03\x04"s, "int32 BE 01 02 03 04"},
      num(std::int32_t{0x01020304}), false});
  rows.push_back(
      Row{Val{DType::floating(8, ByteOrder::big), "\x3f\xf8\0\0\0\0\0\0"s, "float64 BE 1.5"},
          num(1.5f), false});
  rows.push_back(Row{num(std::uint16_t{65535}),
                     Val{DType::signed_integer(2, ByteOrder::big), "\x7f\xff"s, "int16 BE 32767"},
                     false});
  rows.push_back(
      Row{num(-2.0), Val{DType::floating(2, ByteOrder::big), "\xc0\x00"s, "float16 BE -2"}, false});
  // Enums and bool through their base.
  const DType ab = DType::enumeration(DType::signed_integer(1), {{"A", 1}, {"B", 2}});
  rows.push_back(Row{Val{ab, "\x02", "enum B"}, num(std::int32_t{2}), false});
  rows.push_back(Row{num(std::int32_t{1000}), Val{ab, "\x7f", "enum int8 127"}, false});
  rows.push_back(Row{num(1.7), Val{DType::boolean(), "\x01", "bool TRUE"}, false});
  rows.push_back(Row{Val{DType::boolean(), "\x01", "bool TRUE"}, num(std::uint64_t{1}), false});
  return rows;
}

}  // namespace

TEST_CASE("conversion matrix: (type, value) -> (type, expected) in datasets and attributes") {
  const std::vector<Row> rows = conversion_rows();
  CHECK(rows.size() > 200u);
  const std::string name = h5t::mem_name("dt-matrix");
  File f = File::create(name);
  int n = 0;
  int checked = 0;
  auto check = [&](const Val& src, const Val& dst) {
    CAPTURE(src.text);
    CAPTURE(dst.text);
    auto same = [&](const std::string& got, const char* how) {
      const bool ok = is_nan(dst, dst.bytes) ? is_nan(dst, got) : got == dst.bytes;
      CHECK_MESSAGE(ok, how, ": ", src.text, " -> ", dst.type.name(), ": expected ", hex(dst.bytes),
                    " (", dst.text, "), got ", hex(got));
    };
    std::string got(dst.type.size(), 'x');
    // Stored as the source type; the read converts.
    Dataset a = f.create_dataset(h5t::cat("m", n++), src.type, {1});
    a.select({}).write_raw(src.type, src.bytes.data(), 1);
    a.select({}).read_raw(dst.type, got.data(), 1);
    same(got, "dataset read");
    // Stored as the destination type; the write converts.
    Dataset b = f.create_dataset(h5t::cat("m", n++), dst.type, {1});
    b.select({}).write_raw(src.type, src.bytes.data(), 1);
    got.assign(dst.type.size(), 'x');
    b.select({}).read_raw(dst.type, got.data(), 1);
    same(got, "dataset write");
    // Attribute read.
    const std::string an = h5t::cat("a", n);
    f.attrs().set_raw(an, src.type, Shape{}, src.bytes.data());
    got.assign(dst.type.size(), 'x');
    f.attrs().get(an).read_raw(dst.type, got.data(), 1);
    same(got, "attribute read");
    ++checked;
  };
  for (const Row& r : rows) {
    check(r.src, r.dst);
    if (r.flip) {
      check(flipped(r.src), r.dst);
      check(r.src, flipped(r.dst));
      check(flipped(r.src), flipped(r.dst));
    }
  }
  CHECK(checked > 800);
}

// ---------------------------------------------------------------------------------------------
// Mismatches.

TEST_CASE("strings and numbers do not convert: type_mismatch naming both types") {
  const std::string name = h5t::mem_name("dt-strnum");
  File f = File::create(name);
  Dataset s = f.create_dataset("s", DType::fixed_string(8), {2});
  s.write(std::vector<std::string>{"12", "34"});
  CHECK_CODE_MSG(s.read<std::int32_t>(), ErrorCode::type_mismatch, name, "/s", "string[8]",
                 "int32");
  CHECK_CODE_MSG(s.write(std::vector<double>{1, 2}), ErrorCode::type_mismatch, "string[8]",
                 "float64");
  CHECK(s.read<std::string>() == std::vector<std::string>{"12", "34"});
  Dataset i = f.create_dataset<std::int32_t>("i", {2});
  CHECK_CODE_MSG(i.select({}).read_raw(DType::fixed_string(4), std::string(8, ' ').data(), 2),
                 ErrorCode::type_mismatch, "string[4]", "int32");
  CHECK_CODE_MSG(i.select({}).write_raw(DType::fixed_string(4), "1234abcd", 2),
                 ErrorCode::type_mismatch, "string[4]", "int32");
  CHECK_CODE_MSG(i.read<std::string>(), ErrorCode::type_mismatch, "int32", "string");
  CHECK_CODE_MSG(i.write(std::vector<std::string>{"1", "2"}), ErrorCode::type_mismatch, "int32",
                 "string");
  CHECK(i.read<std::int32_t>() == std::vector<std::int32_t>{0, 0});
  // Compounds, enums and arrays do not convert to strings either.
  CHECK_CODE(s.read<Particle>(), ErrorCode::type_mismatch);
  CHECK_CODE(s.read<Vec3>(), ErrorCode::type_mismatch);
  std::int8_t flags[2];
  CHECK_CODE(s.select({}).read_raw(DType::boolean(), flags, 2), ErrorCode::type_mismatch);

  f.attrs().set_raw("fs", DType::fixed_string(3), Shape{}, "abc");
  std::int32_t x = 0;
  CHECK_CODE_MSG(f.attrs().get("fs").read_raw(h5mem::dtype_of<std::int32_t>(), &x, 1),
                 ErrorCode::type_mismatch, name, "string[3]", "int32");
  CHECK_CODE_MSG(f.attrs().read<double>("fs"), ErrorCode::type_mismatch, "string[3]", "float64");
  f.attrs().set("n", 5);
  std::string buf(3, ' ');
  CHECK_CODE_MSG(f.attrs().get("n").read_raw(DType::fixed_string(3), buf.data(), 1),
                 ErrorCode::type_mismatch, "int32", "string[3]");
}
