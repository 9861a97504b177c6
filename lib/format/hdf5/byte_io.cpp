#include "format/hdf5/byte_io.hpp"

#include "core/fail.hpp"

namespace h5mem::detail {

void fail_corrupt(std::string_view structure, std::uint64_t offset, const std::string& what) {
  fail(ErrorCode::corruption,
       std::string(structure) + " at byte " + std::to_string(offset) + ": " + what);
}

}  // namespace h5mem::detail
