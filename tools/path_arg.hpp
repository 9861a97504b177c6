// Shared helpers of the ls / dump / copy subcommands: FILE[/PATH] arguments, opening a file
// read-only, and h5ls-style formatting of shapes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "h5mem/h5mem.hpp"

namespace h5mem::cli {

// A FILE[/PATH] argument split into the file and the object path inside it.
struct PathArg {
  std::string file;    // an existing regular file
  std::string object;  // absolute path inside the file, "/" for the root
};

// Splits `arg` as h5ls does: the longest prefix that is an existing regular file is the file,
// the rest (if any) the object path. Throws Error(not_found) if no prefix is a regular file.
PathArg split_path_arg(std::string_view arg);

// Opens `path` read-only without ever writing it back. Throws Error as File::open does.
File open_input(const std::string& path);

// Joins a group path and a child name: ("/", "a") -> "/a", ("/a", "b") -> "/a/b".
std::string join_path(const std::string& parent, const std::string& name);

// h5ls-style extent: "{2, 3}", "{10/Inf, 3}", "{5/20}", "SCALAR".
std::string h5ls_extent(const Shape& shape, const Shape& max_shape);
// "{64, 64}".
std::string brace_list(const Shape& dims);

// Filters of a chunked dataset, as stored in its filter pipeline message.
struct FilterInfo {
  std::uint16_t id = 0;
  std::string name;  // "deflate", "shuffle", "fletcher32", "lzf", ... or "filter-ID"
  std::vector<std::uint32_t> client_data;
};
std::vector<FilterInfo> dataset_filters(const Dataset& ds);
// "shuffle, deflate(4)"; "" without filters.
std::string describe_filters(const std::vector<FilterInfo>& filters);

// Appends byte `c` of a quoted string, escaped: quote, backslash, \n, \r, \t by name and
// other control bytes as \u00XX (json) or octal \NNN (text, as h5dump prints them).
enum class EscapeStyle { json, text };
void append_escaped_byte(std::string& out, unsigned char c, EscapeStyle style);

// JSON string literal of `s` (quoted, escaped). Bytes that are not valid UTF-8 are written
// as \u00XX (their Latin-1 reading), so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);
// JSON array of dims; `unlimited` entries become null.
void append_json_dims(std::string& out, const Shape& dims);

}  // namespace h5mem::cli
