// The process-wide registry of mem:// images: lifetimes, sharing, unlink, list().
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
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

TEST_CASE("default lifetime: the image is freed when the last handle closes") {
  const std::string name = h5t::mem_name("reg-default");
  CHECK_FALSE(Registry::exists(name));
  {
    File f = File::create(name);
    CHECK(Registry::exists(name));
    auto info = h5t::registry_entry(name);
    REQUIRE(info.has_value());
    CHECK(info->lifetime == Lifetime::until_close);
    CHECK(info->open_handles == 1u);
    CHECK(info->bytes_held == 0u);
    f.create_dataset<std::int32_t>("/d", {4}).write(std::vector<std::int32_t>{1, 2, 3, 4});
  }  // the only handle is destroyed without close()
  CHECK_FALSE(Registry::exists(name));
  CHECK_FALSE(h5t::registry_entry(name).has_value());
  CHECK_CODE_MSG(File::open(name, Mode::read_only), ErrorCode::not_found, name);
  CHECK_CODE(File::open(name, Mode::read_write), ErrorCode::not_found);

  // The name is free again: create_new succeeds and finds an empty image.
  File again = File::open(name, Mode::create_new);
  CHECK(again.list().empty());
  CHECK(again.bytes_held() == 0u);
}

TEST_CASE("default lifetime: explicit close frees the image and the name") {
  const std::string name = h5t::mem_name("reg-close");
  File f = File::create(name);
  f.create_group("g");
  f.close();
  CHECK_FALSE(Registry::exists(name));
  CHECK_CODE(File::open(name, Mode::read_only), ErrorCode::not_found);
  File g = File::open(name, Mode::open_or_create);
  CHECK_FALSE(g.contains("g"));
}

TEST_CASE("an object handle keeps its file image alive") {
  const std::string name = h5t::mem_name("reg-keepalive");

  SUBCASE("group") {
    std::optional<h5mem::Group> g;
    {
      File f = File::create(name);
      g.emplace(f.create_group("/a/b"));
    }
    REQUIRE(Registry::exists(name));
    CHECK(g->path() == "/a/b");
    g->create_group("c");
    // A second open of the still-living image sees the data.
    File again = File::open(name, Mode::read_only);
    CHECK(again.contains("/a/b/c"));
    auto info = h5t::registry_entry(name);
    REQUIRE(info.has_value());
    CHECK(info->open_handles == 2u);  // the first open (kept by g) and `again`
    again.close();
    g.reset();
    CHECK_FALSE(Registry::exists(name));
  }
  SUBCASE("dataset") {
    std::optional<h5mem::Dataset> d;
    {
      File f = File::create(name);
      d.emplace(f.create_dataset<double>("x", {3}));
    }
    REQUIRE(Registry::exists(name));
    d->write(std::vector<double>{1.5, 2.5, 3.5});
    CHECK(d->read<double>() == std::vector<double>{1.5, 2.5, 3.5});
    CHECK(d->file().bytes_held() == 24u);
    d.reset();
    CHECK_FALSE(Registry::exists(name));
  }
  SUBCASE("selection") {
    std::optional<h5mem::Selection> s;
    {
      File f = File::create(name);
      auto d = f.create_dataset<std::int16_t>("x", {2, 2});
      d.write(std::vector<std::int16_t>{1, 2, 3, 4});
      s.emplace(d.select({1}));
    }
    REQUIRE(Registry::exists(name));
    CHECK(s->read<std::int16_t>() == std::vector<std::int16_t>{3, 4});
    s.reset();
    CHECK_FALSE(Registry::exists(name));
  }
  SUBCASE("attribute view") {
    std::optional<h5mem::Attribute> a;
    {
      File f = File::create(name);
      f.attrs().set("answer", std::int64_t{42});
      a.emplace(f.attrs().get("answer"));
    }
    REQUIRE(Registry::exists(name));
    CHECK(a->read<std::int64_t>() == 42);
    a.reset();
    CHECK_FALSE(Registry::exists(name));
  }
  SUBCASE("file copies") {
    std::optional<File> copy;
    {
      File f = File::create(name);
      copy.emplace(f);
    }
    REQUIRE(Registry::exists(name));
    CHECK(copy->is_open());
    copy.reset();
    CHECK_FALSE(Registry::exists(name));
  }
}

TEST_CASE("two opens of one name share one image") {
  const std::string name = h5t::mem_name("reg-share");
  File a = File::create(name);
  File b = File::open(name, Mode::read_write);
  File r = File::open(name, Mode::read_only);

  auto info = h5t::registry_entry(name);
  REQUIRE(info.has_value());
  CHECK(info->open_handles == 3u);

  // Copies of a handle count once.
  File a2 = a;
  auto g_from_a = a.create_group("from_a");
  info = h5t::registry_entry(name);
  REQUIRE(info.has_value());
  CHECK(info->open_handles == 3u);

  // Writes through one are visible through the others, in both directions.
  auto d = a.create_dataset<std::uint16_t>("/from_a/d", {3});
  d.write(std::vector<std::uint16_t>{7, 8, 9});
  CHECK(b.dataset("/from_a/d").read<std::uint16_t>() == std::vector<std::uint16_t>{7, 8, 9});
  CHECK(r.dataset("/from_a/d").read<std::uint16_t>() == std::vector<std::uint16_t>{7, 8, 9});
  b.dataset("/from_a/d").select({1}).write(std::vector<std::uint16_t>{80});
  CHECK(d.read<std::uint16_t>() == std::vector<std::uint16_t>{7, 80, 9});
  b.attrs().set("who", std::string("b"));
  CHECK(a.attrs().read<std::string>("who") == "b");
  CHECK(a.bytes_held() == b.bytes_held());
  CHECK(a.bytes_held() == 6u + 1u);

  // Closing one open leaves the others working and lowers the count.
  b.close();
  info = h5t::registry_entry(name);
  REQUIRE(info.has_value());
  CHECK(info->open_handles == 2u);
  CHECK(r.dataset("/from_a/d").read<std::uint16_t>() == std::vector<std::uint16_t>{7, 80, 9});
  a.close();
  CHECK_FALSE(a2.is_open());
  CHECK(r.is_open());
  CHECK(r.contains("from_a/d"));
  r.close();
  CHECK_FALSE(Registry::exists(name));
}

TEST_CASE("Lifetime::process keeps the image after the last close until unlink") {
  const std::string name = h5t::mem_name("reg-process");
  {
    File f = File::create(name, process_lifetime());
    f.create_dataset<float>("/v", {2}).write(std::vector<float>{0.5f, 1.5f});
    f.attrs().set("tag", std::string("kept"));
    f.close();
  }
  REQUIRE(Registry::exists(name));
  auto info = h5t::registry_entry(name);
  REQUIRE(info.has_value());
  CHECK(info->lifetime == Lifetime::process);
  CHECK(info->open_handles == 0u);
  CHECK(info->bytes_held == 8u + 4u);

  {
    File r = File::open(name, Mode::read_only);
    CHECK(r.dataset("v").read<float>() == std::vector<float>{0.5f, 1.5f});
    CHECK(r.attrs().read<std::string>("tag") == "kept");
    CHECK(r.bytes_held() == 12u);
    info = h5t::registry_entry(name);
    REQUIRE(info.has_value());
    CHECK(info->open_handles == 1u);
  }
  // Still there after the reopen closed, and can be reopened read_write.
  {
    File w = File::open(name, Mode::read_write);
    w.create_group("more");
  }
  {
    File r = File::open(name, Mode::read_only);
    CHECK(r.list() == std::vector<std::string>{"more", "v"});
  }

  Registry::unlink(name);
  CHECK_FALSE(Registry::exists(name));
  CHECK_FALSE(h5t::registry_entry(name).has_value());
  CHECK_CODE(File::open(name, Mode::read_only), ErrorCode::not_found);
  CHECK_CODE(Registry::unlink(name), ErrorCode::not_found);
}

TEST_CASE("Registry::unlink of an open image: still usable until its last close") {
  const std::string name = h5t::mem_name("reg-unlink-open");

  SUBCASE("process lifetime") {
    File f = File::create(name, process_lifetime());
    auto d = f.create_dataset<std::int32_t>("d", {2});
    d.write(std::vector<std::int32_t>{5, 6});
    Registry::unlink(name);
    CHECK_FALSE(Registry::exists(name));
    CHECK_CODE(File::open(name, Mode::read_only), ErrorCode::not_found);

    // The old image stays fully usable through existing handles.
    d.write(std::vector<std::int32_t>{7, 8});
    CHECK(f.dataset("d").read<std::int32_t>() == std::vector<std::int32_t>{7, 8});
    f.create_group("still-writable");

    // The name is free: a new, independent image can take it.
    File fresh = File::open(name, Mode::create_new);
    CHECK(fresh.list().empty());
    fresh.create_group("only-in-fresh");
    CHECK_FALSE(f.contains("only-in-fresh"));
    CHECK(f.contains("still-writable"));
    CHECK_FALSE(fresh.contains("d"));
    fresh.close();

    f.close();
    // Neither image lives on: the fresh one was until_close, the old one was unlinked.
    CHECK_FALSE(Registry::exists(name));
    CHECK_CODE(d.read<std::int32_t>(), ErrorCode::closed);
  }
  SUBCASE("default lifetime") {
    File f = File::create(name);
    Registry::unlink(name);
    CHECK_FALSE(Registry::exists(name));
    f.create_group("ok");
    CHECK(f.contains("ok"));
    CHECK_CODE(Registry::unlink(name), ErrorCode::not_found);
  }
}

TEST_CASE("Registry::list reports name, lifetime, open handle count and bytes, sorted") {
  const std::string base = h5t::mem_name("reg-list");
  const std::string n1 = h5t::cat(base, "-b");
  const std::string n2 = h5t::cat(base, "-a");
  const std::string n3 = h5t::cat(base, "-c");
  File f1 = File::create(n1);
  File f1b = File::open(n1, Mode::read_write);
  {
    File f2 = File::create(n2, process_lifetime());
    f2.attrs().set("v", std::vector<std::int32_t>{1, 2, 3});
  }
  File f3 = File::create(n3, CreateOptions{}.max_bytes(1000));
  f1.create_dataset<std::uint8_t>("u", {10}).write(std::vector<std::uint8_t>(10, 3));
  f1b.attrs().set("s", std::string("hello"));
  f3.create_dataset<double>("d", {100});  // never written: 0 bytes

  const auto all = Registry::list();
  CHECK(std::is_sorted(all.begin(), all.end(),
                       [](const auto& x, const auto& y) { return x.name < y.name; }));
  std::vector<h5mem::ImageInfo> mine;
  for (const auto& i : all)
    if (i.name.rfind(base, 0) == 0) mine.push_back(i);
  REQUIRE(mine.size() == 3u);
  CHECK(mine[0].name == n2);
  CHECK(mine[1].name == n1);
  CHECK(mine[2].name == n3);

  CHECK(mine[0].lifetime == Lifetime::process);
  CHECK(mine[0].open_handles == 0u);
  CHECK(mine[0].bytes_held == 12u);

  CHECK(mine[1].lifetime == Lifetime::until_close);
  CHECK(mine[1].open_handles == 2u);
  CHECK(mine[1].bytes_held == 15u);
  CHECK(mine[1].bytes_held == f1.bytes_held());

  CHECK(mine[2].lifetime == Lifetime::until_close);
  CHECK(mine[2].open_handles == 1u);
  CHECK(mine[2].bytes_held == 0u);

  Registry::unlink(n2);
  CHECK_FALSE(h5t::registry_entry(n2).has_value());
}

TEST_CASE("create truncates a closed process image; busy when open; create_new refuses") {
  const std::string name = h5t::mem_name("reg-truncate");
  {
    File f = File::create(name, process_lifetime());
    f.create_dataset<std::int8_t>("d", {4}).write(std::vector<std::int8_t>{1, 2, 3, 4});
  }
  CHECK_CODE_MSG(File::open(name, Mode::create_new), ErrorCode::already_exists, name);
  {
    File reader = File::open(name, Mode::read_only);
    CHECK_CODE_MSG(File::create(name), ErrorCode::busy, name);
    CHECK_CODE(File::open(name, Mode::create), ErrorCode::busy);
    CHECK(reader.contains("d"));  // the refused create changed nothing
  }
  {
    File t = File::open(name, Mode::create);
    CHECK(t.list().empty());
    CHECK(t.bytes_held() == 0u);
  }
  // The truncating create made a new image with the (default) lifetime of its CreateOptions.
  CHECK_FALSE(Registry::exists(name));
}

TEST_CASE("CreateOptions apply only when the open creates the image") {
  const std::string name = h5t::mem_name("reg-create-options");
  {
    File f = File::create(name);  // until_close
    File g = File::open(name, Mode::open_or_create, {}, process_lifetime());
    auto info = h5t::registry_entry(name);
    REQUIRE(info.has_value());
    CHECK(info->lifetime == Lifetime::until_close);
    CHECK(info->open_handles == 2u);
  }
  CHECK_FALSE(Registry::exists(name));

  {
    File f = File::open(name, Mode::open_or_create, {}, process_lifetime());
    CHECK(f.mode() == Mode::read_write);
  }
  CHECK(Registry::exists(name));
  auto info = h5t::registry_entry(name);
  REQUIRE(info.has_value());
  CHECK(info->lifetime == Lifetime::process);
  Registry::unlink(name);
}

TEST_CASE("registry names never touch the filesystem") {
  // test_main.cpp fails the suite if anything appears in the working directory; in addition
  // check the obvious candidates directly.
  const std::string name = "mem://h5t-reg-fs-probe";
  {
    File f = File::create(name, process_lifetime());
    f.create_dataset<double>("d", {16}).write(std::vector<double>(16, 1.0));
  }
  CHECK(Registry::exists(name));
  CHECK_FALSE(std::filesystem::exists("h5t-reg-fs-probe"));
  CHECK_FALSE(std::filesystem::exists("mem:"));
  CHECK(std::filesystem::is_empty(std::filesystem::current_path()));
  Registry::unlink(name);
}
