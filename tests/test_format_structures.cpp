// Heaps, B-trees and chunk indexes decoded from real HDF5 files that h5py/libhdf5 wrote
// (tests/interop/gen_format_structures.py, run at build time into $H5MEM_FIXTURES), encoded
// back and compared, and fed damaged bytes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "format/hdf5/btree_v1.hpp"
#include "format/hdf5/btree_v2.hpp"
#include "format/hdf5/checksum.hpp"
#include "format/hdf5/extensible_array.hpp"
#include "format/hdf5/fixed_array.hpp"
#include "format/hdf5/fractal_heap.hpp"
#include "format/hdf5/global_heap.hpp"
#include "format/hdf5/index_symbol_table.hpp"
#include "h5mem/error.hpp"

using namespace h5mem::detail;
using Bytes = std::vector<std::byte>;

namespace {

// ---- a small JSON reader for the manifest (objects keep their key order) ----
struct Json {
  enum Kind { null, boolean, number, string, array, object } kind = null;
  std::uint64_t u = 0;
  bool negative = false;
  std::string s;
  std::vector<Json> a;
  std::vector<std::pair<std::string, Json>> o;

  const Json& operator[](std::string_view key) const {
    for (const auto& [k, v] : o)
      if (k == key) return v;
    static const Json none;
    return none;
  }
  const Json& operator[](std::size_t i) const { return a.at(i); }
  std::size_t size() const { return kind == array ? a.size() : o.size(); }
  std::uint64_t num() const { return u; }
  std::int64_t inum() const {
    return negative ? -static_cast<std::int64_t>(u) : static_cast<std::int64_t>(u);
  }
  bool has(std::string_view key) const {
    return std::any_of(o.begin(), o.end(), [&](const auto& kv) { return kv.first == key; });
  }
};

struct JsonParser {
  const std::string& t;
  std::size_t p = 0;
  void ws() {
    while (p < t.size() && std::isspace(static_cast<unsigned char>(t[p]))) ++p;
  }
  Json parse() {
    ws();
    Json j;
    const char c = t.at(p);
    if (c == '{') {
      j.kind = Json::object;
      ++p;
      ws();
      if (t[p] == '}') return ++p, j;
      for (;;) {
        ws();
        std::string k = parse().s;
        ws();
        ++p;  // ':'
        j.o.emplace_back(std::move(k), parse());
        ws();
        if (t[p++] == '}') return j;
      }
    }
    if (c == '[') {
      j.kind = Json::array;
      ++p;
      ws();
      if (t[p] == ']') return ++p, j;
      for (;;) {
        j.a.push_back(parse());
        ws();
        if (t[p++] == ']') return j;
      }
    }
    if (c == '"') {
      j.kind = Json::string;
      ++p;
      while (t[p] != '"') {
        if (t[p] == '\\') {
          ++p;
          const char e = t[p++];
          if (e == 'u') {
            j.s += static_cast<char>(std::stoi(t.substr(p, 4), nullptr, 16));
            p += 4;
          } else {
            j.s += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          }
        } else {
          j.s += t[p++];
        }
      }
      ++p;
      return j;
    }
    if (t.compare(p, 4, "true") == 0) return p += 4, j.kind = Json::boolean, j.u = 1, j;
    if (t.compare(p, 5, "false") == 0) return p += 5, j.kind = Json::boolean, j;
    if (t.compare(p, 4, "null") == 0) return p += 4, j;
    j.kind = Json::number;
    if (t[p] == '-') j.negative = true, ++p;
    while (p < t.size() && std::isdigit(static_cast<unsigned char>(t[p])))
      j.u = j.u * 10 + static_cast<unsigned>(t[p++] - '0');
    return j;
  }
};

std::string fixtures_dir() {
  const char* d = std::getenv("H5MEM_FIXTURES");
  REQUIRE_MESSAGE(d != nullptr, "H5MEM_FIXTURES is not set (run through meson test)");
  return d;
}

Bytes read_file(const std::string& name) {
  std::ifstream in(fixtures_dir() + "/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::vector<char> c((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes b(c.size());
  std::memcpy(b.data(), c.data(), c.size());
  return b;
}

const Json& manifest() {
  static const Json m = [] {
    std::ifstream in(fixtures_dir() + "/manifest.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(!text.empty());
    JsonParser p{text};
    return p.parse();
  }();
  return m;
}

struct Fixture {
  Bytes bytes;
  FileView view() const { return FileView{bytes, FileSizes{}, 0}; }
};

const Fixture& fixture(const std::string& name) {
  static std::map<std::string, Fixture> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, Fixture{read_file(name)}).first;
  return it->second;
}

// A synthetic file: `region` placed at `address`, zeros before it.
Bytes place(const Bytes& region, std::uint64_t address) {
  Bytes b(address, std::byte{0});
  b.insert(b.end(), region.begin(), region.end());
  return b;
}

Bytes slice(const Bytes& b, std::uint64_t at, std::size_t n) {
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(at),
               b.begin() + static_cast<std::ptrdiff_t>(at + n));
}

Bytes str_bytes(std::string_view s) {
  Bytes b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

std::string as_string(const Bytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

std::vector<std::uint64_t> nums(const Json& arr) {
  std::vector<std::uint64_t> v;
  for (const auto& x : arr.a) v.push_back(x.num());
  return v;
}

// Outcome of a decode on damaged input: fine, an h5mem::Error of some code, or a foreign exception.
struct Outcome {
  bool threw = false;
  bool foreign = false;
  h5mem::ErrorCode code = h5mem::ErrorCode::corruption;
  std::string what;
};

Outcome attempt(const std::function<void()>& f) {
  Outcome o;
  try {
    f();
  } catch (const h5mem::Error& e) {
    o.threw = true;
    o.code = e.code();
    o.what = e.what();
  } catch (const std::exception& e) {
    o.threw = o.foreign = true;
    o.what = e.what();
  }
  return o;
}

bool acceptable_error(const Outcome& o) {
  return o.threw && !o.foreign &&
         (o.code == h5mem::ErrorCode::corruption || o.code == h5mem::ErrorCode::unsupported);
}

// Decodes `decode(view)` on copies of `file` with each byte in [from, from + n) flipped. Returns
// how many flips were rejected; fails on foreign exceptions. With `must_reject`, every flip
// must raise corruption/unsupported (checksummed structures).
std::size_t flip_each(const Bytes& file, std::uint64_t from, std::size_t n,
                      const std::function<void(const FileView&)>& decode, bool must_reject,
                      std::size_t stride = 1) {
  Bytes copy = file;
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < n; i += stride) {
    copy[from + i] ^= std::byte{0x5a};
    const Outcome o = attempt([&] { decode(FileView{copy, FileSizes{}, 0}); });
    copy[from + i] ^= std::byte{0x5a};
    INFO("flipped byte " << from + i << ": " << o.what);
    CHECK_FALSE(o.foreign);
    if (o.threw) {
      CHECK(acceptable_error(o));
      ++rejected;
    } else if (must_reject) {
      FAIL_CHECK("flip at byte " << from + i << " was accepted");
    }
  }
  return rejected;
}

// Decodes on the file truncated at every `stride`-th byte of [from, from + n): must reject.
void truncate_each(const Bytes& file, std::uint64_t from, std::size_t n,
                   const std::function<void(const FileView&)>& decode, std::size_t stride = 1) {
  for (std::size_t i = 0; i < n; i += stride) {
    const FileView v{std::span<const std::byte>(file).first(from + i), FileSizes{}, 0};
    const Outcome o = attempt([&] { decode(v); });
    INFO("truncated at " << from + i << ": " << o.what);
    CHECK(acceptable_error(o));
  }
}

// Reads the name out of a link message (version 1) or attribute message (versions 1-3).
std::string link_message_name(const Bytes& m) {
  REQUIRE(m.size() > 3);
  REQUIRE(static_cast<unsigned>(m[0]) == 1);
  const unsigned flags = static_cast<unsigned>(m[1]);
  std::size_t p = 2;
  if (flags & 0x08) ++p;     // link type
  if (flags & 0x04) p += 8;  // creation order
  if (flags & 0x10) ++p;     // charset
  const std::size_t width = std::size_t{1} << (flags & 3);
  std::size_t len = 0;
  for (std::size_t i = 0; i < width; ++i) len |= static_cast<std::size_t>(m.at(p + i)) << (8 * i);
  p += width;
  REQUIRE(p + len <= m.size());
  return std::string(reinterpret_cast<const char*>(m.data()) + p, len);
}

std::string attribute_message_name(const Bytes& m) {
  const unsigned version = static_cast<unsigned>(m.at(0));
  const std::size_t name_size =
      static_cast<std::size_t>(m.at(2)) | static_cast<std::size_t>(m.at(3)) << 8;
  const std::size_t p = version == 1 ? 8 : version == 2 ? 8 : 9;
  REQUIRE(p + name_size <= m.size());
  std::string n(reinterpret_cast<const char*>(m.data()) + p, name_size);
  while (!n.empty() && n.back() == '\0') n.pop_back();
  return n;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Old-style groups: v1 B-tree (type 0) -> symbol table nodes -> local heap.

TEST_CASE("symbol-table groups written by libhdf5 decode to h5py's members") {
  const Fixture& fx = fixture("groups_v0.h5");
  const FileView file = fx.view();
  for (const Json& g : manifest()["files"]["groups_v0.h5"]["groups"].a) {
    INFO("group " << g["path"].s);
    const auto links = read_symbol_table(file, g["btree"].num(), g["heap"].num());
    const Json& members = g["members"];
    std::vector<std::string> expected;
    for (const auto& [name, m] : members.o) expected.push_back(name);
    std::sort(expected.begin(), expected.end());
    REQUIRE(links.size() == expected.size());
    for (std::size_t i = 0; i < links.size(); ++i) {
      const auto& l = links[i];
      CHECK(l.name == expected[i]);
      const Json& m = members[l.name];
      if (m["kind"].s == "soft") {
        CHECK(l.entry.cache_type == SymbolCacheType::soft_link);
        CHECK(l.soft_value == m["value"].s);
        CHECK(l.entry.object_address == kUndefinedAddress);
      } else {
        CHECK(l.entry.object_address == m["addr"].num());
        if (m["kind"].s == "group") {
          CHECK(l.entry.cache_type == SymbolCacheType::group);
          CHECK(read_symbol_table(file, l.entry.btree_address, l.entry.heap_address).empty());
        } else {
          CHECK(l.entry.cache_type == SymbolCacheType::none);
        }
      }
    }
    const auto snods = decode_group_btree(file, g["btree"].num());
    if (expected.size() >= 200) CHECK(snods.size() > 1);
    if (expected.size() >= 2000) {
      CHECK(static_cast<unsigned>(fx.bytes[g["btree"].num() + 5]) >=
            1);  // root level: multi-level tree
      CHECK(snods.size() > 2 * kDefaultGroupInternalK);
    }
  }
}

TEST_CASE("encoded symbol tables match libhdf5's heap, node and B-tree bytes") {
  const Fixture& fx = fixture("groups_v0.h5");
  const FileView file = fx.view();
  const FileSizes sizes{};
  for (const Json& g : manifest()["files"]["groups_v0.h5"]["groups"].a) {
    INFO("group " << g["path"].s);
    // Members in libhdf5's insertion order, with the entries libhdf5 wrote.
    const auto decoded = read_symbol_table(file, g["btree"].num(), g["heap"].num());
    std::map<std::string, SymbolTableLink> by_name;
    for (const auto& l : decoded) by_name[l.name] = l;
    std::vector<SymbolTableLink> inserted;
    for (const auto& [name, m] : g["members"].o) inserted.push_back(by_name.at(name));

    // The data segment is what libhdf5 wrote byte for byte (it relocates the segment, so the
    // header's data address differs; size and free list do not).
    std::vector<std::string> strings;
    for (const auto& l : inserted) {
      strings.push_back(l.name);
      if (l.entry.cache_type == SymbolCacheType::soft_link) strings.push_back(l.soft_value);
    }
    const std::uint64_t heap_addr = g["heap"].num();
    const EncodedLocalHeap heap = encode_local_heap(strings, heap_addr, sizes);
    const LocalHeap theirs = decode_local_heap(file, heap_addr);
    CHECK(heap.data_size == theirs.data.size());
    CHECK(slice(heap.bytes, local_heap_header_size(sizes), heap.data_size) == theirs.data);
    CHECK(slice(heap.bytes, 0, 24) == slice(fx.bytes, heap_addr, 24));

    // Whole index: round trip through the decoders.
    const std::uint64_t base = 4096;
    const EncodedSymbolTable st = encode_symbol_table(inserted, base, sizes);
    const Bytes synthetic = place(st.bytes, base);
    const FileView sv{synthetic, sizes, 0};
    const auto back = read_symbol_table(sv, st.btree_address, st.heap_address);
    REQUIRE(back.size() == decoded.size());
    for (std::size_t i = 0; i < back.size(); ++i) {
      CHECK(back[i].name == decoded[i].name);
      CHECK(back[i].soft_value == decoded[i].soft_value);
      SymbolTableEntry a = back[i].entry, b = decoded[i].entry;
      a.name_offset = b.name_offset = 0;
      a.link_value_offset = b.link_value_offset = 0;
      CHECK(a == b);
    }
    if (decoded.size() > 2 * kDefaultGroupInternalK * 2 * kDefaultGroupLeafK) {
      CHECK(static_cast<unsigned>(synthetic[st.btree_address + 5]) >= 1);
    }

    // With one symbol table node libhdf5's node and B-tree node are reproduced exactly.
    const auto snods = decode_group_btree(file, g["btree"].num());
    if (snods.size() == 1) {
      const auto entries = decode_symbol_table_node(file, snods[0]);
      const Bytes node = encode_symbol_table_node(entries, sizes);
      CHECK(node == slice(fx.bytes, snods[0], symbol_table_node_size(sizes)));
      const std::vector<GroupBTreeChild> child{{snods[0], entries.back().name_offset}};
      const EncodedBTreeV1 tree = encode_group_btree(child, g["btree"].num(), sizes);
      CHECK(tree.bytes ==
            slice(fx.bytes, g["btree"].num(), btree_v1_node_size(BTreeV1Type::group, sizes, 16)));
    }
    if (decoded.empty()) {
      const EncodedBTreeV1 tree = encode_group_btree({}, g["btree"].num(), sizes);
      CHECK(tree.bytes == slice(fx.bytes, g["btree"].num(), tree.bytes.size()));
    }
  }
}

TEST_CASE("damaged group structures are rejected, never crash or loop") {
  const Fixture& fx = fixture("groups_v0.h5");
  const Json& groups = manifest()["files"]["groups_v0.h5"]["groups"];
  const Json* g2000 = nullptr;
  const Json* g10 = nullptr;
  for (const Json& g : groups.a) {
    if (g["path"].s == "/g2000") g2000 = &g;
    if (g["path"].s == "/g10") g10 = &g;
  }
  REQUIRE(g2000);
  REQUIRE(g10);
  const std::uint64_t heap = (*g10)["heap"].num(), btree = (*g10)["btree"].num();
  auto read_all = [&](const FileView& v) { read_symbol_table(v, btree, heap); };
  const FileSizes sizes{};
  const std::size_t node = btree_v1_node_size(BTreeV1Type::group, sizes, 16);
  flip_each(fx.bytes, heap, local_heap_header_size(sizes), read_all, false);
  flip_each(fx.bytes, btree, node, read_all, false);
  const auto snods = decode_group_btree(fx.view(), btree);
  flip_each(fx.bytes, snods[0], symbol_table_node_size(sizes), read_all, false);
  // Signatures, versions and node types are checked.
  for (std::uint64_t at : {heap, heap + 4, btree, btree + 4, snods[0], snods[0] + 4}) {
    Bytes copy = fx.bytes;
    copy[at] ^= std::byte{0x21};
    CHECK(acceptable_error(attempt([&] { read_all(FileView{copy, sizes, 0}); })));
  }
  truncate_each(fx.bytes, btree, node, read_all, 7);
  truncate_each(fx.bytes, snods[0], 80, read_all, 3);

  // A child pointer back to the root: a cycle.
  const std::uint64_t root = (*g2000)["btree"].num();
  REQUIRE(static_cast<unsigned>(fx.bytes[root + 5]) >= 1);
  Bytes cyc = fx.bytes;
  std::vector<std::byte> addr;
  ByteWriter(addr).address(root, sizes);
  std::copy(addr.begin(), addr.end(), cyc.begin() + static_cast<std::ptrdiff_t>(root + 24 + 8));
  Outcome o = attempt([&] { decode_group_btree(FileView{cyc, sizes, 0}, root); });
  CHECK(acceptable_error(o));
  CHECK(o.what.find("cycle") != std::string::npos);
  // Two children of one node pointing at the same subtree: visited twice.
  Bytes twice = fx.bytes;
  std::copy(twice.begin() + static_cast<std::ptrdiff_t>(root + 32),
            twice.begin() + static_cast<std::ptrdiff_t>(root + 40),
            twice.begin() + static_cast<std::ptrdiff_t>(root + 48));
  o = attempt([&] { decode_group_btree(FileView{twice, sizes, 0}, root); });
  CHECK(acceptable_error(o));
  CHECK(o.what.find("cycle") != std::string::npos);
  // A leaf whose child is itself (same level => level check) or a self-loop at the root level.
  Bytes self = fx.bytes;
  self[root + 5] = std::byte{0};
  o = attempt([&] { read_symbol_table(FileView{self, sizes, 0}, root, (*g2000)["heap"].num()); });
  CHECK(acceptable_error(o));

  // An absurd data segment size does not allocate.
  Bytes big = fx.bytes;
  std::fill(big.begin() + static_cast<std::ptrdiff_t>(heap + 8),
            big.begin() + static_cast<std::ptrdiff_t>(heap + 15), std::byte{0xff});
  CHECK(acceptable_error(attempt([&] { decode_local_heap(FileView{big, sizes, 0}, heap); })));
  // A string offset outside the heap and a free list that loops.
  const LocalHeap lh = decode_local_heap(fx.view(), heap);
  CHECK(acceptable_error(attempt([&] { lh.string_at(lh.data.size()); })));
  Bytes loop = fx.bytes;
  REQUIRE_FALSE(lh.free_blocks.empty());
  const std::uint64_t fb = lh.data_address + lh.free_blocks[0].offset;
  std::vector<std::byte> self_off;
  ByteWriter(self_off).length(lh.free_blocks[0].offset, sizes);
  std::copy(self_off.begin(), self_off.end(), loop.begin() + static_cast<std::ptrdiff_t>(fb));
  CHECK(acceptable_error(attempt([&] { decode_local_heap(FileView{loop, sizes, 0}, heap); })));
}

// ---------------------------------------------------------------------------------------------
// v1 B-tree chunk indexes (type 1).

namespace {

struct ManifestChunk {
  std::vector<std::uint64_t> offset;
  std::uint64_t addr = 0, size = 0, mask = 0;
};

std::vector<ManifestChunk> manifest_chunks(const Json& d) {
  std::vector<ManifestChunk> v;
  for (const Json& r : d["records"].a)
    v.push_back({nums(r["offset"]), r["addr"].num(), r["size"].num(), r["mask"].num()});
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  return v;
}

const Json& dataset(const std::string& file, const std::string& path) {
  for (const Json& d : manifest()["files"][file]["datasets"].a)
    if (d["path"].s == path) return d;
  FAIL("no dataset " << path << " in " << file);
  static Json none;
  return none;
}

}  // namespace

TEST_CASE("v1 chunk B-trees decode to h5py's chunk addresses, sizes and masks") {
  const Fixture& fx = fixture("chunks_v0.h5");
  const FileSizes sizes{};
  for (const Json& d : manifest()["files"]["chunks_v0.h5"]["datasets"].a) {
    INFO("dataset " << d["path"].s);
    const auto dims = nums(d["layout"]["dims"]);
    const std::uint64_t root = d["layout"]["address"].num();
    const auto recs = decode_chunk_btree(fx.view(), root, static_cast<unsigned>(dims.size()));
    const auto want = manifest_chunks(d);
    REQUIRE(recs.size() == want.size());
    for (std::size_t i = 0; i < recs.size(); ++i) {
      CHECK(recs[i].offset == want[i].offset);
      CHECK(recs[i].address == want[i].addr);
      CHECK(recs[i].size == want[i].size);
      CHECK(recs[i].filter_mask == want[i].mask);
    }
    if (d["path"].s == "/c1500") CHECK(static_cast<unsigned>(fx.bytes[root + 5]) >= 1);

    // Encoded trees decode to the same records; a single-leaf tree is libhdf5's node exactly
    // when libhdf5 inserted the chunks in order (its right key is then the last chunk's end).
    const EncodedBTreeV1 enc = encode_chunk_btree(recs, dims, 8192, sizes);
    const Bytes synthetic = place(enc.bytes, 8192);
    CHECK(decode_chunk_btree(FileView{synthetic, sizes, 0}, enc.root_address,
                             static_cast<unsigned>(dims.size())) == recs);
    if (recs.size() <= 2 * kDefaultChunkK && d["path"].s != "/sparse") {
      const EncodedBTreeV1 same = encode_chunk_btree(recs, dims, root, sizes);
      CHECK(same.bytes == slice(fx.bytes, root, same.bytes.size()));
    }
  }
}

TEST_CASE("damaged v1 chunk B-trees are rejected") {
  const Fixture& fx = fixture("chunks_v0.h5");
  const Json& d = dataset("chunks_v0.h5", "/c1500");
  const auto dims = nums(d["layout"]["dims"]);
  const std::uint64_t root = d["layout"]["address"].num();
  const unsigned nd = static_cast<unsigned>(dims.size());
  auto decode = [&](const FileView& v) { decode_chunk_btree(v, root, nd); };
  const std::size_t node = btree_v1_node_size(BTreeV1Type::chunk, FileSizes{}, kDefaultChunkK, nd);
  flip_each(fx.bytes, root, 200, decode, false);
  truncate_each(fx.bytes, root, node, decode, 97);
  // Child 0 of the root points at the root itself.
  Bytes cyc = fx.bytes;
  const std::size_t key = 8 + 8 * nd;
  std::vector<std::byte> addr;
  ByteWriter(addr).address(root, FileSizes{});
  std::copy(addr.begin(), addr.end(), cyc.begin() + static_cast<std::ptrdiff_t>(root + 24 + key));
  const Outcome o = attempt([&] { decode(FileView{cyc, FileSizes{}, 0}); });
  CHECK(acceptable_error(o));
  // Wrong node type for the tree.
  Bytes type = fx.bytes;
  type[root + 4] = std::byte{0};
  CHECK(acceptable_error(attempt([&] { decode(FileView{type, FileSizes{}, 0}); })));
  CHECK(acceptable_error(attempt([&] { decode_chunk_btree(fx.view(), root, 200); })));
}

// ---------------------------------------------------------------------------------------------
// Global heap: variable-length strings.

TEST_CASE("vlen strings decode through global heap collections") {
  const Fixture& fx = fixture("vlen.h5");
  const FileSizes sizes{};
  std::set<std::uint64_t> collections;
  for (const Json& d : manifest()["files"]["vlen.h5"]["datasets"].a) {
    INFO("dataset " << d["path"].s);
    const Json& strings = d["strings"];
    REQUIRE(d["layout"]["size"].num() == strings.size() * vlen_reference_size(sizes));
    ByteReader r =
        fx.view().at(d["layout"]["address"].num(), d["layout"]["size"].num(), "vlen data");
    for (const Json& s : strings.a) {
      const VlenReference ref = decode_vlen_reference(r, sizes);
      CHECK(ref.length == s.s.size());
      CHECK(as_string(read_global_heap_object(fx.view(), ref.id)) == s.s);
      collections.insert(ref.id.collection);
    }
  }
  for (std::uint64_t c : collections) {
    const GlobalHeapCollection col = decode_global_heap_collection(fx.view(), c);
    CHECK(col.size >= kGlobalHeapMinCollectionSize);
    for (const auto& o : col.objects) CHECK(o.ref_count == 0);  // what libhdf5 writes for vlen data
  }

  // Encode: objects come back by index; the collection is at least 4096 bytes.
  std::vector<Bytes> objects;
  for (const Json& s : dataset("vlen.h5", "/strings")["strings"].a)
    objects.push_back(str_bytes(s.s));
  for (std::size_t n : {std::size_t{0}, std::size_t{3}, objects.size()}) {
    std::vector<Bytes> some(objects.begin(), objects.begin() + static_cast<std::ptrdiff_t>(n));
    const Bytes col = encode_global_heap_collection(some, sizes);
    std::vector<std::size_t> lens;
    for (const auto& o : some) lens.push_back(o.size());
    CHECK(col.size() == global_heap_collection_size(lens, sizes));
    CHECK(col.size() >= 4096);
    const Bytes file = place(col, 512);
    const GlobalHeapCollection back = decode_global_heap_collection(FileView{file, sizes, 0}, 512);
    REQUIRE(back.objects.size() == n);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(back.objects[i].index == i + 1);
      CHECK(back.objects[i].data == some[i]);
    }
  }
  Bytes vr;
  ByteWriter w(vr);
  encode_vlen_reference(w, {5, {1234, 7}}, sizes);
  ByteReader rr(vr, 0, "test");
  CHECK(decode_vlen_reference(rr, sizes) == VlenReference{5, {1234, 7}});
}

TEST_CASE("damaged global heap collections are rejected") {
  const Fixture& fx = fixture("vlen.h5");
  const Json& d = dataset("vlen.h5", "/small");
  ByteReader r = fx.view().at(d["layout"]["address"].num(), 16, "vlen data");
  const VlenReference ref = decode_vlen_reference(r, FileSizes{});
  const std::uint64_t c = ref.id.collection;
  auto decode = [&](const FileView& v) { decode_global_heap_collection(v, c); };
  flip_each(fx.bytes, c, 64, decode, false);
  truncate_each(fx.bytes, c, 4096, decode, 61);
  Bytes big = fx.bytes;
  big[c + 14] = std::byte{0x40};  // collection size ~2^54
  CHECK(acceptable_error(attempt([&] { decode(FileView{big, FileSizes{}, 0}); })));
  Bytes obj = fx.bytes;
  obj[c + 16 + 8 + 5] = std::byte{0x7f};  // first object's size runs past the collection
  CHECK(acceptable_error(attempt([&] { decode(FileView{obj, FileSizes{}, 0}); })));
  CHECK(acceptable_error(attempt([&] { read_global_heap_object(fx.view(), {c, 60000}); })));
}

// ---------------------------------------------------------------------------------------------
// Dense link and attribute storage: fractal heap + v2 B-trees types 5, 6, 8, 9 (and 1 for
// huge objects).

namespace {

std::uint64_t managed_offset(const FractalHeapHeader& h, std::span<const std::byte> id) {
  ByteReader r(id, 0, "id");
  r.skip(1);
  return r.uint_n(h.offset_bytes());
}

}  // namespace

TEST_CASE("dense link storage decodes every link name via both indexes") {
  const Fixture& fx = fixture("dense.h5");
  const FileView file = fx.view();
  for (const Json& g : manifest()["files"]["dense.h5"]["groups"].a) {
    INFO("group " << g["path"].s);
    FractalHeap heap(file, g["fheap"].num());
    const BTreeV2Header nh = decode_btree_v2_header(file, g["name_bt2"].num());
    CHECK(nh.type == BTreeV2Type::link_name);
    CHECK(nh.node_size == kBTreeV2NodeSize);
    CHECK(nh.record_size == kLinkNameRecordSize);
    std::vector<std::string> names;
    std::vector<std::uint32_t> hashes;
    walk_btree_v2(file, nh, [&](std::span<const std::byte> raw) {
      const LinkNameRecord rec = decode_link_name_record(raw);
      const std::string name = link_message_name(heap.read(rec.heap_id));
      CHECK(rec.hash == lookup3(str_bytes(name)));
      names.push_back(name);
      hashes.push_back(rec.hash);
    });
    CHECK(std::is_sorted(hashes.begin(), hashes.end()));
    std::vector<std::string> want;
    for (const Json& n : g["names"].a) want.push_back(n.s);
    std::vector<std::string> sorted_want = want;
    std::sort(sorted_want.begin(), sorted_want.end());
    std::sort(names.begin(), names.end());
    CHECK(names == sorted_want);
    if (g["track_order"].u) {
      std::vector<std::string> by_order;
      for (const auto& raw : read_btree_v2_records(file, g["corder_bt2"].num())) {
        const LinkCreationOrderRecord rec = decode_link_creation_order_record(raw);
        CHECK(rec.creation_order == by_order.size());
        by_order.push_back(link_message_name(heap.read(rec.heap_id)));
      }
      CHECK(by_order == want);
    }
    if (want.size() >= 2000) {
      CHECK(nh.depth == 2);
      CHECK(heap.header().root_rows > 0);
    }
  }
}

TEST_CASE("encoded link heaps and name indexes round-trip and match libhdf5's blocks") {
  const Fixture& fx = fixture("dense.h5");
  const FileView file = fx.view();
  const FileSizes sizes{};
  for (const Json& g : manifest()["files"]["dense.h5"]["groups"].a) {
    INFO("group " << g["path"].s);
    FractalHeap heap(file, g["fheap"].num());
    // The link messages in heap order (= libhdf5's insertion order).
    std::vector<std::pair<std::uint64_t, Bytes>> msgs;
    for (const auto& raw : read_btree_v2_records(file, g["name_bt2"].num())) {
      const LinkNameRecord rec = decode_link_name_record(raw);
      msgs.emplace_back(managed_offset(heap.header(), rec.heap_id), heap.read(rec.heap_id));
    }
    std::sort(msgs.begin(), msgs.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Bytes> objects;
    for (auto& m : msgs) objects.push_back(m.second);

    const std::uint64_t at = g["fheap"].num();
    const EncodedFractalHeap enc = encode_fractal_heap(objects, at, sizes, kLinkHeapParams);
    Bytes synthetic = place(enc.bytes, at);
    const FileView sv{synthetic, sizes, 0};
    FractalHeap back(sv, at);
    std::vector<Bytes> records;
    for (std::size_t i = 0; i < objects.size(); ++i) {
      CHECK(back.read(enc.ids[i]) == objects[i]);
      CHECK(enc.ids[i].size() == 7);
      // Same managed offsets as libhdf5 chose while the heap fits its root direct block.
      if (heap.header().root_rows == 0)
        CHECK(managed_offset(back.header(), enc.ids[i]) == msgs[i].first);
      LinkNameRecord rec;
      rec.hash = lookup3(str_bytes(link_message_name(objects[i])));
      std::copy(enc.ids[i].begin(), enc.ids[i].end(), rec.heap_id.begin());
      records.push_back(encode_link_name_record(rec));
    }
    CHECK(back.header().managed_objects == objects.size());
    if (heap.header().root_rows == 0) {
      // The root direct block is libhdf5's, byte for byte (same heap address, same objects).
      const std::uint64_t ours = back.header().root_address, theirs = heap.header().root_address;
      CHECK(slice(synthetic, ours, 512) == slice(fx.bytes, theirs, 512));
      CHECK(back.header().free_space == heap.header().free_space);
    }
    std::stable_sort(records.begin(), records.end(), [](const Bytes& a, const Bytes& b) {
      return decode_link_name_record(a).hash < decode_link_name_record(b).hash;
    });
    const std::uint64_t bt_at = synthetic.size() + 64;
    const EncodedBTreeV2 bt =
        encode_btree_v2({BTreeV2Type::link_name, kBTreeV2NodeSize, kLinkNameRecordSize, 100, 40},
                        records, bt_at, sizes);
    const Bytes with_tree = place(bt.bytes, bt_at);
    const auto again = read_btree_v2_records(FileView{with_tree, sizes, 0}, bt_at);
    CHECK(again == records);
    const BTreeV2Header ours = decode_btree_v2_header(FileView{with_tree, sizes, 0}, bt_at);
    const BTreeV2Header theirs = decode_btree_v2_header(file, g["name_bt2"].num());
    CHECK(ours.depth == theirs.depth);
    if (theirs.depth == 0) {
      // A leaf-only tree is libhdf5's leaf exactly, given the same record order.
      const std::size_t used = 6 + records.size() * kLinkNameRecordSize + 4;
      CHECK(read_btree_v2_records(file, g["name_bt2"].num()) == records);
      CHECK(slice(with_tree, ours.root_address, used) ==
            slice(fx.bytes, theirs.root_address, used));
    }
  }
}

TEST_CASE("dense attribute storage decodes names, creation order and a huge attribute") {
  const Fixture& fx = fixture("dense.h5");
  const FileView file = fx.view();
  const FileSizes sizes{};
  for (const Json& a : manifest()["files"]["dense.h5"]["attributes"].a) {
    INFO("object " << a["path"].s);
    FractalHeap heap(file, a["fheap"].num());
    CHECK(heap.header().id_length == 8);
    std::vector<std::string> names;
    std::vector<Bytes> messages;
    const BTreeV2Header h = decode_btree_v2_header(file, a["name_bt2"].num());
    CHECK(h.type == BTreeV2Type::attribute_name);
    walk_btree_v2(file, h, [&](std::span<const std::byte> raw) {
      const AttributeRecord rec = decode_attribute_record(BTreeV2Type::attribute_name, raw);
      CHECK(encode_attribute_record(BTreeV2Type::attribute_name, rec) ==
            Bytes(raw.begin(), raw.end()));
      messages.push_back(heap.read(rec.heap_id));
      names.push_back(attribute_message_name(messages.back()));
      CHECK(rec.hash == lookup3(str_bytes(names.back())));
    });
    std::vector<std::string> want;
    for (const Json& n : a["names"].a) want.push_back(n.s);
    std::sort(names.begin(), names.end());
    CHECK(names == want);
    if (a.has("huge_size")) {
      CHECK(heap.header().huge_objects == 1);
      const auto big =
          std::max_element(messages.begin(), messages.end(),
                           [](const Bytes& x, const Bytes& y) { return x.size() < y.size(); });
      CHECK(big->size() > a["huge_size"].num());
      const auto recs = read_btree_v2_records(file, heap.header().huge_btree_address);
      REQUIRE(recs.size() == 1);
      const HugeObjectRecord hr = decode_huge_record(BTreeV2Type::huge_indirect, recs[0], sizes);
      CHECK(hr.length == big->size());
      CHECK(hr.id == 1);
    }
    if (a["corder_bt2"].num() != kUndefinedAddress) {
      std::vector<std::string> by_order;
      for (const auto& raw : read_btree_v2_records(file, a["corder_bt2"].num())) {
        const AttributeRecord rec =
            decode_attribute_record(BTreeV2Type::attribute_creation_order, raw);
        CHECK(rec.creation_order == by_order.size());
        by_order.push_back(attribute_message_name(heap.read(rec.heap_id)));
      }
      CHECK(by_order == want);
    }
    // Encode the same messages (huge ones included) with libhdf5's attribute heap parameters.
    const EncodedFractalHeap enc = encode_fractal_heap(messages, 1000, sizes, kAttributeHeapParams);
    const Bytes synthetic = place(enc.bytes, 1000);
    FractalHeap back(FileView{synthetic, sizes, 0}, 1000);
    for (std::size_t i = 0; i < messages.size(); ++i) CHECK(back.read(enc.ids[i]) == messages[i]);
    CHECK(back.header().huge_objects == heap.header().huge_objects);
  }
}

TEST_CASE("fractal heap encoding: tiny, managed across rows, huge direct and indirect") {
  const FileSizes sizes{};
  std::vector<Bytes> objects;
  for (std::size_t i = 0; i < 800; ++i) {
    Bytes b(1 + (i * 131) % 900);
    for (std::size_t k = 0; k < b.size(); ++k) b[k] = static_cast<std::byte>(i + k);
    objects.push_back(std::move(b));
  }
  objects.push_back(Bytes(5000, std::byte{9}));  // huge
  objects.push_back(Bytes(3, std::byte{1}));     // tiny
  for (FractalHeapParams p : {kLinkHeapParams, kAttributeHeapParams,
                              FractalHeapParams{4, 512, 65536, 32, 1, 4096, 40, true},
                              FractalHeapParams{8, 1024, 8192, 24, 2, 2000, 20, false}}) {
    std::vector<Bytes> objs = objects;
    if (p.max_direct_block_size == 8192) objs.resize(60);  // stay within the root's direct rows
    objs.push_back(Bytes(5000, std::byte{9}));
    objs.push_back(Bytes(3, std::byte{1}));
    const EncodedFractalHeap enc = encode_fractal_heap(objs, 4096, sizes, p);
    const Bytes file = place(enc.bytes, 4096);
    FractalHeap back(FileView{file, sizes, 0}, 4096);
    for (std::size_t i = 0; i < objs.size(); ++i) {
      INFO("object " << i << " id length " << p.id_length);
      REQUIRE(back.read(enc.ids[i]) == objs[i]);
    }
    CHECK(back.header().tiny_objects >= 1);
    CHECK(back.header().huge_objects >= 1);
  }
  CHECK(acceptable_error(attempt([&] {
    const std::vector<Bytes> lots(40000, Bytes(1000, std::byte{1}));
    encode_fractal_heap(lots, 0, sizes, kLinkHeapParams);
  })));
  const EncodedFractalHeap empty = encode_fractal_heap({}, 0, sizes);
  CHECK(decode_fractal_heap_header(FileView{empty.bytes, sizes, 0}, 0).root_address ==
        kUndefinedAddress);
}

TEST_CASE("damaged fractal heaps and v2 B-trees are rejected") {
  const Fixture& fx = fixture("dense.h5");
  const FileSizes sizes{};
  const Json* g = nullptr;
  for (const Json& x : manifest()["files"]["dense.h5"]["groups"].a)
    if (x["path"].s == "/d2000") g = &x;
  REQUIRE(g);
  const std::uint64_t hp = (*g)["fheap"].num(), bt = (*g)["name_bt2"].num();
  const FileView file = fx.view();
  FractalHeap heap(file, hp);
  const auto records = read_btree_v2_records(file, bt);
  auto read_all = [&](const FileView& v) {
    FractalHeap h(v, hp);
    for (std::size_t i = 0; i < records.size(); i += 97)
      h.read(decode_link_name_record(records[i]).heap_id);
  };
  // Header: checksummed, so every flip is caught.
  const std::size_t hsize = 4 + 1 + 2 + 2 + 1 + 4 + 12 * 8 + 3 * 8 + 8 + 4;
  flip_each(fx.bytes, hp, hsize, read_all, true);
  truncate_each(fx.bytes, hp, hsize, read_all, 5);
  // Root indirect block and one direct block: checksummed.
  const FractalHeapHeader& h = heap.header();
  const std::size_t iblock = 5 + 8 + h.offset_bytes() + h.root_rows * h.table_width * 8 + 4;
  flip_each(fx.bytes, h.root_address, iblock, read_all, true, 3);
  const std::uint64_t first_block = ByteReader(std::span<const std::byte>(fx.bytes).subspan(
                                                   h.root_address + 5 + 8 + h.offset_bytes(), 8),
                                               0, "x")
                                        .u64();
  flip_each(
      fx.bytes, first_block, 512,
      [&](const FileView& v) {
        FractalHeap hh(v, hp);
        hh.read(decode_link_name_record(records[0]).heap_id);
        for (const auto& r : records) hh.read(decode_link_name_record(r).heap_id);
      },
      true, 7);
  // Heap IDs that point outside the heap or have a bad type.
  Bytes id(7, std::byte{0});
  id[0] = std::byte{0x30};
  CHECK(acceptable_error(attempt([&] { heap.read(id); })));
  id[0] = std::byte{0};
  id[4] = std::byte{0x7f};
  id[5] = std::byte{0x10};
  CHECK(acceptable_error(attempt([&] { heap.read(id); })));
  CHECK(acceptable_error(attempt([&] { heap.read(Bytes(3)); })));

  // v2 B-tree: header and nodes are checksummed; a child pointing home is a cycle.
  auto walk_all = [&](const FileView& v) { read_btree_v2_records(v, bt); };
  flip_each(fx.bytes, bt, 38, walk_all, true);
  const BTreeV2Header bh = decode_btree_v2_header(file, bt);
  flip_each(fx.bytes, bh.root_address, 6 + bh.root_records * 11 + (bh.root_records + 1) * 11 + 4,
            walk_all, true);
  Bytes cyc = fx.bytes;
  const std::uint64_t ptr = bh.root_address + 6 + bh.root_records * 11;
  std::vector<std::byte> addr;
  ByteWriter(addr).address(bh.root_address, sizes);
  std::copy(addr.begin(), addr.end(), cyc.begin() + static_cast<std::ptrdiff_t>(ptr));
  const std::size_t used = 6 + bh.root_records * 11 + (bh.root_records + 1) * 11;
  const std::uint32_t sum = lookup3(std::span<const std::byte>(cyc).subspan(bh.root_address, used));
  for (int i = 0; i < 4; ++i)
    cyc[bh.root_address + used + i] = static_cast<std::byte>(sum >> (8 * i));
  const Outcome o = attempt([&] { walk_all(FileView{cyc, sizes, 0}); });
  CHECK(acceptable_error(o));
  CHECK_FALSE(o.what.empty());
}

// ---------------------------------------------------------------------------------------------
// Layout v4 chunk indexes: fixed array, extensible array, v2 B-tree, single chunk, implicit.

namespace {

struct ChunkGeometry {
  std::vector<std::uint64_t> chunk, grid, max_grid;
  std::uint64_t chunk_bytes = 1;
  int unlimited = -1;
  ChunkElementFormat format;
};

ChunkGeometry geometry_of(const Json& d) {
  ChunkGeometry g;
  g.chunk = nums(d["chunks"]);
  const auto shape = nums(d["shape"]);
  std::vector<std::uint64_t> maxshape;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const std::int64_t m = d["maxshape"][i].inum();
    if (m < 0) g.unlimited = static_cast<int>(i);
    maxshape.push_back(m < 0 ? g.chunk[i] : static_cast<std::uint64_t>(m));
  }
  g.grid = chunk_grid(shape, g.chunk);
  g.max_grid = chunk_grid(maxshape, g.chunk);
  g.chunk_bytes = d["itemsize"].num();
  for (auto c : g.chunk) g.chunk_bytes *= c;
  g.format = ChunkElementFormat::for_chunk(d["filtered"].u != 0, g.chunk_bytes);
  return g;
}

std::vector<std::uint64_t> scaled_of(const ManifestChunk& c, const ChunkGeometry& g) {
  std::vector<std::uint64_t> s;
  for (std::size_t i = 0; i < c.offset.size(); ++i) s.push_back(c.offset[i] / g.chunk[i]);
  return s;
}

// Compares decoded (index -> entry) with h5py's records; `index_of` maps a record to its index.
void compare_indexed(
    const std::vector<IndexedChunk>& got, const Json& d, const ChunkGeometry& g,
    const std::function<std::uint64_t(const std::vector<std::uint64_t>&)>& index_of) {
  std::map<std::uint64_t, ChunkEntry> by_index;
  for (const auto& c : got) by_index[c.index] = c.entry;
  CHECK(by_index.size() == got.size());
  const auto want = manifest_chunks(d);
  CHECK(got.size() == want.size());
  for (const auto& w : want) {
    const std::uint64_t idx = index_of(scaled_of(w, g));
    INFO("chunk index " << idx);
    REQUIRE(by_index.count(idx) == 1);
    const ChunkEntry& e = by_index[idx];
    CHECK(e.address == w.addr);
    CHECK((g.format.filtered ? e.size : g.chunk_bytes) == w.size);
    CHECK(e.filter_mask == w.mask);
  }
}

std::vector<ChunkEntry> dense_entries(const std::vector<IndexedChunk>& got, std::uint64_t n) {
  std::vector<ChunkEntry> v(n);
  for (const auto& c : got) v.at(c.index) = c.entry;
  return v;
}

}  // namespace

TEST_CASE("fixed array indexes decode to h5py's chunks; encoding matches libhdf5's data block") {
  const Fixture& fx = fixture("chunks_latest.h5");
  const FileSizes sizes{};
  for (const Json& d : manifest()["files"]["chunks_latest.h5"]["datasets"].a) {
    if (d["layout"]["index_type"].num() != 3) continue;
    INFO("dataset " << d["path"].s);
    const ChunkGeometry g = geometry_of(d);
    const std::uint64_t hdr = d["layout"]["address"].num();
    const FixedArrayHeader h = decode_fixed_array_header(fx.view(), hdr);
    CHECK(h.page_bits == d["layout"]["info"]["page_bits"].num());
    CHECK(h.format(sizes) == g.format);
    CHECK(h.entry_size == g.format.element_size(sizes));
    const auto got = decode_fixed_array(fx.view(), hdr);
    compare_indexed(got, d, g, [&](const auto& s) { return chunk_linear_index(s, g.max_grid); });

    const auto entries = dense_entries(got, h.max_entries);
    const EncodedFixedArray enc = encode_fixed_array(entries, hdr, sizes, g.format, h.page_bits);
    const Bytes synthetic = place(enc.bytes, hdr);
    CHECK(decode_fixed_array(FileView{synthetic, sizes, 0}, hdr) == got);
    // The data block (prefix, bitmap, elements or initialised pages) is libhdf5's exactly.
    const std::uint64_t page_n = std::uint64_t{1} << h.page_bits;
    const bool paged = h.max_entries > page_n;
    const std::uint64_t npages = paged ? (h.max_entries + page_n - 1) / page_n : 0;
    const std::size_t prefix = 6 + 8 + (npages + 7) / 8 + 4;
    const std::uint64_t ours = hdr + 28;
    if (!paged) {
      const std::size_t n = prefix + h.max_entries * h.entry_size;
      CHECK(slice(synthetic, ours, n) == slice(fx.bytes, h.data_block_address, n));
    } else {
      CHECK(slice(synthetic, ours, prefix) == slice(fx.bytes, h.data_block_address, prefix));
      if (d["path"].s == "/fa_paged") {
        CHECK(static_cast<unsigned>(fx.bytes[h.data_block_address + 14]) ==
              0xa0u);  // pages 0 and 2
      }
      const std::size_t page = page_n * h.entry_size + 4;
      for (std::uint64_t p : {std::uint64_t{0}, npages - 1}) {
        const std::size_t n =
            p + 1 == npages ? (h.max_entries - p * page_n) * h.entry_size + 4 : page;
        CHECK(slice(synthetic, ours + prefix + p * page, n) ==
              slice(fx.bytes, h.data_block_address + prefix + p * page, n));
      }
    }
  }
}

TEST_CASE("extensible array indexes decode to h5py's chunks; encoding creates libhdf5's blocks") {
  const Fixture& fx = fixture("chunks_latest.h5");
  const FileSizes sizes{};
  int seen = 0;
  for (const Json& d : manifest()["files"]["chunks_latest.h5"]["datasets"].a) {
    if (d["layout"]["index_type"].num() != 4) continue;
    ++seen;
    INFO("dataset " << d["path"].s);
    const ChunkGeometry g = geometry_of(d);
    REQUIRE(g.unlimited >= 0);
    const std::uint64_t hdr = d["layout"]["address"].num();
    const ExtensibleArrayHeader h = decode_extensible_array_header(fx.view(), hdr);
    const Json& info = d["layout"]["info"];
    CHECK(h.params.max_elements_bits == info["max_bits"].num());
    CHECK(h.params.index_block_elements == info["index_elements"].num());
    CHECK(h.params.secondary_block_min_pointers == info["min_pointers"].num());
    CHECK(h.params.data_block_min_elements == info["min_elements"].num());
    CHECK(h.params.max_page_bits == info["page_bits"].num());
    const auto got = decode_extensible_array(fx.view(), hdr);
    const unsigned unlim = static_cast<unsigned>(g.unlimited);
    compare_indexed(got, d, g,
                    [&](const auto& s) { return extensible_array_index(s, g.max_grid, unlim); });

    const auto entries = dense_entries(got, h.max_index_set);
    const EncodedExtensibleArray enc =
        encode_extensible_array(entries, hdr, sizes, g.format, h.params);
    const Bytes synthetic = place(enc.bytes, hdr);
    CHECK(decode_extensible_array(FileView{synthetic, sizes, 0}, hdr) == got);
    // The same blocks exist as in libhdf5's array: header statistics agree.
    const ExtensibleArrayHeader ours =
        decode_extensible_array_header(FileView{synthetic, sizes, 0}, hdr);
    CHECK(ours.secondary_blocks == h.secondary_blocks);
    CHECK(ours.secondary_blocks_size == h.secondary_blocks_size);
    CHECK(ours.data_blocks == h.data_blocks);
    CHECK(ours.data_blocks_size == h.data_blocks_size);
    CHECK(ours.max_index_set == h.max_index_set);
    CHECK(ours.elements == h.elements);
    if (d["path"].s == "/ea_paged") CHECK(h.max_index_set > 131072);
  }
  CHECK(seen == 4);
}

TEST_CASE("v2 B-tree chunk indexes decode to h5py's chunks and round-trip") {
  const Fixture& fx = fixture("chunks_latest.h5");
  const FileSizes sizes{};
  for (const Json& d : manifest()["files"]["chunks_latest.h5"]["datasets"].a) {
    if (d["layout"]["index_type"].num() != 5) continue;
    INFO("dataset " << d["path"].s);
    const ChunkGeometry g = geometry_of(d);
    const unsigned rank = static_cast<unsigned>(g.chunk.size());
    const BTreeV2Header h = decode_btree_v2_header(fx.view(), d["layout"]["address"].num());
    const BTreeV2Type type = g.format.filtered ? BTreeV2Type::chunk_filtered : BTreeV2Type::chunk;
    CHECK(h.type == type);
    CHECK(h.node_size == d["layout"]["info"]["node_size"].num());
    CHECK(h.record_size == chunk_record_size(type, sizes, rank, g.format.size_length));
    std::vector<IndexedChunk> got;
    std::vector<Bytes> raws;
    walk_btree_v2(fx.view(), h, [&](std::span<const std::byte> raw) {
      const ChunkRecordV2 r = decode_chunk_record(type, raw, sizes, rank, g.format.size_length);
      CHECK(encode_chunk_record(type, r, sizes, g.format.size_length) ==
            Bytes(raw.begin(), raw.end()));
      got.push_back({chunk_linear_index(r.scaled, g.grid), {r.address, r.size, r.filter_mask}});
      raws.emplace_back(raw.begin(), raw.end());
    });
    compare_indexed(got, d, g, [&](const auto& s) { return chunk_linear_index(s, g.grid); });
    if (d["path"].s == "/bt2_deep") CHECK(h.depth == 2);

    const EncodedBTreeV2 enc =
        encode_btree_v2({type, h.node_size, h.record_size, 100, 40}, raws, 100, sizes);
    const Bytes synthetic = place(enc.bytes, 100);
    CHECK(read_btree_v2_records(FileView{synthetic, sizes, 0}, 100) == raws);
    CHECK(decode_btree_v2_header(FileView{synthetic, sizes, 0}, 100).depth == h.depth);
  }
}

TEST_CASE("single-chunk and implicit indexes are computed from the layout message") {
  const Fixture& fx = fixture("chunks_latest.h5");
  (void)fx;
  int seen = 0;
  for (const Json& d : manifest()["files"]["chunks_latest.h5"]["datasets"].a) {
    const std::uint64_t type = d["layout"]["index_type"].num();
    if (type != 1 && type != 2) continue;
    ++seen;
    INFO("dataset " << d["path"].s);
    const ChunkGeometry g = geometry_of(d);
    const auto want = manifest_chunks(d);
    const std::uint64_t addr = d["layout"]["address"].num();
    if (type == 1) {
      REQUIRE(want.size() == 1);
      const Json& info = d["layout"]["info"];
      const ChunkEntry e =
          single_chunk_entry(addr, g.format.filtered, info["filtered_size"].num(),
                             static_cast<std::uint32_t>(info["filter_mask"].num()), g.chunk_bytes);
      CHECK(e == ChunkEntry{want[0].addr, want[0].size, static_cast<std::uint32_t>(want[0].mask)});
    } else {
      for (const auto& w : want) {
        CHECK(implicit_chunk_address(addr, chunk_linear_index(scaled_of(w, g), g.max_grid),
                                     g.chunk_bytes) == w.addr);
        CHECK(w.size == g.chunk_bytes);
      }
    }
  }
  CHECK(seen == 3);
}

TEST_CASE("damaged fixed and extensible arrays are rejected without huge allocations") {
  const Fixture& fx = fixture("chunks_latest.h5");
  const FileSizes sizes{};
  const Json& fa = dataset("chunks_latest.h5", "/fa_paged");
  const std::uint64_t fh = fa["layout"]["address"].num();
  auto fa_all = [&](const FileView& v) { decode_fixed_array(v, fh); };
  flip_each(fx.bytes, fh, 28, fa_all, true);
  const FixedArrayHeader h = decode_fixed_array_header(fx.view(), fh);
  flip_each(fx.bytes, h.data_block_address, 19 + 2 * 1024 * 2 + 8, fa_all, false, 5);
  flip_each(fx.bytes, h.data_block_address, 19, fa_all, true);
  truncate_each(fx.bytes, h.data_block_address, 19 + 2048 + 4, fa_all, 67);
  // max entries 2^60 with a valid checksum: the paged bitmap alone would exceed the file.
  Bytes absurd = fx.bytes;
  absurd[fh + 8 + 7] = std::byte{0x10};
  const std::uint32_t sum = lookup3(std::span<const std::byte>(absurd).subspan(fh, 24));
  for (int i = 0; i < 4; ++i) absurd[fh + 24 + i] = static_cast<std::byte>(sum >> (8 * i));
  CHECK(acceptable_error(attempt([&] { fa_all(FileView{absurd, sizes, 0}); })));
  // Unpaged: 2^60 entries of 8 bytes cannot fit the file.
  absurd[fh + 7] = std::byte{62};  // page bits 62 > 32
  CHECK(acceptable_error(attempt([&] {
    decode_fixed_array_header(FileView{absurd, sizes, 0}, fh);
  })));

  const Json& ea = dataset("chunks_latest.h5", "/ea");
  const std::uint64_t eh = ea["layout"]["address"].num();
  auto ea_all = [&](const FileView& v) { decode_extensible_array(v, eh); };
  flip_each(fx.bytes, eh, 72, ea_all, true);
  const ExtensibleArrayHeader x = decode_extensible_array_header(fx.view(), eh);
  flip_each(fx.bytes, x.index_block_address, 6 + 8 + 4 * 8 + 6 * 8 + 24 * 8 + 4, ea_all, true, 3);
  truncate_each(fx.bytes, x.index_block_address, 200, ea_all, 13);
  // An index block that names itself as a data block.
  Bytes self = fx.bytes;
  std::vector<std::byte> addr;
  ByteWriter(addr).address(x.index_block_address, sizes);
  const std::uint64_t slot = x.index_block_address + 14 + 4 * 8;
  std::copy(addr.begin(), addr.end(), self.begin() + static_cast<std::ptrdiff_t>(slot));
  const std::size_t isize = 6 + 8 + 4 * 8 + 6 * 8 + 24 * 8;
  const std::uint32_t isum =
      lookup3(std::span<const std::byte>(self).subspan(x.index_block_address, isize));
  for (int i = 0; i < 4; ++i)
    self[x.index_block_address + isize + i] = static_cast<std::byte>(isum >> (8 * i));
  CHECK(acceptable_error(attempt([&] { ea_all(FileView{self, sizes, 0}); })));
}

TEST_CASE("chunk index helpers follow libhdf5's linearisation") {
  // Spec example: extent [4,5], chunks [3,2]: chunk at [3,4] has index 5.
  const std::vector<std::uint64_t> extent{4, 5}, chunk{3, 2};
  const auto grid = chunk_grid(extent, chunk);
  CHECK(grid == std::vector<std::uint64_t>{2, 3});
  CHECK(chunk_linear_index(std::vector<std::uint64_t>{1, 2}, grid) == 5);
  // Unlimited dimension 1 is moved in front: index = s1 * grid0 + s0.
  CHECK(extensible_array_index(std::vector<std::uint64_t>{1, 7}, std::vector<std::uint64_t>{2, 1},
                               1) == 15);
  // 1 + (log2(chunk bytes) + 8) / 8: 400 -> 1 + 16 / 8 = 3, 255 -> 1 + 15 / 8 = 2.
  CHECK(ChunkElementFormat::for_chunk(true, 400).size_length == 3);
  CHECK(ChunkElementFormat::for_chunk(true, 255).size_length == 2);
  CHECK(ChunkElementFormat::for_chunk(false, 400).element_size(FileSizes{}) == 8);
  CHECK(bytes_for_value(255) == 1);
  CHECK(bytes_for_value(256) == 2);
}
