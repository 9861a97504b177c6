#include "core/dataset_nested.hpp"

#include <unordered_set>

#include "array/convert.hpp"
#include "core/fail.hpp"
#include "core/file_image.hpp"
#include "core/vlen_elements.hpp"
#include "core/vlen_fill.hpp"

namespace h5mem::detail {
namespace {

void check_count(std::uint64_t expected, std::uint64_t n, const void* buffer) {
  if (n != expected) {
    fail(ErrorCode::type_mismatch, "the selection has " + std::to_string(expected) +
                                       " element(s) but the buffer has " + std::to_string(n));
  }
  if (buffer == nullptr && n != 0) fail(ErrorCode::invalid_argument, "null buffer");
}

std::vector<std::byte> read_stored(const DatasetNode& ds, const SelectionPlan& plan,
                                   IoContext& io) {
  std::vector<std::byte> stored(static_cast<std::size_t>(plan.n_elements * stored_size(ds.dtype)));
  ds.layout->read(plan, stored.data(), io);
  return stored;
}

// Ids of the values `stored` (elements of ds) names, with those their values name in turn.
std::unordered_set<std::uint64_t> ids_in(const DatasetNode& ds, std::span<const std::byte> stored) {
  const std::size_t es = stored_size(ds.dtype);
  std::unordered_set<std::uint64_t> ids;
  for_each_handle_deep(
      ds.dtype, stored.data(), stored.size() / es,
      [&](const VlenHandle& h) { return vlen_value(ds, h.id); },
      [&](const VlenHandle& h) { ids.insert(h.id); });
  return ids;
}

}  // namespace

void read_nested(DatasetNode& ds, FileImage& img, const SelectionPlan& plan, const DType& mem_type,
                 void* buffer, std::uint64_t n) {
  if (!ds.vlen) {
    fail(ErrorCode::type_mismatch, "cannot convert " + ds.dtype.name() + " to " + mem_type.name() +
                                       ": the buffer holds variable-length data, the dataset none");
  }
  check_conversion(ds.dtype, mem_type);
  check_count(plan.n_elements, n, buffer);
  IoContext io{img.budget, img.cache, img.threads.load(std::memory_order_relaxed)};
  const auto stored = read_stored(ds, plan, io);
  load_elements(ds.dtype, stored.data(), mem_type, static_cast<std::byte*>(buffer), n,
                [&](const VlenHandle& h) { return vlen_value(ds, h.id); });
}

void write_nested(DatasetNode& ds, FileImage& img, const SelectionPlan& plan, const DType& mem_type,
                  const void* buffer, std::uint64_t n) {
  if (!ds.vlen) {
    fail(ErrorCode::type_mismatch, "cannot convert " + mem_type.name() + " to " + ds.dtype.name() +
                                       ": the buffer holds variable-length data, the dataset none");
  }
  check_conversion(mem_type, ds.dtype);
  check_count(plan.n_elements, n, buffer);
  const bool utf8 = img.validate_utf8.load();
  write_stored(ds, img, plan, [&](std::byte* stored, const VlenAdd& add) {
    store_elements(mem_type, static_cast<const std::byte*>(buffer), ds.dtype, stored, n, add, utf8);
  });
}

void write_stored(DatasetNode& ds, FileImage& img, const SelectionPlan& plan,
                  const StoredProducer& produce) {
  IoContext io{img.budget, img.cache, img.threads.load(std::memory_order_relaxed)};
  const auto old = read_stored(ds, plan, io);
  const auto old_ids = ids_in(ds, old);
  // Every value overwritten is freed at the end, so the quota may count on those bytes.
  std::uint64_t credit = 0;
  for (std::uint64_t id : old_ids) credit += ds.vlen->size_of(id);
  std::vector<std::byte> fresh(old.size());
  std::vector<std::uint64_t> added;
  try {
    produce(fresh.data(), [&](std::span<const std::byte> bytes, std::uint64_t count) {
      // The slot exists before the value does, so a value is never lost to a failed
      // push_back (id 0 is ignored by remove).
      added.push_back(0);
      added.back() = ds.vlen->add(bytes, img.budget, credit);
      return VlenHandle{count, added.back()};
    });
    ds.layout->write(plan, fresh.data(), io);
  } catch (...) {
    for (std::uint64_t id : added) ds.vlen->remove(id, img.budget);
    throw;
  }
  std::unordered_set<std::uint64_t> dead = old_ids;
  if (plan.is_points) {
    // A point given twice keeps only its last value: free the values it replaced.
    const auto live = ids_in(ds, read_stored(ds, plan, io));
    for (std::uint64_t id : added) {
      if (!live.count(id)) dead.insert(id);
    }
  }
  for (std::uint64_t id : dead) ds.vlen->remove(id, img.budget);
}

std::vector<std::uint64_t> live_vlen_ids(const DatasetNode& ds, IoContext& io) {
  const std::vector<SliceArg> every(ds.shape.size(), all);
  const SelectionPlan plan = make_plan(ds.shape, every);
  const auto ids = ids_in(ds, read_stored(ds, plan, io));
  return {ids.begin(), ids.end()};
}

}  // namespace h5mem::detail
