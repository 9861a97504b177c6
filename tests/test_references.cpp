// Object references (ObjectRef: create, store in datasets and attributes, dereference after
// moves, dangling after removal) and dimension scales (make_scale, attach/detach, labels),
// in memory and through to_bytes()/File::open_image in both formats.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <atomic>
#include <string>
#include <vector>

using namespace h5mem;

namespace {

std::string unique(const char* stem) {
  static std::atomic<int> n{0};
  return std::string("mem://refs-") + stem + "-" + std::to_string(n++);
}

ErrorCode code_of(auto&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("no error thrown");
  return ErrorCode::io_error;
}

File roundtrip(const File& f, Format format) {
  auto bytes = f.to_bytes(SaveOptions{}.format(format));
  return File::open_image(unique("rt"), bytes, Mode::read_write);
}

}  // namespace

TEST_CASE("ObjectRef: value type") {
  ObjectRef null;
  CHECK_FALSE(null);
  CHECK(null == ObjectRef{});
  CHECK(sizeof(ObjectRef) == 8);
  CHECK(dtype_for<ObjectRef>() == DType::object_reference());
}

TEST_CASE("references in memory: deref, move, remove, other files") {
  File f = File::create(unique("mem"));
  Group g = f.create_group("a/b");
  Dataset x = g.create_dataset<double>("x", Shape{3});
  ObjectRef rx = x.ref();
  ObjectRef rg = g.ref();
  ObjectRef rroot = f.ref();
  CHECK(rx);
  CHECK(rx != rg);
  CHECK(x.ref() == rx);

  Object o = f.deref(rx);
  CHECK(o.kind() == ObjectKind::dataset);
  CHECK(o.path() == "/a/b/x");
  CHECK(o.to_dataset() == x);
  CHECK(f.deref_group(rg).path() == "/a/b");
  CHECK(f.deref_group(rroot).path() == "/");
  CHECK(g.deref_dataset(rx) == x);  // from any group of the file
  CHECK(code_of([&] { f.deref_group(rx); }) == ErrorCode::type_mismatch);
  CHECK(code_of([&] { f.deref(ObjectRef{}); }) == ErrorCode::invalid_argument);

  // Stored in a dataset and an attribute.
  Dataset refs = f.create_dataset<ObjectRef>("refs", Shape{4});
  refs.write(std::vector<ObjectRef>{rx, rg, ObjectRef{}, rroot});
  f.attrs().set("target", rx);
  f.attrs().set("targets", std::vector<ObjectRef>{rg, rx});
  auto back = refs.read<ObjectRef>();
  REQUIRE(back.size() == 4);
  CHECK(back[0] == rx);
  CHECK_FALSE(back[2]);
  CHECK(f.attrs().read<ObjectRef>("target") == rx);
  CHECK(f.attrs().read<std::vector<ObjectRef>>("targets")[0] == rg);
  CHECK(refs.dtype() == DType::object_reference());
  CHECK(code_of([&] { refs.read<std::int64_t>(); }) == ErrorCode::type_mismatch);

  // Follows moves.
  f.move("a/b/x", "moved_x");
  CHECK(f.deref(rx).path() == "/moved_x");
  f.move("a", "c");
  CHECK(f.deref(rg).path() == "/c/b");

  // Dangling after removal.
  f.remove("moved_x");
  CHECK(code_of([&] { f.deref(rx); }) == ErrorCode::not_found);
  CHECK(code_of([&] { x.ref(); }) == ErrorCode::closed);

  // Another file's object is not found here.
  File other = File::create(unique("other"));
  CHECK(code_of([&] { other.deref(rg); }) == ErrorCode::not_found);
  // New objects are found (the index is rebuilt on a miss).
  Dataset late = f.create_dataset<int>("late", Shape{1});
  CHECK(f.deref(late.ref()) == late);
}

TEST_CASE("references through HDF5 bytes, both formats") {
  for (Format format : {Format::earliest, Format::latest}) {
    CAPTURE(static_cast<int>(format));
    File f = File::create(unique("file"));
    Dataset x = f.create_dataset<double>("grp/x", Shape{2});
    x.write(std::vector<double>{1.5, 2.5});
    Group grp = f.group("grp");
    Dataset gone = f.create_dataset<int>("gone", Shape{1});
    const ObjectRef rgone = gone.ref();
    Dataset contiguous = f.create_dataset<ObjectRef>("contiguous", Shape{4});
    contiguous.write(std::vector<ObjectRef>{x.ref(), grp.ref(), ObjectRef{}, f.ref()});
    Dataset chunked =
        f.create_dataset<ObjectRef>("chunked", Shape{5}, DatasetOptions{}.chunks({2}).deflate(4));
    chunked.write(std::vector<ObjectRef>{f.ref(), x.ref(), x.ref(), grp.ref(), rgone});
    Dataset plain_chunks =
        f.create_dataset<ObjectRef>("plain_chunks", Shape{3}, DatasetOptions{}.chunks({3}));
    plain_chunks.write(std::vector<ObjectRef>{grp.ref(), ObjectRef{}, x.ref()});
    x.attrs().set("self", x.ref());
    f.attrs().set("list", std::vector<ObjectRef>{grp.ref(), x.ref(), rgone});
    // Many attributes: dense storage in the latest format.
    for (int i = 0; i < 10; ++i) grp.attrs().set("r" + std::to_string(i), x.ref());
    f.remove("gone");

    File r = roundtrip(f, format);
    Dataset rx = r.dataset("grp/x");
    auto c = r.dataset("contiguous").read<ObjectRef>();
    REQUIRE(c.size() == 4);
    CHECK(c[0] != x.ref());  // new objects, new ids
    CHECK(r.deref(c[0]) == rx);
    CHECK(r.deref(c[1]).path() == "/grp");
    CHECK_FALSE(c[2]);
    CHECK(r.deref(c[3]).path() == "/");
    auto k = r.dataset("chunked").read<ObjectRef>();
    REQUIRE(k.size() == 5);
    CHECK(r.deref(k[0]).path() == "/");
    CHECK(r.deref_dataset(k[1]) == rx);
    CHECK(k[2] == k[1]);
    CHECK(r.deref(k[3]).path() == "/grp");
    CHECK_FALSE(k[4]);  // removed before writing: a null reference
    auto p = r.dataset("plain_chunks").read<ObjectRef>();
    CHECK(r.deref(p[2]) == rx);
    CHECK_FALSE(p[1]);
    CHECK(r.deref(rx.attrs().read<ObjectRef>("self")) == rx);
    auto list = r.attrs().read<std::vector<ObjectRef>>("list");
    REQUIRE(list.size() == 3);
    CHECK(r.deref(list[0]).path() == "/grp");
    CHECK_FALSE(list[2]);
    for (int i = 0; i < 10; ++i) {
      CHECK(r.deref(r.group("grp").attrs().read<ObjectRef>("r" + std::to_string(i))) == rx);
    }
    // Written again from the read image: still the same targets.
    File r2 = roundtrip(r, format == Format::latest ? Format::earliest : Format::latest);
    auto c2 = r2.dataset("contiguous").read<ObjectRef>();
    CHECK(r2.deref(c2[0]).path() == "/grp/x");
    CHECK(r2.deref(r2.dataset("chunked").read<ObjectRef>()[3]).path() == "/grp");
  }
}

TEST_CASE("dimension scales in memory") {
  File f = File::create(unique("dims"));
  Dataset data = f.create_dataset<float>("data", Shape{3, 4});
  Dataset x = f.create_dataset<double>("x", Shape{3});
  Dataset y = f.create_dataset<double>("y", Shape{4});
  Dataset y2 = f.create_dataset<double>("y2", Shape{4});
  CHECK_FALSE(x.is_scale());
  CHECK(code_of([&] { data.attach_scale(0, x); }) == ErrorCode::invalid_argument);  // not a scale
  x.make_scale("x");
  y.make_scale();
  y2.make_scale("other");
  CHECK(x.is_scale());
  CHECK(x.attrs().contains("CLASS"));
  CHECK(x.attrs().contains("NAME"));
  CHECK(x.attrs().get("CLASS").dtype() == DType::fixed_string(16, StringPad::null_terminate));
  data.attach_scale(0, x);
  data.attach_scale(1, y);
  data.attach_scale(1, y2);
  data.attach_scale(1, y);  // again: nothing changes
  CHECK(data.scales(0) == std::vector<Dataset>{x});
  CHECK(data.scales(1) == std::vector<Dataset>{y, y2});
  CHECK(code_of([&] { data.attach_scale(2, x); }) == ErrorCode::out_of_range);
  CHECK(code_of([&] { data.scales(2); }) == ErrorCode::out_of_range);
  CHECK(code_of([&] { x.attach_scale(0, y); }) == ErrorCode::invalid_argument);  // x is a scale
  CHECK(code_of([&] { data.make_scale(); }) == ErrorCode::invalid_argument);     // has scales
  File other = File::create(unique("dims-other"));
  Dataset foreign = other.create_dataset<double>("s", Shape{3});
  foreign.make_scale();
  CHECK(code_of([&] { data.attach_scale(0, foreign); }) == ErrorCode::invalid_argument);

  data.detach_scale(1, y2);
  CHECK(data.scales(1) == std::vector<Dataset>{y});
  CHECK(code_of([&] { data.detach_scale(1, y2); }) == ErrorCode::not_found);
  data.attach_scale(1, y2);

  CHECK(data.dim_label(0).empty());
  data.set_dim_label(1, "lon");
  CHECK(data.dim_label(1) == "lon");
  CHECK(data.dim_label(0).empty());
  data.set_dim_label(0, "lat");
  CHECK(data.dim_label(0) == "lat");
  CHECK(data.attrs().contains("DIMENSION_LABELS"));
  // Attachments are structural, not attributes.
  CHECK_FALSE(data.attrs().contains("DIMENSION_LIST"));

  // Scales follow moves; a removed scale drops out.
  f.create_group("coords");
  f.move("x", "coords/x");
  CHECK(data.scales(0).at(0).path() == "/coords/x");
  f.remove("y2");
  CHECK(data.scales(1) == std::vector<Dataset>{y});
}

TEST_CASE("dimension scales through HDF5 bytes, both formats") {
  for (Format format : {Format::earliest, Format::latest}) {
    CAPTURE(static_cast<int>(format));
    File f = File::create(unique("dims-file"));
    Dataset data = f.create_dataset<float>("g/data", Shape{3, 4, 2});
    Dataset x = f.create_dataset<double>("x", Shape{3});
    Dataset y = f.create_dataset<double>("g/y", Shape{4});
    Dataset y2 = f.create_dataset<double>("y2", Shape{4});
    Dataset other = f.create_dataset<int>("other", Shape{3});
    x.make_scale("x");
    y.make_scale();
    y2.make_scale("alt");
    data.attach_scale(0, x);
    data.attach_scale(1, y);
    data.attach_scale(1, y2);
    other.attach_scale(0, x);
    data.set_dim_label(0, "rows");
    data.set_dim_label(2, "pair");

    File r = roundtrip(f, format);
    Dataset rd = r.dataset("g/data");
    Dataset rx = r.dataset("x");
    CHECK(rx.is_scale());
    CHECK(r.dataset("g/y").is_scale());
    REQUIRE(rd.scales(0).size() == 1);
    CHECK(rd.scales(0)[0] == rx);
    REQUIRE(rd.scales(1).size() == 2);
    CHECK(rd.scales(1)[0].path() == "/g/y");
    CHECK(rd.scales(1)[1].path() == "/y2");
    CHECK(rd.scales(2).empty());
    CHECK(r.dataset("other").scales(0) == std::vector<Dataset>{rx});
    CHECK(rd.dim_label(0) == "rows");
    CHECK(rd.dim_label(1).empty());
    CHECK(rd.dim_label(2) == "pair");
    // DIMENSION_LIST / REFERENCE_LIST are rebuilt into the structure, not attributes.
    CHECK_FALSE(rd.attrs().contains("DIMENSION_LIST"));
    CHECK_FALSE(rx.attrs().contains("REFERENCE_LIST"));
    CHECK(rx.attrs().list() == std::vector<std::string>{"CLASS", "NAME"});

    // Detach and write again: the attachment is gone.
    rd.detach_scale(1, r.dataset("y2"));
    File r2 = roundtrip(r, format);
    CHECK(r2.dataset("g/data").scales(1).size() == 1);
    CHECK(r2.dataset("g/data").scales(0).at(0).path() == "/x");
  }
}
