// Variable-length data for the writer: global heap collections and the translation of
// h5mem's in-memory VlenHandles into HDF5's {length, collection, index} references.
#include <algorithm>
#include <cstring>
#include <memory>

#include "core/fail.hpp"
#include "core/vlen_fill.hpp"
#include "core/vlen_heap.hpp"
#include "format/hdf5/global_heap.hpp"
#include "format/hdf5/writer_internal.hpp"

namespace h5mem::detail::hdf5w {

namespace {

// Collections are cut at this payload so that a reader (libhdf5 caches whole collections)
// never has to load an arbitrarily large one for a single small element; a bigger object
// gets a collection of its own, which libhdf5 also does.
constexpr std::uint64_t kCollectionTarget = 1u << 20;
constexpr std::size_t kMaxObjectsPerCollection = 65535;  // 16-bit object indexes

std::uint64_t stored_object_size(std::uint64_t n) {
  return 16 + ((n + 7) & ~std::uint64_t{7});
}

}  // namespace

GlobalHeapWriter::Slot GlobalHeapWriter::add(std::span<const std::byte> data) {
  const std::uint64_t need = stored_object_size(data.size());
  if (collections_.empty() || collections_.back().address != kUndefinedAddress ||
      collections_.back().objects.size() >= kMaxObjectsPerCollection ||
      (!collections_.back().objects.empty() &&
       collections_.back().payload + need > kCollectionTarget)) {
    collections_.emplace_back();
  }
  Collection& c = collections_.back();
  c.objects.push_back(data);
  c.payload += need;
  return Slot{static_cast<std::uint32_t>(collections_.size() - 1),
              static_cast<std::uint32_t>(c.objects.size())};
}

GlobalHeapWriter::Slot GlobalHeapWriter::add_owned(
    std::shared_ptr<const std::vector<std::byte>> data) {
  const Slot slot = add(*data);
  collections_[slot.collection].owned.push_back(std::move(data));
  return slot;
}

void GlobalHeapWriter::place(Context& ctx) {
  const FileSizes sizes = ctx.sizes;
  for (Collection& c : collections_) {
    if (c.address != kUndefinedAddress) continue;
    std::vector<std::size_t> object_sizes;
    object_sizes.reserve(c.objects.size());
    for (const auto& o : c.objects) object_sizes.push_back(o.size());
    const std::uint64_t size = global_heap_collection_size(object_sizes, sizes);
    const Collection* cp = &c;
    // The collection's objects are copied only while it is being written.
    c.address = ctx.alloc(size, [objects = cp->objects, owned = cp->owned, sizes](ByteSink& sink) {
      std::vector<std::vector<std::byte>> copies;
      copies.reserve(objects.size());
      for (const auto& o : objects) copies.emplace_back(o.begin(), o.end());
      sink.write(encode_global_heap_collection(copies, sizes));
    });
  }
}

void GlobalHeapWriter::write_reference(std::byte* out, std::uint64_t length, const Slot& slot,
                                       const FileSizes& sizes) const {
  std::vector<std::byte> buf;
  ByteWriter w(buf);
  VlenReference ref;
  ref.length = static_cast<std::uint32_t>(length);
  ref.id.collection = address(slot.collection);
  ref.id.index = slot.index;
  encode_vlen_reference(w, ref, sizes);
  std::memcpy(out, buf.data(), buf.size());
}

VlenTranslator::VlenTranslator(const DatasetNode& ds, GlobalHeapWriter& heap)
    : VlenTranslator(
          ds.dtype, [&ds](std::uint64_t id) { return vlen_value(ds, id); }, where(ds), heap) {}

VlenTranslator::VlenTranslator(const DType& type, Get get, std::string what, GlobalHeapWriter& heap)
    : get_(std::move(get)),
      what_(std::move(what)),
      heap_(heap),
      slots_(vlen_slots(type)),
      element_size_(stored_size(type)) {}

GlobalHeapWriter::Slot VlenTranslator::add_value(const DType* base, const VlenHandle& h,
                                                 std::uint64_t element) {
  if (h.count > 0xffffffffu) {
    fail(ErrorCode::unsupported, what_ + ": element " + std::to_string(element) + " has " +
                                     std::to_string(h.count) +
                                     " items; HDF5 stores vlen lengths in 32 bits");
  }
  const std::span<const std::byte> bytes = get_(h.id);
  if (!base) return heap_.add(bytes);
  const std::size_t es = stored_size(*base);
  if (bytes.size() != h.count * es) {
    fail(ErrorCode::corruption, what_ + ": element " + std::to_string(element) + ": value of " +
                                    std::to_string(bytes.size()) + " bytes for " +
                                    std::to_string(h.count) + " item(s)");
  }
  // The items' own values go first; their references are patched in after placement.
  auto value = std::make_shared<std::vector<std::byte>>(bytes.begin(), bytes.end());
  for (std::uint64_t i = 0; i < h.count; ++i) {
    for (const VlenSlot& s : vlen_slots(*base)) {
      const std::size_t at = static_cast<std::size_t>(i * es + s.offset);
      VlenHandle inner;
      std::memcpy(&inner, value->data() + at, kVlenHandleSize);
      std::memset(value->data() + at, 0, kVlenHandleSize);  // empty: a null reference
      if (inner.count != 0)
        patches_.push_back({value, at, inner.count, add_value(s.base, inner, element)});
    }
  }
  return heap_.add_owned(value);
}

std::size_t VlenTranslator::collect(std::span<const std::byte> stored) {
  const std::size_t n = stored.size() / element_size_;
  std::vector<std::pair<std::uint64_t, GlobalHeapWriter::Slot>> refs(n * slots_.size());
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      VlenHandle h;
      std::memcpy(&h, stored.data() + i * element_size_ + slots_[k].offset, kVlenHandleSize);
      if (h.count == 0) continue;  // stays a null reference: an empty value
      refs[i * slots_.size() + k] = {h.count, add_value(slots_[k].base, h, i)};
    }
  }
  tickets_.push_back(std::move(refs));
  return tickets_.size() - 1;
}

void VlenTranslator::write(std::size_t t, std::span<const std::byte> stored,
                           std::span<std::byte> out, const FileSizes& sizes) const {
  const auto& refs = tickets_[t];
  if (vlen_reference_size(sizes) != kVlenHandleSize) {
    fail(ErrorCode::unsupported,
         what_ + ": vlen references of " + std::to_string(vlen_reference_size(sizes)) + " bytes");
  }
  for (const Patch& p : patches_) {
    heap_.write_reference(p.value->data() + p.at, p.length, p.slot, sizes);
  }
  patches_.clear();
  if (!out.empty() && !stored.empty()) {
    std::memcpy(out.data(), stored.data(), std::min(out.size(), stored.size()));
  }
  for (std::size_t r = 0; r < refs.size(); ++r) {
    std::byte* at =
        out.data() + (r / slots_.size()) * element_size_ + slots_[r % slots_.size()].offset;
    if (refs[r].first == 0) {
      std::memset(at, 0, kVlenHandleSize);
    } else {
      heap_.write_reference(at, refs[r].first, refs[r].second, sizes);
    }
  }
}

}  // namespace h5mem::detail::hdf5w
