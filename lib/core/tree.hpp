// Path lookup in the object tree.
#pragma once

#include <string>
#include <string_view>

#include "core/file_image.hpp"
#include "core/path.hpp"

namespace h5mem::detail {

// Result of walking a path: the deepest existing group reached and how many parts matched.
struct Walk {
  GroupNode* group = nullptr;   // last group reached
  std::size_t matched = 0;      // parts resolved to groups (excluding a final non-group)
  Node* target = nullptr;       // the node named by all parts, if it exists
  bool blocked = false;         // an intermediate part names a dataset
};

// Walks `path` from `base` (or the root if it is absolute). Requires the tree mutex.
Walk walk(FileImage& img, GroupNode& base, const ParsedPath& path);

// The display path of `path` relative to `base` (absolute result). Requires the tree mutex.
std::string join_path(const Node& base, std::string_view path);

}  // namespace h5mem::detail
