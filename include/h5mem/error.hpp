// h5mem/error.hpp -- the single exception type thrown by every h5mem call.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace h5mem {

// What went wrong, coarse enough to branch on. The message says the rest.
enum class ErrorCode {
  not_found,         // no file, object, attribute or field of that name
  already_exists,    // creating something whose name is taken
  busy,              // the file is open elsewhere in a way that forbids the request
  invalid_argument,  // malformed path, option, shape or mode for this request
  out_of_range,      // a selection or index outside the extent
  type_mismatch,     // datatype, object kind or buffer size disagrees
  corruption,        // stored bytes fail a check (checksum, structure)
  unsupported,       // a valid request h5mem does not implement
  io_error,          // the operating system refused a file operation
  out_of_space,      // a memory quota (max_bytes) would be exceeded
  closed,            // the handle's file was closed or its object removed
};

// Returns the enumerator's name, e.g. "not_found".
std::string_view to_string(ErrorCode code) noexcept;

// Thrown by every failing h5mem operation. what() names the file and object path
// involved; code() classifies the failure. A failed operation leaves the file as it was.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message);

  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace h5mem
