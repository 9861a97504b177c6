// h5mem/dtype.hpp -- runtime datatypes, modelled on HDF5's datatype classes.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

namespace h5mem {

// HDF5's datatype classes (format spec IV.A.2.d). Not every class is constructible yet.
enum class TypeClass : std::uint8_t {
  integer,
  floating,
  string,
  bitfield,
  opaque,
  compound,
  reference,
  enumeration,
  vlen,
  array,
};

enum class ByteOrder : std::uint8_t { little, big };

// Byte order of this machine; h5mem requires a little- or big-endian host.
inline constexpr ByteOrder native_order =
    std::endian::native == std::endian::little ? ByteOrder::little : ByteOrder::big;

enum class CharSet : std::uint8_t { ascii, utf8 };

// A datatype value: cheap to copy, compared by value. A DType describes how one element is
// laid out in memory or in a file; buffers passed to read/write are arrays of such elements.
class DType {
 public:
  // Two's-complement integer of `size` bytes (1, 2, 4 or 8).
  // Throws Error(invalid_argument) for other sizes.
  static DType signed_integer(std::size_t size, ByteOrder order = native_order);
  static DType unsigned_integer(std::size_t size, ByteOrder order = native_order);
  // IEEE 754 binary floating point of `size` bytes (4 or 8).
  static DType floating(std::size_t size, ByteOrder order = native_order);
  // Variable-length string; in memory one std::string per element.
  static DType vlen_string(CharSet charset = CharSet::utf8);

  TypeClass type_class() const noexcept { return class_; }
  // Bytes per element in memory (for vlen strings: sizeof(std::string)).
  std::size_t size() const noexcept { return size_; }
  bool is_signed() const noexcept { return signed_; }
  ByteOrder byte_order() const noexcept { return order_; }
  CharSet charset() const noexcept { return charset_; }
  // True for integer and floating classes.
  bool is_numeric() const noexcept {
    return class_ == TypeClass::integer || class_ == TypeClass::floating;
  }

  // numpy-like name: "int32", "uint8", "float64", ">f4" style suffix for non-native order
  // ("float32 (big-endian)"), "string (utf-8, variable)".
  std::string name() const;

  friend bool operator==(const DType&, const DType&) = default;

 private:
  DType(TypeClass c, std::size_t size, bool is_signed, ByteOrder order, CharSet cs)
      : class_(c), size_(size), signed_(is_signed), order_(order), charset_(cs) {}

  TypeClass class_;
  std::size_t size_;
  bool signed_;
  ByteOrder order_;
  CharSet charset_;
};

// The element types h5mem maps onto numeric datatypes.
template <class T>
concept Numeric = std::same_as<T, std::int8_t> || std::same_as<T, std::int16_t> ||
                  std::same_as<T, std::int32_t> || std::same_as<T, std::int64_t> ||
                  std::same_as<T, std::uint8_t> || std::same_as<T, std::uint16_t> ||
                  std::same_as<T, std::uint32_t> || std::same_as<T, std::uint64_t> ||
                  std::same_as<T, float> || std::same_as<T, double> ||
                  // long long may be a distinct type from int64_t on some ABIs.
                  (std::is_integral_v<T> && !std::same_as<T, bool> &&
                   (sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8));

// Returns the native-order DType describing T.
template <Numeric T>
DType dtype_of() {
  if constexpr (std::is_floating_point_v<T>) {
    static_assert(std::numeric_limits<T>::is_iec559 && (sizeof(T) == 4 || sizeof(T) == 8));
    return DType::floating(sizeof(T));
  } else if constexpr (std::is_signed_v<T>) {
    return DType::signed_integer(sizeof(T));
  } else {
    return DType::unsigned_integer(sizeof(T));
  }
}

}  // namespace h5mem
