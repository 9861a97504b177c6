#include "h5mem/version.hpp"

const char* h5mem::version_string() noexcept { return "0.1.0"; }
