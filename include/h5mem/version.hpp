// h5mem/version.hpp -- library version.
#pragma once

namespace h5mem {

inline constexpr int version_major = 0;
inline constexpr int version_minor = 1;
inline constexpr int version_patch = 0;

// "0.1.0"
const char* version_string() noexcept;

}  // namespace h5mem
