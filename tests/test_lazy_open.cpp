// Lazily opened files (by path, or open_image with Ownership::borrow): a group's members are
// read from the file on first use. Checks that untouched groups are really not read (a
// damaged one goes unnoticed until used, and then fails the same way every time without
// changing anything), that references, dimension scales and committed types resolve across
// groups read at different times, that concurrent first reads agree, and that eager opens
// (Ownership::copy) still read and check everything up front.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "test_util.hpp"

using h5mem::Dataset;
using h5mem::DatasetOptions;
using h5mem::DType;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Format;
using h5mem::ImageOptions;
using h5mem::Mode;
using h5mem::ObjectRef;
using h5mem::Ownership;
using h5mem::SaveOptions;
using h5mem::Shape;

namespace {

using Bytes = std::vector<std::byte>;

std::vector<double> ramp(std::size_t n, double start) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = start + static_cast<double>(i);
  return v;
}

// "/good" (data), "/a/x" (data), "/b/c" whose header holds an attribute named `marker`
// (found in the bytes to damage that header), and "/b/d" (data).
Bytes layered_file(Format format, const std::string& marker) {
  File f = File::create(h5t::mem_name("lazy-src"));
  f.create_dataset<double>("good", Shape{8}).write(ramp(8, 1.0));
  f.create_dataset<double>("a/x", Shape{4}).write(ramp(4, 10.0));
  f.create_group("b/c").attrs().set(marker, 7);
  f.create_dataset<double>("b/d", Shape{3}).write(ramp(3, 20.0));
  return f.to_bytes(SaveOptions{}.format(format));
}

// Flips one byte in the (only) occurrence of `needle` in `bytes`.
void damage(Bytes& bytes, const std::string& needle) {
  auto* first = reinterpret_cast<const char*>(bytes.data());
  const std::string_view all(first, bytes.size());
  const std::size_t at = all.find(needle);
  REQUIRE(at != std::string_view::npos);
  REQUIRE(all.find(needle, at + 1) == std::string_view::npos);
  bytes[at + needle.size() / 2] ^= std::byte{0x20};
}

File borrow(const Bytes& bytes, Mode mode = Mode::read_only) {
  return File::open_image(h5t::mem_name("lazy"), bytes, mode,
                          ImageOptions{}.ownership(Ownership::borrow));
}

}  // namespace

TEST_CASE("groups of a borrowed image are read on first use") {
  // Latest format: object headers carry checksums, so the damaged attribute name is caught
  // exactly when /b/c's header is parsed, i.e. when /b's members are read.
  Bytes bytes = layered_file(Format::latest, "marker_attribute_c");
  damage(bytes, "marker_attribute_c");

  // Read eagerly (copy), the damage stops the open.
  CHECK_CODE_MSG(File::open_image(h5t::mem_name("lazy-eager"), bytes), ErrorCode::corruption,
                 "checksum");

  File f = borrow(bytes, Mode::read_write);
  CHECK(f.dataset("good").read<double>() == ramp(8, 1.0));
  CHECK(f.dataset("a/x").read<double>() == ramp(4, 10.0));
  const Dataset good = f.dataset("good");
  h5mem::Group b = f.group("b");  // /b itself was built with the root's members
  CHECK(b.attrs().list().empty());
  const std::uint64_t held = f.bytes_held();
  for (int attempt = 0; attempt < 2; ++attempt) {
    // Each use fails the same way, names the file, and builds nothing.
    CHECK_CODE_MSG(b.list(), ErrorCode::corruption, "lazy", "checksum");
    CHECK_CODE_MSG(f.dataset("b/d"), ErrorCode::corruption, "checksum");
    CHECK(f.bytes_held() == held);
  }
  // Writing the file needs every group: it fails and changes nothing.
  CHECK_CODE(f.to_bytes(), ErrorCode::corruption);
  CHECK(f.list() == std::vector<std::string>{"a", "b", "good"});
  CHECK(good.read<double>() == ramp(8, 1.0));
  // The rest of the file stays usable, for reading and writing.
  f.dataset("a/x").write(ramp(4, -1.0));
  CHECK(f.dataset("a/x").read<double>() == ramp(4, -1.0));
  // Removing the damaged group makes the file whole again.
  f.remove("b");
  File back = File::open_image(h5t::mem_name("lazy-back"), f.to_bytes());
  CHECK(back.list() == std::vector<std::string>{"a", "good"});
  CHECK(back.dataset("a/x").read<double>() == ramp(4, -1.0));
}

TEST_CASE("files opened by path read their groups on first use") {
  const std::string path = "lazy_layers.h5";
  for (Format format : {Format::earliest, Format::latest}) {
    CAPTURE(static_cast<int>(format));
    Bytes bytes = layered_file(format, "marker_attribute_p");
    if (format == Format::latest) damage(bytes, "marker_attribute_p");
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
    }
    File f = File::open(path);
    CHECK(f.dataset("good").read<double>() == ramp(8, 1.0));
    if (format == Format::latest) {
      CHECK_CODE_MSG(f.group("b").list(), ErrorCode::corruption, path, "checksum");
    } else {
      CHECK(f.group("b").list() == std::vector<std::string>{"c", "d"});
      CHECK(f.dataset("b/d").read<double>() == ramp(3, 20.0));
      CHECK(f.group("b/c").attrs().get("marker_attribute_p").read<int>() == 7);
    }
    f.close();
  }
  std::filesystem::remove(path);
}

TEST_CASE("references and scales resolve across groups read at different times") {
  for (Format format : {Format::earliest, Format::latest}) {
    CAPTURE(static_cast<int>(format));
    Bytes bytes;
    {
      File f = File::create(h5t::mem_name("lazy-refs"));
      Dataset x = f.create_dataset<double>("deep/er/x", Shape{5});
      x.write(ramp(5, 0.0));
      Dataset scale = f.create_dataset<double>("scales/t", Shape{5});
      scale.write(ramp(5, 100.0));
      scale.make_scale("time");
      x.attach_scale(0, scale);
      f.create_dataset<ObjectRef>("refs", Shape{3})
          .write(std::vector<ObjectRef>{x.ref(), f.group("scales").ref(), ObjectRef{}});
      f.attrs().set("where", x.ref());
      bytes = f.to_bytes(SaveOptions{}.format(format));
    }
    File f = borrow(bytes);
    // Read before the groups they point into: ids promised then must be the nodes' ids.
    const std::vector<ObjectRef> refs = f.dataset("refs").read<ObjectRef>();
    const ObjectRef where = f.attrs().get("where").read<ObjectRef>();
    REQUIRE(refs.size() == 3);
    CHECK(refs[2] == ObjectRef{});
    CHECK(refs[0] == where);
    CHECK(f.deref_dataset(refs[0]).read<double>() == ramp(5, 0.0));
    CHECK(f.deref(refs[0]).path() == "/deep/er/x");
    CHECK(f.dataset("deep/er/x").ref() == refs[0]);
    CHECK(f.group("scales").ref() == refs[1]);
    const std::vector<Dataset> scales = f.dataset("deep/er/x").scales(0);
    REQUIRE(scales.size() == 1);
    CHECK(scales[0].path() == "/scales/t");
    CHECK(scales[0].read<double>() == ramp(5, 100.0));

    // A second open reads the scale's group first, then the dataset's.
    File g = borrow(bytes);
    CHECK(g.dataset("scales/t").read<double>() == ramp(5, 100.0));
    REQUIRE(g.dataset("deep/er/x").scales(0).size() == 1);
    CHECK(g.dataset("deep/er/x").scales(0)[0].path() == "/scales/t");
    // Written back whole: the copy matches the original, references included.
    File h = File::open_image(h5t::mem_name("lazy-refs-copy"), g.to_bytes());
    CHECK(h.deref_dataset(h.dataset("refs").read<ObjectRef>()[0]).path() == "/deep/er/x");
    CHECK(h.dataset("deep/er/x").scales(0).size() == 1);
  }
}

TEST_CASE("a committed type in a group not read yet is found through its dataset") {
  for (Format format : {Format::earliest, Format::latest}) {
    CAPTURE(static_cast<int>(format));
    Bytes bytes;
    {
      File f = File::create(h5t::mem_name("lazy-types"));
      h5mem::NamedType t = f.commit_datatype("z_types/pair", h5mem::dtype_of<std::int16_t>());
      f.create_dataset("data", t, Shape{4}).write(std::vector<std::int16_t>{1, 2, 3, 4});
      bytes = f.to_bytes(SaveOptions{}.format(format));
    }
    File f = borrow(bytes);
    Dataset d = f.dataset("data");  // "/z_types" is not read yet
    CHECK(d.read<std::int16_t>() == std::vector<std::int16_t>{1, 2, 3, 4});
    const auto t = d.named_type();
    REQUIRE(t.has_value());
    CHECK(t->path() == "/z_types/pair");
    CHECK(f.named_type("z_types/pair").ref() == t->ref());
    // The copy still shares the committed type.
    File g = File::open_image(h5t::mem_name("lazy-types-copy"), f.to_bytes());
    REQUIRE(g.dataset("data").named_type().has_value());
    CHECK(g.dataset("data").named_type()->path() == "/z_types/pair");
  }
}

TEST_CASE("threads reading a lazily opened file for the first time agree") {
  Bytes bytes;
  // Small enough for ThreadSanitizer: to_bytes holds every dataset's lock at once, and its
  // deadlock detector stops (CHECK failed) beyond 64 locks held by one thread.
  constexpr int kGroups = 10;
  {
    File f = File::create(h5t::mem_name("lazy-mt-src"));
    for (int g = 0; g < kGroups; ++g) {
      for (int k = 0; k < 5; ++k) {
        f.create_dataset<double>(h5t::cat("g", g, "/sub/d", k), Shape{4})
            .write(ramp(4, g * 10.0 + k));
      }
    }
    bytes = f.to_bytes(SaveOptions{}.format(Format::latest));
  }
  for (int round = 0; round < 5; ++round) {
    File f = borrow(bytes);
    std::atomic<int> bad{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        try {
          for (int i = 0; i < kGroups; ++i) {
            const int g = (i * 7 + t * 13) % kGroups;
            h5mem::Group sub = f.group(h5t::cat("g", g, "/sub"));
            if (sub.list().size() != 5) ++bad;
            const int k = (i + t) % 5;
            if (sub.dataset(h5t::cat("d", k)).read<double>() != ramp(4, g * 10.0 + k)) ++bad;
          }
        } catch (...) {
          ++bad;
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(bad.load() == 0);
    CHECK(f.list().size() == static_cast<std::size_t>(kGroups));
  }
}
