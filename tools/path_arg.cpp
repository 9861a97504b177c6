// FILE[/PATH] arguments, h5ls-style extents and JSON string escaping for the CLI.
#include "path_arg.hpp"

#include <sys/stat.h>

#include <cstdio>

namespace h5mem::cli {
namespace {

bool is_regular_file(const std::string& p) {
  struct stat st {};
  return !p.empty() && ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

PathArg split_path_arg(std::string_view arg) {
  std::string s(arg);
  if (is_regular_file(s)) return PathArg{s, "/"};
  // Try shorter prefixes ending before each '/', longest first.
  for (std::size_t pos = s.rfind('/'); pos != std::string::npos && pos > 0;
       pos = s.rfind('/', pos - 1)) {
    std::string prefix = s.substr(0, pos);
    if (is_regular_file(prefix)) {
      std::string rest = s.substr(pos);
      while (rest.size() > 1 && rest.back() == '/') rest.pop_back();
      return PathArg{prefix, rest};
    }
  }
  throw Error(ErrorCode::not_found, s + ": no such file (no prefix of it is a regular file)");
}

File open_input(const std::string& path) {
  return File::open(path, Mode::read_only, FileOptions{}.backing_store(false));
}

std::string join_path(const std::string& parent, const std::string& name) {
  if (parent.empty() || parent == "/") return "/" + name;
  return parent + "/" + name;
}

std::string h5ls_extent(const Shape& shape, const Shape& max_shape) {
  if (shape.empty()) return "SCALAR";
  std::string s = "{";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
    if (i < max_shape.size() && max_shape[i] != shape[i]) {
      s += "/";
      s += max_shape[i] == unlimited ? std::string("Inf") : std::to_string(max_shape[i]);
    }
  }
  return s + "}";
}

std::string brace_list(const Shape& dims) {
  std::string s = "{";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims[i]);
  }
  return s + "}";
}

std::string describe_filters(const std::vector<FilterInfo>& filters) {
  std::string s;
  for (const auto& f : filters) {
    if (!s.empty()) s += ", ";
    s += f.name;
    if (f.id == 1 && !f.client_data.empty()) s += "(" + std::to_string(f.client_data[0]) + ")";
  }
  return s;
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t n;
  std::uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  char buf[8];
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = utf8_length(s, i);
    if (n == 0) {
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    append_escaped_byte(out, c, EscapeStyle::json);
    ++i;
  }
  out += '"';
}

void append_escaped_byte(std::string& out, unsigned char c, EscapeStyle style) {
  switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20 || c == 0x7F) {
        char buf[8];
        std::snprintf(buf, sizeof buf, style == EscapeStyle::json ? "\\u%04x" : "\\%03o", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
  }
}

void append_json_dims(std::string& out, const Shape& dims) {
  out += '[';
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) out += ", ";
    out += dims[i] == unlimited ? std::string("null") : std::to_string(dims[i]);
  }
  out += ']';
}

}  // namespace h5mem::cli
