// Internal helpers for raising h5mem::Error with consistent messages.
#pragma once

#include <string>
#include <string_view>

#include "h5mem/error.hpp"

namespace h5mem::detail {

// Throws Error(code, message).
[[noreturn]] void fail(ErrorCode code, const std::string& message);
// Throws Error(code, "FILE:PATH: message"); PATH omitted when empty.
[[noreturn]] void fail_at(ErrorCode code, std::string_view file, std::string_view path,
                          const std::string& message);
// Rethrows `e` with "FILE:PATH: " prepended to its message, keeping its code.
[[noreturn]] void rethrow_in_context(const Error& e, std::string_view file, std::string_view path);

}  // namespace h5mem::detail
