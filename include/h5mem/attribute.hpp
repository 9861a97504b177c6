// h5mem/attribute.hpp -- small named values attached to files, groups and datasets.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "h5mem/compound.hpp"
#include "h5mem/dtype.hpp"
#include "h5mem/shape.hpp"

namespace h5mem {

namespace detail {
class OpenFile;
struct Node;
}  // namespace detail

class Attribute;

namespace detail {
template <class T>
struct AttrTraits;  // maps C++ value types onto (dtype, shape, buffer)
template <Storable T>
struct AttrTraits<T> {
  static DType dtype() { return checked_dtype<T>(); }
  static constexpr bool is_array() { return false; }
};
template <Storable T>
  requires(!std::same_as<T, bool>)  // std::vector<bool> is not an array of bool
struct AttrTraits<std::vector<T>> {
  static DType dtype() { return checked_dtype<T>(); }
  static constexpr bool is_array() { return true; }
};
template <>
struct AttrTraits<std::string> {
  static DType dtype() { return DType::vlen_string(); }
  static constexpr bool is_array() { return false; }
};
template <>
struct AttrTraits<std::vector<std::string>> {
  static DType dtype() { return DType::vlen_string(); }
  static constexpr bool is_array() { return true; }
};
template <SequenceItem T>
struct AttrTraits<Vlen<T>> {
  static DType dtype() { return DType::vlen(checked_dtype<T>()); }
  static constexpr bool is_array() { return false; }
};
template <SequenceItem T>
struct AttrTraits<std::vector<Vlen<T>>> {
  static DType dtype() { return DType::vlen(checked_dtype<T>()); }
  static constexpr bool is_array() { return true; }
};
// Jagged arrays move through a buffer of Vlen<T> (the memory form of vlen sequences).
template <SequenceItem T>
struct AttrTraits<std::vector<std::vector<T>>> {
  static DType dtype() { return DType::vlen(checked_dtype<T>()); }
  static constexpr bool is_array() { return true; }
  using Buffer = std::vector<Vlen<T>>;
};
}  // namespace detail

// The value types attributes accept: any Storable scalar (numbers, bool, Float16, complex,
// mapped structs, also with vlen fields), std::string, Vlen<T> (one vlen sequence; T may be
// std::string or Vlen<U>: a sequence of vlen data), and std::vector of any of these (a 1-d
// attribute); std::vector<std::vector<T>> is a 1-d attribute of vlen sequences (a jagged
// array; rows may be empty).
template <class T>
concept AttributeValue = requires { detail::AttrTraits<T>::dtype(); };

// A view of one attribute, by name. It reads the current value each time.
class Attribute {
 public:
  const std::string& name() const noexcept { return name_; }
  DType dtype() const;
  // () for a scalar, (n) for a 1-d attribute; (0) for a null dataspace.
  Shape shape() const;
  // True for an attribute with a null dataspace (h5py's Empty, AttributeSet::set_null): it
  // has a type but no value. Its shape() is {0}: read<std::vector<T>>() returns an empty
  // vector and reading a scalar raises type_mismatch.
  bool is_null() const;

  // Reads the value as T, converting as dataset reads do. A scalar T requires a scalar (or
  // 1-element) attribute; a std::vector<T> accepts any. Throws type_mismatch if the stored
  // type does not convert.
  template <AttributeValue T>
  T read() const {
    using Tr = detail::AttrTraits<T>;
    T out{};
    if constexpr (requires { typename Tr::Buffer; }) {
      typename Tr::Buffer buf(static_cast<std::size_t>(element_count(shape())));
      read_raw(Tr::dtype(), buf.data(), buf.size());
      out.assign(buf.begin(), buf.end());
    } else if constexpr (Tr::is_array()) {
      std::uint64_t n = element_count(shape());
      out.resize(static_cast<std::size_t>(n));
      read_raw(Tr::dtype(), out.data(), n);
    } else {
      read_raw(Tr::dtype(), &out, 1);
    }
    return out;
  }
  // Reads `n` elements of `mem_type` into `out`; n must equal the element count. Types with
  // vlen data need constructed std::string / Vlen<T> objects in `out` (they are assigned).
  void read_raw(const DType& mem_type, void* out, std::uint64_t n) const;

 private:
  friend class AttributeSet;
  Attribute(std::shared_ptr<detail::OpenFile> f, std::shared_ptr<detail::Node> n, std::string name)
      : file_(std::move(f)), node_(std::move(n)), name_(std::move(name)) {}
  std::shared_ptr<detail::OpenFile> file_;
  std::shared_ptr<detail::Node> node_;
  std::string name_;
};

// The attributes of one object (file root, group or dataset).
class AttributeSet {
 public:
  // Creates or replaces attribute `name` with `value`. Names must be non-empty and free
  // of NUL. Throws out_of_space when the file's max_bytes would be exceeded (nothing changes).
  template <AttributeValue T>
  void set(std::string_view name, const T& value) const {
    using Tr = detail::AttrTraits<T>;
    if constexpr (requires { typename Tr::Buffer; }) {
      const typename Tr::Buffer buf(value.begin(), value.end());
      set_raw(name, Tr::dtype(), Shape{buf.size()}, buf.data());
    } else if constexpr (Tr::is_array()) {
      set_raw(name, Tr::dtype(), Shape{value.size()}, value.data());
    } else {
      set_raw(name, Tr::dtype(), Shape{}, &value);
    }
  }
  // String literals store as std::string.
  void set(std::string_view name, const char* value) const { set(name, std::string(value)); }
  // Creates or replaces attribute `name` from `data`: element_count(shape) elements of
  // `dtype` in memory form (a std::string per vlen string, a Vlen<T> per vlen sequence, also
  // inside compound and array members). Rank must be 0 or 1. Throws unsupported for a vlen
  // sequence of vlen data.
  void set_raw(std::string_view name, const DType& dtype, const Shape& shape,
               const void* data) const;
  // Creates or replaces attribute `name` as a null dataspace of `dtype` (h5py's Empty): a
  // type and no value (see Attribute::is_null). Throws like set_raw.
  void set_null(std::string_view name, const DType& dtype) const;

  // Returns a view of attribute `name`. Throws not_found.
  Attribute get(std::string_view name) const;
  Attribute operator[](std::string_view name) const { return get(name); }
  // Shorthand for get(name).read<T>().
  template <AttributeValue T>
  T read(std::string_view name) const {
    return get(name).read<T>();
  }
  bool contains(std::string_view name) const;
  // Attribute names in byte-wise order.
  std::vector<std::string> list() const;
  // Removes attribute `name`. Throws not_found.
  void remove(std::string_view name) const;

 private:
  friend class Object;
  AttributeSet(std::shared_ptr<detail::OpenFile> f, std::shared_ptr<detail::Node> n)
      : file_(std::move(f)), node_(std::move(n)) {}
  std::shared_ptr<detail::OpenFile> file_;
  std::shared_ptr<detail::Node> node_;
};

}  // namespace h5mem
