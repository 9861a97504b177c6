// One File::open (or create): the link between handles and an image.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/file_image.hpp"
#include "h5mem/options.hpp"

namespace h5mem::detail {

// Every handle derived from one open shares its OpenFile. close() (or destruction of the
// last handle) releases the image back to the registry.
class OpenFile {
 public:
  OpenFile(std::shared_ptr<FileImage> image, bool writable);
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  // The image, kept alive while the caller holds the pointer.
  // Throws Error(closed) naming the file after close().
  std::shared_ptr<FileImage> acquire() const;
  // Releases the image; later acquire() calls throw closed. Idempotent.
  void close() noexcept;
  bool is_open() const noexcept;

  const std::string& name() const noexcept { return name_; }
  bool writable() const noexcept { return writable_; }

 private:
  const std::string name_;
  const bool writable_;
  mutable std::mutex mu_;
  std::shared_ptr<FileImage> image_;  // null once closed
};

// Registry entry points used by File (defined in registry.cpp).
// Names other than mem:// are filesystem paths (loaded into memory, written back per
// `options`; see core/backing_store.hpp).
std::shared_ptr<OpenFile> registry_open(std::string_view name, Mode mode,
                                        const CreateOptions& create, const FileOptions& options);
// Registers the new `image` under the mem:// `name` (already_exists if taken) and opens it.
std::shared_ptr<OpenFile> registry_adopt(std::string_view name, std::shared_ptr<FileImage> image,
                                         bool writable);
// True if `image` has exactly one open left (the caller's).
bool registry_is_last_open(const FileImage& image) noexcept;
// Called once per open when it closes: drops the name of an until_close image whose last
// open this was, writing a path image back first if it changed (errors go to stderr: the
// caller is a destructor or close(), which flushed already).
void registry_release(FileImage& image) noexcept;

}  // namespace h5mem::detail
