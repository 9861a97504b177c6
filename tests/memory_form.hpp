// Buffers of memory-form elements (h5mem/dtype.hpp: a std::string per vlen string, a Vlen<T>
// per vlen sequence, also inside compound and array members) for types known only at run
// time, as the test suites and interop tools read and write them.
#pragma once

#include <h5mem/h5mem.hpp>

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

namespace h5t {

// Constructs (or destroys) the vlen objects of one element of `t` at `p`.
inline void vlen_objects(const h5mem::DType& t, std::byte* p, bool construct) {
  using h5mem::TypeClass;
  if (!t.has_vlen()) return;
  if (t.is_variable_string()) {
    if (construct) {
      new (p) std::string();
    } else {
      reinterpret_cast<std::string*>(p)->~basic_string();
    }
  } else if (t.type_class() == TypeClass::vlen) {
    if (construct) {
      new (p) h5mem::detail::VlenBytes();
    } else {
      reinterpret_cast<h5mem::detail::VlenBytes*>(p)->~VlenBytes();
    }
  } else if (t.type_class() == TypeClass::array) {
    for (std::uint64_t i = 0; i < h5mem::element_count(t.array_dims()); ++i) {
      vlen_objects(t.base(), p + i * t.base().size(), construct);
    }
  } else {
    for (const h5mem::Member& m : t.members()) vlen_objects(*m.type, p + m.offset, construct);
  }
}

// `n` elements of `t` in memory form; their vlen objects live as long as the buffer.
class MemoryForm {
 public:
  MemoryForm(const h5mem::DType& t, std::uint64_t n)
      : t_(t), n_(n), bytes_(static_cast<std::size_t>(n * t.size())) {
    for (std::uint64_t i = 0; i < n_; ++i) vlen_objects(t_, element(i), true);
  }
  ~MemoryForm() {
    for (std::uint64_t i = 0; i < n_; ++i) vlen_objects(t_, element(i), false);
  }
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
