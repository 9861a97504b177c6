// Variable-length strings and sequences in datasets, and std::string access to
// fixed-length string datasets.
#include <cstring>
#include <string>
#include <unordered_set>

#include "array/convert.hpp"
#include "core/dataset_access.hpp"
#include "core/dataset_nested.hpp"
#include "core/utf8.hpp"
#include "core/vlen_elements.hpp"
#include "core/vlen_fill.hpp"
#include "h5mem/dataset.hpp"

namespace h5mem {

using detail::DatasetNode;
using detail::VlenHandle;

namespace {

// The stored base type of a vlen dataset: characters for strings, else the sequence base.
DType stored_base(const DatasetNode& ds) {
  return ds.dtype.is_variable_string() ? DType::unsigned_integer(1) : ds.dtype.base();
}

// Writes convert buffer -> file, reads file -> buffer: only that direction has to work (a
// read may pick a subset of a compound's members).
void check_vlen_types(const DatasetNode& ds, const DType& mem_base, bool writing) {
  if (!ds.vlen || !(ds.dtype.is_variable_string() || ds.dtype.type_class() == TypeClass::vlen)) {
    // Vlen data nested in compounds and arrays moves through read_raw / write_raw.
    detail::fail(ErrorCode::type_mismatch, "dataset type " + ds.dtype.name() + " is not variable-length");
  }
  // A string dataset takes characters (mem_base a vlen string); a sequence dataset takes its
  // items, which are vlen strings themselves for a sequence of strings.
  const DType& items = ds.dtype.is_variable_string() ? ds.dtype : ds.dtype.base();
  if (items.is_variable_string() != mem_base.is_variable_string()) {
    detail::fail(ErrorCode::type_mismatch, "cannot convert between " + ds.dtype.name() +
                                               " and a buffer of " + mem_base.name());
  }
  if (!mem_base.is_variable_string()) {
    if (writing) {
      detail::check_conversion(mem_base, ds.dtype.base());
    } else {
      detail::check_conversion(ds.dtype.base(), mem_base);
    }
  }
}

void check_count(std::uint64_t expected, std::uint64_t n) {
  if (n != expected) {
    detail::fail(ErrorCode::type_mismatch, "the selection has " + std::to_string(expected) +
                                               " element(s) but the buffer has " + std::to_string(n));
  }
}

// The bytes of element i's value `h` (items of `item` bytes each). Throws corruption when
// they do not hold h.count items.
std::span<const std::byte> value_bytes(const DatasetNode& ds, std::uint64_t i, const VlenHandle& h,
                                       std::size_t item) {
  auto bytes = detail::vlen_value(ds, h.id);
  if (bytes.size() != h.count * item) {
    detail::fail(ErrorCode::corruption, "variable-length element " + std::to_string(i) + " has " +
                                            std::to_string(bytes.size()) + " bytes for " +
                                            std::to_string(h.count) + " item(s)");
  }
  return bytes;
}

// A vlen sequence of vlen data: each value's items are stored elements of the base (with
// handles of their own), written through the nested path so every value is freed with them.
void write_items_with_vlen(DatasetNode& ds, detail::FileImage& img,
                           const detail::SelectionPlan& plan, const DType& mem_base,
                           std::span<const VlenView> elements) {
  const DType& base = ds.dtype.base();
  const std::size_t item = detail::stored_size(base);
  const bool utf8 = img.validate_utf8.load();
  detail::write_stored(ds, img, plan, [&](std::byte* stored, const detail::VlenAdd& add) {
    std::vector<std::byte> items;
    for (std::size_t i = 0; i < elements.size(); ++i) {
      const VlenView& e = elements[i];
      VlenHandle h;
      if (e.count != 0) {
        items.assign(e.count * item, std::byte{0});
        detail::store_elements(mem_base, static_cast<const std::byte*>(e.data), base, items.data(),
                               e.count, add, utf8);
        h = add(items, e.count);
      }
      std::memcpy(stored + i * sizeof h, &h, sizeof h);
    }
  });
}

// Calls `sink` with each value's items loaded into constructed memory-form items of mem_base.
void read_items_with_vlen(const DatasetNode& ds, std::span<const VlenHandle> handles,
                          const DType& mem_base, const Selection::VlenSink& sink) {
  const DType& base = ds.dtype.base();
  const auto get = [&](const VlenHandle& h) { return detail::vlen_value(ds, h.id); };
  std::vector<std::byte> items;
  for (std::uint64_t i = 0; i < handles.size(); ++i) {
    const VlenHandle& h = handles[i];
    if (h.count == 0) {
      sink(i, nullptr, 0);
      continue;
    }
    auto bytes = value_bytes(ds, i, h, detail::stored_size(base));
    items.assign(h.count * mem_base.size(), std::byte{0});
    detail::construct_memory_form(mem_base, items.data(), h.count);
    try {
      detail::load_elements(base, bytes.data(), mem_base, items.data(), h.count, get);
      sink(i, items.data(), h.count);
    } catch (...) {
      detail::destroy_memory_form(mem_base, items.data(), h.count);
      throw;
    }
    detail::destroy_memory_form(mem_base, items.data(), h.count);
  }
}

}  // namespace

void Selection::write_vlen_raw(const DType& mem_base, std::span<const VlenView> elements) const {
  detail::locked<true>(file_, node_, [&](DatasetNode& ds, detail::FileImage& img) {
    check_vlen_types(ds, mem_base, true);
    std::optional<detail::SelectionPlan> replanned;
    const auto& plan = detail::current_plan(*plan_, ds.shape, replanned);
    check_count(plan.n_elements, elements.size());
    const bool is_str = ds.dtype.is_variable_string();
    const DType base = stored_base(ds);
    if (is_str && ds.dtype.charset() == CharSet::utf8 && img.validate_utf8.load()) {
      for (std::size_t i = 0; i < elements.size(); ++i) {
        std::string_view sv(static_cast<const char*>(elements[i].data), elements[i].count);
        std::size_t bad = detail::find_invalid_utf8(sv);
        if (bad != std::string_view::npos) {
          detail::fail(ErrorCode::invalid_argument, "element " + std::to_string(i) +
                                                        " is not valid UTF-8 (byte " + std::to_string(bad) + ")");
        }
      }
    }
    if (!is_str && base.has_vlen()) {
      write_items_with_vlen(ds, img, plan, mem_base, elements);
      return;
    }
    auto io = detail::io_of(img);
    const std::size_t n = elements.size();
    std::vector<VlenHandle> old(n), fresh(n);
    ds.layout->read(plan, reinterpret_cast<std::byte*>(old.data()), io);
    // Every value overwritten is freed at the end, so the quota may count on those bytes.
    std::uint64_t credit = 0;
    {
      std::unordered_set<std::uint64_t> seen;
      for (const auto& h : old) {
        if (seen.insert(h.id).second) credit += ds.vlen->size_of(h.id);
      }
    }
    try {
      std::vector<std::byte> conv;
      for (std::size_t i = 0; i < n; ++i) {
        const VlenView& e = elements[i];
        if (e.count == 0) continue;
        std::span<const std::byte> bytes;
        if (is_str || mem_base == base) {
          bytes = {static_cast<const std::byte*>(e.data), e.count * base.size()};
        } else {
          conv.resize(e.count * base.size());
          detail::convert(mem_base, base, static_cast<const std::byte*>(e.data), conv.data(), e.count);
          bytes = conv;
        }
        fresh[i] = VlenHandle{e.count, ds.vlen->add(bytes, img.budget, credit)};
      }
      ds.layout->write(plan, reinterpret_cast<const std::byte*>(fresh.data()), io);
    } catch (...) {
      for (const auto& h : fresh) ds.vlen->remove(h.id, img.budget);
      throw;
    }
    std::unordered_set<std::uint64_t> dead;
    for (const auto& h : old) dead.insert(h.id);
    if (plan.is_points) {
      // A point given twice keeps only its last value: free the values it replaced.
      std::vector<VlenHandle> now(n);
      ds.layout->read(plan, reinterpret_cast<std::byte*>(now.data()), io);
      std::unordered_set<std::uint64_t> live;
      for (const auto& h : now) live.insert(h.id);
      for (const auto& h : fresh) {
        if (!live.count(h.id)) dead.insert(h.id);
      }
    }
    for (std::uint64_t id : dead) ds.vlen->remove(id, img.budget);
  });
}

void Selection::read_vlen_raw(const DType& mem_base, const VlenSink& sink) const {
  detail::locked<false>(file_, node_, [&](DatasetNode& ds, detail::FileImage& img) {
    detail::check_data_access(ds);
    check_vlen_types(ds, mem_base, false);
    std::optional<detail::SelectionPlan> replanned;
    const auto& plan = detail::current_plan(*plan_, ds.shape, replanned);
    const DType base = stored_base(ds);
    const bool is_str = ds.dtype.is_variable_string();
    auto io = detail::io_of(img);
    std::vector<VlenHandle> handles(plan.n_elements);
    ds.layout->read(plan, reinterpret_cast<std::byte*>(handles.data()), io);
    if (!is_str && base.has_vlen()) {
      read_items_with_vlen(ds, handles, mem_base, sink);
      return;
    }
    std::vector<std::byte> conv;
    for (std::uint64_t i = 0; i < handles.size(); ++i) {
      const VlenHandle& h = handles[i];
      if (h.count == 0) {
        sink(i, nullptr, 0);
        continue;
      }
      auto bytes = value_bytes(ds, i, h, base.size());
      if (is_str || mem_base == base) {
        sink(i, bytes.data(), h.count);
      } else {
        conv.resize(h.count * mem_base.size());
        detail::convert(base, mem_base, bytes.data(), conv.data(), h.count);
        sink(i, conv.data(), h.count);
      }
    }
  });
}

void Selection::read_strings(std::span<std::string> out) const {
  DType t = Dataset(file_, node_).dtype();
  if (t.is_variable_string()) {
    if (out.size() != size()) check_count(size(), out.size());
    read_vlen_raw(DType::vlen_string(t.charset()), [&](std::uint64_t i, const void* data, std::size_t count) {
      out[i].assign(static_cast<const char*>(data), count);
    });
    return;
  }
  if (t.type_class() != TypeClass::string) {
    detail::locked<false>(file_, node_, [&](DatasetNode& ds, detail::FileImage&) {
      detail::fail(ErrorCode::type_mismatch, "cannot read " + ds.dtype.name() + " as strings");
    });
  }
  std::vector<char> tmp(out.size() * t.size());
  read_raw(t, tmp.data(), out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char* s = tmp.data() + i * t.size();
    std::size_t len = t.size();
    if (t.string_pad() == StringPad::space_pad) {
      while (len > 0 && s[len - 1] == ' ') --len;
    } else {
      len = strnlen(s, t.size());
    }
    out[i].assign(s, len);
  }
}

void Selection::write_strings(std::span<const std::string> data) const {
  DType t = Dataset(file_, node_).dtype();
  if (t.is_variable_string()) {
    std::vector<VlenView> views;
    views.reserve(data.size());
    for (const auto& s : data) views.push_back(VlenView{s.data(), s.size()});
    write_vlen_raw(DType::vlen_string(t.charset()), views);
    return;
  }
  if (t.type_class() != TypeClass::string) {
    detail::locked<false>(file_, node_, [&](DatasetNode& ds, detail::FileImage&) {
      detail::fail(ErrorCode::type_mismatch, "cannot write strings to " + ds.dtype.name());
    });
  }
  std::vector<char> tmp(data.size() * t.size());
  const std::size_t room = t.string_pad() == StringPad::null_terminate ? t.size() - 1 : t.size();
  if (t.charset() == CharSet::utf8) {
    auto img = detail::acquire(file_);
    if (img->validate_utf8.load()) {
      for (std::size_t i = 0; i < data.size(); ++i) {
        std::string_view sv(data[i].data(), std::min(room, data[i].size()));
        if (std::size_t bad = detail::find_invalid_utf8(sv); bad != std::string_view::npos) {
          detail::locked<false>(file_, node_, [&](DatasetNode&, detail::FileImage&) {
            detail::fail(ErrorCode::invalid_argument, "element " + std::to_string(i) +
                                                          " is not valid UTF-8 (byte " +
                                                          std::to_string(bad) + ")");
          });
        }
      }
    }
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    char* d = tmp.data() + i * t.size();
    std::size_t m = std::min(room, data[i].size());
    std::memcpy(d, data[i].data(), m);
    std::memset(d + m, t.string_pad() == StringPad::space_pad ? ' ' : 0, t.size() - m);
  }
  write_raw(t, tmp.data(), data.size());
}

}  // namespace h5mem
