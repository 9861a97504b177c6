// h5mem/registry.hpp -- the process-wide table of named in-memory images.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "h5mem/options.hpp"

namespace h5mem {

// One named image, as Registry::list reports it.
struct ImageInfo {
  std::string name;           // "mem://..."
  Lifetime lifetime;          // as created
  std::size_t open_handles;   // File opens not yet closed (copies of a handle count once)
  std::uint64_t bytes_held;   // as File::bytes_held
};

// The registry of mem:// names. All functions are thread-safe.
class Registry {
 public:
  // Every image that currently has a name, sorted by name.
  static std::vector<ImageInfo> list();
  // True if `name` names an image (open, or kept by Lifetime::process).
  static bool exists(std::string_view name);
  // Removes `name` from the registry, like POSIX unlink: handles already open keep using
  // the image until they close; new opens of `name` no longer find it. Throws not_found.
  static void unlink(std::string_view name);
};

}  // namespace h5mem
