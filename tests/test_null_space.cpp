// Null dataspaces (h5py's Empty): datasets and attributes with a type and no elements, kept
// apart from a {0} extent in memory and through the HDF5 writer and reader in both formats.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "test_util.hpp"

using h5mem::DType;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Format;
using h5mem::Mode;
using h5mem::SaveOptions;
using h5mem::Shape;

TEST_CASE("null datasets: no elements, no extent, distinct from shape {0}") {
  const std::string name = h5t::mem_name("null-ds");
  File f = File::create(name);
  auto e = f.create_null_dataset("g/e", h5mem::dtype_of<double>());
  auto z = f.create_dataset<double>("z", Shape{0});
  CHECK(e.is_null());
  CHECK_FALSE(z.is_null());
  CHECK(f.dataset("g/e").is_null());
  CHECK(e.dtype() == h5mem::dtype_of<double>());
  CHECK(e.shape() == Shape{0});
  CHECK(e.max_shape() == Shape{0});
  CHECK(e.size() == 0);
  CHECK(e.read<double>().empty());
  e.write(std::vector<double>{});  // zero elements: nothing to do
  CHECK_CODE(e.write(std::vector<double>{1.0}), ErrorCode::type_mismatch);
  CHECK_CODE(e.resize(Shape{4}), ErrorCode::invalid_argument);
  CHECK_CODE_MSG(f.create_null_dataset("z", h5mem::dtype_of<float>()), ErrorCode::already_exists,
                 "/z");
  // Any element type, vlen sequences of vlen data included.
  CHECK(f.create_null_dataset("vl", DType::vlen(DType::vlen(h5mem::dtype_of<int>()))).is_null());
  File ro = File::open(name, Mode::read_only);
  CHECK_CODE_MSG(ro.create_null_dataset("x", h5mem::dtype_of<float>()), ErrorCode::invalid_argument,
                 "read-only");
}

TEST_CASE("null attributes: a type and no value") {
  const std::string name = h5t::mem_name("null-attr");
  File f = File::create(name);
  auto a = f.attrs();
  a.set_null("empty", h5mem::dtype_of<float>());
  a.set("zero", std::vector<float>{});
  CHECK(a.get("empty").is_null());
  CHECK_FALSE(a.get("zero").is_null());
  CHECK(a.get("empty").shape() == Shape{0});
  CHECK(a.get("empty").dtype() == h5mem::dtype_of<float>());
  CHECK(a.get("empty").read<std::vector<float>>().empty());
  CHECK_CODE(a.get("empty").read<float>(), ErrorCode::type_mismatch);
  CHECK(a.list() == std::vector<std::string>{"empty", "zero"});
  // Replacing either way.
  a.set("empty", 2.5f);
  CHECK_FALSE(a.get("empty").is_null());
  CHECK(a.get("empty").read<float>() == 2.5f);
  a.set_null("empty", DType::vlen_string());
  CHECK(a.get("empty").is_null());
  CHECK(a.get("empty").dtype() == DType::vlen_string());
  CHECK_CODE(a.get("gone").is_null(), ErrorCode::not_found);
  CHECK_CODE_MSG(a.set_null("", h5mem::dtype_of<float>()), ErrorCode::invalid_argument,
                 "attribute");
  File ro = File::open(name, Mode::read_only);
  CHECK_CODE_MSG(ro.attrs().set_null("x", h5mem::dtype_of<float>()), ErrorCode::invalid_argument,
                 "read-only");
}

TEST_CASE("null dataspaces survive the HDF5 writer and reader in both formats") {
  File f = File::create(h5t::mem_name("null-rt"));
  auto e = f.create_null_dataset("e", h5mem::dtype_of<std::int16_t>());
  f.create_dataset<double>("z", Shape{0});
  f.create_null_dataset("s", DType::vlen_string());
  f.attrs().set_null("ea", h5mem::dtype_of<double>());
  f.attrs().set("za", std::vector<double>{});
  e.attrs().set_null("on_null", h5mem::dtype_of<std::uint8_t>());
  for (Format fmt : {Format::earliest, Format::latest}) {
    CAPTURE(static_cast<int>(fmt));
    File back =
        File::open_image(h5t::mem_name("null-rt-back"), f.to_bytes(SaveOptions{}.format(fmt)));
    CHECK(back.dataset("e").is_null());
    CHECK(back.dataset("e").dtype() == h5mem::dtype_of<std::int16_t>());
    CHECK(back.dataset("s").is_null());
    CHECK_FALSE(back.dataset("z").is_null());
    CHECK(back.dataset("z").shape() == Shape{0});
    CHECK(back.attrs().get("ea").is_null());
    CHECK(back.attrs().get("ea").dtype() == h5mem::dtype_of<double>());
    CHECK_FALSE(back.attrs().get("za").is_null());
    CHECK(back.dataset("e").attrs().get("on_null").is_null());
  }
}
