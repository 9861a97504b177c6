// Shared helpers for the h5mem doctest suites.
#pragma once

#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

// The ten numeric element types of the core issue, for TEST_CASE_TEMPLATE.
#define H5T_NUMERIC_TYPES                                                             \
  std::int8_t, std::int16_t, std::int32_t, std::int64_t, std::uint8_t, std::uint16_t, \
      std::uint32_t, std::uint64_t, float, double

namespace h5t {

// Name of an error code, written out here so the helpers do not depend on the library's own
// to_string (which test_error.cpp checks separately).
inline std::string code_name(h5mem::ErrorCode c) {
  switch (c) {
    case h5mem::ErrorCode::not_found:
      return "not_found";
    case h5mem::ErrorCode::already_exists:
      return "already_exists";
    case h5mem::ErrorCode::busy:
      return "busy";
    case h5mem::ErrorCode::invalid_argument:
      return "invalid_argument";
    case h5mem::ErrorCode::out_of_range:
      return "out_of_range";
    case h5mem::ErrorCode::type_mismatch:
      return "type_mismatch";
    case h5mem::ErrorCode::corruption:
      return "corruption";
    case h5mem::ErrorCode::unsupported:
      return "unsupported";
    case h5mem::ErrorCode::io_error:
      return "io_error";
    case h5mem::ErrorCode::out_of_space:
      return "out_of_space";
    case h5mem::ErrorCode::closed:
      return "closed";
  }
  return "<invalid ErrorCode>";
}

// A process-unique mem:// name containing `tag` (suites run all their cases in one process).
inline std::string mem_name(std::string_view tag) {
  static std::atomic<unsigned> counter{0};
  std::string n = "mem://h5t-";
  n += tag;
  n += '-';
  n += std::to_string(counter.fetch_add(1));
  return n;
}

// Concatenates the streamed forms of `parts` (avoids `"literal" + std::string`, which trips a
// GCC 12 -Wrestrict false positive at -O3).
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}

// Outcome of running an expression that is expected to throw h5mem::Error.
struct Caught {
  enum class Kind { none, h5mem_error, other_exception } kind = Kind::none;
  h5mem::ErrorCode code = h5mem::ErrorCode::not_found;
  std::string what;
};

template <class F>
Caught run_catching(F&& f) {
  Caught c;
  try {
    f();
  } catch (const h5mem::Error& e) {
    c.kind = Caught::Kind::h5mem_error;
    c.code = e.code();
    c.what = e.what();
  } catch (const std::exception& e) {
    c.kind = Caught::Kind::other_exception;
    c.what = e.what();
  } catch (...) {
    c.kind = Caught::Kind::other_exception;
    c.what = "<non-std exception>";
  }
  return c;
}

// Returns the subset of `needles` missing from `haystack`, joined with ", ".
inline std::string missing_substrings(const std::string& haystack,
                                      std::initializer_list<std::string_view> needles) {
  std::string missing;
  for (std::string_view n : needles) {
    if (haystack.find(n) == std::string::npos) {
      if (!missing.empty()) missing += ", ";
      missing += '"';
      missing += n;
      missing += '"';
    }
  }
  return missing;
}

// Distinct, exactly representable test values for any numeric type.
template <class T>
T value_at(std::uint64_t i) {
  if constexpr (sizeof(T) == 1) {
    return static_cast<T>(i % 120 + 1);
  } else {
    return static_cast<T>(i % 30000 + 1);
  }
}

template <class T>
std::vector<T> iota_values(std::uint64_t n, std::uint64_t offset = 0) {
  std::vector<T> v(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = value_at<T>(i + offset);
  return v;
}

using AllNumeric = std::tuple<std::int8_t, std::int16_t, std::int32_t, std::int64_t, std::uint8_t,
                              std::uint16_t, std::uint32_t, std::uint64_t, float, double>;

// Calls f.template operator()<U>() for every numeric type U.
template <class F>
void for_each_numeric(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f.template operator()<std::tuple_element_t<I, AllNumeric>>(), ...);
  }
  (std::make_index_sequence<std::tuple_size_v<AllNumeric>>{});
}

// Looks up `name` in Registry::list().
inline std::optional<h5mem::ImageInfo> registry_entry(const std::string& name) {
  for (auto& info : h5mem::Registry::list())
    if (info.name == name) return info;
  return std::nullopt;
}

}  // namespace h5t

namespace doctest {
template <>
struct StringMaker<h5mem::ErrorCode> {
  static String convert(h5mem::ErrorCode c) { return h5t::code_name(c).c_str(); }
};
template <>
struct StringMaker<h5mem::Mode> {
  static String convert(h5mem::Mode m) {
    switch (m) {
      case h5mem::Mode::read_only:
        return "read_only";
      case h5mem::Mode::read_write:
        return "read_write";
      case h5mem::Mode::create:
        return "create";
      case h5mem::Mode::create_new:
        return "create_new";
      case h5mem::Mode::open_or_create:
        return "open_or_create";
    }
    return "<invalid Mode>";
  }
};
template <>
struct StringMaker<h5mem::Lifetime> {
  static String convert(h5mem::Lifetime l) {
    return l == h5mem::Lifetime::process ? "process" : "until_close";
  }
};
template <>
struct StringMaker<h5mem::ObjectKind> {
  static String convert(h5mem::ObjectKind k) {
    return k == h5mem::ObjectKind::group ? "group" : "dataset";
  }
};
template <>
struct StringMaker<h5mem::DType> {
  static String convert(const h5mem::DType& d) {
    std::ostringstream os;
    os << "DType(class=" << static_cast<int>(d.type_class()) << ", size=" << d.size()
       << ", signed=" << d.is_signed() << ", order=" << static_cast<int>(d.byte_order()) << ")";
    return os.str().c_str();
  }
};
template <class T>
struct StringMaker<std::vector<T>> {
  static String convert(const std::vector<T>& v) {
    std::ostringstream os;
    os << '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) os << ", ";
      if (i == 64) {
        os << "... (" << v.size() << " elements)";
        break;
      }
      if constexpr (std::is_arithmetic_v<T>) {
        os << +v[i];
      } else {
        os << '"' << v[i] << '"';
      }
    }
    os << ']';
    return os.str().c_str();
  }
};
}  // namespace doctest

// CHECK_CODE(expr, code): `expr` must throw h5mem::Error with code() == code. Wrap `expr` in
// parentheses when it contains top-level commas, e.g. CHECK_CODE((d.select({1, 2})), ...).
#define CHECK_CODE(expr, ec) CHECK_CODE_MSG(expr, ec)

// CHECK_CODE_MSG(expr, code, "needle", ...): as CHECK_CODE, and what() must contain every
// needle (used to check that messages name the file and object path).
#define CHECK_CODE_MSG(expr, ec, ...)                                                              \
  do {                                                                                             \
    const ::h5t::Caught h5t_caught_ = ::h5t::run_catching([&] { (void)(expr); });                  \
    if (h5t_caught_.kind == ::h5t::Caught::Kind::none) {                                           \
      FAIL_CHECK(#expr " did not throw (expected h5mem::Error " << ::h5t::code_name(ec) << ")");   \
    } else if (h5t_caught_.kind == ::h5t::Caught::Kind::other_exception) {                         \
      FAIL_CHECK(#expr " threw a non-h5mem exception: " << h5t_caught_.what);                      \
    } else {                                                                                       \
      CHECK_MESSAGE(h5t_caught_.code == (ec), #expr " threw ", ::h5t::code_name(h5t_caught_.code), \
                    " instead of ", ::h5t::code_name(ec), ": ", h5t_caught_.what);                 \
      const std::string h5t_missing_ = ::h5t::missing_substrings(h5t_caught_.what, {__VA_ARGS__}); \
      CHECK_MESSAGE(h5t_missing_.empty(), "message of " #expr " (\"", h5t_caught_.what,            \
                    "\") lacks ", h5t_missing_);                                                   \
    }                                                                                              \
  } while (0)
