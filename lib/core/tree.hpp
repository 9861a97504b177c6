// Path lookup in the object tree.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/file_image.hpp"
#include "core/path.hpp"

namespace h5mem::detail {

// libhdf5's limit on soft links followed in one lookup (H5L_NUM_LINKS); reaching it means a
// cycle in practice, and stops the lookup instead of looping.
inline constexpr int kMaxLinkHops = 16;

// A lookup that reached an external link: the rest of it happens in another file.
struct ExternalHop {
  std::string file;       // as stored in the link
  std::string path;       // the link's target path followed by the parts not yet resolved
  std::string link_path;  // absolute path of the link, for messages
  std::string target;     // the link's own target path, for messages
};

// Result of walking a path: the deepest existing group reached and how many parts matched.
struct Walk {
  GroupNode* group = nullptr;  // last group reached
  std::size_t matched = 0;     // parts resolved to groups (excluding a final non-group)
  Node* target = nullptr;      // the node named by all parts, if it exists
  bool blocked = false;        // an intermediate part names a dataset
  // The final part names a soft or external link that was not followed (follow_final
  // false); it lives in `group`.
  const LinkEntry* link = nullptr;
  // Why a soft link on the way could not be followed (dangling, a cycle, a bad target).
  std::string broken;
  // Set when the walk reached an external link (the lookup continues in that file).
  std::optional<ExternalHop> external;
};

// Walks `path` from `base` (or the root if it is absolute), following soft links in
// intermediate parts, and in the final part when `follow_final`. Requires the tree mutex.
Walk walk(FileImage& img, GroupNode& base, const ParsedPath& path, bool follow_final = true);

// Reads the members of every group below `root` not read yet (lazily opened files; see
// GroupNode::children). Requires the tree mutex (shared is enough).
void load_all_members(GroupNode& root);

// The display path of `path` relative to `base` (absolute result). Requires the tree mutex.
std::string join_path(const Node& base, std::string_view path);

}  // namespace h5mem::detail
