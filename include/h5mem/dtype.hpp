// h5mem/dtype.hpp -- runtime datatypes, modelled on HDF5's datatype classes.
#pragma once

#include <algorithm>
#include <bit>
#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace h5mem {

// HDF5's datatype classes (format spec IV.A.2.d).
enum class TypeClass : std::uint8_t {
  integer,      // two's-complement or unsigned fixed-point
  floating,     // IEEE 754 binary16/32/64
  string,       // fixed-length (bytes) or variable-length (std::string in memory)
  bitfield,     // raw bits of 1, 2, 4 or 8 bytes, no arithmetic
  opaque,       // uninterpreted bytes with a tag
  compound,     // named members at byte offsets (structs; complex numbers)
  reference,    // object reference
  enumeration,  // named values of an integer base type (bool is one)
  vlen,         // variable-length sequence of a base type
  array,        // fixed-shape array of a base type
};

enum class ByteOrder : std::uint8_t { little, big };

// Byte order of this machine; h5mem requires a little- or big-endian host.
inline constexpr ByteOrder native_order =
    std::endian::native == std::endian::little ? ByteOrder::little : ByteOrder::big;

enum class CharSet : std::uint8_t { ascii, utf8 };

// How a fixed-length string fills its bytes (HDF5's string padding).
enum class StringPad : std::uint8_t {
  null_terminate,  // stops at the first NUL; the last byte is always NUL
  null_pad,        // padded with NULs, not necessarily terminated
  space_pad,       // padded with spaces (Fortran style)
};

class DType;
namespace detail {
// `compound` (with vlen members) whose stored form puts member i at offsets[i] in elements of
// `size` bytes instead of packing them (a file's unpacked layout, written back as read).
// Throws Error(invalid_argument) for members that overlap or end past `size`.
DType with_stored_layout(const DType& compound, std::vector<std::size_t> offsets, std::size_t size);
struct TypeDetail;
// The composite part of `t` (core/dtype_detail.hpp), null for scalar classes.
const TypeDetail* type_detail(const DType& t) noexcept;
}  // namespace detail

// A member of a compound type.
struct Member {
  std::string name;
  std::size_t offset;
  std::shared_ptr<const DType> type;  // shared to keep DType small; never null
};

// A named value of an enumeration type.
struct EnumValue {
  std::string name;
  std::int64_t value;  // as the base type's value (unsigned 64-bit bases above 2^63 wrap)
};

namespace detail {
struct TypeDetail;
}

// A datatype value: cheap to copy, compared by value (structure, not identity). A DType says
// how one element is laid out in memory or in a file; buffers passed to read/write are
// arrays of such elements. Numeric and string types carry no heap state.
class DType {
 public:
  // Two's-complement integer of `size` bytes (1, 2, 4 or 8).
  // Throws Error(invalid_argument) for other sizes.
  static DType signed_integer(std::size_t size, ByteOrder order = native_order);
  static DType unsigned_integer(std::size_t size, ByteOrder order = native_order);
  // IEEE 754 binary floating point of `size` bytes (2, 4 or 8).
  static DType floating(std::size_t size, ByteOrder order = native_order);
  // Variable-length string; in memory one std::string per element (also inside compound and
  // array elements).
  static DType vlen_string(CharSet charset = CharSet::utf8);
  // Fixed-length string of `size` >= 1 bytes.
  static DType fixed_string(std::size_t size, StringPad pad = StringPad::null_pad,
                            CharSet charset = CharSet::ascii);
  // bool as h5py stores it: an int8 enum with FALSE = 0 and TRUE = 1.
  static DType boolean();
  // Complex numbers as h5py stores them: a compound of members "r" and "i" of
  // floating(component_size) (4 or 8). Size 2 * component_size.
  static DType complex(std::size_t component_size, ByteOrder order = native_order);
  // Raw bits (HDF5 bitfield) of 1, 2, 4 or 8 bytes.
  static DType bitfield(std::size_t size, ByteOrder order = native_order);
  // `size` >= 1 uninterpreted bytes labelled with `tag` (< 256 bytes).
  static DType opaque(std::size_t size, std::string tag = {});
  // A fixed-shape array of `base` elements: e.g. array(float64, {3}) for a 3-vector.
  // Requires 1 <= dims.size() <= 32 and every dim >= 1.
  static DType array(const DType& base, std::vector<std::uint64_t> dims);
  // Named values over an integer `base`. Names must be unique and non-empty, values
  // unique and representable in `base`.
  static DType enumeration(const DType& base, std::vector<EnumValue> values);
  // A variable-length sequence of `base` (a jagged array); in memory one std::vector<T>
  // per element through the typed API, and one Vlen<T> object in untyped buffers and
  // inside compound and array elements. `base` may hold variable-length data itself (a
  // sequence of strings: std::vector<std::string> / Vlen<std::string> per element).
  static DType vlen(const DType& base);
  // An object reference (8 bytes: the referenced object's address in a file).
  static DType object_reference();

  TypeClass type_class() const noexcept { return class_; }
  // Bytes per element in memory (vlen strings: sizeof(std::string); vlen sequences:
  // sizeof(Vlen<T>), the same for every T).
  std::size_t size() const noexcept { return size_; }
  bool is_signed() const noexcept { return signed_; }
  ByteOrder byte_order() const noexcept { return order_; }
  CharSet charset() const noexcept { return charset_; }
  StringPad string_pad() const noexcept { return pad_; }
  // True for variable-length strings.
  bool is_variable_string() const noexcept { return class_ == TypeClass::string && variable_; }
  // True for integer and floating classes.
  bool is_numeric() const noexcept {
    return class_ == TypeClass::integer || class_ == TypeClass::floating;
  }
  // True for bool as h5py stores it (see boolean()).
  bool is_boolean() const;
  // True for complex numbers as h5py stores them (see complex()).
  bool is_complex() const;
  // True if elements contain variable-length data anywhere (vlen strings or sequences,
  // also inside compound or array members): such buffers hold C++ objects, not bytes --
  // a std::string per vlen string and a Vlen<T> per vlen sequence, constructed before a
  // read (which assigns them) and left to the caller to destroy.
  bool has_vlen() const noexcept { return has_vlen_; }

  // Compound members in offset order. Empty for other classes.
  const std::vector<Member>& members() const;
  // The member called `name`. Throws Error(not_found) naming the type.
  const Member& member(std::string_view name) const;
  // Enumeration names and values. Empty for other classes.
  const std::vector<EnumValue>& enum_values() const;
  // Base type of enum, array and vlen types. Throws Error(invalid_argument) otherwise.
  const DType& base() const;
  // Array dimensions. Empty for other classes.
  const std::vector<std::uint64_t>& array_dims() const;
  // Opaque tag. Empty for other classes.
  const std::string& tag() const;

  // numpy-like name: "int32", "float16", "float32 (big-endian)", "bool", "complex64",
  // "string (utf-8, variable)", "string[10] (ascii, null_pad)", "compound {x: float64 @0, ...}",
  // "enum int8 {A=0, B=1}", "array[3] of float64", "vlen of int32", "opaque[4] \"tag\"".
  std::string name() const;

  friend bool operator==(const DType& a, const DType& b) noexcept;

 private:
  DType(TypeClass c, std::size_t size) : class_(c), size_(size) {}
  friend class CompoundBuilder;
  friend DType detail::with_stored_layout(const DType&, std::vector<std::size_t>, std::size_t);
  friend const detail::TypeDetail* detail::type_detail(const DType&) noexcept;

  TypeClass class_;
  std::size_t size_;
  bool signed_ = false;
  bool variable_ = false;
  bool has_vlen_ = false;
  ByteOrder order_ = native_order;
  CharSet charset_ = CharSet::ascii;
  StringPad pad_ = StringPad::null_terminate;
  std::shared_ptr<const detail::TypeDetail> detail_;  // composite classes only
};

// Builds compound types: CompoundBuilder().add("x", dtype_of<double>()).add("id", ...).build().
class CompoundBuilder {
 public:
  // Appends a member after the previous one (packed: no padding). Members holding vlen
  // data are std::string / Vlen<T> objects in memory buffers: give them the offsets of a
  // real struct (or use compound_of) so that those objects are aligned.
  CompoundBuilder& add(std::string name, const DType& type);
  // Adds a member at an explicit byte offset (e.g. offsetof in a C struct).
  CompoundBuilder& add(std::string name, std::size_t offset, const DType& type);
  // Total size; default: the end of the last member. Set it to a struct's sizeof to
  // include trailing padding.
  CompoundBuilder& size(std::size_t bytes);
  // Throws Error(invalid_argument) for duplicate or empty names, overlapping members,
  // members past the size, or no members.
  DType build() const;

 private:
  std::vector<Member> members_;
  std::size_t next_ = 0;
  std::size_t size_ = 0;
};

// IEEE 754 binary16 stored as its bits; converts to and from float exactly as libhdf5
// converts (round to nearest even, overflow to infinity).
struct Float16 {
  std::uint16_t bits = 0;
  Float16() = default;
  explicit Float16(float f);
  explicit operator float() const;
  friend bool operator==(Float16 a, Float16 b) noexcept { return a.bits == b.bits; }
};

namespace detail {
// The type-independent representation of every Vlen<T>: the values' bytes in T's layout.
// h5mem reads and fills vlen values through it, whatever T is. Values of a base holding vlen
// data are constructed objects (std::string, VlenBytes, ...): see construct_memory_form.
struct VlenBytes {
  std::vector<std::byte> bytes;
};
// Constructs (empty) or destroys the vlen objects of `n` memory-form elements of `t` at `p`
// (a std::string per vlen string, a VlenBytes per vlen sequence, whose values are destroyed
// too). Bytes of parts without vlen data are left as they are.
void construct_memory_form(const DType& t, std::byte* p, std::uint64_t n);
void destroy_memory_form(const DType& t, std::byte* p, std::uint64_t n) noexcept;
}  // namespace detail

// One variable-length sequence of T held by value: the in-memory form of a vlen sequence
// inside a compound or array element (a struct field `Vlen<float> samples;`), and the
// element of untyped vlen buffers. Owning and copyable like std::vector<T>, but its layout
// does not depend on T (it wraps detail::VlenBytes), so h5mem can fill one for any
// runtime base type. T must be trivially copyable (a Storable element type).
template <class T>
class Vlen {
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  // Values that are not trivially copyable (std::string, Vlen<U>, structs with such fields:
  // a vlen sequence of vlen data) live constructed in the bytes.
  static constexpr bool kPlain = std::is_trivially_copyable_v<T>;

 public:
  Vlen() = default;
  Vlen(std::span<const T> values) { assign(values); }
  Vlen(std::initializer_list<T> values) { assign({values.begin(), values.size()}); }
  Vlen(const std::vector<T>& values) { assign(values); }
  Vlen(const Vlen& o) { assign({o.data(), o.size()}); }
  Vlen(Vlen&& o) noexcept : storage_(std::move(o.storage_)) { o.storage_.bytes.clear(); }
  Vlen& operator=(const Vlen& o) {
    if (this != &o) assign({o.data(), o.size()});
    return *this;
  }
  Vlen& operator=(Vlen&& o) noexcept {
    if (this != &o) {
      destroy_values();
      storage_.bytes = std::move(o.storage_.bytes);
      o.storage_.bytes.clear();
    }
    return *this;
  }
  ~Vlen() { destroy_values(); }

  // Replaces the values with a copy of `values`.
  void assign(std::span<const T> values) {
    if constexpr (kPlain) {
      storage_.bytes.resize(values.size() * sizeof(T));
      if (!values.empty()) std::memcpy(storage_.bytes.data(), values.data(), storage_.bytes.size());
    } else {
      // Copied before the old values go: `values` may be ours.
      std::vector<std::byte> fresh(values.size() * sizeof(T));
      std::size_t i = 0;
      try {
        for (; i < values.size(); ++i) new (fresh.data() + i * sizeof(T)) T(values[i]);
      } catch (...) {
        while (i > 0) reinterpret_cast<T*>(fresh.data())[--i].~T();
        throw;
      }
      destroy_values();
      storage_.bytes = std::move(fresh);
    }
  }
  std::size_t size() const noexcept { return storage_.bytes.size() / sizeof(T); }
  bool empty() const noexcept { return storage_.bytes.empty(); }
  // The values; valid until the next change. Storage comes from operator new, so it is
  // aligned for any T that the static_assert above admits.
  const T* data() const noexcept { return reinterpret_cast<const T*>(storage_.bytes.data()); }
  T* data() noexcept { return reinterpret_cast<T*>(storage_.bytes.data()); }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size(); }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  std::vector<T> to_vector() const { return std::vector<T>(begin(), end()); }
  operator std::vector<T>() const { return to_vector(); }
  friend bool operator==(const Vlen& a, const Vlen& b) {
    if constexpr (kPlain) {
      return a.storage_.bytes == b.storage_.bytes;
    } else {
      return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }
  }

 private:
  void destroy_values() noexcept {
    if constexpr (!kPlain) {
      for (std::size_t i = 0; i < size(); ++i) data()[i].~T();
      storage_.bytes.clear();
    }
  }

  detail::VlenBytes storage_;
};
static_assert(sizeof(Vlen<double>) == sizeof(detail::VlenBytes));

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

// Element types with a fixed-size DType that the typed API reads and writes directly:
// numerics, bool, Float16 and std::complex<float|double>.
template <class T>
concept Element = Numeric<T> || std::same_as<T, bool> || std::same_as<T, Float16> ||
                  std::same_as<T, std::complex<float>> || std::same_as<T, std::complex<double>>;

// Returns the native-order DType describing T.
template <Element T>
DType dtype_of() {
  if constexpr (std::same_as<T, bool>) {
    static_assert(sizeof(bool) == 1);
    return DType::boolean();
  } else if constexpr (std::same_as<T, Float16>) {
    return DType::floating(2);
  } else if constexpr (std::same_as<T, std::complex<float>>) {
    return DType::complex(4);
  } else if constexpr (std::same_as<T, std::complex<double>>) {
    return DType::complex(8);
  } else if constexpr (std::is_floating_point_v<T>) {
    static_assert(std::numeric_limits<T>::is_iec559 && (sizeof(T) == 4 || sizeof(T) == 8));
    return DType::floating(sizeof(T));
  } else if constexpr (std::is_signed_v<T>) {
    return DType::signed_integer(sizeof(T));
  } else {
    return DType::unsigned_integer(sizeof(T));
  }
}

}  // namespace h5mem
