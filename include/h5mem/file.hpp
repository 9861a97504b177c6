// h5mem/file.hpp -- opening, creating and closing files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>
#include <string_view>

#include "h5mem/group.hpp"
#include "h5mem/options.hpp"

namespace h5mem {

// A file handle; it is also the handle of the file's root group ("/").
//
// Names: "mem://NAME" names an image in the process-wide registry (see registry.hpp). Such
// images never touch the filesystem. NAME must be non-empty. Any other name is a filesystem
// path: the file is loaded into memory (or created empty) and written back as HDF5 per
// FileOptions::backing_store and flush_policy.
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

  // Opens the HDF5 file held in `image` as an in-memory file registered under `name` (a
  // mem:// name; already_exists if it is taken). Read-only unless `mode` is read_write.
  // Throws corruption or unsupported, naming the byte offset and structure, for an image
  // that is not a readable HDF5 file.
  static File open_image(std::string_view name, std::span<const std::byte> image,
                         Mode mode = Mode::read_only, const ImageOptions& image_options = {},
                         const FileOptions& options = {});

  // Writes the image to its backing file now (files opened from a path with a backing
  // store): a complete new file is written next to it and renamed over it, so a crash leaves
  // the old file or the new one. Throws io_error naming the path; the in-memory data and the
  // previous file are then unchanged. A no-op for mem:// files and read-only opens.
  void flush();
  // Writes the whole file as HDF5 to `path` (atomically, as flush() does), whatever its
  // name; the file stays attached to its own name. Throws io_error naming the path.
  void save_as(std::string_view path, const SaveOptions& options = {}) const;
  // The whole file as an HDF5 image.
  std::vector<std::byte> to_bytes(const SaveOptions& options = {}) const;

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
