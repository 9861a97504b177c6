#include "core/path.hpp"

#include <string>

#include "core/fail.hpp"

namespace h5mem::detail {

void check_name(std::string_view name, std::string_view what) {
  auto bad = [&](const char* why) {
    fail(ErrorCode::invalid_argument,
         std::string(what) + " \"" + std::string(name) + "\" is invalid: " + why);
  };
  if (name.empty()) bad("empty names are not allowed");
  if (name == "." || name == "..") bad("'.' and '..' are not allowed");
  if (name.find('\0') != std::string_view::npos) bad("contains a NUL character");
  if (name.find('/') != std::string_view::npos) bad("contains '/'");
}

ParsedPath parse_path(std::string_view path) {
  ParsedPath out;
  if (path.empty()) fail(ErrorCode::invalid_argument, "empty path");
  std::string_view rest = path;
  if (rest.front() == '/') {
    out.absolute = true;
    rest.remove_prefix(1);
    if (rest.empty()) return out;
  }
  while (true) {
    std::size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg.empty()) {
      fail(ErrorCode::invalid_argument,
           "path \"" + std::string(path) + "\" has an empty segment");
    }
    if (seg == "." || seg == "..") {
      fail(ErrorCode::invalid_argument, "path \"" + std::string(path) +
                                            "\" uses '" + std::string(seg) +
                                            "'; only plain names are allowed");
    }
    if (seg.find('\0') != std::string_view::npos) {
      fail(ErrorCode::invalid_argument, "path contains a NUL character");
    }
    out.parts.push_back(seg);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace h5mem::detail
