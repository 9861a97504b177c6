// Parsing of object paths ("a/b", "/a/b").
#pragma once

#include <string_view>
#include <vector>

namespace h5mem::detail {

struct ParsedPath {
  bool absolute = false;                // began with '/'
  std::vector<std::string_view> parts;  // views into the caller's string; empty for "/"
};

// Splits `path` into segments. Throws Error(invalid_argument) for an empty path, empty
// segments ("a//b", trailing '/'), "." or ".." segments, and NUL characters. "/" alone is
// the root (absolute, no parts).
ParsedPath parse_path(std::string_view path);

// Throws Error(invalid_argument) unless `name` is a valid single segment.
void check_name(std::string_view name, std::string_view what);

}  // namespace h5mem::detail
