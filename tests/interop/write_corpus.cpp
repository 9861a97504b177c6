// Writes the HDF5 writer's interop corpus: every case is built through the public API, written
// with write_hdf5 in both formats (CASE.earliest.h5, CASE.latest.h5), and described in
// manifest.json (groups, datasets with their creation properties and raw stored bytes,
// attributes) so that check_writer.py can compare h5py's view with it and rebuild each file
// with h5py for h5diff.
//
// Usage: write_corpus OUTDIR
#include <array>
#include <complex>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/open_file.hpp"
#include "core/vlen_elements.hpp"
#include "format/hdf5/writer.hpp"
#include "h5mem/h5mem.hpp"
#include "memory_form.hpp"

using namespace h5mem;

namespace {

std::string quote(std::string_view s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o += static_cast<char>(c);
    }
  }
  return o + "\"";
}

std::string hex(const std::vector<std::byte>& b) {
  static const char* d = "0123456789abcdef";
  std::string o;
  o.reserve(b.size() * 2);
  for (std::byte x : b) {
    o += d[static_cast<unsigned>(x) >> 4];
    o += d[static_cast<unsigned>(x) & 15];
  }
  return o;
}

std::string shape_json(const Shape& s) {
  std::string o = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    o += (i ? "," : "") + (s[i] == unlimited ? std::string("null") : std::to_string(s[i]));
  }
  return o + "]";
}

std::string order_of(const DType& t) {
  return t.byte_order() == ByteOrder::big ? "\">\"" : "\"<\"";
}

std::string spec(const DType& t) {
  switch (t.type_class()) {
    case TypeClass::integer:
      return "{\"k\":\"int\",\"size\":" + std::to_string(t.size()) +
             ",\"signed\":" + (t.is_signed() ? "true" : "false") + ",\"order\":" + order_of(t) +
             "}";
    case TypeClass::floating:
      return "{\"k\":\"float\",\"size\":" + std::to_string(t.size()) + ",\"order\":" + order_of(t) +
             "}";
    case TypeClass::bitfield:
      return "{\"k\":\"bitfield\",\"size\":" + std::to_string(t.size()) +
             ",\"order\":" + order_of(t) + "}";
    case TypeClass::string: {
      const std::string cset = t.charset() == CharSet::utf8 ? "\"utf8\"" : "\"ascii\"";
      if (t.is_variable_string()) return "{\"k\":\"vstr\",\"cset\":" + cset + "}";
      const char* pad = t.string_pad() == StringPad::null_terminate ? "nullterm"
                        : t.string_pad() == StringPad::null_pad     ? "nullpad"
                                                                    : "spacepad";
      return "{\"k\":\"str\",\"size\":" + std::to_string(t.size()) + ",\"pad\":\"" + pad +
             "\",\"cset\":" + cset + "}";
    }
    case TypeClass::opaque:
      return "{\"k\":\"opaque\",\"size\":" + std::to_string(t.size()) +
             ",\"tag\":" + quote(t.tag()) + "}";
    case TypeClass::compound: {
      // With vlen members the file layout is the stored form (packed, 16-byte references).
      const auto offsets = detail::stored_offsets(t);
      std::string o = "{\"k\":\"compound\",\"size\":" + std::to_string(detail::stored_size(t)) +
                      ",\"members\":[";
      for (std::size_t i = 0; i < t.members().size(); ++i) {
        const Member& m = t.members()[i];
        o += (i ? "," : "") + std::string("[") + quote(m.name) + "," + std::to_string(offsets[i]) +
             "," + spec(*m.type) + "]";
      }
      return o + "]}";
    }
    case TypeClass::enumeration: {
      std::string o = "{\"k\":\"enum\",\"base\":" + spec(t.base()) + ",\"values\":[";
      for (std::size_t i = 0; i < t.enum_values().size(); ++i) {
        o += (i ? "," : "") + std::string("[") + quote(t.enum_values()[i].name) + "," +
             std::to_string(t.enum_values()[i].value) + "]";
      }
      return o + "]}";
    }
    case TypeClass::array:
      return "{\"k\":\"array\",\"base\":" + spec(t.base()) +
             ",\"dims\":" + shape_json(t.array_dims()) + "}";
    case TypeClass::vlen:
      return "{\"k\":\"vlen\",\"base\":" + spec(t.base()) + "}";
    case TypeClass::reference:
      break;
  }
  return "null";
}

// Elements with vlen data are read into memory form (memory_form.hpp) and printed as JSON,
// compounds as lists in member order.
void json_value(std::ostream& j, const DType& t, const std::byte* p) {
  switch (t.type_class()) {
    case TypeClass::integer: {
      std::int64_t v = 0;
      std::uint64_t u = 0;
      std::memcpy(&u, p, t.size());  // little-endian host, native-order corpus types
      if (t.is_signed() && t.size() < 8 && (u >> (8 * t.size() - 1)) & 1) {
        u |= ~std::uint64_t{0} << (8 * t.size());
      }
      std::memcpy(&v, &u, 8);
      if (t.is_signed()) {
        j << v;
      } else {
        j << u;
      }
      return;
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
      j.precision(17);
      j << d;
      return;
    }
    case TypeClass::string:
      j << quote(*reinterpret_cast<const std::string*>(p));
      return;
    case TypeClass::vlen: {
      const auto& b = reinterpret_cast<const detail::VlenBytes*>(p)->bytes;
      j << "[";
      for (std::size_t k = 0; k < b.size() / t.base().size(); ++k) {
        j << (k ? "," : "");
        json_value(j, t.base(), b.data() + k * t.base().size());
      }
      j << "]";
      return;
    }
    case TypeClass::array: {
      std::uint64_t n = 1;
      for (auto d : t.array_dims()) n *= d;
      j << "[";
      for (std::uint64_t k = 0; k < n; ++k) {
        j << (k ? "," : "");
        json_value(j, t.base(), p + k * t.base().size());
      }
      j << "]";
      return;
    }
    case TypeClass::compound: {
      j << "[";
      for (std::size_t k = 0; k < t.members().size(); ++k) {
        j << (k ? "," : "");
        json_value(j, *t.members()[k].type, p + t.members()[k].offset);
      }
      j << "]";
      return;
    }
    default:
      throw std::runtime_error("no JSON form for " + t.name());
  }
}

// The `n` elements `read` fills (memory form), as a JSON list.
std::string nested_json(const DType& t, std::uint64_t n,
                        const std::function<void(std::byte*)>& read) {
  h5t::MemoryForm buf(t, n);
  read(buf.data());
  std::ostringstream j;
  j << "[";
  for (std::uint64_t i = 0; i < n; ++i) {
    j << (i ? "," : "");
    json_value(j, t, buf.element(i));
  }
  j << "]";
  return j.str();
}

// One corpus case: what it created, as JSON fragments.
struct Manifest {
  std::vector<std::string> groups, datasets, attrs;

  void group(const std::string& path) { groups.push_back(quote(path)); }

  // Records a dataset with its stored values read back through the public API.
  // `fill_hex`: a fixed-size fill value's bytes; `vfill_json`: a vlen fill value as JSON.
  void dataset(const Dataset& ds, const DatasetOptions& o, const std::string& fill_hex = "",
               const std::string& vfill_json = "") {
    std::ostringstream j;
    const DType t = ds.dtype();
    j << "{\"path\":" << quote(ds.path()) << ",\"dtype\":" << spec(t)
      << ",\"shape\":" << (ds.rank() ? shape_json(ds.shape()) : "null")
      << ",\"maxshape\":" << (ds.rank() ? shape_json(ds.max_shape()) : "null")
      << ",\"chunks\":" << (ds.chunks().empty() ? "null" : shape_json(ds.chunks()))
      << ",\"shuffle\":" << (o.shuffle_enabled() ? "true" : "false")
      << ",\"fletcher32\":" << (o.fletcher32_enabled() ? "true" : "false")
      << ",\"deflate\":" << (o.deflate_level() ? std::to_string(*o.deflate_level()) : "null")
      << ",\"lzf\":" << (o.lzf_enabled() ? "true" : "false")
      << ",\"fill\":" << (fill_hex.empty() ? "null" : quote(fill_hex))
      << ",\"vfill\":" << (vfill_json.empty() ? "null" : vfill_json) << ",\"data\":";
    const bool nested =
        t.has_vlen() &&
        (t.type_class() == TypeClass::compound || t.type_class() == TypeClass::array ||
         (t.type_class() == TypeClass::vlen && t.base().has_vlen()));
    if (nested) {
      j << nested_json(t, ds.size(),
                       [&](std::byte* b) { ds.select({}).read_raw(t, b, ds.size()); });
    } else if (t.is_variable_string()) {
      auto v = ds.read<std::string>();
      j << "[";
      for (std::size_t i = 0; i < v.size(); ++i) j << (i ? "," : "") << quote(v[i]);
      j << "]";
    } else if (t.type_class() == TypeClass::vlen) {
      auto rows = [&](const auto& v) {
        j << "[";
        for (std::size_t i = 0; i < v.size(); ++i) {
          j << (i ? "," : "") << "[";
          for (std::size_t k = 0; k < v[i].size(); ++k) j << (k ? "," : "") << v[i][k];
          j << "]";
        }
        j << "]";
      };
      if (t.base().type_class() == TypeClass::floating) {
        j.precision(17);
        rows(ds.read<std::vector<double>>());
      } else {
        rows(ds.read<std::vector<std::int64_t>>());
      }
    } else {
      std::vector<std::byte> raw(static_cast<std::size_t>(ds.size() * t.size()));
      ds.select({}).read_raw(t, raw.data(), ds.size());
      j << quote(hex(raw));
    }
    j << "}";
    datasets.push_back(j.str());
  }

  void attr(const Object& obj, const std::string& name) {
    Attribute a = obj.attrs().get(name);
    const DType t = a.dtype();
    std::ostringstream j;
    j << "{\"path\":" << quote(obj.path()) << ",\"name\":" << quote(name)
      << ",\"dtype\":" << spec(t)
      << ",\"shape\":" << (a.shape().empty() ? "null" : shape_json(a.shape())) << ",\"data\":";
    const std::uint64_t n = element_count(a.shape());
    if (t.has_vlen() && !t.is_variable_string()) {
      j << nested_json(t, n, [&](std::byte* b) { a.read_raw(t, b, n); });
    } else if (t.is_variable_string()) {
      std::vector<std::string> v(n);
      a.read_raw(t, v.data(), n);
      j << "[";
      for (std::size_t i = 0; i < v.size(); ++i) j << (i ? "," : "") << quote(v[i]);
      j << "]";
    } else {
      std::vector<std::byte> raw(static_cast<std::size_t>(n * t.size()));
      a.read_raw(t, raw.data(), n);
      j << quote(hex(raw));
    }
    j << "}";
    attrs.push_back(j.str());
  }

  std::string json() const {
    auto list = [](const std::vector<std::string>& v) {
      std::string o = "[";
      for (std::size_t i = 0; i < v.size(); ++i) o += (i ? ",\n  " : "") + v[i];
      return o + "]";
    };
    return "{\"groups\":" + list(groups) + ",\n\"datasets\":" + list(datasets) +
           ",\n\"attrs\":" + list(attrs) + "}";
  }
};

// Typed values by formula, converted by h5mem into the dataset's type.
std::vector<double> ramp(std::uint64_t n, double scale, double offset) {
  std::vector<double> v(n);
  for (std::uint64_t i = 0; i < n; ++i) v[i] = static_cast<double>(i % 97) * scale + offset;
  return v;
}

Dataset make(Group g, Manifest& m, const std::string& name, const DType& t, const Shape& shape,
             const DatasetOptions& o = {}, const std::function<void(Dataset&)>& fill = {},
             const std::string& fill_hex = "", const std::string& vfill_json = "") {
  Dataset ds = g.create_dataset(name, t, shape, o);
  if (fill) fill(ds);
  m.dataset(ds, o, fill_hex, vfill_json);
  return ds;
}

void write_doubles(Dataset& ds, double scale, double offset) {
  auto v = ramp(ds.size(), scale, offset);
  ds.select({}).write_raw(DType::floating(8), v.data(), v.size());
}

void write_bytes(Dataset& ds, unsigned seed) {
  std::vector<std::byte> b(static_cast<std::size_t>(ds.size() * ds.dtype().size()));
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::byte>((i * 131 + seed) & 0xff);
  ds.select({}).write_raw(ds.dtype(), b.data(), ds.size());
}

// ---- cases ----

struct CorpusEvent {
  std::int32_t id = 0;
  std::string name;
  Vlen<float> samples;
};

void case_numeric(File& f, Manifest& m) {
  for (ByteOrder order : {ByteOrder::little, ByteOrder::big}) {
    const std::string sfx = order == ByteOrder::little ? "_le" : "_be";
    for (std::size_t s : {1, 2, 4, 8}) {
      make(f, m, "i" + std::to_string(s) + sfx, DType::signed_integer(s, order), {5, 7}, {},
           [](Dataset& d) { write_doubles(d, 1, -40); });
      make(f, m, "u" + std::to_string(s) + sfx, DType::unsigned_integer(s, order), {5, 7}, {},
           [](Dataset& d) { write_doubles(d, 2, 3); });
    }
    for (std::size_t s : {2, 4, 8}) {
      make(f, m, "f" + std::to_string(s) + sfx, DType::floating(s, order), {4, 3, 2}, {},
           [](Dataset& d) { write_doubles(d, 0.25, -3.5); });
    }
  }
}

void case_types(File& f, Manifest& m) {
  make(f, m, "bool", DType::boolean(), {10}, {}, [](Dataset& d) {
    std::vector<bool> src{true, false, false, true, true, false, true, false, true, true};
    std::vector<std::int8_t> b(src.begin(), src.end());
    d.select({}).write_raw(DType::boolean(), b.data(), b.size());
  });
  for (std::size_t cs : {4, 8}) {
    make(f, m, "complex" + std::to_string(cs * 16), DType::complex(cs), {6}, {}, [](Dataset& d) {
      write_bytes(d, 0);
      d.write(
          std::vector<std::complex<double>>{{1, -1}, {2.5, 0}, {0, 3}, {-4, 4}, {5, 6}, {7, 8}});
    });
  }
  make(f, m, "complex_be", DType::complex(8, ByteOrder::big), {3}, {}, [](Dataset& d) {
    d.write(std::vector<std::complex<double>>{{1, 2}, {3, 4}, {5, 6}});
  });
  DType color =
      DType::enumeration(DType::signed_integer(2), {{"RED", 0}, {"GREEN", 1}, {"BLUE", 42}});
  make(f, m, "enum", color, {5}, {}, [&](Dataset& d) {
    std::vector<std::int16_t> v{0, 1, 42, 1, 0};
    d.select({}).write_raw(color, v.data(), v.size());
  });
  DType s5 = DType::fixed_string(5);
  DType comp = CompoundBuilder()
                   .add("a", DType::signed_integer(4))
                   .add("b", DType::floating(8))
                   .add("c", s5)
                   .build();
  make(f, m, "compound", comp, {4}, {}, [&](Dataset& d) {
    std::vector<std::byte> raw(comp.size() * 4);
    for (int i = 0; i < 4; ++i) {
      std::int32_t a = i * 10 - 5;
      double b = i * 1.5;
      char c[5] = {'x', static_cast<char>('a' + i), 0, 0, 0};
      std::memcpy(raw.data() + i * comp.size(), &a, 4);
      std::memcpy(raw.data() + i * comp.size() + 4, &b, 8);
      std::memcpy(raw.data() + i * comp.size() + 12, c, 5);
    }
    d.select({}).write_raw(comp, raw.data(), 4);
  });
  DType padded = CompoundBuilder()
                     .add("x", 0, DType::floating(4))
                     .add("y", 8, DType::unsigned_integer(2))
                     .size(16)
                     .build();
  make(f, m, "compound_padded", padded, {3}, {}, [&](Dataset& d) {
    std::vector<std::byte> raw(16 * 3, std::byte{0});
    for (int i = 0; i < 3; ++i) {
      float x = i + 0.5f;
      std::uint16_t y = static_cast<std::uint16_t>(100 + i);
      std::memcpy(raw.data() + i * 16, &x, 4);
      std::memcpy(raw.data() + i * 16 + 8, &y, 2);
    }
    d.select({}).write_raw(padded, raw.data(), 3);
  });
  DType arr = DType::array(DType::floating(4), {2, 3});
  make(f, m, "array", arr, {4}, {}, [&](Dataset& d) {
    std::vector<float> v(24);
    for (int i = 0; i < 24; ++i) v[i] = i * 0.5f;
    d.select({}).write_raw(arr, v.data(), 4);
  });
  DType nested = CompoundBuilder().add("id", DType::unsigned_integer(8)).add("v", arr).build();
  make(f, m, "compound_with_array", nested, {2}, {}, [](Dataset& d) { write_bytes(d, 3); });
  make(f, m, "opaque", DType::opaque(4, "raw4"), {3}, {}, [](Dataset& d) { write_bytes(d, 7); });
  make(f, m, "bitfield", DType::bitfield(2), {5}, {}, [](Dataset& d) { write_bytes(d, 9); });
  struct S {
    const char* name;
    StringPad pad;
    CharSet cs;
  };
  for (S s : {S{"fixed_nullpad", StringPad::null_pad, CharSet::ascii},
              S{"fixed_nullterm", StringPad::null_terminate, CharSet::ascii},
              S{"fixed_spacepad", StringPad::space_pad, CharSet::ascii},
              S{"fixed_utf8", StringPad::null_pad, CharSet::utf8}}) {
    DType t = DType::fixed_string(8, s.pad, s.cs);
    make(f, m, s.name, t, {3}, {}, [&](Dataset& d) {
      std::string raw(24, s.pad == StringPad::space_pad ? ' ' : '\0');
      const char* words[3] = {"alpha", "be", "gamma12"};
      for (int i = 0; i < 3; ++i) std::memcpy(raw.data() + 8 * i, words[i], std::strlen(words[i]));
      d.select({}).write_raw(t, raw.data(), 3);
    });
  }
}

void case_vlen(File& f, Manifest& m) {
  const std::vector<std::string> words{"", "a", "héllo wörld", std::string(5000, 'z'), "end"};
  make(f, m, "vstr_utf8", DType::vlen_string(), {5}, {}, [&](Dataset& d) { d.write(words); });
  make(f, m, "vstr_ascii", DType::vlen_string(CharSet::ascii), {3}, {}, [](Dataset& d) {
    d.write(std::vector<std::string>{"ab", "cde", "f"});
  });
  make(f, m, "vstr_chunked", DType::vlen_string(), {200}, DatasetOptions{}.chunks({16}).deflate(4),
       [](Dataset& d) {
         std::vector<std::string> v(200);
         for (int i = 0; i < 200; ++i) v[i] = "item-" + std::to_string(i * i);
         d.write(v);
       });
  make(f, m, "vstr_unwritten", DType::vlen_string(), {4});
  make(f, m, "vlen_i32", DType::vlen(DType::signed_integer(4)), {4}, {}, [](Dataset& d) {
    d.write(std::vector<std::vector<std::int32_t>>{{1, 2, 3}, {}, {-7}, {4, 5, 6, 7, 8, 9}});
  });
  make(f, m, "vlen_f64_chunked", DType::vlen(DType::floating(8)), {50},
       DatasetOptions{}.chunks({8}).shuffle().deflate(2), [](Dataset& d) {
         std::vector<std::vector<double>> v(50);
         for (int i = 0; i < 50; ++i) v[i].assign(static_cast<std::size_t>(i % 7), i * 0.5);
         d.write(v);
       });
}

// Vlen fill values (the fill value message refers to a global heap object), with chunks
// never written.
void case_vlen_fill(File& f, Manifest& m) {
  make(f, m, "vstr_fill", DType::vlen_string(), {4}, DatasetOptions{}.fill_value("abc"), {}, "",
       "\"abc\"");
  make(
      f, m, "vstr_fill_chunked", DType::vlen_string(), {10},
      DatasetOptions{}.chunks({4}).max_shape({unlimited}).fill_value("fill \u00e9"),
      [](Dataset& d) { d.select({Slice(1, 2)}).write(std::vector<std::string>{"one"}); }, "",
      "\"fill \u00e9\"");
  make(
      f, m, "vlen_fill", DType::vlen(DType::signed_integer(4)), {6},
      DatasetOptions{}.chunks({2}).deflate(1).fill_value(std::vector<std::int32_t>{4, -5}),
      [](Dataset& d) {
        d.select({Slice(2, 3)}).write(std::vector<std::vector<std::int32_t>>{{7}});
      },
      "", "[4,-5]");
}

// Vlen sequences of vlen data (global heap objects holding references to other objects).
void case_deep(File& f, Manifest& m) {
  using Words = std::vector<std::vector<std::string>>;
  const Words w{{"ab", "c"}, {}, {"", "h\u00e9llo", std::string(300, 'z')}};
  make(f, m, "vvs", DType::vlen(DType::vlen_string()), {3}, {}, [&](Dataset& d) { d.write(w); });
  make(f, m, "vvs_chunked", DType::vlen(DType::vlen_string()), {3},
       DatasetOptions{}.chunks({2}).deflate(4), [&](Dataset& d) { d.write(w); });
  make(f, m, "vvi", DType::vlen(DType::vlen(DType::signed_integer(4))), {3}, {}, [](Dataset& d) {
    using V = Vlen<std::int32_t>;
    d.write(std::vector<std::vector<V>>{{V{1, 2}, V{}}, {}, {V{7}, V{-3, 4, 5}}});
  });
  f.attrs().set("words", w);
  m.attr(f, "words");
}

// Vlen data nested in compounds and arrays, and vlen-sequence attributes.
void case_nested(File& f, Manifest& m) {
  const DType ev =
      CompoundBuilder()
          .add("id", offsetof(CorpusEvent, id), DType::signed_integer(4))
          .add("name", offsetof(CorpusEvent, name), DType::vlen_string())
          .add("samples", offsetof(CorpusEvent, samples), DType::vlen(DType::floating(4)))
          .size(sizeof(CorpusEvent))
          .build();
  std::vector<CorpusEvent> events(6);
  for (int i = 0; i < 6; ++i) {
    events[i].id = i * 3 - 4;
    events[i].name = i == 2 ? "" : "év-" + std::string(static_cast<std::size_t>(i), 'x');
    std::vector<float> s;
    for (int k = 0; k < i % 4; ++k)
      s.push_back(static_cast<float>(i) + 0.125f * static_cast<float>(k));
    events[i].samples = s;
  }
  auto write_events = [&](Dataset& d) {
    d.select({Slice(0, 6)}).write_raw(ev, events.data(), events.size());
  };
  make(f, m, "events", ev, {6}, {}, write_events);
  make(f, m, "events_chunked", ev, {9},
       DatasetOptions{}.chunks({4}).deflate(3).max_shape({unlimited}), write_events);
  make(f, m, "events_unwritten", ev, {3});
  const DType tags = DType::array(DType::vlen_string(), {3});
  make(f, m, "tags", tags, {4}, DatasetOptions{}.chunks({2}).shuffle().deflate(1), [&](Dataset& d) {
    std::vector<std::array<std::string, 3>> v = {
        {"a", "", "ccc"}, {"", "", ""}, {"üñí", "x", std::string(300, 'y')}, {"d", "e", "f"}};
    d.select({}).write_raw(tags, v.data(), v.size());
  });
  const DType rec = CompoundBuilder()
                        .add("x", DType::floating(8))
                        .add("labels", DType::array(DType::vlen_string(), {2}))
                        .add("v", DType::vlen(DType::signed_integer(2)))
                        .build();
  make(f, m, "records", rec, {2}, {}, [&](Dataset& d) {
    h5t::MemoryForm buf(rec, 2);
    for (int i = 0; i < 2; ++i) {
      std::byte* p = buf.element(i);
      const double x = 1.5 * i;
      std::memcpy(p, &x, 8);
      auto* labels = reinterpret_cast<std::string*>(p + rec.member("labels").offset);
      labels[0] = "l" + std::to_string(i);
      labels[1] = i ? "second" : "";
      reinterpret_cast<Vlen<std::int16_t>*>(p + rec.member("v").offset)
          ->assign(std::vector<std::int16_t>(static_cast<std::size_t>(i * 3), -7));
    }
    d.select({}).write_raw(rec, buf.data(), 2);
  });
  Object root = f;
  root.attrs().set("rows", std::vector<std::vector<std::int32_t>>{{1, 2, 3}, {}, {-4}});
  root.attrs().set("one_row", Vlen<double>{0.5, -1});
  root.attrs().set_raw("event", ev, Shape{}, &events[1]);
  root.attrs().set_raw("events", ev, Shape{events.size()}, events.data());
  std::array<std::string, 3> t3 = {"p", "", "qq"};
  root.attrs().set_raw("tags", tags, Shape{}, t3.data());
  for (const auto& n : root.attrs().list()) m.attr(root, n);
}

void case_chunked(File& f, Manifest& m) {
  auto f32 = DType::floating(4);
  make(f, m, "deflate", f32, {100, 60}, DatasetOptions{}.chunks({16, 16}).deflate(6),
       [](Dataset& d) { write_doubles(d, 0.5, 1); });
  make(f, m, "shuffle_deflate", DType::signed_integer(8), {1000},
       DatasetOptions{}.chunks({100}).shuffle().deflate(4),
       [](Dataset& d) { write_doubles(d, 3, -7); });
  make(f, m, "fletcher32", DType::unsigned_integer(2), {40, 5},
       DatasetOptions{}.chunks({8, 5}).fletcher32(), [](Dataset& d) { write_doubles(d, 1, 0); });
  make(f, m, "all_filters", f32, {64, 64},
       DatasetOptions{}.chunks({32, 16}).shuffle().deflate(9).fletcher32(),
       [](Dataset& d) { write_doubles(d, 0.125, 0); });
  make(f, m, "plain_chunks", DType::signed_integer(4), {10, 10}, DatasetOptions{}.chunks({3, 4}),
       [](Dataset& d) { write_doubles(d, 1, 0); });
  make(
      f, m, "partial", DType::signed_integer(4), {50, 50},
      DatasetOptions{}.chunks({10, 10}).fill_value<std::int32_t>(-1).deflate(1),
      [](Dataset& d) {
        std::vector<std::int32_t> v(15 * 12, 7);
        d.select({Slice(5, 20), Slice(30, 42)}).write(v);
      },
      "ffffffff");
  make(f, m, "unwritten_chunked", DType::floating(8), {20},
       DatasetOptions{}.chunks({5}).fill_value(2.5), {}, "0000000000000440");
  make(f, m, "unlimited_1d", DType::signed_integer(2), {10},
       DatasetOptions{}.chunks({4}).max_shape({unlimited}), [](Dataset& d) {
         write_doubles(d, 1, 0);
         d.resize({37});
         std::vector<std::int16_t> tail(27, 5);
         d.select({Slice(10, 37)}).write(tail);
       });
  make(f, m, "unlimited_2d", f32, {6, 9},
       DatasetOptions{}.chunks({4, 4}).max_shape({unlimited, unlimited}).deflate(3),
       [](Dataset& d) { write_doubles(d, 1, 0); });
  make(f, m, "unlimited_second", f32, {5, 12},
       DatasetOptions{}.chunks({5, 5}).max_shape({5, unlimited}),
       [](Dataset& d) { write_doubles(d, 2, 0); });
  make(f, m, "fixed_max", DType::unsigned_integer(1), {10, 10},
       DatasetOptions{}.chunks({4, 4}).max_shape({20, 30}),
       [](Dataset& d) { write_doubles(d, 1, 0); });
  make(f, m, "single_chunk", DType::floating(8), {7, 9}, DatasetOptions{}.chunks({7, 9}).deflate(4),
       [](Dataset& d) { write_doubles(d, 1, 0.5); });
  make(f, m, "single_chunk_plain", DType::floating(8), {7, 9}, DatasetOptions{}.chunks({7, 9}),
       [](Dataset& d) { write_doubles(d, 1, 0.5); });
  make(f, m, "many_chunks", DType::unsigned_integer(2), {3000}, DatasetOptions{}.chunks({2}),
       [](Dataset& d) { write_doubles(d, 1, 0); });
  make(f, m, "many_chunks_filtered", DType::signed_integer(4), {50, 50},
       DatasetOptions{}.chunks({1, 2}).deflate(1), [](Dataset& d) { write_doubles(d, 1, 0); });
}

// LZF is h5py's own filter: h5dump and h5diff cannot decode it, so it has a case of its own
// that check_writer.py verifies through h5py only.
void case_lzf(File& f, Manifest& m) {
  make(f, m, "lzf", DType::floating(8), {300}, DatasetOptions{}.chunks({64}).lzf(),
       [](Dataset& d) { write_doubles(d, 1, 0); });
  make(f, m, "lzf_shuffle", DType::signed_integer(4), {20, 30},
       DatasetOptions{}.chunks({8, 8}).shuffle().lzf().max_shape({unlimited, 30}),
       [](Dataset& d) { write_doubles(d, 1, 0); });
}

void case_groups(File& f, Manifest& m) {
  Group g = f.create_group("big");
  m.group("/big");
  for (int i = 0; i < 2000; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "m%05d", (i * 7919) % 2000);
    if (i % 5 == 0) {
      g.create_group(name);
      m.group(std::string("/big/") + name);
    } else {
      make(g, m, name, DType::unsigned_integer(1), {2}, {}, [i](Dataset& d) {
        d.write(std::vector<std::uint8_t>{static_cast<std::uint8_t>(i),
                                          static_cast<std::uint8_t>(i >> 8)});
      });
    }
  }
  for (int n : {8, 9, 20}) {
    std::string path = "links" + std::to_string(n);
    Group h = f.create_group(path);
    m.group("/" + path);
    for (int i = 0; i < n; ++i) {
      h.create_group("g" + std::to_string(i));
      m.group("/" + path + "/g" + std::to_string(i));
    }
  }
  std::string deep;
  for (int i = 0; i < 20; ++i) {
    deep += "/level" + std::to_string(i);
    f.create_group(deep);
    m.group(deep);
  }
  make(f.group(deep), m, "leaf", DType::signed_integer(4), {1}, {},
       [](Dataset& d) { write_doubles(d, 1, 42); });
  const std::string long_name(250, 'L');
  f.create_group(long_name);
  m.group("/" + long_name);
  f.create_group("ünïcode");
  m.group("/ünïcode");
  f.create_group("empty");
  m.group("/empty");
}

void case_attrs(File& f, Manifest& m) {
  Group g = f.create_group("g");
  m.group("/g");
  Dataset d = make(f, m, "d", DType::signed_integer(4), {3}, {},
                   [](Dataset& x) { write_doubles(x, 1, 0); });
  for (Object o : {static_cast<Object>(f), static_cast<Object>(g), static_cast<Object>(d)}) {
    auto a = o.attrs();
    a.set("int", std::int32_t{-5});
    a.set("float_arr", std::vector<double>{1.5, 2.5, -3});
    a.set("u16_arr", std::vector<std::uint16_t>{1, 2, 65535});
    a.set("vstr", std::string("variable string"));
    a.set("vstr_arr", std::vector<std::string>{"a", "", "ccc"});
    a.set("bool", true);
    a.set("complex", std::complex<double>(1, -2));
    a.set("ünï", std::int8_t{3});
    const std::string fixed = "fixed\0\0\0";
    a.set_raw("fixed_str", DType::fixed_string(8), Shape{}, fixed.data());
    std::int16_t be[2] = {0x0102, 0x0304};
    a.set_raw("be", DType::signed_integer(2, ByteOrder::big), Shape{2}, be);
    std::vector<std::byte> big(6000 * 8, std::byte{1});
    a.set_raw("big", DType::floating(8), Shape{6000}, big.data());
    for (const auto& n : a.list()) m.attr(o, n);
  }
  Group few = f.create_group("few_attrs");
  m.group("/few_attrs");
  few.attrs().set("only", 1.0);
  m.attr(few, "only");
}

void case_empty(File& f, Manifest& m) {
  make(f, m, "scalar", DType::floating(8), {}, {},
       [](Dataset& d) { d.write(std::vector<double>{3.25}); });
  make(f, m, "scalar_str", DType::vlen_string(), {}, {},
       [](Dataset& d) { d.write(std::vector<std::string>{"one"}); });
  make(f, m, "zero", DType::signed_integer(4), {0});
  make(f, m, "zero_2d", DType::floating(4), {3, 0});
  make(f, m, "zero_chunked", DType::floating(4), {0},
       DatasetOptions{}.chunks({4}).max_shape({unlimited}));
  make(f, m, "unwritten", DType::signed_integer(8), {6});
  make(f, m, "unwritten_fill", DType::signed_integer(2), {6},
       DatasetOptions{}.fill_value<std::int16_t>(9), {}, "0900");
  make(
      f, m, "written_fill", DType::floating(4), {4}, DatasetOptions{}.fill_value(1.5f),
      [](Dataset& d) {
        d.write(std::vector<float>{1, 2, 3, 4});
      },
      "0000c03f");
}

// Datasets over 4 GiB, sparse so the files stay small: written as huge.{earliest,latest}.h5
// outside the manifest (check_writer.py knows their pattern: byte i holds (i * 7 + 3) & 0xff
// where written, 0 elsewhere).
std::uint8_t huge_byte(std::uint64_t i) {
  return static_cast<std::uint8_t>((i * 7 + 3) & 0xff);
}

void write_huge(const std::string& dir) {
  File f = File::create("mem://corpus_huge");
  const std::uint64_t n = 5'000'000'000ull;
  Dataset u8 = f.create_dataset("sparse_u8", DType::unsigned_integer(1), {n},
                                DatasetOptions{}.chunks({1u << 20}).deflate(1));
  // Around the 4 GiB element boundary and at the very end (a partial edge chunk).
  for (std::uint64_t start : {std::uint64_t{(1ull << 32) - 500}, n - 1000}) {
    std::vector<std::uint8_t> v(1000);
    for (std::uint64_t i = 0; i < v.size(); ++i) v[i] = huge_byte(start + i);
    u8.select({Slice(static_cast<std::int64_t>(start), static_cast<std::int64_t>(start + 1000))})
        .write(v);
  }
  // 5.6 GB of float32 in 71 x 21 chunks (paged fixed array in the latest format).
  Dataset wide = f.create_dataset("wide_2d", DType::floating(4), {70001, 20001},
                                  DatasetOptions{}.chunks({1000, 1000}).deflate(1));
  std::vector<float> corner(4 * 6);
  for (std::size_t i = 0; i < corner.size(); ++i) corner[i] = static_cast<float>(i) + 0.5f;
  wide.select({Slice(69997, 70001), Slice(19995, 20001)}).write(corner);
  for (Format fmt : {Format::earliest, Format::latest}) {
    f.save_as(dir + (fmt == Format::earliest ? "/huge.earliest.h5" : "/huge.latest.h5"),
              SaveOptions{}.format(fmt));
  }
}

struct Case {
  const char* name;
  void (*build)(File&, Manifest&);
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_corpus OUTDIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  const Case cases[] = {
      {"numeric", case_numeric},     {"types", case_types}, {"vlen", case_vlen},
      {"chunked", case_chunked},     {"lzf", case_lzf},     {"groups", case_groups},
      {"attrs", case_attrs},         {"empty", case_empty}, {"nested", case_nested},
      {"vlen_fill", case_vlen_fill}, {"deep", case_deep}};
  std::ofstream manifest(dir + "/manifest.json");
  manifest << "{";
  bool first = true;
  try {
    for (const Case& c : cases) {
      const std::string mem = std::string("mem://corpus_") + c.name;
      File f = File::create(mem);
      Manifest m;
      c.build(f, m);
      auto open = detail::registry_open(mem, Mode::read_write, {}, {});
      auto image = open->acquire();
      for (Format fmt : {Format::earliest, Format::latest}) {
        detail::VectorSink sink;
        detail::write_hdf5(*image, detail::WriteSettings{fmt, {}}, sink);
        const std::string path =
            dir + "/" + c.name + (fmt == Format::earliest ? ".earliest.h5" : ".latest.h5");
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(sink.bytes.data()),
                  static_cast<std::streamsize>(sink.bytes.size()));
        if (!out) throw std::runtime_error("cannot write " + path);
      }
      manifest << (first ? "\n" : ",\n") << quote(c.name) << ":" << m.json();
      first = false;
    }
    write_huge(dir);
  } catch (const std::exception& e) {
    std::cerr << "write_corpus: " << e.what() << "\n";
    return 1;
  }
  manifest << "}\n";
  return manifest ? 0 : 1;
}
