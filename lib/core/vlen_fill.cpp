#include "core/vlen_fill.hpp"

#include <atomic>
#include <cstring>
#include <limits>
#include <string>

#include "array/convert.hpp"
#include "core/fail.hpp"
#include "core/memory_budget.hpp"
#include "core/vlen_elements.hpp"

namespace h5mem::detail {
namespace {

class VlenFillLayout final : public Layout {
 public:
  VlenFillLayout(std::unique_ptr<Layout> inner, std::vector<std::vector<std::byte>> objects)
      : inner_(std::move(inner)), objects_(std::move(objects)) {
    for (const auto& o : objects_) bytes_ += o.size();
  }

  // Reads never fail for want of room: the values exist already, only the count is late.
  void read(const SelectionPlan& plan, std::byte* dense, IoContext& io) const override {
    charge(io.budget, std::numeric_limits<std::uint64_t>::max());
    inner_->read(plan, dense, io);
  }
  void write(const SelectionPlan& plan, const std::byte* dense, IoContext& io) override {
    charge(io.budget, 0);
    inner_->write(plan, dense, io);
  }
  void resize(const Shape& new_shape, IoContext& io) override {
    charge(io.budget, 0);
    inner_->resize(new_shape, io);
  }
  void set_cache_bytes(std::uint64_t n, IoContext& io) override { inner_->set_cache_bytes(n, io); }
  Shape chunks() const override { return inner_->chunks(); }
  std::uint64_t bytes_held() const override { return inner_->bytes_held(); }
  void release(MemoryBudget& budget, ChunkCache& file_cache) noexcept override {
    inner_->release(budget, file_cache);
    if (charged_.exchange(false)) budget.release(bytes_);
  }
  std::span<const std::byte> fill_value() const override { return inner_->fill_value(); }
  const FilterPipeline* filters() const override { return inner_->filters(); }
  std::span<const std::byte> contiguous_bytes() const override {
    return inner_->contiguous_bytes();
  }
  void for_each_stored_chunk(const ChunkVisitor& visit) const override {
    inner_->for_each_stored_chunk(visit);
  }
  void load_contiguous(std::span<const std::byte> bytes, MemoryBudget& budget,
                       const std::shared_ptr<const void>& owner) override {
    inner_->load_contiguous(bytes, budget, owner);
  }
  void load_chunk(std::span<const std::uint64_t> grid_coord, std::span<const std::byte> encoded,
                  std::uint32_t filter_mask, MemoryBudget& budget,
                  const std::shared_ptr<const void>& owner) override {
    inner_->load_chunk(grid_coord, encoded, filter_mask, budget, owner);
  }

  void charge(MemoryBudget& budget, std::uint64_t credit) const {
    if (charged_.load(std::memory_order_acquire)) return;
    // Readers share the dataset lock: only the first one to flip the flag charges.
    bool expected = false;
    if (!charged_.compare_exchange_strong(expected, true)) return;
    try {
      budget.reserve(bytes_, credit);
    } catch (...) {
      charged_.store(false);
      throw;
    }
  }
  std::span<const std::vector<std::byte>> objects() const { return objects_; }

 private:
  std::unique_ptr<Layout> inner_;
  const std::vector<std::vector<std::byte>> objects_;
  std::uint64_t bytes_ = 0;
  mutable std::atomic<bool> charged_{false};
};

const VlenFillLayout* as_fill_layout(const Layout& layout) {
  return dynamic_cast<const VlenFillLayout*>(&layout);
}

VlenHandle handle_at(const std::byte* p) {
  VlenHandle h;
  std::memcpy(&h, p, sizeof h);
  return h;
}

}  // namespace

VlenFill convert_vlen_fill(const DType& from, std::span<const std::byte> element,
                           const std::vector<std::vector<std::byte>>& objects, const DType& to) {
  const auto mismatch = [&](const std::string& why) {
    fail(ErrorCode::type_mismatch, "fill value of type " + from.name() +
                                       " does not convert to the dataset type " + to.name() + ": " +
                                       why);
  };
  if (from.has_vlen() != to.has_vlen()) {
    mismatch(to.has_vlen() ? "the dataset holds variable-length data, the fill value none"
                           : "the fill value holds variable-length data, the dataset none");
  }
  VlenFill out{{element.begin(), element.end()}, objects};
  if (from == to || (from.is_variable_string() && to.is_variable_string())) return out;
  if (from.type_class() != TypeClass::vlen || to.type_class() != TypeClass::vlen ||
      from.base().has_vlen() || to.base().has_vlen()) {
    mismatch("a fill value holding variable-length data needs the dataset's type");
  }
  if (std::string why = conversion_problem(from.base(), to.base()); !why.empty()) mismatch(why);
  const VlenHandle h = handle_at(out.element.data());
  if (h.count == 0) return out;
  std::vector<std::byte>& o = out.objects.at(h.id - 1);
  std::vector<std::byte> converted(static_cast<std::size_t>(h.count * to.base().size()));
  convert(from.base(), to.base(), o.data(), converted.data(), h.count);
  o = std::move(converted);
  return out;
}

namespace {

void mark_in(const DType& t, std::byte* stored, std::uint64_t n, VlenFill& fill) {
  const std::size_t es = stored_size(t);
  for (std::uint64_t i = 0; i < n; ++i) {
    for (const VlenSlot& s : vlen_slots(t)) {
      std::byte* at = stored + i * es + s.offset;
      VlenHandle h = handle_at(at);
      if (h.count == 0 || (h.id & kFillIdBit)) continue;
      if (h.id == 0 || h.id > fill.objects.size()) {
        fail(ErrorCode::invalid_argument, "fill value names vlen object " + std::to_string(h.id) +
                                              " of " + std::to_string(fill.objects.size()));
      }
      std::vector<std::byte>& object = fill.objects[h.id - 1];
      if (object.size() != h.count * s.base_size) {
        fail(ErrorCode::invalid_argument, "fill value object of " + std::to_string(object.size()) +
                                              " bytes for " + std::to_string(h.count) + " item(s)");
      }
      // Values whose items hold vlen data name further objects.
      if (s.base) mark_in(*s.base, object.data(), h.count, fill);
      h.id |= kFillIdBit;
      std::memcpy(at, &h, sizeof h);
    }
  }
}

}  // namespace

void mark_fill_ids(const DType& t, VlenFill& fill) {
  mark_in(t, fill.element.data(), 1, fill);
}

std::unique_ptr<Layout> make_vlen_fill_layout(std::unique_ptr<Layout> inner,
                                              std::vector<std::vector<std::byte>> objects) {
  return std::make_unique<VlenFillLayout>(std::move(inner), std::move(objects));
}

void charge_vlen_fill(const Layout& layout, MemoryBudget& budget) {
  if (const VlenFillLayout* l = as_fill_layout(layout)) l->charge(budget, 0);
}

std::span<const std::vector<std::byte>> vlen_fill_objects(const Layout& layout) {
  const VlenFillLayout* l = as_fill_layout(layout);
  return l ? l->objects() : std::span<const std::vector<std::byte>>{};
}

std::span<const std::byte> vlen_value(const DatasetNode& ds, std::uint64_t id) {
  if ((id & kFillIdBit) == 0) return ds.vlen->get(id);
  const auto objects = vlen_fill_objects(*ds.layout);
  const std::uint64_t k = id & ~kFillIdBit;
  if (k == 0 || k > objects.size()) {
    fail(ErrorCode::corruption, "variable-length fill object " + std::to_string(k) + " is missing");
  }
  return objects[static_cast<std::size_t>(k - 1)];
}

}  // namespace h5mem::detail
