// File::create / File::open modes, names, read-only handles, close(), handle values.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "test_util.hpp"

using h5mem::CreateOptions;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Lifetime;
using h5mem::Mode;
using h5mem::Registry;

namespace {
CreateOptions process_lifetime() {
  return CreateOptions{}.lifetime(Lifetime::process);
}
}  // namespace

TEST_CASE("File::create makes an empty, writable image that is also the root group") {
  const std::string name = h5t::mem_name("file-create");
  File f = File::create(name);
  CHECK(f.name() == name);
  CHECK(f.file_name() == name);
  CHECK(f.mode() == Mode::read_write);
  CHECK(f.is_open());
  CHECK(f.valid());
  CHECK(f.path() == "/");
  CHECK(f.kind() == h5mem::ObjectKind::group);
  CHECK(f.list().empty());
  CHECK(f.attrs().list().empty());
  CHECK(f.bytes_held() == 0u);
  CHECK(f.group("/") == f);
  CHECK(f.file() == f);
  CHECK(f.file().name() == name);
}

TEST_CASE("Mode::read_only and Mode::read_write require an existing name") {
  const std::string name = h5t::mem_name("file-missing");
  CHECK_CODE_MSG(File::open(name, Mode::read_only), ErrorCode::not_found, name);
  CHECK_CODE_MSG(File::open(name, Mode::read_write), ErrorCode::not_found, name);
  CHECK_CODE_MSG(File::open(name), ErrorCode::not_found, name);  // default mode is read_only
  CHECK_FALSE(Registry::exists(name));                           // the failed opens created nothing

  File f = File::create(name);
  f.create_group("g");
  File r = File::open(name);
  CHECK(r.mode() == Mode::read_only);
  CHECK(r.contains("g"));
  File w = File::open(name, Mode::read_write);
  CHECK(w.mode() == Mode::read_write);
  w.create_group("h");
  CHECK(f.contains("h"));
}

TEST_CASE("Mode::create creates a missing name and truncates a closed one") {
  const std::string name = h5t::mem_name("file-mode-create");
  {
    File f = File::open(name, Mode::create, {}, process_lifetime());
    CHECK(f.mode() == Mode::read_write);
    f.create_dataset<std::int32_t>("d", {2}).write(std::vector<std::int32_t>{1, 2});
    f.attrs().set("a", 1.0);
  }
  REQUIRE(Registry::exists(name));
  {
    File keep = File::open(name, Mode::read_only);
    CHECK_CODE_MSG(File::open(name, Mode::create), ErrorCode::busy, name);
    CHECK_CODE_MSG(File::create(name), ErrorCode::busy, name);
    CHECK(keep.dataset("d").read<std::int32_t>() == std::vector<std::int32_t>{1, 2});
  }
  {
    File t = File::open(name, Mode::create, {}, process_lifetime());
    CHECK(t.list().empty());
    CHECK(t.attrs().list().empty());
    CHECK(t.bytes_held() == 0u);
    t.create_group("after");
  }
  {
    File t = File::create(name, process_lifetime());
    CHECK(t.list().empty());
  }
  Registry::unlink(name);
}

TEST_CASE("Mode::create_new fails on any existing name and changes nothing") {
  const std::string name = h5t::mem_name("file-create-new");
  {
    File f = File::open(name, Mode::create_new, {}, process_lifetime());
    CHECK(f.mode() == Mode::read_write);
    f.create_group("g");
    // Existing and open.
    CHECK_CODE_MSG(File::open(name, Mode::create_new), ErrorCode::already_exists, name);
  }
  // Existing, closed (process lifetime).
  CHECK_CODE_MSG(File::open(name, Mode::create_new), ErrorCode::already_exists, name);
  {
    File r = File::open(name, Mode::read_only);
    CHECK(r.contains("g"));
  }
  Registry::unlink(name);
  File again = File::open(name, Mode::create_new);
  CHECK_FALSE(again.contains("g"));
}

TEST_CASE("Mode::open_or_create opens an existing image without truncating it") {
  const std::string name = h5t::mem_name("file-open-or-create");
  File a = File::open(name, Mode::open_or_create);
  CHECK(a.mode() == Mode::read_write);
  CHECK(a.list().empty());
  a.create_dataset<std::uint64_t>("x", {1}).write(std::vector<std::uint64_t>{99});

  File b = File::open(name, Mode::open_or_create);
  CHECK(b.mode() == Mode::read_write);
  CHECK(b.dataset("x").read<std::uint64_t>() == std::vector<std::uint64_t>{99});
  b.create_group("from-b");
  CHECK(a.contains("from-b"));
}

TEST_CASE("mode() is read_only only for read_only opens") {
  const std::string name = h5t::mem_name("file-modes");
  File c = File::create(name);
  CHECK(c.mode() == Mode::read_write);
  CHECK(File::open(name, Mode::read_only).mode() == Mode::read_only);
  CHECK(File::open(name, Mode::read_write).mode() == Mode::read_write);
  CHECK(File::open(name, Mode::open_or_create).mode() == Mode::read_write);
  const std::string other = h5t::mem_name("file-modes-new");
  CHECK(File::open(other, Mode::create_new).mode() == Mode::read_write);
  CHECK(File::open(other, Mode::create).mode() == Mode::read_write);
}

TEST_CASE("a read_only handle refuses every write with invalid_argument") {
  const std::string name = h5t::mem_name("file-readonly");
  File w = File::create(name);
  auto d = w.create_dataset<std::int32_t>("/g/d", {2, 2});
  d.write(std::vector<std::int32_t>{1, 2, 3, 4});
  d.attrs().set("unit", std::string("m"));
  w.attrs().set("n", 3);
  const auto bytes = w.bytes_held();

  File r = File::open(name, Mode::read_only);
  auto rd = r.dataset("/g/d");
  auto rg = r.group("g");

  CHECK_CODE_MSG(r.create_group("x"), ErrorCode::invalid_argument, name);
  CHECK_CODE(rg.create_group("x"), ErrorCode::invalid_argument);
  CHECK_CODE(r.create_dataset<float>("y", {1}), ErrorCode::invalid_argument);
  CHECK_CODE_MSG(rd.write(std::vector<std::int32_t>{0, 0, 0, 0}), ErrorCode::invalid_argument, name,
                 "/g/d");
  CHECK_CODE(rd.select({0}).write(std::vector<std::int32_t>{0, 0}), ErrorCode::invalid_argument);
  CHECK_CODE(rd.attrs().set("unit", std::string("km")), ErrorCode::invalid_argument);
  CHECK_CODE(rd.attrs().remove("unit"), ErrorCode::invalid_argument);
  CHECK_CODE(r.attrs().set("new", 1), ErrorCode::invalid_argument);
  CHECK_CODE(r.remove("/g/d"), ErrorCode::invalid_argument);
  CHECK_CODE(r.move("/g", "/h"), ErrorCode::invalid_argument);
  // Handles derived from the read-only open stay read-only.
  CHECK_CODE(rd.file().create_group("z"), ErrorCode::invalid_argument);
  CHECK_CODE(rg.file().attrs().set("z", 1), ErrorCode::invalid_argument);

  // Nothing changed; reads work through the read-only handle.
  CHECK(rd.read<std::int32_t>() == std::vector<std::int32_t>{1, 2, 3, 4});
  CHECK(rd.select({1}).read<std::int32_t>() == std::vector<std::int32_t>{3, 4});
  CHECK(rd.attrs().read<std::string>("unit") == "m");
  CHECK(r.attrs().read<std::int32_t>("n") == 3);
  CHECK(r.list() == std::vector<std::string>{"g"});
  CHECK(rg.list() == std::vector<std::string>{"d"});
  CHECK(r.bytes_held() == bytes);

  // The read_write open of the same image still writes, and the reader sees it.
  d.write(std::vector<std::int32_t>{5, 6, 7, 8});
  CHECK(rd.read<std::int32_t>() == std::vector<std::int32_t>{5, 6, 7, 8});
}

TEST_CASE("names: mem:// needs a NAME; missing paths are not_found and never created") {
  CHECK_CODE(File::create("mem://"), ErrorCode::invalid_argument);
  CHECK_CODE(File::open("mem://", Mode::open_or_create), ErrorCode::invalid_argument);

  // Plain names are filesystem paths (see test_backing.cpp); opening a missing one for
  // reading must not create it.
  for (const char* path : {"plain.h5", "sub/dir/x.h5", "./rel.h5"}) {
    CAPTURE(path);
    CHECK_CODE_MSG(File::open(path, Mode::read_only), ErrorCode::not_found, path);
    CHECK_CODE(File::open(path, Mode::read_write), ErrorCode::not_found);
    // A missing directory is the system's refusal: io_error naming the path.
    if (std::string(path).find('/') != std::string::npos && path[0] != '.') {
      CHECK_CODE_MSG(File::create(path), ErrorCode::io_error, "x.h5");
    }
    CHECK_FALSE(Registry::exists(path));
  }
  CHECK_FALSE(std::filesystem::exists("plain.h5"));
  CHECK_FALSE(std::filesystem::exists("sub"));
  CHECK_FALSE(std::filesystem::exists("rel.h5"));
}

TEST_CASE("close() ends this open: the handle, its copies and derived handles throw closed") {
  const std::string name = h5t::mem_name("file-close");
  File f = File::create(name);
  File other = File::open(name, Mode::read_write);
  auto g = f.create_group("g");
  auto d = f.create_dataset<double>("g/d", {3});
  d.write(std::vector<double>{1, 2, 3});
  f.attrs().set("a", 1.0);
  auto attr = f.attrs().get("a");
  auto sel = d.select({h5mem::Slice(0, 2)});
  auto attrs = g.attrs();
  File copy = f;

  f.close();
  CHECK_FALSE(f.is_open());
  CHECK_FALSE(copy.is_open());
  CHECK_FALSE(f.valid());
  CHECK_FALSE(g.valid());
  CHECK_FALSE(d.valid());

  CHECK_CODE_MSG(f.list(), ErrorCode::closed, name);
  CHECK_CODE(copy.create_group("x"), ErrorCode::closed);
  CHECK_CODE(f.bytes_held(), ErrorCode::closed);
  CHECK_CODE(f.path(), ErrorCode::closed);
  CHECK_CODE(f.group("g"), ErrorCode::closed);
  CHECK_CODE(f.attrs().list(), ErrorCode::closed);
  CHECK_CODE(g.list(), ErrorCode::closed);
  CHECK_CODE(g.path(), ErrorCode::closed);
  CHECK_CODE(attrs.contains("x"), ErrorCode::closed);
  CHECK_CODE(d.read<double>(), ErrorCode::closed);
  CHECK_CODE(d.shape(), ErrorCode::closed);
  CHECK_CODE(d.write(std::vector<double>{0, 0, 0}), ErrorCode::closed);
  CHECK_CODE(sel.read<double>(), ErrorCode::closed);
  CHECK_CODE(sel.write(std::vector<double>{0, 0}), ErrorCode::closed);
  CHECK_CODE(attr.read<double>(), ErrorCode::closed);

  // Closing twice is harmless, also through a copy.
  CHECK_NOTHROW(f.close());
  CHECK_NOTHROW(copy.close());

  // The other open of the same name keeps working and sees the data, unchanged.
  CHECK(other.is_open());
  CHECK(other.dataset("g/d").read<double>() == std::vector<double>{1, 2, 3});
  other.create_group("later");
  CHECK(other.list() == std::vector<std::string>{"g", "later"});
  auto info = h5t::registry_entry(name);
  REQUIRE(info.has_value());
  CHECK(info->open_handles == 1u);

  // Closing the last open frees the default-lifetime image even though dead handles remain.
  other.close();
  CHECK_FALSE(Registry::exists(name));
  CHECK_CODE(File::open(name, Mode::read_only), ErrorCode::not_found);
}

TEST_CASE("Object::file() shares the handle's open") {
  const std::string name = h5t::mem_name("file-object-file");
  File f = File::create(name);
  auto d = f.create_dataset<std::int8_t>("a/b/d", {1});
  File via = d.file();
  CHECK(via.name() == name);
  CHECK(via.mode() == Mode::read_write);
  CHECK(via.dataset("a/b/d") == d);
  auto info = h5t::registry_entry(name);
  REQUIRE(info.has_value());
  CHECK(info->open_handles == 1u);  // not a new open

  via.close();  // ends the open that f was made with
  CHECK_FALSE(f.is_open());
  CHECK_CODE(d.read<std::int8_t>(), ErrorCode::closed);
  CHECK_FALSE(Registry::exists(name));
}

TEST_CASE("handles are copyable values comparing equal when they name the same object") {
  const std::string name = h5t::mem_name("file-handles");
  File f = File::create(name);
  auto a = f.create_group("a");
  auto b = f.create_group("b");
  auto d = f.create_dataset<float>("a/d", {2});

  auto a2 = a;
  CHECK(a2 == a);
  CHECK(f.group("a") == a);
  CHECK(f.group("/a") == a2);
  CHECK_FALSE(a == b);
  CHECK_FALSE(a == d);
  CHECK(a.dataset("d") == d);

  // Copies refer to the same object: a write through one is seen through the other.
  auto d2 = d;
  d2.write(std::vector<float>{1.f, 2.f});
  CHECK(d.read<float>() == std::vector<float>{1.f, 2.f});

  // Another open of the same image names the same objects.
  File g = File::open(name, Mode::read_only);
  CHECK(g.group("a") == a);
  CHECK(g.dataset("a/d") == d);

  // Assignment rebinds.
  a2 = b;
  CHECK(a2 == b);
  CHECK(a2.path() == "/b");
  CHECK(a.path() == "/a");
}

TEST_CASE("version_string matches the version constants") {
  const std::string expected = std::to_string(h5mem::version_major) + "." +
                               std::to_string(h5mem::version_minor) + "." +
                               std::to_string(h5mem::version_patch);
  CHECK(std::string(h5mem::version_string()) == expected);
  CHECK(expected == "0.1.0");
}
