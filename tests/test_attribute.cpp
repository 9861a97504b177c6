// Attributes on files, groups and datasets: numeric scalars and 1-d arrays, strings.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "test_util.hpp"

using h5mem::DType;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Mode;
using h5mem::Shape;

namespace {
// The three kinds of object that carry attributes.
struct Owners {
  File f;
  h5mem::Group g;
  h5mem::Dataset d;
};
Owners make_owners(const std::string& name) {
  File f = File::create(name);
  auto g = f.create_group("grp");
  auto d = f.create_dataset<float>("grp/data", {2});
  return {f, g, d};
}
}  // namespace

TEST_CASE_TEMPLATE("numeric scalar and 1-d attributes round-trip on file, group and dataset", T,
                   H5T_NUMERIC_TYPES) {
  const std::string name = h5t::mem_name("attr-numeric");
  Owners o = make_owners(name);
  const T lo = std::numeric_limits<T>::lowest();
  const T hi = std::numeric_limits<T>::max();
  const std::vector<T> arr = {lo, T(0), T(1), hi, T(7)};

  std::uint64_t expected_bytes = 0;
  for (const h5mem::AttributeSet& attrs : {o.f.attrs(), o.g.attrs(), o.d.attrs()}) {
    attrs.set("lo", lo);
    attrs.set("hi", hi);
    attrs.set("arr", arr);
    attrs.set("one", std::vector<T>{T(5)});
    attrs.set("empty", std::vector<T>{});
    expected_bytes += 2 * sizeof(T) + arr.size() * sizeof(T) + sizeof(T);

    CHECK(attrs.read<T>("lo") == lo);
    CHECK(attrs.read<T>("hi") == hi);
    CHECK(attrs.read<std::vector<T>>("arr") == arr);
    CHECK(attrs.read<std::vector<T>>("empty").empty());

    auto a = attrs.get("hi");
    CHECK(a.name() == "hi");
    CHECK(a.dtype() == h5mem::dtype_of<T>());
    CHECK(a.shape() == Shape{});
    CHECK(a.read<T>() == hi);
    // A std::vector<T> accepts a scalar; a scalar T accepts a 1-element array.
    CHECK(a.read<std::vector<T>>() == std::vector<T>{hi});
    CHECK(attrs.read<T>("one") == T(5));

    auto b = attrs["arr"];
    CHECK(b.name() == "arr");
    CHECK(b.dtype() == h5mem::dtype_of<T>());
    CHECK(b.shape() == Shape{5});
    CHECK(attrs.get("empty").shape() == Shape{0});
    // A scalar T does not accept a 5-element array.
    CHECK_CODE(b.read<T>(), ErrorCode::type_mismatch);

    // Raw reads must match the stored type and element count exactly.
    std::vector<T> raw(5);
    b.read_raw(h5mem::dtype_of<T>(), raw.data(), 5);
    CHECK(raw == arr);
    std::vector<T> too_small(4);
    CHECK_CODE(b.read_raw(h5mem::dtype_of<T>(), too_small.data(), 4), ErrorCode::type_mismatch);

    CHECK(attrs.list() == std::vector<std::string>{"arr", "empty", "hi", "lo", "one"});
  }
  CHECK(o.f.bytes_held() == expected_bytes);
}

// The core issue made every other numeric type a type_mismatch; the datatype issue replaced that
// with conversion ("converting as dataset reads do"), so this checks the conversion of small
// exact values and that strings and numbers never mix.
TEST_CASE_TEMPLATE("numeric attributes convert on read; strings and numbers are type_mismatch", T,
                   H5T_NUMERIC_TYPES) {
  const std::string name = h5t::mem_name("attr-mismatch");
  File f = File::create(name);
  f.attrs().set("x", T(3));
  f.attrs().set("v", std::vector<T>{T(1), T(2)});
  int converted = 0;
  h5t::for_each_numeric([&]<class U>() {
    CHECK(f.attrs().read<U>("x") == U(3));
    CHECK(f.attrs().read<std::vector<U>>("v") == std::vector<U>{U(1), U(2)});
    ++converted;
  });
  CHECK(converted == 10);
  CHECK(f.attrs().get("x").dtype() == h5mem::dtype_of<T>());  // the stored type stays

  CHECK_CODE_MSG(f.attrs().read<std::string>("x"), ErrorCode::type_mismatch, name);
  CHECK_CODE(f.attrs().read<std::vector<std::string>>("v"), ErrorCode::type_mismatch);
  f.attrs().set("s", std::string("3"));
  CHECK_CODE_MSG(f.attrs().read<T>("s"), ErrorCode::type_mismatch, name);
  CHECK_CODE(f.attrs().read<std::vector<T>>("s"), ErrorCode::type_mismatch);
  CHECK(f.attrs().read<T>("x") == T(3));
}

TEST_CASE("string attributes") {
  const std::string name = h5t::mem_name("attr-string");
  Owners o = make_owners(name);
  o.f.attrs().set("title", std::string("hello world"));
  o.g.attrs().set("literal", "from a literal");
  o.d.attrs().set("empty", std::string());
  o.d.attrs().set("utf8", std::string("gr\xc3\xbc\xc3\x9f"));
  const std::vector<std::string> list = {"a", "bb", "", "dddd"};
  o.d.attrs().set("list", list);

  CHECK(o.f.attrs().read<std::string>("title") == "hello world");
  CHECK(o.g.attrs().read<std::string>("literal") == "from a literal");
  CHECK(o.d.attrs().read<std::string>("empty").empty());
  CHECK(o.d.attrs().read<std::string>("utf8") == "gr\xc3\xbc\xc3\x9f");
  CHECK(o.d.attrs().read<std::vector<std::string>>("list") == list);

  auto t = o.f.attrs().get("title");
  CHECK(t.dtype() == DType::vlen_string());
  CHECK(t.shape() == Shape{});
  auto l = o.d.attrs().get("list");
  CHECK(l.dtype() == DType::vlen_string());
  CHECK(l.shape() == Shape{4});
  CHECK_CODE(l.read<std::string>(), ErrorCode::type_mismatch);  // 4 elements into a scalar
  CHECK(t.read<std::vector<std::string>>() == std::vector<std::string>{"hello world"});

  CHECK_CODE(t.read<std::int32_t>(), ErrorCode::type_mismatch);
  CHECK_CODE(l.read<std::vector<double>>(), ErrorCode::type_mismatch);

  // A string attribute holds the sum of its strings' lengths.
  CHECK(o.f.bytes_held() == 11u + 14u + 0u + 6u + (1u + 2u + 0u + 4u));
}

TEST_CASE("set replaces; the view reads the current value; remove; contains; list order") {
  const std::string name = h5t::mem_name("attr-replace");
  File f = File::create(name);
  auto attrs = f.create_group("g").attrs();
  attrs.set("x", std::int32_t{1});
  auto view = attrs.get("x");
  CHECK(view.read<std::int32_t>() == 1);
  CHECK(f.bytes_held() == 4u);

  attrs.set("x", std::int32_t{2});
  CHECK(view.read<std::int32_t>() == 2);
  CHECK(f.bytes_held() == 4u);

  // Replacing with another type and shape.
  attrs.set("x", std::vector<double>{1.0, 2.0, 3.0});
  CHECK(view.dtype() == h5mem::dtype_of<double>());
  CHECK(view.shape() == Shape{3});
  CHECK(view.read<std::vector<double>>() == std::vector<double>{1.0, 2.0, 3.0});
  CHECK_CODE(view.read<std::int32_t>(), ErrorCode::type_mismatch);
  CHECK(f.bytes_held() == 24u);

  attrs.set("x", std::string("abc"));
  CHECK(view.read<std::string>() == "abc");
  CHECK(f.bytes_held() == 3u);
  CHECK(attrs.list() == std::vector<std::string>{"x"});

  // Byte-wise order, independent of insertion order.
  for (const char* n : {"zeta", "Alpha", "beta", "_under", "10", "9", "\xc3\xa9"})
    attrs.set(n, std::uint8_t{1});
  CHECK(attrs.list() ==
        std::vector<std::string>{"10", "9", "Alpha", "_under", "beta", "x", "zeta", "\xc3\xa9"});
  CHECK(attrs.contains("beta"));
  CHECK_FALSE(attrs.contains("gamma"));
  CHECK_FALSE(f.attrs().contains("beta"));  // attributes are per object

  attrs.remove("beta");
  CHECK_FALSE(attrs.contains("beta"));
  CHECK(attrs.list().size() == 7u);
  CHECK_CODE_MSG(attrs.remove("beta"), ErrorCode::not_found, name, "/g", "beta");
  CHECK_CODE_MSG(attrs.get("gamma"), ErrorCode::not_found, name, "/g", "gamma");
  CHECK_CODE(attrs.read<std::int32_t>("gamma"), ErrorCode::not_found);
  CHECK_CODE(attrs["gamma"], ErrorCode::not_found);

  // A view of a removed attribute does not read stale data.
  attrs.remove("x");
  CHECK_THROWS_AS(view.read<std::string>(), h5mem::Error);
  CHECK(f.bytes_held() == 6u);  // the six remaining 1-byte attributes
}

TEST_CASE("attribute names must be non-empty and free of NUL; ranks above 1 are rejected") {
  const std::string name = h5t::mem_name("attr-names");
  File f = File::create(name);
  CHECK_CODE(f.attrs().set("", 1), ErrorCode::invalid_argument);
  CHECK_CODE(f.attrs().set(std::string_view("a\0b", 3), 1), ErrorCode::invalid_argument);
  CHECK_CODE(f.attrs().set(std::string_view("\0", 1), std::string("x")),
             ErrorCode::invalid_argument);
  const std::int32_t data[4] = {1, 2, 3, 4};
  CHECK_CODE(f.attrs().set_raw("m", h5mem::dtype_of<std::int32_t>(), Shape{2, 2}, data),
             ErrorCode::invalid_argument);
  CHECK(f.attrs().list().empty());
  CHECK(f.bytes_held() == 0u);

  // set_raw with a valid rank works like set.
  f.attrs().set_raw("m", h5mem::dtype_of<std::int32_t>(), Shape{4}, data);
  CHECK(f.attrs().read<std::vector<std::int32_t>>("m") == std::vector<std::int32_t>{1, 2, 3, 4});
  f.attrs().set_raw("s", h5mem::dtype_of<std::int32_t>(), Shape{}, data);
  CHECK(f.attrs().read<std::int32_t>("s") == 1);
  const std::string strs[2] = {"p", "qq"};
  f.attrs().set_raw("strs", DType::vlen_string(), Shape{2}, strs);
  CHECK(f.attrs().read<std::vector<std::string>>("strs") == std::vector<std::string>{"p", "qq"});
  CHECK(f.bytes_held() == 16u + 4u + 3u);
}

TEST_CASE("attributes follow moved objects and die with removed ones") {
  const std::string name = h5t::mem_name("attr-lifecycle");
  File f = File::create(name);
  auto d = f.create_dataset<std::int16_t>("a/d", {3});
  d.attrs().set("unit", std::string("m/s"));
  auto g = f.group("a");
  g.attrs().set("n", std::vector<std::uint16_t>{1, 2, 3});
  auto view = d.attrs().get("unit");
  auto d_attrs = d.attrs();

  f.move("a", "b");
  CHECK(f.dataset("b/d").attrs().read<std::string>("unit") == "m/s");
  CHECK(view.read<std::string>() == "m/s");
  CHECK(f.group("b").attrs().read<std::vector<std::uint16_t>>("n") ==
        std::vector<std::uint16_t>{1, 2, 3});
  CHECK(f.bytes_held() == 3u + 6u);

  f.remove("b");
  CHECK(f.bytes_held() == 0u);
  CHECK_CODE_MSG(view.read<std::string>(), ErrorCode::closed, name);
  CHECK_CODE(view.dtype(), ErrorCode::closed);
  CHECK_CODE(d_attrs.list(), ErrorCode::closed);
  CHECK_CODE(d_attrs.set("x", 1), ErrorCode::closed);
  CHECK_CODE(g.attrs().contains("n"), ErrorCode::closed);
}

TEST_CASE("attribute quota: max_bytes is enforced exactly and failures change nothing") {
  const std::string name = h5t::mem_name("attr-quota");
  File f = File::create(name, h5mem::CreateOptions{}.max_bytes(10));
  f.attrs().set("a", std::int64_t{1});  // 8 bytes
  CHECK(f.bytes_held() == 8u);
  CHECK_CODE_MSG(f.attrs().set("b", std::int32_t{2}), ErrorCode::out_of_space, name);
  CHECK_FALSE(f.attrs().contains("b"));
  f.attrs().set("b", std::int16_t{2});  // exactly 10
  CHECK(f.bytes_held() == 10u);
  CHECK_CODE(f.attrs().set("c", std::string("x")), ErrorCode::out_of_space);
  CHECK_CODE(f.create_group("g").attrs().set("c", std::uint8_t{1}), ErrorCode::out_of_space);

  // Replacing counts only the new payload: "a" 8 -> 6 bytes, then 6 -> 8 again.
  f.attrs().set("a", std::string("sixsix"));
  CHECK(f.bytes_held() == 8u);
  f.attrs().set("a", std::vector<std::uint8_t>(8, 1));
  CHECK(f.bytes_held() == 10u);
  // A replacement that would exceed the quota keeps the old value.
  CHECK_CODE(f.attrs().set("a", std::vector<std::uint8_t>(9, 1)), ErrorCode::out_of_space);
  CHECK(f.attrs().read<std::vector<std::uint8_t>>("a") == std::vector<std::uint8_t>(8, 1));
  CHECK(f.attrs().read<std::int16_t>("b") == 2);
  CHECK(f.bytes_held() == 10u);

  // Removing frees room.
  f.attrs().remove("a");
  CHECK(f.bytes_held() == 2u);
  f.attrs().set("c", std::string("12345678"));
  CHECK(f.bytes_held() == 10u);
}

TEST_CASE("attributes through another open and through read-only handles") {
  const std::string name = h5t::mem_name("attr-shared");
  File w = File::create(name);
  File r = File::open(name, Mode::read_only);
  w.attrs().set("k", 1.5f);
  CHECK(r.attrs().read<float>("k") == 1.5f);
  auto rv = r.attrs().get("k");
  w.attrs().set("k", 2.5f);
  CHECK(rv.read<float>() == 2.5f);
  CHECK_CODE_MSG(r.attrs().set("k", 3.5f), ErrorCode::invalid_argument, name);
  CHECK_CODE(r.attrs().remove("k"), ErrorCode::invalid_argument);
  CHECK(w.attrs().read<float>("k") == 2.5f);
}
