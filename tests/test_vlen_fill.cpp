// Fill values holding variable-length data: vlen strings and sequences as fill values, and
// compounds with vlen members (fill_value_raw of a memory-form element). Unwritten elements,
// unwritten chunks and elements exposed by resize read as the fill; overwriting them never
// frees it; its bytes count toward bytes_held and max_bytes; files keep it (both formats).
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "test_util.hpp"

using h5mem::CompoundBuilder;
using h5mem::CreateOptions;
using h5mem::Dataset;
using h5mem::DatasetOptions;
using h5mem::DType;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Format;
using h5mem::SaveOptions;
using h5mem::Shape;
using h5mem::Slice;
using h5mem::Vlen;

namespace {

using Strings = std::vector<std::string>;
using Rows = std::vector<std::vector<std::int32_t>>;

struct Labelled {
  std::int32_t id = 0;
  std::string label;
  Vlen<float> v;
  bool operator==(const Labelled&) const = default;
};

DType labelled_type() {
  return CompoundBuilder()
      .add("id", offsetof(Labelled, id), DType::signed_integer(4))
      .add("label", offsetof(Labelled, label), DType::vlen_string())
      .add("v", offsetof(Labelled, v), DType::vlen(DType::floating(4)))
      .size(sizeof(Labelled))
      .build();
}

// `f` saved in `fmt` and opened again from the bytes.
File reopened(const File& f, Format fmt, const std::string& tag) {
  auto bytes = f.to_bytes(SaveOptions{}.format(fmt));
  return File::open_image(h5t::mem_name(tag), bytes);
}

}  // namespace

TEST_CASE("vlen string fill: unwritten elements, partial writes, chunks, resize") {
  File f = File::create(h5t::mem_name("vf-str"));
  Dataset c = f.create_dataset("c", DType::vlen_string(), {3}, DatasetOptions{}.fill_value("abc"));
  CHECK(c.read<std::string>() == Strings{"abc", "abc", "abc"});
  c.select({Slice(1, 2)}).write(Strings{"x"});
  CHECK(c.read<std::string>() == Strings{"abc", "x", "abc"});
  // Overwriting a fill element frees nothing it shares with the others.
  c.select({Slice(0, 1)}).write(Strings{"yy"});
  c.select({Slice(0, 1)}).write(Strings{""});
  CHECK(c.read<std::string>() == Strings{"", "x", "abc"});

  Dataset k = f.create_dataset(
      "k", DType::vlen_string(), {5},
      DatasetOptions{}.chunks({2}).max_shape({h5mem::unlimited}).fill_value(std::string("fill")));
  CHECK(k.read<std::string>() == Strings(5, "fill"));
  k.select({Slice(2, 3)}).write(Strings{"two"});
  k.resize({7});
  CHECK(k.read<std::string>() == Strings{"fill", "fill", "two", "fill", "fill", "fill", "fill"});
  k.resize({2});
  k.resize({4});
  CHECK(k.read<std::string>() == Strings(4, "fill"));
  // The empty string as fill is the default fill.
  Dataset e = f.create_dataset("e", DType::vlen_string(), {2}, DatasetOptions{}.fill_value(""));
  CHECK(e.read<std::string>() == Strings(2, ""));
}

TEST_CASE("vlen sequence fill converts to the base; compound fill with vlen members") {
  File f = File::create(h5t::mem_name("vf-seq"));
  Dataset d = f.create_dataset("d", DType::vlen(DType::floating(8)), {3},
                               DatasetOptions{}.fill_value(std::vector<std::int32_t>{1, -2, 3}));
  CHECK((d.read<std::vector<double>>() == std::vector<std::vector<double>>(3, {1.0, -2.0, 3.0})));
  d.select({Slice(2, 3)}).write(std::vector<std::vector<double>>{{9.5}});
  CHECK((d.read<std::vector<double>>() ==
         std::vector<std::vector<double>>{{1, -2, 3}, {1, -2, 3}, {9.5}}));

  const Labelled fill{7, "none", Vlen<float>{0.5f, 1.5f}};
  Dataset s = f.create_dataset("s", labelled_type(), {4},
                               DatasetOptions{}.chunks({3}).fill_value_raw(labelled_type(), &fill));
  std::vector<Labelled> got(4);
  s.select({}).read_raw(labelled_type(), got.data(), 4);
  CHECK((got == std::vector<Labelled>(4, fill)));
  const Labelled other{1, "one", {}};
  s.select({Slice(3, 4)}).write_raw(labelled_type(), &other, 1);
  s.select({}).read_raw(labelled_type(), got.data(), 4);
  CHECK((got == std::vector<Labelled>{fill, fill, fill, other}));
}

TEST_CASE("vlen fill values that do not fit the dataset type are type_mismatch") {
  File f = File::create(h5t::mem_name("vf-bad"));
  const DType i32 = DType::signed_integer(4);
  CHECK_CODE(f.create_dataset("a", DType::vlen(i32), {2}, DatasetOptions{}.fill_value(1)),
             ErrorCode::type_mismatch);
  CHECK_CODE(f.create_dataset("b", DType::vlen(i32), {2}, DatasetOptions{}.fill_value("x")),
             ErrorCode::type_mismatch);
  CHECK_CODE(f.create_dataset("c", i32, {2}, DatasetOptions{}.fill_value("x")),
             ErrorCode::type_mismatch);
  CHECK_CODE(f.create_dataset("d", DType::vlen_string(), {2},
                              DatasetOptions{}.fill_value(std::vector<std::int32_t>{1})),
             ErrorCode::type_mismatch);
  CHECK_FALSE(f.contains("a"));
  CHECK(f.bytes_held() == 0u);
}

TEST_CASE("vlen fill bytes count toward bytes_held and max_bytes") {
  File f = File::create(h5t::mem_name("vf-budget"), CreateOptions{}.max_bytes(1000));
  const std::string big(600, 'q');
  Dataset d = f.create_dataset("d", DType::vlen_string(), {4},
                               DatasetOptions{}.chunks({2}).cache_bytes(0).fill_value(big));
  CHECK(f.bytes_held() == 600u);  // held from creation on
  CHECK(d.read<std::string>() == Strings(4, big));
  CHECK(f.bytes_held() == 600u);
  // A second dataset's fill does not fit beside the first: creating it fails, and leaves
  // nothing behind.
  CHECK_CODE(f.create_dataset("e", DType::vlen_string(), {1}, DatasetOptions{}.fill_value(big)),
             ErrorCode::out_of_space);
  CHECK_FALSE(f.contains("e"));
  CHECK(f.bytes_held() == 600u);
  // A creation that fails for another reason returns the fill it charged.
  const std::string small(100, 's');
  CHECK_CODE(f.create_dataset("d", DType::vlen_string(), {1}, DatasetOptions{}.fill_value(small)),
             ErrorCode::already_exists);
  CHECK(f.bytes_held() == 600u);
  d.select({Slice(0, 1)}).write(Strings{"abc"});
  CHECK(f.bytes_held() - d.storage_bytes() == 603u);
  f.remove("d");
  CHECK(f.bytes_held() == 0u);
}

TEST_CASE("vlen fill values survive a save and open in both formats") {
  File f = File::create(h5t::mem_name("vf-save"));
  f.create_dataset("c", DType::vlen_string(), {3}, DatasetOptions{}.fill_value("abc"));
  Dataset k = f.create_dataset("k", DType::vlen_string(), {5},
                               DatasetOptions{}.chunks({2}).deflate(1).fill_value("zz"));
  k.select({Slice(1, 2)}).write(Strings{"one"});
  Dataset v = f.create_dataset("v", DType::vlen(DType::signed_integer(4)), {3},
                               DatasetOptions{}.chunks({2}).fill_value(std::vector<int>{4, 5}));
  v.select({Slice(0, 1)}).write(Rows{{1}});
  const Labelled fill{7, "none", Vlen<float>{0.5f}};
  f.create_dataset("s", labelled_type(), {2},
                   DatasetOptions{}.fill_value_raw(labelled_type(), &fill));
  for (Format fmt : {Format::earliest, Format::latest}) {
    CAPTURE(static_cast<int>(fmt));
    File g = reopened(f, fmt, "vf-save-again");
    CHECK(g.dataset("c").read<std::string>() == Strings(3, "abc"));
    CHECK(g.dataset("k").read<std::string>() == Strings{"zz", "one", "zz", "zz", "zz"});
    CHECK((g.dataset("v").read<std::vector<std::int32_t>>() == Rows{{1}, {4, 5}, {4, 5}}));
    std::vector<Labelled> got(2);
    g.dataset("s").select({}).read_raw(labelled_type(), got.data(), 2);
    CHECK((got == std::vector<Labelled>(2, fill)));
    // The reader charges the fills (3 + 2 + 8 + 4 + 4 bytes) and the written values.
    CHECK(g.bytes_held() >= 21u);
    // And a second round trip keeps it.
    File h = reopened(g, fmt, "vf-save-twice");
    CHECK(h.dataset("c").read<std::string>() == Strings(3, "abc"));
  }
}
