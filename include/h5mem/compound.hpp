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
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

#include "h5mem/dtype.hpp"

namespace h5mem {

// Specialise with `static DType dtype();` to make T storable. T must be trivially copyable.
template <class T>
struct TypeMapping;

// Types with a mapping.
template <class T>
concept Mapped = std::is_trivially_copyable_v<T> && requires {
  { TypeMapping<T>::dtype() } -> std::same_as<DType>;
};

// Every type the typed read/write API accepts as an element.
template <class T>
concept Storable = Element<T> || Mapped<T>;

// The DType of a storable type, or of std::array<U, N> / U[N] of one (an array type), or of
// char[N] (a fixed-length, null-padded ASCII string of N bytes).
template <class T>
DType dtype_for() {
  if constexpr (std::is_array_v<T> && std::is_same_v<std::remove_extent_t<T>, char>) {
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
// dtype_for<T>(), checked against sizeof(T). Throws Error(type_mismatch) if a TypeMapping
// describes a different size.
template <class T>
DType checked_dtype() {
  DType t = dtype_for<T>();
  if (t.size() != sizeof(T)) size_mismatch(t, sizeof(T));
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
