// h5mem::Error, ErrorCode, and every error code triggered by real bad input.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_util.hpp"

using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Mode;

TEST_CASE("to_string(ErrorCode) names every enumerator") {
  const std::vector<std::pair<ErrorCode, std::string>> expected = {
      {ErrorCode::not_found, "not_found"},
      {ErrorCode::already_exists, "already_exists"},
      {ErrorCode::busy, "busy"},
      {ErrorCode::invalid_argument, "invalid_argument"},
      {ErrorCode::out_of_range, "out_of_range"},
      {ErrorCode::type_mismatch, "type_mismatch"},
      {ErrorCode::corruption, "corruption"},
      {ErrorCode::unsupported, "unsupported"},
      {ErrorCode::io_error, "io_error"},
      {ErrorCode::out_of_space, "out_of_space"},
      {ErrorCode::closed, "closed"},
  };
  for (const auto& [code, name] : expected) {
    CAPTURE(name);
    CHECK(std::string(h5mem::to_string(code)) == name);
  }
}

TEST_CASE("Error carries its code and message and is a std::runtime_error") {
  const h5mem::Error e(ErrorCode::busy, "mem://x: /a/b is busy");
  CHECK(e.code() == ErrorCode::busy);
  CHECK(std::string(e.what()).find("mem://x: /a/b is busy") != std::string::npos);

  const h5mem::Error e2(ErrorCode::closed, "other");
  CHECK(e2.code() == ErrorCode::closed);
  CHECK(std::string(e2.what()).find("other") != std::string::npos);

  // Catchable through the standard hierarchy.
  bool caught = false;
  try {
    throw h5mem::Error(ErrorCode::out_of_range, "index 7");
  } catch (const std::runtime_error& re) {
    caught = true;
    CHECK(std::string(re.what()).find("index 7") != std::string::npos);
  }
  CHECK(caught);

  // Copies keep the code.
  const h5mem::Error copy = e;
  CHECK(copy.code() == ErrorCode::busy);
}

TEST_CASE("library errors are h5mem::Error, catchable as std::exception") {
  const std::string name = h5t::mem_name("error-std");
  bool caught = false;
  try {
    (void)File::open(name, Mode::read_only);
  } catch (const std::exception& e) {
    caught = true;
    const auto* he = dynamic_cast<const h5mem::Error*>(&e);
    REQUIRE(he != nullptr);
    CHECK(he->code() == ErrorCode::not_found);
    CHECK(std::string(e.what()).find(name) != std::string::npos);
  }
  CHECK(caught);
}

// Each code the in-memory core can produce, from real bad input, with a message naming the
// file and (where an object is involved) the object path.
//
// ErrorCode::corruption and ErrorCode::io_error are not tested here: corruption needs stored
// bytes that fail a check (a file format/codec layer), and io_error needs the operating system to
// refuse a file operation (the backing store); the in-memory core has neither yet, so no real
// input can trigger them.
TEST_CASE("every error code the core can raise, from real bad input") {
  const std::string name = h5t::mem_name("error-catalogue");
  File f = File::create(name);
  auto d = f.create_dataset<std::int32_t>("/grp/data", {4, 5});

  SUBCASE("not_found") {
    CHECK_CODE_MSG(File::open(h5t::mem_name("error-missing"), Mode::read_only),
                   ErrorCode::not_found, "mem://h5t-error-missing");
    CHECK_CODE_MSG(f.group("/grp/nope"), ErrorCode::not_found, name, "/grp/nope");
    CHECK_CODE_MSG(f.dataset("/nothing"), ErrorCode::not_found, name, "/nothing");
    CHECK_CODE_MSG(d.attrs().get("units"), ErrorCode::not_found, name, "/grp/data", "units");
    CHECK_CODE_MSG(f.remove("/ghost"), ErrorCode::not_found, name, "/ghost");
    CHECK_CODE(h5mem::Registry::unlink(h5t::mem_name("error-never")), ErrorCode::not_found);
  }
  SUBCASE("already_exists") {
    CHECK_CODE_MSG(File::open(name, Mode::create_new), ErrorCode::already_exists, name);
    CHECK_CODE_MSG(f.create_group("/grp"), ErrorCode::already_exists, name, "/grp");
    CHECK_CODE_MSG(f.create_dataset<float>("/grp/data", {1}), ErrorCode::already_exists, name,
                   "/grp/data");
  }
  SUBCASE("busy") {
    CHECK_CODE_MSG(File::create(name), ErrorCode::busy, name);
    CHECK_CODE_MSG(File::open(name, Mode::create), ErrorCode::busy, name);
  }
  SUBCASE("invalid_argument") {
    CHECK_CODE_MSG(f.create_group("/a/../b"), ErrorCode::invalid_argument, name);
    CHECK_CODE(f.group("a//b"), ErrorCode::invalid_argument);
    CHECK_CODE(File::create("mem://"), ErrorCode::invalid_argument);
    CHECK_CODE(h5mem::DType::signed_integer(3), ErrorCode::invalid_argument);
    CHECK_CODE((h5mem::element_count({std::uint64_t{1} << 32, std::uint64_t{1} << 32})),
               ErrorCode::invalid_argument);
    CHECK_CODE_MSG(d.select({h5mem::Slice(0, 4, 0)}), ErrorCode::invalid_argument, name,
                   "/grp/data");
    CHECK_CODE_MSG(f.remove("/"), ErrorCode::invalid_argument, name);
    File ro = File::open(name, Mode::read_only);
    CHECK_CODE_MSG(ro.dataset("/grp/data").write(std::vector<std::int32_t>(20, 1)),
                   ErrorCode::invalid_argument, name, "/grp/data");
  }
  SUBCASE("out_of_range") {
    CHECK_CODE_MSG(d.select({4}), ErrorCode::out_of_range, name, "/grp/data");
    CHECK_CODE_MSG((d.select({0, h5mem::Slice(0, 6)})), ErrorCode::out_of_range, name, "/grp/data");
  }
  SUBCASE("type_mismatch") {
    CHECK_CODE_MSG(d.read<std::string>(), ErrorCode::type_mismatch, name, "/grp/data");
    CHECK_CODE(d.write(std::vector<std::string>(20, "1")), ErrorCode::type_mismatch);
    CHECK_CODE_MSG(d.write(std::vector<std::int32_t>(19, 1)), ErrorCode::type_mismatch, name,
                   "/grp/data");
    CHECK_CODE_MSG(f.group("/grp/data"), ErrorCode::type_mismatch, name, "/grp/data");
    CHECK_CODE_MSG(f.dataset("/grp"), ErrorCode::type_mismatch, name, "/grp");
  }
  SUBCASE("unsupported") {
    // Objects are not created through an external link (only in the file it names).
    const std::string name = h5t::mem_name("error-unsupported");
    File f = File::create(name);
    f.create_external_link("ext", "other.h5", "/g");
    CHECK_CODE_MSG(f.create_group("ext/d"), ErrorCode::unsupported, name, "/ext/d");
    CHECK_FALSE(f.contains("ext/d"));
  }
  SUBCASE("out_of_space") {
    const std::string small = h5t::mem_name("error-quota");
    File q = File::create(small, h5mem::CreateOptions{}.max_bytes(16));
    auto big = q.create_dataset<double>("/big", {3});  // 24 bytes on first write
    CHECK_CODE_MSG(big.write(std::vector<double>{1, 2, 3}), ErrorCode::out_of_space, small);
    CHECK(q.bytes_held() == 0u);
  }
  SUBCASE("closed") {
    File other = File::open(name, Mode::read_write);
    auto g = other.group("/grp");
    other.close();
    CHECK_CODE_MSG(g.list(), ErrorCode::closed, name);
    CHECK_CODE(other.create_group("/x"), ErrorCode::closed);
    auto victim = f.create_group("/victim");
    f.remove("/victim");
    CHECK_CODE_MSG(victim.attrs().set("a", 1), ErrorCode::closed, name);
  }
}

TEST_CASE("a failed operation leaves the file unchanged") {
  const std::string name = h5t::mem_name("error-unchanged");
  File f = File::create(name, h5mem::CreateOptions{}.max_bytes(64));
  auto d = f.create_dataset<std::int16_t>("/d", {2, 3});
  const std::vector<std::int16_t> original = {1, 2, 3, 4, 5, 6};
  d.write(original);
  f.attrs().set("note", std::string("keep"));
  const std::uint64_t bytes = f.bytes_held();
  REQUIRE(bytes == 12u + 4u);

  // Wrong length, wrong type, bad selection, quota: none may change data or accounting.
  CHECK_CODE(d.write(std::vector<std::int16_t>{9, 9, 9}), ErrorCode::type_mismatch);
  CHECK_CODE(d.write(std::vector<std::int16_t>(7, 9)), ErrorCode::type_mismatch);
  CHECK_CODE(d.write(std::vector<std::string>(6, "9")), ErrorCode::type_mismatch);
  CHECK_CODE(d.select({h5mem::Slice(0, 3)}).write(std::vector<std::int16_t>(9, 9)),
             ErrorCode::out_of_range);
  CHECK_CODE(f.attrs().set("huge", std::vector<std::uint8_t>(100, 1)), ErrorCode::out_of_space);
  CHECK_CODE(f.attrs().set("note", std::string(100, 'x')), ErrorCode::out_of_space);
  CHECK_CODE(f.create_group("/d/sub"), ErrorCode::type_mismatch);
  CHECK_CODE(f.create_dataset<float>("/new/deep/../x", {2}), ErrorCode::invalid_argument);
  CHECK_CODE(f.move("/d", "/missing/d"), ErrorCode::not_found);

  CHECK(d.read<std::int16_t>() == original);
  CHECK(f.attrs().read<std::string>("note") == "keep");
  CHECK_FALSE(f.attrs().contains("huge"));
  CHECK(f.list() == std::vector<std::string>{"d"});
  CHECK(f.bytes_held() == bytes);
}
