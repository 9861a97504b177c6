// Variable-length sequences whose items hold variable-length data: vlen of vlen strings, of
// vlen sequences and of compounds with vlen members, at the top level (jagged arrays of
// std::string / Vlen<U> / structs) and as Vlen<std::string> struct fields and attributes.
// Values and the values they hold are freed together and counted exactly; files keep them
// as libhdf5 does (global heap objects holding references to further objects).
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "test_util.hpp"

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

using Words = std::vector<std::vector<std::string>>;
using Nested = std::vector<std::vector<Vlen<std::int32_t>>>;

struct Named {
  std::int32_t id = 0;
  std::string name;
  bool operator==(const Named&) const = default;
};
// A struct with a sequence of strings.
struct Doc {
  std::int64_t id = 0;
  Vlen<std::string> words;
  bool operator==(const Doc&) const = default;
};

File reopened(const File& f, Format fmt, const std::string& tag) {
  auto bytes = f.to_bytes(SaveOptions{}.format(fmt));
  return File::open_image(h5t::mem_name(tag), bytes);
}

}  // namespace

template <>
struct h5mem::TypeMapping<Named> {
  static DType dtype() {
    return compound_of<Named>(field("id", &Named::id), field("name", &Named::name));
  }
};
template <>
struct h5mem::TypeMapping<Doc> {
  static DType dtype() {
    return compound_of<Doc>(field("id", &Doc::id), field("words", &Doc::words));
  }
};

TEST_CASE("vlen of vlen strings: layouts, selections, exact accounting") {
  File f = File::create(h5t::mem_name("deep-str"));
  const DType t = DType::vlen(DType::vlen_string());
  const Words w{{"ab", "c"}, {}, {"", "héllo", std::string(300, 'z')}};
  for (const auto& o : {DatasetOptions{}, DatasetOptions{}.chunks({2}).deflate(3).cache_bytes(0)}) {
    Dataset d = f.create_dataset("d", t, {3}, o);
    d.write(w);
    CHECK((d.read<std::vector<std::string>>() == w));
    // Handles: 2 + 3 items of 16 bytes; strings 2 + 1 + 5 + 6 ("héllo" is 6 bytes) + 300.
    CHECK(f.bytes_held() - d.storage_bytes() == 5 * 16 + 3 + 306u);
    d.select({Slice(0, 1)}).write(Words{{"x"}});
    CHECK((d.select({Slice(0, 2)}).read<std::vector<std::string>>() == Words{{"x"}, {}}));
    CHECK(f.bytes_held() - d.storage_bytes() == 4 * 16 + 1 + 306u);
    f.remove("d");
    CHECK(f.bytes_held() == 0u);
  }
}

TEST_CASE("vlen of vlen int, of compounds with strings; resize frees nested values") {
  File f = File::create(h5t::mem_name("deep-int"));
  Dataset d =
      f.create_dataset("d", DType::vlen(DType::vlen(DType::signed_integer(4))), {3},
                       DatasetOptions{}.chunks({2}).max_shape({h5mem::unlimited}).cache_bytes(0));
  const Nested v{{Vlen<std::int32_t>{1, 2}, Vlen<std::int32_t>{}}, {}, {Vlen<std::int32_t>{7}}};
  d.write(v);
  CHECK((d.read<std::vector<Vlen<std::int32_t>>>() == v));
  // Conversion of the innermost items on the way out.
  auto wide = d.read<std::vector<Vlen<std::int64_t>>>();
  CHECK(wide[0][0].size() == 2u);
  CHECK(wide[0][0][1] == 2);
  d.resize({1});
  CHECK(f.bytes_held() - d.storage_bytes() == 2 * 16 + 8u);
  d.resize({0});
  CHECK(f.bytes_held() - d.storage_bytes() == 0u);

  Dataset n = f.create_dataset("n", DType::vlen(h5mem::dtype_for<Named>()), {2});
  const std::vector<std::vector<Named>> rows{{{1, "one"}, {2, ""}}, {{3, "three"}}};
  n.write(rows);
  CHECK((n.read<std::vector<Named>>() == rows));
}

TEST_CASE("Vlen<std::string> fields and attributes") {
  File f = File::create(h5t::mem_name("deep-doc"));
  const std::vector<Doc> docs{
      {1, Vlen<std::string>{"a", "bb"}}, {2, {}}, {3, Vlen<std::string>{""}}};
  Dataset d = f.create_dataset("docs", h5mem::dtype_for<Doc>(), {3});
  d.write(docs);
  CHECK((d.read<Doc>() == docs));
  // Copies of a Vlen<std::string> are deep.
  Vlen<std::string> copy = docs[0].words;
  copy[0] = "changed";
  CHECK(docs[0].words[0] == "a");
  f.attrs().set("docs", docs);
  CHECK((f.attrs().get("docs").read<std::vector<Doc>>() == docs));
  f.attrs().set("words", Words{{"p", "q"}, {}});
  CHECK((f.attrs().get("words").read<std::vector<Vlen<std::string>>>() ==
         std::vector<Vlen<std::string>>{Vlen<std::string>{"p", "q"}, {}}));
}

TEST_CASE("max_bytes: a nested write beyond the quota changes nothing") {
  File f = File::create(h5t::mem_name("deep-quota"), CreateOptions{}.max_bytes(400));
  Dataset d = f.create_dataset("d", DType::vlen(DType::vlen_string()), {2});
  d.write(Words{{"a"}, {"b", "c"}});
  const auto before = f.bytes_held();
  CHECK_CODE(d.write(Words{{std::string(200, 'x'), std::string(200, 'y')}, {}}),
             ErrorCode::out_of_space);
  CHECK(f.bytes_held() == before);
  CHECK((d.read<std::vector<std::string>>() == Words{{"a"}, {"b", "c"}}));
}

TEST_CASE("vlen of vlen data survives a save and open in both formats") {
  File f = File::create(h5t::mem_name("deep-save"));
  const Words w{{"ab", "c"}, {}, {"", "héllo"}};
  f.create_dataset("s", DType::vlen(DType::vlen_string()), {3}).write(w);
  f.create_dataset("sc", DType::vlen(DType::vlen_string()), {3},
                   DatasetOptions{}.chunks({2}).deflate(1))
      .write(w);
  const Nested v{{Vlen<std::int32_t>{1, 2}, Vlen<std::int32_t>{}}, {}, {Vlen<std::int32_t>{7}}};
  f.create_dataset("v", DType::vlen(DType::vlen(DType::signed_integer(4))), {3}).write(v);
  const std::vector<Doc> docs{{1, Vlen<std::string>{"a", "bb"}}, {2, {}}};
  f.create_dataset("docs", h5mem::dtype_for<Doc>(), {2}).write(docs);
  f.attrs().set("words", Words{{"p", "q"}, {}});
  for (Format fmt : {Format::earliest, Format::latest}) {
    CAPTURE(static_cast<int>(fmt));
    File g = reopened(f, fmt, "deep-save-again");
    CHECK((g.dataset("s").read<std::vector<std::string>>() == w));
    CHECK((g.dataset("sc").read<std::vector<std::string>>() == w));
    CHECK((g.dataset("v").read<std::vector<Vlen<std::int32_t>>>() == v));
    CHECK((g.dataset("docs").read<Doc>() == docs));
    CHECK((g.attrs().get("words").read<std::vector<Vlen<std::string>>>() ==
           std::vector<Vlen<std::string>>{Vlen<std::string>{"p", "q"}, {}}));
  }
}
