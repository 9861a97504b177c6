// Formatting of element values for `h5mem dump`, as text (h5dump-like) or JSON, and streaming
// of a dataset's elements block by block (never the whole dataset in memory at once).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "h5mem/h5mem.hpp"

namespace h5mem::cli {

enum class Style { text, json };

// Buffered output to a FILE*: append to buf(), call maybe_flush() now and then.
class Out {
 public:
  explicit Out(std::FILE* f) : f_(f) {}
  ~Out() { flush(); }
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;
  std::string& buf() { return buf_; }
  Out& operator<<(std::string_view s) {
    buf_.append(s);
    maybe_flush();
    return *this;
  }
  void maybe_flush() {
    if (buf_.size() >= (64u << 10)) flush();
  }
  void flush();
  // True if a write failed (e.g. a closed pipe).
  bool failed() const { return failed_; }

 private:
  std::FILE* f_;
  std::string buf_;
  bool failed_ = false;
};

// Appends one element of fixed-size type `t` stored at `p` (the dataset's own in-memory
// form: any byte order; no variable-length parts).
void append_value(std::string& out, const DType& t, const std::byte* p, Style style);
// Appends a string value (quoted and escaped).
void append_string(std::string& out, std::string_view s, Style style);
// Appends a number in the shortest form that reads back to the same value; non-finite
// values as nan / inf / -inf (JSON: as strings).
void append_double(std::string& out, double v, Style style);
void append_float(std::string& out, float v, Style style);

// Called once per element in row-major order with its flat index and formatted value.
using ElementFn = std::function<void(std::uint64_t index, const std::string& value)>;

// Streams every element of `ds`, reading a few MiB at a time. Throws Error on read failures
// (possibly after some elements were delivered).
void for_each_element(const Dataset& ds, Style style, const ElementFn& fn);
// Same for an attribute (read whole: attributes are small).
void for_each_element(const Attribute& a, Style style, const ElementFn& fn);

// Machine-friendly class name of a datatype: "integer", "floating", "string", "bool",
// "complex", "compound", "enum", "array", "vlen", "bitfield", "opaque", "reference".
const char* type_class_name(const DType& t);

}  // namespace h5mem::cli
