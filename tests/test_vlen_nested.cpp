// Variable-length data nested in compound and array types (vlen strings and sequences as
// struct fields, arrays of vlen strings) and vlen sequences in attributes: round trips
// through contiguous and chunked + deflate datasets, selections, subsets of fields, resize,
// exact memory accounting, quotas, and the combinations still rejected.
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "test_util.hpp"

using h5mem::CompoundBuilder;
using h5mem::CreateOptions;
using h5mem::Dataset;
using h5mem::DatasetOptions;
using h5mem::DType;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Points;
using h5mem::Shape;
using h5mem::Slice;
using h5mem::Vlen;

namespace {

struct Event {
  std::int32_t id = 0;
  std::string name;
  Vlen<float> samples;
  bool operator==(const Event&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Event& e) {
  os << "{" << e.id << ", \"" << e.name << "\", [";
  for (float x : e.samples) os << x << ' ';
  return os << "]}";
}
// Subsets of Event's fields, with other C++ types.
struct EventName {
  std::string name;
  bool operator==(const EventName&) const = default;
};
struct EventSamples {
  Vlen<double> samples;
  bool operator==(const EventSamples&) const = default;
};
struct EventId {
  std::int64_t id;
  bool operator==(const EventId&) const = default;
};
// Three vlen strings per element (an array member) next to a number.
struct Tagged {
  double weight = 0;
  std::string tags[3];
  bool operator==(const Tagged& o) const {
    return weight == o.weight && tags[0] == o.tags[0] && tags[1] == o.tags[1] &&
           tags[2] == o.tags[2];
  }
};
std::ostream& operator<<(std::ostream& os, const Tagged& t) {
  return os << "{" << t.weight << ", " << t.tags[0] << "|" << t.tags[1] << "|" << t.tags[2] << "}";
}
// Not trivially copyable and without vlen members: rejected (h5mem would copy it as bytes).
struct Unsafe {
  std::int32_t id = 0;
  Unsafe() = default;
  Unsafe(const Unsafe& o) : id(o.id) {}
  Unsafe& operator=(const Unsafe& o) {
    id = o.id;
    return *this;
  }
};

}  // namespace

namespace h5mem {
template <>
struct TypeMapping<Event> {
  static DType dtype() {
    return compound_of<Event>(field("id", &Event::id), field("name", &Event::name),
                              field("samples", &Event::samples));
  }
};
template <>
struct TypeMapping<EventName> {
  static DType dtype() { return compound_of<EventName>(field("name", &EventName::name)); }
};
template <>
struct TypeMapping<EventSamples> {
  static DType dtype() {
    return compound_of<EventSamples>(field("samples", &EventSamples::samples));
  }
};
template <>
struct TypeMapping<EventId> {
  static DType dtype() { return compound_of<EventId>(field("id", &EventId::id)); }
};
template <>
struct TypeMapping<Tagged> {
  static DType dtype() {
    return compound_of<Tagged>(field("weight", &Tagged::weight), field("tags", &Tagged::tags));
  }
};
template <>
struct TypeMapping<Unsafe> {
  static DType dtype() { return compound_of<Unsafe>(field("id", &Unsafe::id)); }
};
}  // namespace h5mem

namespace {

// Stored bytes of one Event element: int32 + two 16-byte vlen handles.
constexpr std::uint64_t kEventStored = 4 + 16 + 16;

std::vector<Event> sample_events(std::size_t n) {
  std::vector<Event> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i].id = static_cast<std::int32_t>(i * 10 + 1);
    v[i].name = i % 3 == 1 ? std::string() : "event-" + std::string(i + 1, 'x');
    std::vector<float> s;
    for (std::size_t k = 0; k < (i % 4); ++k) s.push_back(static_cast<float>(i) + 0.25f * k);
    v[i].samples = s;
  }
  return v;
}

std::uint64_t value_bytes(const std::vector<Event>& v) {
  std::uint64_t n = 0;
  for (const auto& e : v) n += e.name.size() + 4 * e.samples.size();
  return n;
}

template <class V>
std::vector<V> pick(const std::vector<V>& v, std::initializer_list<std::size_t> idx) {
  std::vector<V> out;
  for (std::size_t i : idx) out.push_back(v[i]);
  return out;
}

}  // namespace

TEST_CASE("Vlen<T>: value semantics and a layout independent of T") {
  static_assert(sizeof(Vlen<float>) == sizeof(Vlen<std::int8_t>));
  static_assert(std::is_standard_layout_v<Event>);
  CHECK(DType::vlen(DType::floating(4)).size() == sizeof(Vlen<float>));
  Vlen<float> a{1.5f, 2.5f};
  CHECK(a.size() == 2u);
  CHECK(a[1] == 2.5f);
  Vlen<float> b = a;
  CHECK(b == a);
  b[0] = 3;
  CHECK_FALSE(b == a);
  CHECK(a.to_vector() == std::vector<float>{1.5f, 2.5f});
  CHECK(Vlen<float>().empty());
  const DType t = h5mem::dtype_for<Event>();
  CHECK(t.has_vlen());
  CHECK(t.member("name").type->is_variable_string());
  CHECK(*t.member("samples").type == DType::vlen(DType::floating(4)));
  CHECK(h5mem::dtype_for<Tagged>().member("tags").type->array_dims() ==
        std::vector<std::uint64_t>{3});
}

TEST_CASE("compound {int32, vlen string, vlen float32}: layouts, selections, subsets of fields") {
  for (const auto& [label, opts] :
       {std::pair<std::string, DatasetOptions>{"contiguous", DatasetOptions{}},
        {"chunked+deflate", DatasetOptions{}.chunks({2, 3}).shuffle().deflate(4)}}) {
    CAPTURE(label);
    File f = File::create(h5t::mem_name("vn-event"));
    Dataset d = f.create_dataset("e", h5mem::dtype_for<Event>(), {3, 4}, opts);
    // Never written: zero ids, empty names and sample lists.
    CHECK(d.read<Event>() == std::vector<Event>(12));
    const auto v = sample_events(12);
    d.write(v);
    CHECK(d.read<Event>() == v);
    // A hyperslab returns exactly its elements, in selection order.
    CHECK(d.select({Slice(1, 3), Slice(0, 4, 2)}).read<Event>() == pick(v, {4, 6, 8, 10}));
    CHECK(d.select({2, 3}).read<Event>() == pick(v, {11}));
    CHECK(d.select(Points{{2, 1}, {0, 0}}).read<Event>() == pick(v, {9, 0}));
    // Subsets of fields, with conversion of the sequence items and of the number.
    const auto names = d.select({Slice(0, 1)}).read<EventName>();
    REQUIRE(names.size() == 4u);
    for (std::size_t i = 0; i < 4; ++i) CHECK(names[i].name == v[i].name);
    const auto samples = d.read<EventSamples>();
    for (std::size_t i = 0; i < 12; ++i) {
      CHECK(samples[i].samples.size() == v[i].samples.size());
      for (std::size_t k = 0; k < v[i].samples.size(); ++k) {
        CHECK(samples[i].samples[k] == static_cast<double>(v[i].samples[k]));
      }
    }
    const auto ids = d.select({1}).read<EventId>();
    for (std::size_t i = 0; i < 4; ++i) CHECK(ids[i].id == v[4 + i].id);
    // Partial overwrite: a hyperslab, then one point.
    std::vector<Event> w = {{7, "seven", {7.f}}, {8, "", {}}};
    d.select({Slice(0, 2), 1}).write(w);
    auto expect = v;
    expect[1] = w[0];
    expect[5] = w[1];
    CHECK(d.read<Event>() == expect);
    d.select(Points{{2, 2}}).write(std::vector<Event>{{99, "ninety-nine", {9.f, 9.f, 9.f}}});
    expect[10] = Event{99, "ninety-nine", {9.f, 9.f, 9.f}};
    CHECK(d.read<Event>() == expect);
    // Raw forms: a buffer of memory-form elements.
    std::vector<Event> raw(12);
    d.select({}).read_raw(d.dtype(), raw.data(), raw.size());
    CHECK(raw == expect);
  }
}

TEST_CASE("arrays of vlen strings: as a struct member and as the dataset type") {
  File f = File::create(h5t::mem_name("vn-array"));
  std::vector<Tagged> v(5);
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i].weight = 0.5 * static_cast<double>(i);
    v[i].tags[0] = "t" + std::to_string(i);
    v[i].tags[2] = std::string(i * 7, 'z');
  }
  for (const DatasetOptions& opts : {DatasetOptions{}, DatasetOptions{}.chunks({2}).deflate(1)}) {
    Dataset d =
        f.create_dataset(h5t::cat("t", f.list().size()), h5mem::dtype_for<Tagged>(), {5}, opts);
    d.write(v);
    CHECK(d.read<Tagged>() == v);
    CHECK(d.select({Slice(1, 5, 3)}).read<Tagged>() == pick(v, {1, 4}));
  }
  const DType arr = DType::array(DType::vlen_string(), {3});
  Dataset a = f.create_dataset("arr", arr, {2}, DatasetOptions{}.chunks({1}).deflate(6));
  std::vector<std::array<std::string, 3>> in = {{"a", "", "ccc"}, {"\xc3\xa9t\xc3\xa9", "x", ""}};
  a.select({}).write_raw(arr, in.data(), in.size());
  std::vector<std::array<std::string, 3>> out(2);
  a.select({}).read_raw(arr, out.data(), out.size());
  CHECK(bool(out == in));
  std::vector<std::array<std::string, 3>> one(1);
  a.select({1}).read_raw(arr, one.data(), 1);
  CHECK(bool(one[0] == in[1]));
}

TEST_CASE("memory accounting: nested vlen values count exactly; overwrite frees; remove returns") {
  const std::string name = h5t::mem_name("vn-bytes");
  File f = File::create(name);
  Dataset d = f.create_dataset("e", h5mem::dtype_for<Event>(), {6});
  CHECK(f.bytes_held() == 0u);
  const auto v = sample_events(6);
  d.write(v);
  CHECK(f.bytes_held() == 6 * kEventStored + value_bytes(v));
  d.write(v);
  CHECK(f.bytes_held() == 6 * kEventStored + value_bytes(v));
  d.select({Slice(0, 3)}).write(std::vector<Event>(3));
  const auto tail = std::vector<Event>(v.begin() + 3, v.end());
  CHECK(f.bytes_held() == 6 * kEventStored + value_bytes(tail));
  // A point given twice keeps its last value only; the first is not leaked.
  d.select(Points{{0}, {0}})
      .write(std::vector<Event>{{1, std::string(50, 'a'), {}}, {2, "bc", {1.f}}});
  CHECK(d.select({0}).read<Event>() == std::vector<Event>{{2, "bc", {1.f}}});
  CHECK(f.bytes_held() == 6 * kEventStored + value_bytes(tail) + 2 + 4);
  f.remove("e");
  CHECK(f.bytes_held() == 0u);
}

TEST_CASE("max_bytes: nested vlen writes beyond the quota are out_of_space and change nothing") {
  const std::string name = h5t::mem_name("vn-quota");
  const std::vector<Event> v = {{1, "abc", {1.f}}, {2, "", {2.f, 3.f}}};  // 3 + 4 + 8 = 15
  File f = File::create(name, CreateOptions{}.max_bytes(2 * kEventStored + 15));
  Dataset d = f.create_dataset("e", h5mem::dtype_for<Event>(), {2});
  d.write(v);
  CHECK(f.bytes_held() == 2 * kEventStored + 15);
  CHECK_CODE_MSG(d.select({1}).write(std::vector<Event>{{2, "x", {2.f, 3.f}}}),
                 ErrorCode::out_of_space, name);
  CHECK(d.read<Event>() == v);
  CHECK(f.bytes_held() == 2 * kEventStored + 15);
  // An overwrite with values no larger than the old ones fits at the limit.
  d.select({1}).write(std::vector<Event>{{2, "x", {5.f}}});
  CHECK(f.bytes_held() == 2 * kEventStored + 12);
  CHECK_CODE(f.attrs().set("big", std::vector<Event>{{1, std::string(9, 'q'), {}}}),
             ErrorCode::out_of_space);
  CHECK_FALSE(f.attrs().contains("big"));
}

TEST_CASE("resizing a chunked dataset of nested vlen data frees what it drops") {
  File f = File::create(h5t::mem_name("vn-resize"));
  Dataset d = f.create_dataset(
      "e", h5mem::dtype_for<Event>(), {6},
      DatasetOptions{}.chunks({4}).max_shape({h5mem::unlimited}).deflate(3).cache_bytes(0));
  const auto v = sample_events(6);
  d.write(v);
  CHECK(f.bytes_held() - d.storage_bytes() == value_bytes(v));
  d.resize({3});
  const auto head = std::vector<Event>(v.begin(), v.begin() + 3);
  CHECK(d.read<Event>() == head);
  CHECK(f.bytes_held() - d.storage_bytes() == value_bytes(head));
  d.resize({5});
  auto grown = head;
  grown.resize(5);
  CHECK(d.read<Event>() == grown);
  d.select({Slice(4, 5)}).write(std::vector<Event>{{5, "five", {5.f}}});
  grown[4] = Event{5, "five", {5.f}};
  CHECK(d.read<Event>() == grown);
  CHECK(f.bytes_held() - d.storage_bytes() == value_bytes(grown));
}

TEST_CASE("attributes: jagged arrays, Vlen scalars, compounds with vlen fields, subsets") {
  const std::string name = h5t::mem_name("vn-attr");
  File f = File::create(name);
  const std::vector<std::vector<std::int32_t>> rows = {{1, 2, 3}, {}, {-4}, {}};
  f.attrs().set("rows", rows);
  CHECK(f.attrs()["rows"].dtype() == DType::vlen(DType::signed_integer(4)));
  CHECK(f.attrs()["rows"].shape() == Shape{4});
  CHECK(bool(f.attrs().read<std::vector<std::vector<std::int32_t>>>("rows") == rows));
  // Items convert on read.
  const auto as_double = f.attrs().read<std::vector<std::vector<double>>>("rows");
  CHECK(bool(as_double == std::vector<std::vector<double>>{{1, 2, 3}, {}, {-4}, {}}));
  CHECK(f.bytes_held() == 4 * 16 + 4 * 4u);
  f.attrs().set("one", Vlen<std::uint8_t>{7, 8});
  CHECK(f.attrs().read<Vlen<std::uint8_t>>("one") == Vlen<std::uint8_t>{7, 8});
  f.attrs().set("none", std::vector<std::vector<float>>{});
  CHECK(f.attrs().read<std::vector<std::vector<float>>>("none").empty());

  Dataset d = f.create_dataset("x", DType::signed_integer(1), {1});
  const auto ev = sample_events(4);
  d.attrs().set("events", ev);
  d.attrs().set("first", ev[2]);
  CHECK(d.attrs().read<std::vector<Event>>("events") == ev);
  CHECK(d.attrs().read<Event>("first") == ev[2]);
  const auto names = d.attrs().read<std::vector<EventName>>("events");
  for (std::size_t i = 0; i < ev.size(); ++i) CHECK(names[i].name == ev[i].name);
  CHECK(d.attrs().read<EventId>("first").id == ev[2].id);
  Tagged t;
  t.weight = 2;
  t.tags[1] = "middle";
  d.attrs().set("tagged", t);
  CHECK(d.attrs().read<Tagged>("tagged") == t);
  // Type mismatches: a vlen string is not a sequence; plain buffers cannot hold vlen data.
  CHECK_CODE_MSG(d.attrs().read<std::vector<std::vector<std::int32_t>>>("events"),
                 ErrorCode::type_mismatch, name, "events");
  CHECK_CODE(f.attrs().read<std::vector<std::int32_t>>("rows"), ErrorCode::type_mismatch);
  f.attrs().remove("rows");
  f.attrs().remove("one");
  f.attrs().remove("none");
  d.attrs().remove("events");
  d.attrs().remove("first");
  d.attrs().remove("tagged");
  CHECK(f.bytes_held() == d.storage_bytes());
}

TEST_CASE("still rejected: numeric fill values, unsafe mappings, mismatched fields") {
  const std::string name = h5t::mem_name("vn-reject");
  File f = File::create(name);
  const DType i32 = DType::signed_integer(4);
  const DType with_str = CompoundBuilder().add("id", i32).add("s", DType::vlen_string()).build();
  // (vlen of vlen data is supported now: test_vlen_deep.cpp)
  CHECK_CODE(f.create_dataset("fv", with_str, {2}, DatasetOptions{}.fill_value(1)),
             ErrorCode::type_mismatch);
  CHECK_CODE(f.attrs().set("u", Unsafe{}), ErrorCode::type_mismatch);
  Dataset d = f.create_dataset("e", h5mem::dtype_for<Event>(), {2});
  // A fixed-size buffer type naming a vlen member, a missing member, a string for a sequence.
  const DType bad_seq = CompoundBuilder().add("samples", DType::vlen_string()).build();
  std::vector<std::string> s(2);
  CHECK_CODE(d.select({}).read_raw(bad_seq, s.data(), 2), ErrorCode::type_mismatch);
  CHECK_CODE(d.select({}).write_raw(bad_seq, s.data(), 2), ErrorCode::type_mismatch);
  CHECK_CODE(d.write(std::vector<EventName>(2)), ErrorCode::type_mismatch);
  CHECK_CODE(d.read<std::int32_t>(), ErrorCode::type_mismatch);
  CHECK_CODE(d.read<std::vector<std::int32_t>>(), ErrorCode::type_mismatch);
  CHECK_CODE(d.read<std::string>(), ErrorCode::type_mismatch);
  CHECK_CODE(d.write(std::vector<std::string>{"a", "b"}), ErrorCode::type_mismatch);
  CHECK(d.read<Event>() == std::vector<Event>(2));
  // Plain datasets do not take buffers holding vlen data.
  Dataset p = f.create_dataset("p", i32, {2});
  CHECK_CODE(p.read<EventId>(), ErrorCode::type_mismatch);
  CHECK_CODE(p.read<Event>(), ErrorCode::type_mismatch);
}

TEST_CASE("HDF5 round trip of nested vlen data and vlen attributes, both formats") {
  for (const h5mem::Format fmt : {h5mem::Format::earliest, h5mem::Format::latest}) {
    CAPTURE(static_cast<int>(fmt));
    File f = File::create(h5t::mem_name("vn-rt"));
    const auto ev = sample_events(7);
    Dataset c = f.create_dataset("contig", h5mem::dtype_for<Event>(), {7});
    c.write(ev);
    Dataset k = f.create_dataset(
        "chunked", h5mem::dtype_for<Event>(), {7},
        DatasetOptions{}.chunks({3}).deflate(5).max_shape({h5mem::unlimited}).cache_bytes(0));
    k.write(ev);
    k.resize({9});
    std::vector<Tagged> tg(3);
    tg[1].weight = 1.5;
    tg[1].tags[0] = "one";
    tg[2].tags[2] = "\xce\xb1\xce\xb2";
    f.create_dataset("tagged", h5mem::dtype_for<Tagged>(), {3}).write(tg);
    Dataset never = f.create_dataset("never", h5mem::dtype_for<Event>(), {2});
    const std::vector<std::vector<std::int16_t>> rows = {{1, 2}, {}, {3}};
    f.attrs().set("rows", rows);
    f.attrs().set("event", ev[3]);
    c.attrs().set("events", ev);
    c.attrs().set("tagged", tg[2]);

    const auto bytes = f.to_bytes(h5mem::SaveOptions{}.format(fmt));
    File g = File::open_image(h5t::mem_name("vn-rt-open"), bytes);
    Dataset gc = g.dataset("contig");
    CHECK(gc.dtype() == h5mem::dtype_for<Event>());
    CHECK(gc.read<Event>() == ev);
    auto grown = ev;
    grown.resize(9);
    CHECK(g.dataset("chunked").read<Event>() == grown);
    CHECK(g.dataset("chunked").select({Slice(2, 8, 2)}).read<Event>() == pick(grown, {2, 4, 6}));
    CHECK(g.dataset("tagged").read<Tagged>() == tg);
    CHECK(g.dataset("never").read<Event>() == std::vector<Event>(2));
    CHECK(bool(g.attrs().read<std::vector<std::vector<std::int16_t>>>("rows") == rows));
    CHECK(g.attrs().read<Event>("event") == ev[3]);
    CHECK(gc.attrs().read<std::vector<Event>>("events") == ev);
    CHECK(gc.attrs().read<Tagged>("tagged") == tg[2]);
    // Values loaded from the file count like written ones (decoded chunks aside).
    g.dataset("chunked").set_cache_bytes(0);
    CHECK(g.bytes_held() == f.bytes_held() - f.dataset("chunked").storage_bytes() +
                                g.dataset("chunked").storage_bytes());
  }
}
