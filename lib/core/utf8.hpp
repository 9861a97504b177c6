// UTF-8 validation for strings declared UTF-8.
#pragma once

#include <cstddef>
#include <string_view>

namespace h5mem::detail {

// Returns the byte offset of the first invalid UTF-8 sequence in `s` (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or npos if `s` is valid.
std::size_t find_invalid_utf8(std::string_view s) noexcept;

}  // namespace h5mem::detail
