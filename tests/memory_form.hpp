// Buffers of memory-form elements (h5mem/dtype.hpp: a std::string per vlen string, a Vlen<T>
// per vlen sequence, also inside compound and array members) for types known only at run
// time, as the test suites and interop tools read and write them.
#pragma once

#include <h5mem/h5mem.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace h5t {

// `n` elements of `t` in memory form; their vlen objects live as long as the buffer.
class MemoryForm {
 public:
  MemoryForm(const h5mem::DType& t, std::uint64_t n)
      : t_(t), n_(n), bytes_(static_cast<std::size_t>(n * t.size())) {
    h5mem::detail::construct_memory_form(t_, bytes_.data(), n_);
  }
  ~MemoryForm() { h5mem::detail::destroy_memory_form(t_, bytes_.data(), n_); }
  MemoryForm(const MemoryForm&) = delete;
  MemoryForm& operator=(const MemoryForm&) = delete;

  std::byte* data() { return bytes_.data(); }
  std::byte* element(std::uint64_t i) { return bytes_.data() + i * t_.size(); }
  const std::byte* element(std::uint64_t i) const { return bytes_.data() + i * t_.size(); }

 private:
  h5mem::DType t_;
  std::uint64_t n_;
  std::vector<std::byte> bytes_;
};

}  // namespace h5t
