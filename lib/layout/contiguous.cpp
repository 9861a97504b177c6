// Contiguous layout: one allocation holding every element in C order, made on first write;
// or, for a dataset of an opened file, a view of the file's bytes until the first write.
#include <cstring>
#include <limits>
#include <memory>
#include <new>

#include "array/strided_copy.hpp"
#include "core/fail.hpp"
#include "core/memory_budget.hpp"
#include "layout/layout.hpp"

namespace h5mem::detail {

void Layout::resize(const Shape&, IoContext&) {
  fail(ErrorCode::invalid_argument, "only chunked datasets can be resized");
}

void Layout::set_cache_bytes(std::uint64_t, IoContext&) {
  fail(ErrorCode::invalid_argument, "only chunked datasets have a chunk cache");
}

void Layout::for_each_stored_chunk(const ChunkVisitor&) const {}

void Layout::load_contiguous(std::span<const std::byte>, MemoryBudget&,
                             const std::shared_ptr<const void>&) {
  fail(ErrorCode::invalid_argument, "contiguous data given to a layout that is not contiguous");
}

void Layout::load_chunk(std::span<const std::uint64_t>, std::span<const std::byte>, std::uint32_t,
                        MemoryBudget&, const std::shared_ptr<const void>&) {
  fail(ErrorCode::invalid_argument, "a chunk given to a layout that is not chunked");
}

namespace {

class ContiguousLayout final : public Layout {
 public:
  ContiguousLayout(const Shape& shape, std::size_t es, std::vector<std::byte> fill)
      : extent_(shape), es_(es), fill_(std::move(fill)) {
    std::uint64_t n = element_count(shape);
    if (es != 0 && n > std::numeric_limits<std::uint64_t>::max() / es) {
      fail(ErrorCode::invalid_argument, "dataset of " + to_string(shape) + " elements of " +
                                            std::to_string(es) + " bytes is too large");
    }
    nbytes_ = n * es;
  }

  void read(const SelectionPlan& plan, std::byte* dense, IoContext&) const override {
    const std::byte* base = elements();
    if (!base) {
      fill_elements(dense, plan.n_elements, fill_.data(), es_);
    } else if (plan.is_points) {
      const std::size_t r = extent_.size();
      for (std::uint64_t p = 0; p < plan.n_elements; ++p) {
        std::uint64_t off = linear_offset(extent_, &plan.points[p * r]) * es_;
        std::memcpy(dense + p * es_, base + off, es_);
      }
    } else {
      // copy_plan reads through a non-const pointer only when scattering.
      copy_plan(CopyDirection::gather, const_cast<std::byte*>(base), dense, plan, es_);
    }
  }

  void write(const SelectionPlan& plan, const std::byte* dense, IoContext& io) override {
    if (plan.n_elements == 0) return;
    if (owner_) {
      own_view(io.budget);
    } else if (!data_) {
      allocate(plan, io.budget);
    }
    if (plan.is_points) {
      const std::size_t r = extent_.size();
      for (std::uint64_t p = 0; p < plan.n_elements; ++p) {
        std::uint64_t off = linear_offset(extent_, &plan.points[p * r]) * es_;
        std::memcpy(data_.get() + off, dense + p * es_, es_);
      }
    } else {
      copy_plan(CopyDirection::scatter, data_.get(), const_cast<std::byte*>(dense), plan, es_);
    }
  }

  std::uint64_t bytes_held() const override { return data_ ? nbytes_ : 0; }

  std::span<const std::byte> fill_value() const override { return fill_; }

  std::span<const std::byte> contiguous_bytes() const override {
    const std::byte* base = elements();
    if (!base) return {};
    return {base, nbytes_};
  }

  void load_contiguous(std::span<const std::byte> bytes, MemoryBudget& budget,
                       const std::shared_ptr<const void>& owner) override {
    if (bytes.size() != nbytes_) {
      fail(ErrorCode::corruption, "contiguous data of " + std::to_string(bytes.size()) +
                                      " bytes where the dataset needs " + std::to_string(nbytes_));
    }
    if (nbytes_ == 0) return;
    if (owner) {
      release_owned(budget);
      view_ = bytes.data();
      owner_ = owner;
      return;
    }
    if (!data_) reserve_storage(budget);
    std::memcpy(data_.get(), bytes.data(), nbytes_);
    view_ = nullptr;
    owner_.reset();
  }

  void release(MemoryBudget& budget, ChunkCache&) noexcept override {
    release_owned(budget);
    view_ = nullptr;
    owner_.reset();
  }

 private:
  const std::byte* elements() const noexcept { return owner_ ? view_ : data_.get(); }

  void release_owned(MemoryBudget& budget) noexcept {
    if (data_) budget.release(nbytes_);
    data_.reset();
  }

  // Before the first write to a borrowed view: copies it into owned storage (charged).
  void own_view(MemoryBudget& budget) {
    reserve_storage(budget);
    std::memcpy(data_.get(), view_, nbytes_);
    view_ = nullptr;
    owner_.reset();
  }

  // Charges the budget, then allocates the (uninitialised) element storage.
  void reserve_storage(MemoryBudget& budget) {
    budget.reserve(nbytes_);
    try {
      data_.reset(new std::byte[nbytes_]);
    } catch (const std::bad_alloc&) {
      budget.release(nbytes_);
      fail(ErrorCode::out_of_space,
           "cannot allocate " + std::to_string(nbytes_) + " bytes of dataset storage");
    }
  }

  void allocate(const SelectionPlan& plan, MemoryBudget& budget) {
    reserve_storage(budget);
    // Left uninitialised only when this first write covers every element.
    if (plan.is_points || plan.n_elements * es_ != nbytes_) {
      fill_elements(data_.get(), nbytes_ / (es_ ? es_ : 1), fill_.data(), es_);
    }
  }

  Shape extent_;
  std::size_t es_;
  std::vector<std::byte> fill_;
  std::uint64_t nbytes_ = 0;
  std::unique_ptr<std::byte[]> data_;
  const std::byte* view_ = nullptr;    // borrowed elements, valid while owner_ lives
  std::shared_ptr<const void> owner_;  // non-null exactly when the elements are borrowed
};

}  // namespace

std::unique_ptr<Layout> make_contiguous_layout(const Shape& shape, std::size_t element_size,
                                               std::vector<std::byte> fill) {
  return std::make_unique<ContiguousLayout>(shape, element_size, std::move(fill));
}

}  // namespace h5mem::detail
