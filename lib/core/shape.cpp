#include "h5mem/shape.hpp"

#include "core/fail.hpp"

namespace h5mem {

std::uint64_t element_count(const Shape& shape) {
  std::uint64_t n = 1;
  for (std::uint64_t d : shape) {
    if (d != 0 && n > std::numeric_limits<std::uint64_t>::max() / d) {
      detail::fail(ErrorCode::invalid_argument,
                   "shape " + to_string(shape) + " has more than 2^64 elements");
    }
    n *= d;
  }
  return n;
}

std::string to_string(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += shape[i] == unlimited ? std::string("inf") : std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

}  // namespace h5mem
