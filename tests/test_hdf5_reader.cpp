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
#include "format/hdf5/reader.hpp"
#include "h5mem/h5mem.hpp"

using namespace h5mem;
using h5mem::detail::ReadResult;
using Bytes = std::vector<std::byte>;

namespace {

// ---- a minimal JSON reader for the manifest (as in test_format_objects.cpp) ----------------

struct Json {
  enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
  bool boolean = false;
  std::string text;  // string value, or the number's literal
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> fields;

  const Json* find(std::string_view key) const {
    for (const auto& [k, v] : fields) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  const Json& operator[](std::string_view key) const {
    const Json* v = find(key);
    if (v == nullptr) throw std::runtime_error("manifest: missing key " + std::string(key));
    return *v;
  }
  bool is_null() const { return kind == Kind::null; }
  std::int64_t i64() const { return std::stoll(text); }
  std::uint64_t u64() const { return std::stoull(text); }
  const std::string& str() const { return text; }
};

class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}
  Json parse() {
    Json v = value();
    space();
    if (p_ != s_.size()) error("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& what) {
    throw std::runtime_error("manifest JSON at " + std::to_string(p_) + ": " + what);
  }
  void space() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
  }
  char peek() {
    space();
    if (p_ >= s_.size()) error("unexpected end");
    return s_[p_];
  }
  void expect(char c) {
    if (peek() != c) error(std::string("expected ") + c);
    ++p_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }
  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  std::uint32_t hex4() {
    if (p_ + 4 > s_.size()) error("short \\u escape");
    std::uint32_t v = std::stoul(std::string(s_.substr(p_, 4)), nullptr, 16);
    p_ += 4;
    return v;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (p_ >= s_.size()) error("unterminated string");
      char c = s_[p_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      char e = s_[p_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && literal("\\u"))
            cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4() - 0xDC00);
          append_utf8(out, cp);
          break;
        }
        default:
          out += e;
          break;
      }
    }
  }
  Json value() {
    Json v;
    char c = peek();
    if (c == '{') {
      v.kind = Json::Kind::object;
      ++p_;
      if (peek() == '}') return ++p_, v;
      while (true) {
        std::string key = string();
        expect(':');
        v.fields.emplace_back(std::move(key), value());
        if (peek() == ',') {
          ++p_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.kind = Json::Kind::array;
      ++p_;
      if (peek() == ']') return ++p_, v;
      while (true) {
        v.items.push_back(value());
        if (peek() == ',') {
          ++p_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.kind = Json::Kind::string;
      v.text = string();
      return v;
    }
    if (literal("null")) return v;
    if (literal("true") || literal("false")) {
      v.kind = Json::Kind::boolean;
      v.boolean = s_[p_ - 1] == 'e' && s_[p_ - 2] == 'u';
      return v;
    }
    v.kind = Json::Kind::number;
    const std::size_t start = p_;
    while (p_ < s_.size() && std::strchr("+-0123456789.eE", s_[p_]) != nullptr) ++p_;
    if (start == p_) error("unexpected character");
    v.text = std::string(s_.substr(start, p_ - start));
    return v;
  }

  std::string_view s_;
  std::size_t p_ = 0;
};

// ---- fixtures ------------------------------------------------------------------------------

std::string fixture_dir() {
  const char* dir = std::getenv("H5MEM_FIXTURES");
  REQUIRE_MESSAGE(dir != nullptr, "H5MEM_FIXTURES is not set (run through meson test)");
  return dir;
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes out(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

const Json& manifest() {
  static const Json m = [] {
    Bytes b = read_file(fixture_dir() + "/manifest.json");
    return JsonParser(std::string_view(reinterpret_cast<const char*>(b.data()), b.size())).parse();
  }();
  return m;
}

std::string hex(std::span<const std::byte> b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::byte x : b) {
    s += digits[static_cast<unsigned>(x) >> 4];
    s += digits[static_cast<unsigned>(x) & 15];
  }
  return s;
}

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
File open_bytes(std::span<const std::byte> bytes) {
  static int counter = 0;
  return File::open_image("mem://hdf5_reader_" + std::to_string(counter++), bytes);
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

void check_file(const Json& entry, int& objects) {
  const std::string name = entry["file"].str();
  Bytes bytes = read_file(fixture_dir() + "/" + name);
  if (const Json* err = entry.find("error")) {
    try {
      open_bytes(bytes);
      FAIL_CHECK(name << ": expected an error");
    } catch (const Error& e) {
      CHECK_MESSAGE(to_string(e.code()) == (*err)["code"].str(), name << ": " << e.what());
      CHECK_MESSAGE(std::string(e.what()).find((*err)["contains"].str()) != std::string::npos,
                    name << ": " << e.what());
    }
    return;
  }
  ReadResult result = read_alone(bytes);
  File f = open_bytes(bytes);
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
    check_file(entry, objects);
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
