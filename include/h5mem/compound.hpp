// h5mem/compound.hpp -- mapping plain C++ structs onto compound datatypes.
//
// Declare the fields once:
//   struct Particle { double x, y; std::int32_t id; char tag[8]; };
//   template <> struct h5mem::TypeMapping<Particle> {
//     static h5mem::DType dtype() {
//       return h5mem::compound_of<Particle>(h5mem::field("x", &Particle::x),
//                                           h5mem::field("y", &Particle::y),
//                                           h5mem::field("id", &Particle::id),
//                                           h5mem::field("tag", &Particle::tag));
//     }
//   };
// and then ds.write(std::span<const Particle>(v)), ds.read<Particle>(), attrs().set(...) work;
// reading into a struct that maps only some of the stored members reads just those (as
// numpy's ds[['x', 'id']] does).
//
// Variable-length fields are declared as std::string (a vlen string) and Vlen<U> (a vlen
// sequence of U), also in arrays (std::string names[3]):
//   struct Event { std::int32_t id; std::string name; h5mem::Vlen<float> samples; };
// Such a struct is not trivially copyable; h5mem assigns its mapped fields one by one and
// never copies it as bytes.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

#include "h5mem/dtype.hpp"

namespace h5mem {

// Specialise with `static DType dtype();` to make T storable. T must be trivially copyable,
// or default-constructible and copyable with a DType holding variable-length data (its
// vlen fields std::string / Vlen<U>; checked when used, see detail::checked_dtype).
template <class T>
struct TypeMapping;

// Types with a mapping.
template <class T>
concept Mapped = (std::is_trivially_copyable_v<T> ||
                  (std::is_default_constructible_v<T> && std::is_copy_assignable_v<T>)) &&
                 requires {
                   { TypeMapping<T>::dtype() } -> std::same_as<DType>;
                 };

// Every type the typed read/write API accepts as an element.
template <class T>
concept Storable = Element<T> || Mapped<T>;

namespace detail {
template <class T>
struct IsVlen : std::false_type {};
template <class U>
struct IsVlen<Vlen<U>> : std::true_type {
  using value_type = U;
};
}  // namespace detail

// Items of a jagged array (Dataset::read<std::vector<U>>, write of std::vector<std::vector<U>>):
// storable types, and std::string / Vlen<U> for a vlen sequence of vlen data.
template <class T>
concept SequenceItem = Storable<T> || std::is_same_v<T, std::string> || detail::IsVlen<T>::value;

// The DType of a storable type, or of std::array<U, N> / U[N] of one (an array type), or of
// char[N] (a fixed-length, null-padded ASCII string of N bytes), or of std::string (a UTF-8
// vlen string) and Vlen<U> (a vlen sequence of U).
template <class T>
DType dtype_for() {
  if constexpr (std::is_same_v<T, std::string>) {
    return DType::vlen_string();
  } else if constexpr (detail::IsVlen<T>::value) {
    return DType::vlen(dtype_for<typename detail::IsVlen<T>::value_type>());
  } else if constexpr (std::is_array_v<T> && std::is_same_v<std::remove_extent_t<T>, char>) {
    return DType::fixed_string(std::extent_v<T>, StringPad::null_pad);
  } else if constexpr (std::is_array_v<T>) {
    return DType::array(dtype_for<std::remove_extent_t<T>>(), {std::extent_v<T>});
  } else if constexpr (requires { std::tuple_size<T>::value; typename T::value_type; }) {
    return DType::array(dtype_for<typename T::value_type>(), {std::tuple_size<T>::value});
  } else if constexpr (Element<T>) {
    return dtype_of<T>();
  } else {
    return TypeMapping<T>::dtype();
  }
}

namespace detail {
[[noreturn]] void size_mismatch(const DType& t, std::size_t size);
[[noreturn]] void not_trivially_copyable(const DType& t);
// dtype_for<T>(), checked against sizeof(T). Throws Error(type_mismatch) if a TypeMapping
// describes a different size, or a type that is not trivially copyable without any
// variable-length member (h5mem would copy it as bytes).
template <class T>
DType checked_dtype() {
  DType t = dtype_for<T>();
  if (t.size() != sizeof(T)) size_mismatch(t, sizeof(T));
  if constexpr (!std::is_trivially_copyable_v<T>) {
    if (!t.has_vlen()) not_trivially_copyable(t);
  }
  return t;
}
}  // namespace detail

// One struct field for compound_of: its name and member pointer.
template <class S, class M>
struct Field {
  std::string name;
  M S::*member;
};

template <class S, class M>
Field<S, M> field(std::string name, M S::*member) {
  return Field<S, M>{std::move(name), member};
}

// Builds the compound type of struct S from its fields: offsets from the member pointers,
// size sizeof(S). Throws Error(invalid_argument) if fields overlap or repeat a name.
template <class S, class... M>
DType compound_of(const Field<S, M>&... fields) {
  static_assert(std::is_standard_layout_v<S>, "compound_of needs a standard-layout struct");
  CompoundBuilder b;
  alignas(S) unsigned char storage[sizeof(S)] = {};
  const S* base = reinterpret_cast<const S*>(storage);
  auto offset_of = [&](auto mp) {
    return static_cast<std::size_t>(reinterpret_cast<const unsigned char*>(&(base->*mp)) - storage);
  };
  (b.add(fields.name, offset_of(fields.member), dtype_for<M>()), ...);
  return b.size(sizeof(S)).build();
}

}  // namespace h5mem
