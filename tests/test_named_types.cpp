// Committed (named) datatypes: commit, open, attributes, datasets created with one, name
// clashes, read-only files, removal, and the round trip through the HDF5 writer and reader.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "test_util.hpp"

using h5mem::DType;
using h5mem::dtype_of;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Format;
using h5mem::Mode;
using h5mem::NamedType;
using h5mem::ObjectKind;
using h5mem::SaveOptions;
using h5mem::Shape;

TEST_CASE("commit_datatype makes an object; datasets created with it refer to it") {
  const std::string name = h5t::mem_name("named");
  File f = File::create(name);
  NamedType t = f.commit_datatype("types/i4", dtype_of<std::int32_t>());
  CHECK(t.dtype() == dtype_of<std::int32_t>());
  CHECK(t.path() == "/types/i4");
  CHECK(t.kind() == ObjectKind::datatype);
  CHECK(f.kind_of("types/i4") == ObjectKind::datatype);
  CHECK(f.contains("types/i4"));
  CHECK(f.group("types").list() == std::vector<std::string>{"i4"});
  CHECK(f.named_type("/types/i4") == t);
  t.attrs().set("units", std::string("m"));
  CHECK(f.named_type("types/i4").attrs().read<std::string>("units") == "m");

  auto d = f.create_dataset("d", t, Shape{3});
  CHECK(d.dtype() == dtype_of<std::int32_t>());
  REQUIRE(d.named_type().has_value());
  CHECK(*d.named_type() == t);
  d.write(std::vector<std::int32_t>{1, 2, 3});
  CHECK(d.read<std::int32_t>() == std::vector<std::int32_t>{1, 2, 3});
  CHECK_FALSE(f.create_dataset<std::int32_t>("plain", Shape{1}).named_type().has_value());

  CHECK_CODE_MSG(f.group("types/i4"), ErrorCode::type_mismatch, "/types/i4", "committed datatype");
  CHECK_CODE_MSG(f.dataset("types/i4"), ErrorCode::type_mismatch, "not a dataset");
  CHECK_CODE_MSG(f.named_type("d"), ErrorCode::type_mismatch, "/d", "not a committed datatype");
  CHECK_CODE(f.named_type("nope"), ErrorCode::not_found);
  CHECK_CODE_MSG(f.commit_datatype("d", dtype_of<float>()), ErrorCode::already_exists, "/d");
  CHECK_CODE(f.create_group("types/i4"), ErrorCode::already_exists);
  CHECK(f.deref(t.ref()).to_named_type() == t);
  CHECK_CODE(f.deref(t.ref()).to_dataset(), ErrorCode::type_mismatch);

  // Soft links reach it too.
  f.create_soft_link("alias", "/types/i4");
  CHECK(f.named_type("alias") == t);

  // Another file's type cannot be used.
  File g = File::create(h5t::mem_name("named-other"));
  NamedType other = g.commit_datatype("t", dtype_of<double>());
  CHECK_CODE_MSG(f.create_dataset("x", other, Shape{1}), ErrorCode::invalid_argument,
                 "another file");
  CHECK_CODE(f.create_dataset("x", NamedType(), Shape{1}), ErrorCode::closed);

  File ro = File::open(name, Mode::read_only);
  CHECK_CODE_MSG(ro.commit_datatype("t2", dtype_of<float>()), ErrorCode::invalid_argument,
                 "read-only");

  // Removing the type keeps the dataset (its dtype is its own) but it no longer refers to it.
  f.remove("types/i4");
  CHECK_FALSE(t.valid());
  CHECK_CODE(t.dtype(), ErrorCode::closed);
  CHECK_FALSE(d.named_type().has_value());
  CHECK(d.dtype() == dtype_of<std::int32_t>());
  CHECK_CODE(f.create_dataset("y", t, Shape{1}), ErrorCode::closed);
  CHECK_FALSE(f.contains("x"));
  CHECK_FALSE(f.contains("y"));
}

TEST_CASE("committed datatypes survive the HDF5 writer and reader in both formats") {
  File f = File::create(h5t::mem_name("named-rt"));
  DType pt = h5mem::CompoundBuilder()
                 .add("x", dtype_of<double>())
                 .add("n", dtype_of<std::int16_t>())
                 .build();
  NamedType t = f.commit_datatype("point", pt);
  t.attrs().set("doc", std::string("a point"));
  f.commit_datatype("g/str", DType::vlen_string());
  auto d = f.create_dataset("g/pts", t, Shape{2});
  f.create_dataset("g/again", t, Shape{1}, h5mem::DatasetOptions{}.chunks({1}));
  auto gone = f.commit_datatype("gone", dtype_of<float>());
  f.create_dataset("orphan", gone, Shape{2});
  f.remove("gone");  // the dataset is then written with its datatype inline
  for (Format fmt : {Format::earliest, Format::latest}) {
    CAPTURE(static_cast<int>(fmt));
    File back =
        File::open_image(h5t::mem_name("named-rt-back"), f.to_bytes(SaveOptions{}.format(fmt)));
    CHECK(back.list() == std::vector<std::string>{"g", "orphan", "point"});
    NamedType bt = back.named_type("point");
    CHECK(bt.dtype() == pt);
    CHECK(bt.attrs().read<std::string>("doc") == "a point");
    CHECK(back.named_type("g/str").dtype() == DType::vlen_string());
    REQUIRE(back.dataset("g/pts").named_type().has_value());
    CHECK(*back.dataset("g/pts").named_type() == bt);
    CHECK(*back.dataset("g/again").named_type() == bt);
    CHECK(back.dataset("g/pts").dtype() == pt);
    CHECK_FALSE(back.dataset("orphan").named_type().has_value());
    CHECK(back.dataset("orphan").dtype() == dtype_of<float>());
  }
}
