// The HDF5 writer, checked with h5mem's own decoders (self-consistency; the real check against
// libhdf5 is tests/interop/check_writer.py): superblock and root group in both formats, group
// B-trees that split into several levels, chunk B-trees, layout/fill/pipeline messages, vlen
// references into global heap collections, unsupported content and throwing sinks.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/open_file.hpp"
#include "format/hdf5/btree_v1.hpp"
#include "format/hdf5/global_heap.hpp"
#include "format/hdf5/index_symbol_table.hpp"
#include "format/hdf5/messages/dataspace.hpp"
#include "format/hdf5/messages/datatype.hpp"
#include "format/hdf5/messages/fill_value.hpp"
#include "format/hdf5/messages/filter_pipeline.hpp"
#include "format/hdf5/messages/layout.hpp"
#include "format/hdf5/messages/link.hpp"
#include "format/hdf5/messages/symbol_table_message.hpp"
#include "format/hdf5/object_header.hpp"
#include "format/hdf5/superblock.hpp"
#include "format/hdf5/writer.hpp"

using namespace h5mem;
using namespace h5mem::detail;

namespace {

std::vector<std::byte> write(const std::string& mem, Format format) {
  auto open = registry_open(mem, Mode::read_write, {}, {});
  auto image = open->acquire();
  VectorSink sink;
  const std::uint64_t n = write_hdf5(*image, WriteSettings{format, {}}, sink);
  CHECK(n == sink.bytes.size());
  return sink.bytes;
}

const HeaderMessage* find(const ObjectHeader& h, HeaderMessageType t) {
  for (const auto& m : h.messages) {
    if (m.kind() == t) return &m;
  }
  return nullptr;
}

struct Parsed {
  std::vector<std::byte> bytes;
  Superblock sb;
  FileView view() const { return FileView{bytes, sb.sizes, 0}; }
  ObjectHeader header(std::uint64_t a) const { return decode_object_header(bytes, a, sb.sizes); }
};

Parsed parse(std::vector<std::byte> bytes) {
  Parsed p;
  p.bytes = std::move(bytes);
  p.sb = decode_superblock(p.bytes);
  CHECK(p.sb.eof_address == p.bytes.size());
  return p;
}

// Members of a symbol-table group (earliest format) by name.
std::vector<SymbolTableLink> members(const Parsed& p, const ObjectHeader& h) {
  const HeaderMessage* st = find(h, HeaderMessageType::symbol_table);
  REQUIRE(st != nullptr);
  auto msg = decode_symbol_table_message(st->body, 0, p.sb.sizes);
  return read_symbol_table(p.view(), msg.btree_address, msg.heap_address);
}

class ThrowingSink final : public ByteSink {
 public:
  explicit ThrowingSink(std::size_t after) : left_(after) {}
  void write(std::span<const std::byte> data) override {
    if (data.size() > left_) throw std::runtime_error("disk full");
    left_ -= data.size();
  }

 private:
  std::size_t left_;
};

}  // namespace

TEST_CASE("earliest: superblock v0, root symbol table with cached B-tree and heap") {
  File f = File::create("mem://w_root");
  f.create_group("a");
  f.create_dataset("x", DType::signed_integer(4), {3}).write(std::vector<std::int32_t>{1, 2, 3});
  Parsed p = parse(write("mem://w_root", Format::earliest));
  CHECK(p.sb.version == 0);
  CHECK(p.sb.root_entry.cache_type == 1);
  ObjectHeader root = p.header(p.sb.root_object_header);
  CHECK(root.version == 1);
  auto msg =
      decode_symbol_table_message(find(root, HeaderMessageType::symbol_table)->body, 0, p.sb.sizes);
  CHECK(msg.btree_address == p.sb.root_entry.btree_address);
  CHECK(msg.heap_address == p.sb.root_entry.heap_address);
  auto links = members(p, root);
  REQUIRE(links.size() == 2);
  CHECK(links[0].name == "a");
  CHECK(links[1].name == "x");
  ObjectHeader x = p.header(links[1].entry.object_address);
  auto layout = decode_layout(find(x, HeaderMessageType::layout)->body, 0, p.sb.sizes);
  CHECK(layout.layout_class == LayoutClass::contiguous);
  CHECK(layout.size == 12);
  std::int32_t v[3];
  std::memcpy(v, p.bytes.data() + layout.address, 12);
  CHECK(v[2] == 3);
}

TEST_CASE("earliest: thousands of members split the group B-tree into several levels") {
  File f = File::create("mem://w_big");
  for (int i = 0; i < 3000; ++i) f.create_group("g" + std::to_string(i));
  Parsed p = parse(write("mem://w_big", Format::earliest));
  auto links = members(p, p.header(p.sb.root_object_header));
  REQUIRE(links.size() == 3000);
  for (std::size_t i = 1; i < links.size(); ++i) CHECK(links[i - 1].name < links[i].name);
  // 375 symbol table nodes need a B-tree of two levels with 2K = 32 children per node.
  auto snods = decode_group_btree(p.view(), p.sb.root_entry.btree_address);
  CHECK(snods.size() == 375);
}

TEST_CASE("earliest: chunked dataset with filters, fill value and chunk B-tree") {
  File f = File::create("mem://w_chunk");
  auto ds = f.create_dataset("c", DType::floating(4), {100, 10},
                             DatasetOptions{}.chunks({2, 5}).shuffle().deflate(5).fill_value(1.5f));
  std::vector<float> v(1000);
  for (int i = 0; i < 1000; ++i) v[i] = static_cast<float>(i);
  ds.write(v);
  Parsed p = parse(write("mem://w_chunk", Format::earliest));
  auto links = members(p, p.header(p.sb.root_object_header));
  ObjectHeader h = p.header(links.at(0).entry.object_address);
  auto layout = decode_layout(find(h, HeaderMessageType::layout)->body, 0, p.sb.sizes);
  CHECK(layout.version == 3);
  CHECK(layout.layout_class == LayoutClass::chunked);
  CHECK(layout.element_size == 4);
  auto chunks = decode_chunk_btree(p.view(), layout.address, 3);
  CHECK(chunks.size() == 100);
  CHECK(chunks.back().offset == std::vector<std::uint64_t>{98, 5});
  auto pipe = decode_filter_pipeline(find(h, HeaderMessageType::filter_pipeline)->body, 0);
  CHECK(pipe.version == 1);
  REQUIRE(pipe.filters.size() == 2);
  CHECK(pipe.filters[0].id == 2);
  CHECK(pipe.filters[1].id == 1);
  CHECK(pipe.filters[1].client_data == std::vector<std::uint32_t>{5});
  auto fill = decode_fill_value(find(h, HeaderMessageType::fill_value)->body, 0);
  CHECK(fill.version == 2);
  float fv;
  REQUIRE(fill.value.size() == 4);
  std::memcpy(&fv, fill.value.data(), 4);
  CHECK(fv == 1.5f);
  auto space = decode_dataspace(find(h, HeaderMessageType::dataspace)->body, 0, p.sb.sizes);
  CHECK(space.dims == std::vector<std::uint64_t>{100, 10});
}

TEST_CASE("earliest: vlen strings become global heap references") {
  File f = File::create("mem://w_vlen");
  f.create_dataset("s", DType::vlen_string(), {3}).write(std::vector<std::string>{"ab", "", "xyz"});
  Parsed p = parse(write("mem://w_vlen", Format::earliest));
  auto links = members(p, p.header(p.sb.root_object_header));
  ObjectHeader h = p.header(links.at(0).entry.object_address);
  auto layout = decode_layout(find(h, HeaderMessageType::layout)->body, 0, p.sb.sizes);
  ByteReader r(std::span<const std::byte>(p.bytes).subspan(layout.address, 48), layout.address,
               "data");
  auto a = decode_vlen_reference(r, p.sb.sizes);
  auto b = decode_vlen_reference(r, p.sb.sizes);
  auto c = decode_vlen_reference(r, p.sb.sizes);
  CHECK(a.length == 2);
  CHECK(b.length == 0);
  CHECK(c.length == 3);
  auto obj = read_global_heap_object(p.view(), c.id);
  CHECK(std::string(reinterpret_cast<const char*>(obj.data()), obj.size()) == "xyz");
}

TEST_CASE("latest: superblock v3, v2 headers, dense links above 8 members") {
  File f = File::create("mem://w_latest");
  Group g = f.create_group("many");
  for (int i = 0; i < 12; ++i) g.create_group("m" + std::to_string(i));
  f.create_group("few").create_group("one");
  f.create_dataset("ea", DType::signed_integer(4), {10},
                   DatasetOptions{}.chunks({4}).max_shape({unlimited}))
      .write(std::vector<std::int32_t>(10, 1));
  Parsed p = parse(write("mem://w_latest", Format::latest));
  CHECK(p.sb.version == 3);
  ObjectHeader root = p.header(p.sb.root_object_header);
  CHECK(root.version == 2);
  std::vector<std::string> names;
  std::uint64_t ea = 0;
  for (const auto& m : root.messages) {
    if (m.kind() != HeaderMessageType::link) continue;
    auto l = decode_link(m.body, 0, p.sb.sizes);
    names.push_back(l.name);
    if (l.name == "ea") ea = l.hard_address;
  }
  CHECK(names == std::vector<std::string>{"ea", "few", "many"});
  auto layout = decode_layout(find(p.header(ea), HeaderMessageType::layout)->body, 0, p.sb.sizes);
  CHECK(layout.version == 4);
  CHECK(layout.index_type == ChunkIndexType::extensible_array);
}

TEST_CASE("unsupported content and failing sinks") {
  File f = File::create("mem://w_bad");
  // Object references are written (test_references.cpp); vlen sequences of them are not.
  f.create_dataset("r", DType::vlen(DType::object_reference()), {1});
  auto open = registry_open("mem://w_bad", Mode::read_write, {}, {});
  auto image = open->acquire();
  VectorSink sink;
  try {
    write_hdf5(*image, {}, sink);
    FAIL("expected unsupported");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::unsupported);
    CHECK(std::string(e.what()).find("/r") != std::string::npos);
  }
  f.remove("r");
  f.create_dataset("d", DType::signed_integer(4), {1000}).write(std::vector<std::int32_t>(1000, 3));
  for (std::size_t after : {0, 100, 2000}) {
    ThrowingSink bad(after);
    CHECK_THROWS_WITH_AS(write_hdf5(*image, {}, bad), "disk full", std::runtime_error);
  }
}

TEST_CASE("datasets over 4 GiB keep 64-bit extents, offsets and chunk positions") {
  File f = File::create("mem://w_huge");
  const std::uint64_t n = 5'000'000'000ull;
  auto ds = f.create_dataset("h", DType::unsigned_integer(1), {n},
                             DatasetOptions{}.chunks({1u << 20}).deflate(1));
  std::vector<std::uint8_t> tail(1000, 7);
  ds.select({Slice(static_cast<std::int64_t>(n - 1000), static_cast<std::int64_t>(n))}).write(tail);
  for (Format fmt : {Format::earliest, Format::latest}) {
    Parsed p = parse(write("mem://w_huge", fmt));
    std::uint64_t addr = 0;
    if (fmt == Format::earliest) {
      addr = members(p, p.header(p.sb.root_object_header)).at(0).entry.object_address;
    } else {
      for (const auto& m : p.header(p.sb.root_object_header).messages) {
        if (m.kind() == HeaderMessageType::link)
          addr = decode_link(m.body, 0, p.sb.sizes).hard_address;
      }
    }
    ObjectHeader h = p.header(addr);
    auto space = decode_dataspace(find(h, HeaderMessageType::dataspace)->body, 0, p.sb.sizes);
    CHECK(space.dims == std::vector<std::uint64_t>{n});
    auto layout = decode_layout(find(h, HeaderMessageType::layout)->body, 0, p.sb.sizes);
    if (fmt == Format::earliest) {
      auto chunks = decode_chunk_btree(p.view(), layout.address, 2);
      REQUIRE(chunks.size() == 1);
      CHECK(chunks[0].offset[0] == (n - 1) / (1u << 20) * (1u << 20));
    } else {
      CHECK(layout.index_type == ChunkIndexType::fixed_array);
    }
  }
}
