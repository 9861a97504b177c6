// Shared plumbing of the public handle implementations: checking that a handle is usable
// and attaching "FILE:PATH" context to errors.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/fail.hpp"
#include "core/file_image.hpp"
#include "core/open_file.hpp"

namespace h5mem::detail {

// Returns the image of `file`. Throws Error(closed) for an empty or closed handle.
std::shared_ptr<FileImage> acquire(const std::shared_ptr<OpenFile>& file);

// Path of `node` for messages; "<removed object NAME>" once removed. Takes the tree mutex
// shared, so callers must not hold a dataset's data mutex.
std::string describe(const FileImage& img, const Node& node);

// Throws Error(closed) if `node` was removed. Requires the tree or data mutex.
void check_alive(const OpenFile& file, const Node& node);

// Throws Error(invalid_argument) if `file` was opened read-only.
void check_writable(const OpenFile& file, const FileImage& img, const Node& node);

// Runs `fn`; an Error it throws is rethrown with the file name and the path of `node`,
// after `fn`'s locks are released.
template <class Fn>
auto with_context(const OpenFile& file, const FileImage& img, const Node& node, Fn&& fn) {
  std::optional<Error> err;
  try {
    return fn();
  } catch (const Error& e) {
    err = e;
  }
  rethrow_in_context(*err, file.name(), describe(img, node));
}

}  // namespace h5mem::detail
