// A vector of trivially copyable values with inline room for N, for per-dimension data of
// hot paths (most datasets have rank <= 4): no heap allocation in the common case.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

namespace h5mem::detail {

template <class T, std::size_t N>
class SmallVector {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  SmallVector() = default;
  explicit SmallVector(std::size_t n) { resize(n); }
  SmallVector(const SmallVector& o) { *this = o; }
  SmallVector& operator=(const SmallVector& o) {
    if (this != &o) {
      if (o.size_ > N) {
        heap_ = o.heap_;
      } else {
        heap_.clear();
        std::copy(o.local_.begin(), o.local_.begin() + o.size_, local_.begin());
      }
      size_ = o.size_;
    }
    return *this;
  }

  // Contents of newly exposed entries are value-initialised.
  void resize(std::size_t n) {
    if (n == size_) return;
    if (n > N) {
      heap_.resize(n);
      if (size_ <= N) {
        for (std::size_t i = 0; i < size_; ++i) heap_[i] = local_[i];
      }
    } else if (size_ > N) {
      for (std::size_t i = 0; i < n; ++i) local_[i] = heap_[i];
      heap_.clear();
    } else {
      for (std::size_t i = size_; i < n; ++i) local_[i] = T{};
    }
    size_ = n;
  }

  void push_back(const T& v) {
    resize(size_ + 1);
    data()[size_ - 1] = v;
  }
  void clear() { resize(0); }
  T& back() noexcept { return data()[size_ - 1]; }
  const T& back() const noexcept { return data()[size_ - 1]; }
  void assign(const T* first, const T* last) {
    const auto n = static_cast<std::size_t>(last - first);
    if (n > N) {
      heap_.assign(first, last);
    } else {
      heap_.clear();
      std::copy(first, last, local_.begin());  // no value-initialisation first
    }
    size_ = n;
  }

  T* data() noexcept { return size_ > N ? heap_.data() : local_.data(); }
  const T* data() const noexcept { return size_ > N ? heap_.data() : local_.data(); }
  std::size_t size() const noexcept { return size_; }
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  T* begin() noexcept { return data(); }
  T* end() noexcept { return data() + size_; }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size_; }
  operator std::span<const T>() const noexcept { return {data(), size_}; }

 private:
  std::array<T, N> local_;  // entries past size_ uninitialised: a plan makes several per read
  std::vector<T> heap_;
  std::size_t size_ = 0;
};

}  // namespace h5mem::detail
