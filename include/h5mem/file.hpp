// h5mem/file.hpp -- opening, creating and closing files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "h5mem/group.hpp"
#include "h5mem/options.hpp"

namespace h5mem {

// A file handle; it is also the handle of the file's root group ("/").
//
// Names: "mem://NAME" names an image in the process-wide registry (see registry.hpp). Such
// images never touch the filesystem. NAME must be non-empty. Plain filesystem paths are
// reserved for the backing store and currently throw Error(unsupported).
//
// Lifetime: by default an image lives while any handle to it (File, Group, Dataset,
// Selection, Attribute) lives, and its name is freed when the last one goes. Two opens of
// the same name while it lives share one image; writes through one are seen by the other.
class File : public Group {
 public:
  // An empty handle; every use throws Error(closed) until assigned.
  File() = default;

  // Creates `name` like Mode::create: a new empty image, replacing an existing image of
  // that name that no handle has open (a Lifetime::process image). Throws busy if the
  // name is open, unsupported for non-mem:// names, invalid_argument for a bad name.
  static File create(std::string_view name, const CreateOptions& create = {},
                     const FileOptions& options = {});
  // Opens `name` in `mode` (see Mode). `create` applies only if this call creates the
  // image. Throws not_found (read_only/read_write on a missing name), already_exists
  // (create_new on an existing one), busy (create on an open one).
  static File open(std::string_view name, Mode mode = Mode::read_only,
                   const FileOptions& options = {}, const CreateOptions& create = {});

  // The name given at open, e.g. "mem://run42".
  const std::string& name() const;
  // read_only for handles opened read_only; read_write otherwise.
  Mode mode() const;
  // Bytes held by the image: dataset element storage plus attribute payloads
  // (vlen strings count their characters).
  std::uint64_t bytes_held() const;
  // Ends this open: this handle, its copies and every handle derived from it now throw
  // Error(closed). The image itself goes away when no other open holds it (see Lifetime).
  // Closing twice is harmless.
  void close();
  // False after close().
  bool is_open() const noexcept;

 private:
  using Group::Group;
  friend class Object;
};

}  // namespace h5mem
