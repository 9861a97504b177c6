// The HDF5 reader against files written by h5py/libhdf5 (and netCDF4/PyTables when
// installed): tests/interop/make_fixtures.py writes them at build time with manifest.json
// (H5MEM_FIXTURES names its directory). Every fixture is read into a fresh image, opened as
// a File, and every group, dataset (dtype, shape, max shape, chunks, raw bytes or strings)
// and attribute compared with what libhdf5 reported. Then damaged copies of small fixtures
// (every truncation, flipped bytes, zeroed tails) must raise h5mem::Error or read, never crash.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_image.hpp"
#include "fixture_json.hpp"
#include "format/hdf5/reader.hpp"
#include "h5mem/h5mem.hpp"
#include "memory_form.hpp"

using namespace h5mem;
using h5mem::detail::ReadResult;
using Bytes = std::vector<std::byte>;

namespace {

using namespace h5t_fixture;

std::string fnv(std::span<const std::byte> b) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::byte x : b) {
    h ^= static_cast<std::uint8_t>(x);
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// ---- opening an image through read_hdf5 ------------------------------------------------------

// Opens `bytes` as a read-only in-memory file.
// Ownership::borrow opens lazily: groups are read on first use.
File open_bytes(std::span<const std::byte> bytes, Ownership own = Ownership::copy) {
  static int counter = 0;
  return File::open_image("mem://hdf5_reader_" + std::to_string(counter++), bytes, Mode::read_only,
                          ImageOptions{}.ownership(own));
}

// Runs the reader alone on a private image (no registry), returning what it noted.
ReadResult read_alone(std::span<const std::byte> bytes) {
  detail::FileImage image("reader_test", CreateOptions{});
  std::unique_lock lock(image.tree_mutex);
  return detail::read_hdf5(bytes, image);
}

Shape shape_of(const Json& j) {
  Shape s;
  for (const Json& v : j.items) s.push_back(v.i64() < 0 ? unlimited : v.u64());
  return s;
}

// Compares raw stored bytes with a manifest payload ({"hex"} or {"fnv"}, plus "size").
void check_payload(const std::string& what, std::span<const std::byte> got, const Json& want) {
  CHECK_MESSAGE(got.size() == want["size"].u64(), what << ": size");
  if (const Json* h = want.find("hex")) {
    CHECK_MESSAGE(hex(got) == h->str(), what << ": bytes differ");
  } else {
    CHECK_MESSAGE(fnv(got) == want["fnv"].str(), what << ": checksum differs");
  }
}

void check_strings(const std::string& what, const std::vector<std::string>& got, const Json& want) {
  REQUIRE_MESSAGE(got.size() == want.items.size(), what << ": string count");
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK_MESSAGE(got[i] == want.items[i].str(), what << ": string " << i);
  }
}

// Values with vlen data nested in compounds and arrays (and vlen sequences): read into
// memory-form elements (std::string / Vlen<T> objects constructed in a raw buffer) and
// compared with the manifest's JSON (compounds as lists in member order).
bool json_equal(const DType& t, const std::byte* p, const Json& want) {
  switch (t.type_class()) {
    case TypeClass::integer: {
      std::uint64_t u = 0;
      std::memcpy(&u, p, t.size());  // native order
      if (!t.is_signed()) return u == want.u64();
      if (t.size() < 8 && (u >> (8 * t.size() - 1)) & 1) u |= ~std::uint64_t{0} << (8 * t.size());
      return static_cast<std::int64_t>(u) == want.i64();
    }
    case TypeClass::floating: {
      double d = 0;
      if (t.size() == 4) {
        float x;
        std::memcpy(&x, p, 4);
        d = x;
      } else {
        std::memcpy(&d, p, 8);
      }
      return d == std::stod(want.str());
    }
    case TypeClass::string:
      return *reinterpret_cast<const std::string*>(p) == want.str();
    case TypeClass::vlen: {
      const auto& b = reinterpret_cast<const h5mem::detail::VlenBytes*>(p)->bytes;
      const std::size_t bs = t.base().size();
      if (b.size() != want.items.size() * bs) return false;
      for (std::size_t k = 0; k < want.items.size(); ++k) {
        if (!json_equal(t.base(), b.data() + k * bs, want.items[k])) return false;
      }
      return true;
    }
    case TypeClass::array: {
      if (element_count(t.array_dims()) != want.items.size()) return false;
      for (std::size_t k = 0; k < want.items.size(); ++k) {
        if (!json_equal(t.base(), p + k * t.base().size(), want.items[k])) return false;
      }
      return true;
    }
    case TypeClass::compound: {
      if (t.members().size() != want.items.size()) return false;
      for (std::size_t k = 0; k < want.items.size(); ++k) {
        if (!json_equal(*t.members()[k].type, p + t.members()[k].offset, want.items[k]))
          return false;
      }
      return true;
    }
    default:
      return false;
  }
}

template <class Read>
void check_nested(const std::string& what, const DType& t, std::uint64_t n, const Json& want,
                  Read&& read) {
  REQUIRE_MESSAGE(want.items.size() == n, what << ": element count");
  h5t::MemoryForm buf(t, n);
  try {
    read(buf.data());
    for (std::uint64_t i = 0; i < n; ++i) {
      CHECK_MESSAGE(json_equal(t, buf.element(i), want.items[i]), what << ": element " << i);
    }
  } catch (const std::exception& e) {
    FAIL_CHECK(what << ": " << e.what());
  }
}

void check_attrs(const std::string& path, const Object& obj, const Json& want) {
  AttributeSet attrs = obj.attrs();
  std::vector<std::string> expected;
  for (const auto& [name, a] : want.fields) {
    if (a.find("skipped")) {
      CHECK_MESSAGE(!attrs.contains(name), path << " attribute " << name << " should be skipped");
      continue;
    }
    expected.push_back(name);
    const std::string what = path + " attribute " + name;
    REQUIRE_MESSAGE(attrs.contains(name), what << " missing");
    Attribute at = attrs.get(name);
    DType t = at.dtype();
    CHECK_MESSAGE(t.name() == a["dtype"].str(), what << ": dtype");
    CHECK_MESSAGE(at.shape() == shape_of(a["shape"]), what << ": shape");
    const std::uint64_t n = element_count(at.shape());
    if (const Json* s = a.find("strings")) {
      std::vector<std::string> got(n);
      at.read_raw(t, got.data(), n);
      check_strings(what, got, *s);
    } else if (const Json* v = a.find("nested")) {
      check_nested(what, t, n, *v, [&](std::byte* b) { at.read_raw(t, b, n); });
    } else {
      Bytes got(n * t.size());
      at.read_raw(t, got.data(), n);
      check_payload(what, got, a["data"]);
    }
  }
  std::vector<std::string> got = attrs.list();
  std::sort(expected.begin(), expected.end());
  CHECK_MESSAGE(got == expected, path << ": attribute names");
}

void check_dataset(const File& f, const std::string& path, const Dataset& ds, const Json& want) {
  DType t = ds.dtype();
  CHECK_MESSAGE(t.name() == want["dtype"].str(), path << ": dtype");
  CHECK_MESSAGE(ds.shape() == shape_of(want["shape"]), path << ": shape");
  CHECK_MESSAGE(ds.max_shape() == shape_of(want["maxshape"]), path << ": max shape");
  const Json& chunks = want["chunks"];
  CHECK_MESSAGE(ds.chunks() == (chunks.is_null() ? Shape{} : shape_of(chunks)), path << ": chunks");
  const std::uint64_t n = ds.size();
  if (const Json* s = want.find("strings")) {
    std::vector<std::string> got(n);
    ds.select({}).read_strings(got);
    check_strings(path, got, *s);
  } else if (const Json* r = want.find("ref_paths")) {
    std::vector<ObjectRef> refs = ds.read<ObjectRef>();
    REQUIRE(refs.size() == r->items.size());
    for (std::size_t i = 0; i < refs.size(); ++i) {
      if (r->items[i].str().empty()) {
        CHECK_MESSAGE(!refs[i], path << ": reference " << i << " should be null");
      } else {
        REQUIRE_MESSAGE(refs[i], path << ": reference " << i << " is null");
        CHECK_MESSAGE(f.deref(refs[i]).path() == r->items[i].str(), path << ": reference " << i);
      }
    }
  } else if (const Json* nv = want.find("nested")) {
    check_nested(path, t, n, *nv, [&](std::byte* b) { ds.select({}).read_raw(t, b, n); });
  } else if (const Json* v = want.find("vlen")) {
    REQUIRE(v->items.size() == n);
    const std::size_t bs = t.base().size();
    ds.select({}).read_vlen_raw(
        t.base(), [&](std::uint64_t i, const void* data, std::size_t count) {
          std::span<const std::byte> b(static_cast<const std::byte*>(data), count * bs);
          CHECK_MESSAGE(hex(b) == v->items[i].str(), path << ": element " << i);
        });
  } else {
    Bytes got(n * t.size());
    if (n) ds.select({}).read_raw(t, got.data(), n);
    check_payload(path, got, want["data"]);
  }
}

void read_everything(const Group& g, int& budget);

void check_file(const Json& entry, Ownership own, int& objects) {
  const std::string name = entry["file"].str();
  Bytes bytes = read_file(fixture_dir() + "/" + name);
  if (const Json* err = entry.find("error"); err && err->find("path")) {
    // Only that dataset is unreadable: the file opens, the rest reads, the dataset's
    // metadata is there, and reading or saving it names the problem.
    File f = open_bytes(bytes, own);
    const std::string bad = (*err)["path"].str();
    Dataset d = f.dataset(bad);
    CHECK(d.size() > 0u);
    try {
      (void)d.read<std::int32_t>();
      FAIL_CHECK(name << ": expected an error reading " << bad);
    } catch (const Error& e) {
      CHECK_MESSAGE(to_string(e.code()) == (*err)["code"].str(), name << ": " << e.what());
      CHECK_MESSAGE(std::string(e.what()).find((*err)["contains"].str()) != std::string::npos,
                    name << ": " << e.what());
    }
    CHECK_THROWS_AS((void)f.to_bytes(), Error);
    CHECK(f.dataset((*err)["readable"].str()).read<std::int32_t>() ==
          std::vector<std::int32_t>{0, 1, 2, 3, 4});
    return;
  }
  if (const Json* err = entry.find("error")) {
    try {
      // Read lazily, the error may come from a group read later.
      File f = open_bytes(bytes, own);
      int budget = 10000;
      read_everything(f, budget);
      FAIL_CHECK(name << ": expected an error");
    } catch (const Error& e) {
      CHECK_MESSAGE(to_string(e.code()) == (*err)["code"].str(), name << ": " << e.what());
      CHECK_MESSAGE(std::string(e.what()).find((*err)["contains"].str()) != std::string::npos,
                    name << ": " << e.what());
    }
    return;
  }
  ReadResult result = read_alone(bytes);
  File f = open_bytes(bytes, own);
  CHECK_MESSAGE((result.format == Format::latest) == (entry["format"].str() == "latest"), name);
  for (const Json& note : entry["notes"].items) {
    bool found = false;
    for (const std::string& r : result.notes)
      found = found || r.find(note.str()) != std::string::npos;
    CHECK_MESSAGE(found, name << ": no note about " << note.str());
  }
  for (const auto& [path, want] : entry["objects"].fields) {
    INFO(name << ":" << path);
    ++objects;
    if (const Json* same = want.find("same_as")) {
      REQUIRE(f.contains(path));
      if (f.kind_of(path) == ObjectKind::group) {
        CHECK(f.group(path) == f.group(same->str()));
      } else {
        CHECK(f.dataset(path) == f.dataset(same->str()));
      }
      continue;
    }
    if (want["kind"].str() == "soft" || want["kind"].str() == "external") {
      const Json* file = want.find("file");
      const LinkInfo link{want["kind"].str() == "soft" ? LinkKind::soft : LinkKind::external,
                          want["target"].str(), file ? file->str() : std::string()};
      CHECK_MESSAGE(f.link_info(path) == link, name << ":" << path << ": link");
      continue;
    }
    if (want["kind"].str() == "datatype") {
      NamedType t = f.named_type(path);
      CHECK_MESSAGE(t.dtype().name() == want["dtype"].str(), name << ":" << path);
      check_attrs(path, t, want["attrs"]);
      continue;
    }
    if (want["kind"].str() == "group") {
      Group g = path == "/" ? Group(f) : f.group(path);
      std::vector<std::string> members;
      for (const Json& m : want["members"].items) members.push_back(m.str());
      CHECK_MESSAGE(g.list() == members, name << ":" << path << ": members");
      check_attrs(path, g, want["attrs"]);
    } else {
      Dataset ds = f.dataset(path);
      check_dataset(f, name + ":" + path, ds, want);
      check_attrs(path, ds, want["attrs"]);
    }
  }
}

bool is_small(const std::string& name) {
  return name.find("_small.h5") != std::string::npos;
}

// Reads every attribute and every element below `g` (at most `budget` objects: hard links
// can make a DAG with many paths to one object).
void read_everything(const Group& g, int& budget) {
  auto read_attrs = [](const Object& o) {
    for (const std::string& name : o.attrs().list()) {
      Attribute a = o.attrs().get(name);
      DType t = a.dtype();
      const std::uint64_t n = element_count(a.shape());
      if (t.is_variable_string()) {
        std::vector<std::string> v(n);
        a.read_raw(t, v.data(), n);
      } else if (t.has_vlen()) {
        h5t::MemoryForm v(t, n);
        a.read_raw(t, v.data(), n);
      } else {
        Bytes v(n * t.size());
        a.read_raw(t, v.data(), n);
      }
    }
  };
  read_attrs(g);
  for (const std::string& name : g.list()) {
    if (--budget < 0) return;
    if (g.kind_of(name) == ObjectKind::group) {
      read_everything(g.group(name), budget);
      continue;
    }
    Dataset ds = g.dataset(name);
    read_attrs(ds);
    DType t = ds.dtype();
    const std::uint64_t n = ds.size();
    if (t.is_variable_string()) {
      std::vector<std::string> v(n);
      ds.select({}).read_strings(v);
    } else if (t.type_class() == TypeClass::vlen) {
      ds.select({}).read_vlen_raw(t.base(), [](std::uint64_t, const void*, std::size_t) {});
    } else if (t.has_vlen() && n * t.size() <= (64u << 20)) {
      h5t::MemoryForm v(t, n);
      ds.select({}).read_raw(t, v.data(), n);
    } else if (n * t.size() <= (64u << 20)) {
      Bytes v(n * t.size());
      if (n) ds.select({}).read_raw(t, v.data(), n);
    }
  }
}

// Opens damaged bytes and reads all they hold: only h5mem::Error may escape (anything else
// fails the test).
void read_damaged(std::span<const std::byte> bytes, std::size_t& ok, std::size_t& errors) {
  try {
    File f = open_bytes(bytes);
    int budget = 10000;
    read_everything(f, budget);
    ++ok;
  } catch (const Error&) {
    ++errors;
  }
}

}  // namespace

TEST_CASE("every fixture reads back as libhdf5 reports it") {
  int files = 0, objects = 0;
  for (const Json& entry : manifest()["files"].items) {
    INFO(entry["file"].str());
    // H5MEM_ONLY=NAME checks one fixture (for debugging).
    const char* only = std::getenv("H5MEM_ONLY");
    if (only && entry["file"].str() != only) continue;
    for (Ownership own : {Ownership::copy, Ownership::borrow}) {
      CAPTURE(own == Ownership::borrow ? "borrowed (lazy)" : "copied (eager)");
      check_file(entry, own, objects);
    }
    ++files;
  }
  MESSAGE(files << " fixtures, " << objects << " objects compared");
  if (!std::getenv("H5MEM_ONLY")) CHECK(files >= 12);
}

TEST_CASE("every truncation of a small fixture raises corruption") {
  for (const Json& entry : manifest()["files"].items) {
    if (!is_small(entry["file"].str())) continue;
    Bytes bytes = read_file(fixture_dir() + "/" + entry["file"].str());
    for (std::size_t len = 0; len < bytes.size(); ++len) {
      try {
        read_alone(std::span<const std::byte>(bytes).first(len));
        FAIL_CHECK(entry["file"].str() << " truncated to " << len << " bytes read without error");
      } catch (const Error& e) {
        if (e.code() != ErrorCode::corruption) {
          FAIL_CHECK(entry["file"].str() << " truncated to " << len << ": " << e.what());
        }
      }
    }
  }
}

TEST_CASE("damaged small fixtures raise Error or read, never crash") {
  for (const Json& entry : manifest()["files"].items) {
    if (!is_small(entry["file"].str())) continue;
    const Bytes original = read_file(fixture_dir() + "/" + entry["file"].str());
    std::size_t ok = 0, errors = 0;
    Bytes b = original;
    for (std::size_t i = 0; i < b.size(); ++i) {
      for (std::uint8_t mask : {0x01, 0x80, 0xff}) {
        b[i] ^= std::byte{mask};
        read_damaged(b, ok, errors);
        b[i] = original[i];
      }
    }
    // Same length, tail zeroed: the superblock's end-of-file check passes and every later
    // structure meets zeros.
    for (std::size_t len = 0; len < b.size(); len += 7) {
      Bytes z = original;
      std::memset(z.data() + len, 0, z.size() - len);
      read_damaged(z, ok, errors);
    }
    MESSAGE(entry["file"].str() << ": " << ok << " damaged copies read, " << errors << " rejected");
    CHECK(errors > 0);
  }
}

TEST_CASE("sampled byte flips in every fixture raise Error or read, never crash") {
  for (const Json& entry : manifest()["files"].items) {
    if (entry.find("error") || is_small(entry["file"].str())) continue;
    const Bytes original = read_file(fixture_dir() + "/" + entry["file"].str());
    // About 400 positions per file, spread over all of it.
    const std::size_t stride = std::max<std::size_t>(1, original.size() / 400) | 1;
    std::size_t ok = 0, errors = 0;
    Bytes b = original;
    for (std::size_t i = 0; i < b.size(); i += stride) {
      b[i] ^= std::byte{0xff};
      read_damaged(b, ok, errors);
      b[i] = original[i];
    }
    MESSAGE(entry["file"].str() << ": " << ok << " damaged copies read, " << errors << " rejected");
  }
}
