#include "h5mem/error.hpp"

#include "core/fail.hpp"

namespace h5mem {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::already_exists: return "already_exists";
    case ErrorCode::busy: return "busy";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::out_of_range: return "out_of_range";
    case ErrorCode::type_mismatch: return "type_mismatch";
    case ErrorCode::corruption: return "corruption";
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::out_of_space: return "out_of_space";
    case ErrorCode::closed: return "closed";
  }
  return "unknown";
}

Error::Error(ErrorCode code, const std::string& message)
    : std::runtime_error(message), code_(code) {}

namespace detail {

void fail(ErrorCode code, const std::string& message) { throw Error(code, message); }

void fail_at(ErrorCode code, std::string_view file, std::string_view path,
             const std::string& message) {
  std::string full;
  full.reserve(file.size() + path.size() + message.size() + 4);
  full.append(file);
  if (!path.empty()) {
    full.append(":");
    full.append(path);
  }
  full.append(": ");
  full.append(message);
  throw Error(code, full);
}

void rethrow_in_context(const Error& e, std::string_view file, std::string_view path) {
  fail_at(e.code(), file, path, e.what());
}

}  // namespace detail
}  // namespace h5mem
