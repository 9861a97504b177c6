// h5mem/link.hpp -- what a group member's name is bound to: an object, or a path.
#pragma once

#include <string>

namespace h5mem {

// How a name in a group is bound (HDF5's link types; h5py's HardLink, SoftLink,
// ExternalLink).
enum class LinkKind {
  hard,      // the name is the object itself
  soft,      // the name stands for a path in the same file, resolved at each use
  external,  // the name stands for a path in another file, resolved at each use
};

// A link as stored, without following it (Group::link_info).
struct LinkInfo {
  LinkKind kind = LinkKind::hard;
  // soft and external: the target path exactly as given; hard: the object's absolute path.
  std::string target;
  // external: the target file name exactly as given; empty otherwise.
  std::string file;

  bool operator==(const LinkInfo&) const = default;
};

}  // namespace h5mem
