// Groups: create/open/contains/kind_of/list/remove/move, absolute and relative paths.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "test_util.hpp"

using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Mode;
using h5mem::ObjectKind;

TEST_CASE("create_group creates intermediates; group() opens; contains and kind_of") {
  const std::string name = h5t::mem_name("group-create");
  File f = File::create(name);
  auto c = f.create_group("a/b/c");
  CHECK(c.path() == "/a/b/c");
  CHECK(c.kind() == ObjectKind::group);
  CHECK(c.file_name() == name);
  CHECK(f.contains("a"));
  CHECK(f.contains("a/b"));
  CHECK(f.contains("/a/b/c"));
  CHECK(f.contains("/"));
  CHECK_FALSE(f.contains("b"));
  CHECK_FALSE(f.contains("a/c"));
  CHECK_FALSE(f.contains("x/y/z"));  // missing intermediate: false, not an error
  CHECK(f.kind_of("a/b") == ObjectKind::group);
  CHECK(f.group("a/b").path() == "/a/b");
  CHECK(f.group("/a/b/c") == c);
  CHECK(f.list() == std::vector<std::string>{"a"});
  CHECK(f.group("a").list() == std::vector<std::string>{"b"});
  CHECK(c.list().empty());

  // A sibling under an existing intermediate.
  auto d = f.create_group("a/b/d");
  CHECK(d.path() == "/a/b/d");
  CHECK(f.group("a/b").list() == std::vector<std::string>{"c", "d"});

  // Groups hold no bytes.
  CHECK(f.bytes_held() == 0u);
}

TEST_CASE("paths are relative to the group unless they start with '/'") {
  const std::string name = h5t::mem_name("group-relative");
  File f = File::create(name);
  auto a = f.create_group("a");
  auto ab = a.create_group("b");
  CHECK(ab.path() == "/a/b");
  auto root_c = a.create_group("/c");
  CHECK(root_c.path() == "/c");
  CHECK(f.contains("c"));
  CHECK_FALSE(a.contains("c"));
  CHECK(a.contains("b"));
  CHECK(a.contains("/a/b"));
  CHECK_FALSE(a.contains("a"));
  CHECK(a.contains("/a"));
  CHECK(a.group("b") == ab);
  CHECK(a.group("/c") == root_c);
  CHECK(ab.group("/") == f);
  CHECK(a.kind_of("/c") == ObjectKind::group);

  auto ds = a.create_dataset<std::int32_t>("b/data", {2});
  CHECK(ds.path() == "/a/b/data");
  CHECK(a.kind_of("b/data") == ObjectKind::dataset);
  CHECK(ab.dataset("data") == ds);
  CHECK(root_c.dataset("/a/b/data") == ds);
  CHECK_FALSE(root_c.contains("data"));
}

TEST_CASE("malformed paths are rejected with invalid_argument") {
  const std::string name = h5t::mem_name("group-malformed");
  File f = File::create(name);
  auto a = f.create_group("a");
  a.create_group("b");
  const std::vector<std::string> bad = {
      "a//b",
      "//a",
      "a/",
      "a/b/",
      "..",
      "a/..",
      "a/../b",
      "../a",
      ".",
      "./a",
      "a/./b",
      "/a/../a",
      std::string("a\0b", 3),
      std::string("\0", 1),
  };
  for (const auto& p : bad) {
    CAPTURE(p);
    CHECK_CODE(f.create_group(p), ErrorCode::invalid_argument);
    CHECK_CODE(f.group(p), ErrorCode::invalid_argument);
    CHECK_CODE(f.contains(p), ErrorCode::invalid_argument);
    CHECK_CODE(f.create_dataset<float>(p, {1}), ErrorCode::invalid_argument);
    CHECK_CODE(f.dataset(p), ErrorCode::invalid_argument);
    CHECK_CODE(f.kind_of(p), ErrorCode::invalid_argument);
    CHECK_CODE(f.remove(p), ErrorCode::invalid_argument);
    CHECK_CODE(f.move(p, "z"), ErrorCode::invalid_argument);
    CHECK_CODE(f.move("a", p), ErrorCode::invalid_argument);
    CHECK_CODE(a.create_group(p), ErrorCode::invalid_argument);
  }
  // Nothing was created, removed or moved by the rejected calls.
  CHECK(f.list() == std::vector<std::string>{"a"});
  CHECK(a.list() == std::vector<std::string>{"b"});
  CHECK(a.path() == "/a");

  // The message names the file and the offending path.
  CHECK_CODE_MSG(f.create_group("x/../y"), ErrorCode::invalid_argument, name, "x/../y");
}

TEST_CASE("create_group errors: already_exists, type_mismatch, and nothing is created") {
  const std::string name = h5t::mem_name("group-create-errors");
  File f = File::create(name);
  f.create_group("a/b");
  f.create_dataset<std::int8_t>("a/ds", {1});

  CHECK_CODE_MSG(f.create_group("a/b"), ErrorCode::already_exists, name, "/a/b");
  CHECK_CODE(f.create_group("/a"), ErrorCode::already_exists);
  CHECK_CODE(f.create_group("a/ds"), ErrorCode::already_exists);
  CHECK_CODE(f.create_dataset<double>("a/b", {1}), ErrorCode::already_exists);
  CHECK_CODE_MSG(f.create_group("a/ds/x"), ErrorCode::type_mismatch, name, "/a/ds");
  CHECK_CODE(f.create_group("a/ds/x/y/z"), ErrorCode::type_mismatch);
  CHECK_CODE(f.create_dataset<float>("a/ds/x", {1}), ErrorCode::type_mismatch);
  CHECK(f.group("a").list() == std::vector<std::string>{"b", "ds"});

  // A rejected create_dataset with missing intermediates creates none of them.
  CHECK_CODE(f.create_dataset<float>("p/q/r", h5mem::Shape(33, 1)), ErrorCode::invalid_argument);
  CHECK_FALSE(f.contains("p"));
  CHECK(f.list() == std::vector<std::string>{"a"});
}

TEST_CASE("group() and dataset() check existence and kind") {
  const std::string name = h5t::mem_name("group-open-errors");
  File f = File::create(name);
  f.create_group("g");
  f.create_dataset<std::uint32_t>("g/d", {3});

  CHECK_CODE_MSG(f.group("/nope"), ErrorCode::not_found, name, "/nope");
  CHECK_CODE(f.group("g/nope"), ErrorCode::not_found);
  CHECK_CODE(f.group("nope/deeper"), ErrorCode::not_found);
  CHECK_CODE_MSG(f.group("/g/d"), ErrorCode::type_mismatch, name, "/g/d");
  CHECK_CODE_MSG(f.dataset("/g"), ErrorCode::type_mismatch, name, "/g");
  CHECK_CODE(f.dataset("g/missing"), ErrorCode::not_found);
  CHECK_CODE_MSG(f.kind_of("/g/missing"), ErrorCode::not_found, name, "/g/missing");
  CHECK_FALSE(f.contains("g/d/x"));  // an intermediate that is a dataset: false
  CHECK(f.kind_of("g/d") == ObjectKind::dataset);
  CHECK(f.dataset("g/d").kind() == ObjectKind::dataset);
}

TEST_CASE("list() returns direct children of every kind in byte-wise order") {
  const std::string name = h5t::mem_name("group-list");
  File f = File::create(name);
  const std::vector<std::string> names = {
      "b", "B", "a", "_x", "a0", "aa", "Z", "10", "9", "-", "\xc3\xa9t\xc3\xa9", "z", "a b", "~"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i % 2 == 0) {
      f.create_group(names[i]);
    } else {
      f.create_dataset<std::int16_t>(names[i], {1});
    }
  }
  f.create_group("b/nested/deeper");  // grandchildren are not listed at the root

  std::vector<std::string> expected = names;
  std::sort(expected.begin(), expected.end(), [](const std::string& x, const std::string& y) {
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end(), [](char p, char q) {
      return static_cast<unsigned char>(p) < static_cast<unsigned char>(q);
    });
  });
  // Spot-check the expectation itself: byte-wise puts upper case before lower case and the
  // UTF-8 name after every ASCII one.
  REQUIRE(expected.front() == "-");
  REQUIRE(expected.back() == "\xc3\xa9t\xc3\xa9");
  CHECK(f.list() == expected);
  CHECK(f.group("b").list() == std::vector<std::string>{"nested"});
}

TEST_CASE("remove() deletes a subtree and invalidates its handles") {
  const std::string name = h5t::mem_name("group-remove");
  File f = File::create(name);
  auto a = f.create_group("a");
  auto ab = f.create_group("a/b");
  auto d = f.create_dataset<double>("a/b/d", {4});
  d.write(std::vector<double>{1, 2, 3, 4});
  d.attrs().set("unit", std::string("kelvin"));
  ab.attrs().set("n", std::vector<std::int32_t>{1, 2});
  auto keep = f.create_dataset<std::int32_t>("keep", {2});
  keep.write(std::vector<std::int32_t>{10, 20});
  auto sel = d.select({h5mem::Slice(1, 3)});
  REQUIRE(f.bytes_held() == 32u + 6u + 8u + 8u);

  f.remove("a");
  CHECK_FALSE(f.contains("a"));
  CHECK_FALSE(f.contains("a/b/d"));
  CHECK(f.list() == std::vector<std::string>{"keep"});
  // Storage and attribute payloads of the removed subtree are released.
  CHECK(f.bytes_held() == 8u);

  CHECK_FALSE(a.valid());
  CHECK_FALSE(ab.valid());
  CHECK_FALSE(d.valid());
  CHECK(keep.valid());
  CHECK_CODE_MSG(a.list(), ErrorCode::closed, name);
  CHECK_CODE(a.path(), ErrorCode::closed);
  CHECK_CODE(ab.create_group("x"), ErrorCode::closed);
  CHECK_CODE(d.read<double>(), ErrorCode::closed);
  CHECK_CODE(d.write(std::vector<double>{0, 0, 0, 0}), ErrorCode::closed);
  CHECK_CODE(d.attrs().get("unit"), ErrorCode::closed);
  CHECK_CODE(sel.read<double>(), ErrorCode::closed);
  CHECK_CODE(d.select({0}), ErrorCode::closed);

  // A new object at the same path is a different object: old handles stay dead.
  auto a_new = f.create_group("a");
  f.create_dataset<double>("a/b/d", {4});
  CHECK_FALSE(a_new == a);
  CHECK_CODE(a.list(), ErrorCode::closed);
  CHECK_CODE(d.read<double>(), ErrorCode::closed);
  CHECK(f.dataset("a/b/d").read<double>() == std::vector<double>(4, 0.0));
  CHECK(keep.read<std::int32_t>() == std::vector<std::int32_t>{10, 20});
}

TEST_CASE("remove(): relative paths, datasets, errors") {
  const std::string name = h5t::mem_name("group-remove-errors");
  File f = File::create(name);
  auto g = f.create_group("g");
  g.create_group("child");
  auto d = g.create_dataset<std::uint8_t>("data", {2});

  g.remove("data");  // relative to g
  CHECK_FALSE(d.valid());
  CHECK(g.list() == std::vector<std::string>{"child"});
  g.remove("/g/child");  // absolute from a subgroup
  CHECK(g.list().empty());

  CHECK_CODE_MSG(f.remove("/g/child"), ErrorCode::not_found, name, "/g/child");
  CHECK_CODE(f.remove("nothing/here"), ErrorCode::not_found);
  CHECK_CODE_MSG(f.remove("/"), ErrorCode::invalid_argument, name);
  CHECK_CODE(g.remove("/"), ErrorCode::invalid_argument);
  CHECK(f.valid());
  CHECK(f.list() == std::vector<std::string>{"g"});
}

TEST_CASE("a removal through one open invalidates handles of another open") {
  const std::string name = h5t::mem_name("group-remove-shared");
  File a = File::create(name);
  File b = File::open(name, Mode::read_write);
  auto ga = a.create_group("x/y");
  auto gb = b.group("x/y");
  CHECK(ga == gb);
  b.remove("x");
  CHECK_CODE(ga.list(), ErrorCode::closed);
  CHECK_CODE(gb.list(), ErrorCode::closed);
  CHECK(a.is_open());
  CHECK(a.list().empty());
}

TEST_CASE("move() renames objects; handles follow; data and attributes travel along") {
  const std::string name = h5t::mem_name("group-move");
  File f = File::create(name);
  auto a = f.create_group("a");
  auto abc = f.create_group("a/b/c");
  auto d = f.create_dataset<std::int64_t>("a/b/d", {3});
  d.write(std::vector<std::int64_t>{-1, 0, 1});
  d.attrs().set("unit", std::string("s"));
  f.create_group("dest");
  const auto bytes = f.bytes_held();

  SUBCASE("rename a dataset in place") {
    f.move("a/b/d", "a/b/renamed");
    CHECK(d.path() == "/a/b/renamed");
    CHECK(d.valid());
    CHECK(f.group("a/b").list() == std::vector<std::string>{"c", "renamed"});
    CHECK(f.dataset("a/b/renamed").read<std::int64_t>() == std::vector<std::int64_t>{-1, 0, 1});
    CHECK(d.attrs().read<std::string>("unit") == "s");
    CHECK_FALSE(f.contains("a/b/d"));
  }
  SUBCASE("move a group across the tree: descendants follow") {
    f.move("/a/b", "/dest/b2");
    CHECK(abc.path() == "/dest/b2/c");
    CHECK(d.path() == "/dest/b2/d");
    CHECK(a.list().empty());
    CHECK(f.group("dest").list() == std::vector<std::string>{"b2"});
    CHECK(d.read<std::int64_t>() == std::vector<std::int64_t>{-1, 0, 1});
    CHECK(f.dataset("dest/b2/d") == d);
  }
  SUBCASE("move the top group: paths of every descendant change") {
    f.move("a", "x");
    CHECK(a.path() == "/x");
    CHECK(abc.path() == "/x/b/c");
    CHECK(f.list() == std::vector<std::string>{"dest", "x"});
  }
  SUBCASE("relative paths resolve against the group") {
    a.move("b/d", "d_moved");
    CHECK(d.path() == "/a/d_moved");
    a.move("d_moved", "/dest/d");
    CHECK(d.path() == "/dest/d");
  }
  SUBCASE("a name that merely starts with the source name is not inside it") {
    f.move("a", "ab");
    CHECK(a.path() == "/ab");
    CHECK(abc.path() == "/ab/b/c");
    f.move("ab/b", "abc");
    CHECK(abc.path() == "/abc/c");
  }
  SUBCASE("errors leave everything in place") {
    CHECK_CODE_MSG(f.move("a/b/missing", "dest/x"), ErrorCode::not_found, name, "/a/b/missing");
    CHECK_CODE(f.move("a/b/d", "nowhere/d"), ErrorCode::not_found);  // destination parent
    CHECK_CODE_MSG(f.move("a/b/d", "dest"), ErrorCode::already_exists, name);
    CHECK_CODE(f.move("a/b/c", "a/b/d"), ErrorCode::already_exists);
    CHECK_CODE(f.move("a", "a/b/c/inner"), ErrorCode::invalid_argument);
    CHECK_CODE(f.move("a/b", "a/b/c/b"), ErrorCode::invalid_argument);
    CHECK_CODE(f.move("/", "dest/root"), ErrorCode::invalid_argument);
  }
  CHECK(f.bytes_held() == bytes);
  if (f.contains("a/b/d")) {
    CHECK(d.path() == "/a/b/d");
    CHECK(abc.path() == "/a/b/c");
  }
}

TEST_CASE("a deep hierarchy") {
  const std::string name = h5t::mem_name("group-deep");
  File f = File::create(name);
  std::string path;
  for (int i = 0; i < 40; ++i) path += h5t::cat("/l", i);
  auto leaf = f.create_group(path);
  CHECK(leaf.path() == path);
  CHECK(f.contains(path));
  CHECK(f.group("l0").group("l1/l2").path() == "/l0/l1/l2");
  f.remove("/l0/l1");
  CHECK_FALSE(leaf.valid());
  CHECK(f.group("l0").list().empty());
}
