// Soft and external links: creation, following (relative, absolute, through intermediate
// parts, across files), link_info, dangling links, cycles, remove/move, name clashes,
// read-only files, and the round trip through the HDF5 writer and reader in both formats.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "test_util.hpp"

using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Format;
using h5mem::LinkInfo;
using h5mem::LinkKind;
using h5mem::Mode;
using h5mem::ObjectKind;
using h5mem::SaveOptions;
using h5mem::Shape;

namespace {

File sample(const std::string& name) {
  File f = File::create(name);
  f.create_group("g/h");
  f.create_dataset<std::int32_t>("g/d", Shape{3}).write(std::vector<std::int32_t>{1, 2, 3});
  return f;
}

}  // namespace

TEST_CASE("soft links: absolute and relative targets are followed at each use") {
  File f = sample(h5t::mem_name("soft"));
  f.create_soft_link("abs", "/g/d");
  f.group("g").create_soft_link("rel", "d");
  f.create_soft_link("tog", "/g");
  CHECK(f.dataset("abs").read<std::int32_t>() == std::vector<std::int32_t>{1, 2, 3});
  CHECK(f.dataset("abs").path() == "/g/d");  // the handle is the object itself
  CHECK(f.dataset("g/rel") == f.dataset("g/d"));
  CHECK(f.group("tog") == f.group("g"));
  CHECK(f.dataset("tog/d") == f.dataset("g/d"));  // a link as an intermediate part
  CHECK(f.dataset("tog/rel") == f.dataset("g/d"));
  CHECK(f.kind_of("abs") == ObjectKind::dataset);
  CHECK(f.kind_of("tog") == ObjectKind::group);
  CHECK(f.contains("abs"));
  CHECK(f.contains("tog/h"));
  CHECK(f.list() == std::vector<std::string>{"abs", "g", "tog"});
  CHECK(f.group("g").list() == std::vector<std::string>{"d", "h", "rel"});
  CHECK(f.link_info("abs") == LinkInfo{LinkKind::soft, "/g/d", ""});
  CHECK(f.link_info("g/rel") == LinkInfo{LinkKind::soft, "d", ""});
  CHECK(f.link_info("tog/rel") == LinkInfo{LinkKind::soft, "d", ""});
  CHECK(f.link_info("g/d") == LinkInfo{LinkKind::hard, "/g/d", ""});
  CHECK(f.link_info("tog/d") == LinkInfo{LinkKind::hard, "/g/d", ""});
  CHECK_CODE_MSG(f.link_info("nope"), ErrorCode::not_found, "/nope");

  // Resolved at each use: the target may appear after the link, and change.
  f.create_soft_link("later", "/g/e");
  CHECK(f.contains("later"));  // the link exists (h5py's `in`), its target not yet
  CHECK_CODE(f.kind_of("later"), ErrorCode::not_found);
  f.create_dataset<double>("g/e", Shape{2});
  CHECK(f.kind_of("later") == ObjectKind::dataset);
  f.remove("g/e");
  f.create_group("g/e");
  CHECK(f.kind_of("later") == ObjectKind::group);
  CHECK_CODE_MSG(f.dataset("later"), ErrorCode::type_mismatch, "/g/e", "not a dataset");
  CHECK_CODE(f.group("abs"), ErrorCode::type_mismatch);

  // Creating through a soft link creates in its target.
  f.create_group("tog/via");
  CHECK(f.contains("g/via"));
  f.create_dataset<std::uint8_t>("tog/h/x", Shape{1});
  CHECK(f.contains("g/h/x"));
}

TEST_CASE("soft links: dangling links and cycles raise not_found naming the link") {
  File f = sample(h5t::mem_name("dangling"));
  f.create_soft_link("dangling", "/no/such");
  CHECK(f.list() == std::vector<std::string>{"dangling", "g"});
  CHECK(f.contains("dangling"));  // as h5py: the name exists, get() would find nothing
  CHECK_FALSE(f.contains("dangling/x"));
  CHECK(f.link_info("dangling") == LinkInfo{LinkKind::soft, "/no/such", ""});
  CHECK_CODE_MSG(f.dataset("dangling"), ErrorCode::not_found, "/dangling", "/no/such", "dangling");
  CHECK_CODE_MSG(f.kind_of("dangling"), ErrorCode::not_found, "/dangling", "/no/such");
  CHECK_CODE_MSG(f.create_group("dangling/x"), ErrorCode::not_found, "/dangling", "/no/such");

  f.create_soft_link("a", "b");
  f.create_soft_link("b", "/a");
  f.create_soft_link("self", "self");
  f.create_soft_link("deep", "deep/x");
  for (const char* p : {"a", "b", "self", "deep", "a/x"}) {
    CAPTURE(p);
    CHECK_CODE_MSG(f.group(p), ErrorCode::not_found, "soft link", "cycle");
  }
  CHECK(f.contains("a"));
  CHECK_FALSE(f.contains("a/x"));
  CHECK_FALSE(f.contains("deep/x"));
  CHECK(f.link_info("a") == LinkInfo{LinkKind::soft, "b", ""});

  // A chain of 16 links is followed; libhdf5 refuses a 17th, and so does h5mem.
  f.create_soft_link("c0", "/g/d");
  for (int i = 1; i <= 16; ++i) {
    f.create_soft_link("c" + std::to_string(i), "c" + std::to_string(i - 1));
  }
  CHECK(f.dataset("c15") == f.dataset("g/d"));
  CHECK_CODE(f.dataset("c16"), ErrorCode::not_found);
}

TEST_CASE("soft links: remove unlinks, move moves the link, names clash, read-only refuses") {
  const std::string name = h5t::mem_name("unlink");
  File f = sample(name);
  f.create_soft_link("s", "/g");
  f.remove("s");
  CHECK_FALSE(f.contains("s"));
  CHECK(f.contains("g/d"));
  CHECK_CODE(f.link_info("s"), ErrorCode::not_found);

  f.create_soft_link("s", "/g/d");
  f.move("s", "g/h/moved");
  CHECK(f.link_info("g/h/moved") == LinkInfo{LinkKind::soft, "/g/d", ""});
  CHECK_FALSE(f.contains("s"));
  f.remove("g/d");  // the target goes: the link stays, dangling
  CHECK(f.group("g/h").list() == std::vector<std::string>{"moved"});
  CHECK_CODE(f.dataset("g/h/moved"), ErrorCode::not_found);

  CHECK_CODE_MSG(f.create_soft_link("g", "/x"), ErrorCode::already_exists, "/g");
  CHECK_CODE_MSG(f.create_soft_link("g/h/moved", "/x"), ErrorCode::already_exists, "/g/h/moved");
  CHECK_CODE_MSG(f.create_group("g/h/moved"), ErrorCode::already_exists, "/g/h/moved");
  CHECK_CODE(f.create_dataset<double>("g/h/moved", Shape{1}), ErrorCode::already_exists);
  CHECK_CODE(f.create_external_link("g/h/moved", "x.h5", "/x"), ErrorCode::already_exists);
  CHECK_CODE(f.move("g", "g/h/moved"), ErrorCode::already_exists);
  CHECK_CODE_MSG(f.create_soft_link("e", ""), ErrorCode::invalid_argument, "/e", "empty");
  CHECK_CODE(f.create_external_link("e", "", "/x"), ErrorCode::invalid_argument);
  CHECK_CODE(f.create_external_link("e", "x.h5", ""), ErrorCode::invalid_argument);
  CHECK_CODE(f.create_soft_link("/", "/g"), ErrorCode::already_exists);
  CHECK_FALSE(f.contains("e"));

  File ro = File::open(name, Mode::read_only);
  CHECK_CODE_MSG(ro.create_soft_link("t", "/g"), ErrorCode::invalid_argument, "read-only");
  CHECK_CODE_MSG(ro.create_external_link("t", "x.h5", "/g"), ErrorCode::invalid_argument,
                 "read-only");
  CHECK_CODE(ro.remove("g/h/moved"), ErrorCode::invalid_argument);
  CHECK(f.list() == std::vector<std::string>{"g"});
}

TEST_CASE("external links: followed into another file, clear errors otherwise") {
  const std::string target = h5t::mem_name("ext-target");
  File t = sample(target);
  File f = File::create(h5t::mem_name("ext-source"));
  f.create_external_link("x", target, "/g");
  f.create_external_link("xd", target, "/g/d");
  f.create_external_link("nofile", "mem://h5t-no-such-file", "/g");
  f.create_external_link("nopath", target, "/nope");
  CHECK(f.link_info("x") == LinkInfo{LinkKind::external, "/g", target});
  CHECK(f.list() == std::vector<std::string>{"nofile", "nopath", "x", "xd"});
  CHECK(f.dataset("xd").read<std::int32_t>() == std::vector<std::int32_t>{1, 2, 3});
  CHECK(f.dataset("xd").file_name() == target);
  CHECK(f.dataset("x/d") == t.dataset("g/d"));
  CHECK(f.group("x") == t.group("g"));
  CHECK(f.kind_of("x") == ObjectKind::group);
  CHECK(f.contains("x/h"));
  CHECK(f.contains("nofile"));  // the links exist; what they name does not
  CHECK(f.contains("nopath"));
  CHECK_FALSE(f.contains("nofile/x"));
  CHECK_FALSE(f.contains("nopath/x"));
  CHECK(f.contains("xd"));
  CHECK_CODE_MSG(f.group("nofile"), ErrorCode::not_found, "/nofile", "mem://h5t-no-such-file",
                 "does not exist");
  CHECK_CODE_MSG(f.group("nopath"), ErrorCode::not_found, "/nopath", target, "/nope");
  CHECK_CODE_MSG(f.create_group("x/new"), ErrorCode::unsupported, "external link");
  // Objects reached through an external link come from a read-only open of that file.
  CHECK_CODE(f.group("x").create_group("new"), ErrorCode::invalid_argument);

  // A file that links to itself in a loop is stopped, not followed forever.
  const std::string self_name = h5t::mem_name("ext-self");
  File self = File::create(self_name);
  self.create_external_link("loop", self_name, "/loop");
  CHECK_CODE_MSG(self.group("loop"), ErrorCode::not_found, "external link", "cycle");
}

TEST_CASE("external links on disk resolve relative to the linking file's directory") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::current_path() / "extdir";
  fs::create_directories(dir);
  {
    File t = sample((dir / "target.h5").string());
    t.close();
    File f = File::create((dir / "source.h5").string());
    f.create_external_link("x", "target.h5", "/g/d");
    f.create_external_link("missing", "missing.h5", "/g");
    f.close();
    // Opened from another working directory, the relative name still resolves.
    File again = File::open((dir / "source.h5").string(), Mode::read_only);
    CHECK(again.link_info("x") == LinkInfo{LinkKind::external, "/g/d", "target.h5"});
    CHECK(again.dataset("x").read<std::int32_t>() == std::vector<std::int32_t>{1, 2, 3});
    CHECK_CODE_MSG(again.group("missing"), ErrorCode::not_found, "missing.h5", "/g");
  }
  fs::remove_all(dir);
}

TEST_CASE("links survive the HDF5 writer and reader in both formats") {
  File f = sample(h5t::mem_name("links-rt"));
  f.create_soft_link("abs", "/g/d");
  f.group("g").create_soft_link("rel", "h");
  f.create_soft_link("dangling", "/nowhere");
  f.create_external_link("ext", "other.h5", "/some/path");
  f.group("g/h").create_external_link("ext2", "mem://other", "/x");
  // Enough members for dense link storage in the latest format.
  File big = File::create(h5t::mem_name("links-dense"));
  for (int i = 0; i < 12; ++i) {
    big.create_soft_link("s" + std::to_string(i), "/t" + std::to_string(i));
  }
  big.create_group("t3");
  big.create_external_link("e", "f.h5", "/p");
  for (Format fmt : {Format::earliest, Format::latest}) {
    CAPTURE(static_cast<int>(fmt));
    auto bytes = f.to_bytes(SaveOptions{}.format(fmt));
    File back = File::open_image(h5t::mem_name("links-rt-back"), bytes);
    CHECK(back.list() == f.list());
    CHECK(back.group("g").list() == f.group("g").list());
    CHECK(back.link_info("abs") == LinkInfo{LinkKind::soft, "/g/d", ""});
    CHECK(back.link_info("g/rel") == LinkInfo{LinkKind::soft, "h", ""});
    CHECK(back.link_info("dangling") == LinkInfo{LinkKind::soft, "/nowhere", ""});
    CHECK(back.link_info("ext") == LinkInfo{LinkKind::external, "/some/path", "other.h5"});
    CHECK(back.link_info("g/h/ext2") == LinkInfo{LinkKind::external, "/x", "mem://other"});
    CHECK(back.dataset("abs").read<std::int32_t>() == std::vector<std::int32_t>{1, 2, 3});

    auto big_bytes = big.to_bytes(SaveOptions{}.format(fmt));
    File big_back = File::open_image(h5t::mem_name("links-dense-back"), big_bytes);
    CHECK(big_back.list() == big.list());
    CHECK(big_back.link_info("s7") == LinkInfo{LinkKind::soft, "/t7", ""});
    CHECK(big_back.kind_of("s3") == ObjectKind::group);
    CHECK(big_back.link_info("e") == LinkInfo{LinkKind::external, "/p", "f.h5"});
  }
}
