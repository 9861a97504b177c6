// Files named by a filesystem path: loading them into an image and writing the image back.
//
// The on-disk form is HDF5 (lib/format/hdf5). Every write goes through write_file_atomically
// (storage/env.hpp): a complete new file in the same directory, synced, renamed over the
// target, directory synced. So a crash leaves the old file or the new one, and a failed
// write leaves the old file and the in-memory image as they were.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "h5mem/options.hpp"

namespace h5mem::detail {

class Env;
class FileImage;

// The link between an image and the file it came from / goes to.
struct BackingStore {
  std::string path;  // as used for I/O (absolute, normalised)
  bool write_back = true;
  FlushPolicy policy = FlushPolicy::on_close;
  Env* env = nullptr;  // the filesystem (Env::posix() unless a test injects faults)

  std::mutex flush_mu;  // one flush at a time
  // Image generation last written (stored under flush_mu).
  std::atomic<std::uint64_t> flushed_generation{0};
};

// True for names that denote a filesystem path rather than a mem:// image.
bool is_path_name(std::string_view name) noexcept;

// The registry key of a path: absolute and lexically normal. Throws invalid_argument for
// an empty path or one with a NUL.
std::string normalize_path(std::string_view name);

// Reads the HDF5 file `bytes` into the (new, empty) `image`, setting its format. Errors are
// rethrown with `shown` (the file's name) in front. With an `owner` keeping `bytes` alive
// and unchanged, data stays in `bytes` until written (see ReadSettings::owner).
void load_into(FileImage& image, std::span<const std::byte> bytes, std::string_view shown,
               std::shared_ptr<const void> owner = nullptr);

// Loads the file at backing.path into `image`. Throws io_error (missing file, permission) or
// corruption/unsupported naming the path.
void load_backing_file(FileImage& image);

// Writes `image` to its backing file if it changed since the last write (or `force`).
// Throws io_error naming the path; the image and the previous file are then unchanged.
// No-op for images without a backing store or with write_back off.
void flush_image(FileImage& image, bool force = false);

// Writes `image` as HDF5 in `format` to `path` atomically through `env`, reporting
// `progress` (SaveOptions::progress) if set.
void save_image(FileImage& image, const std::string& path, Format format, Env& env,
                const SaveOptions::Progress& progress = {});

// The image as HDF5 bytes.
std::vector<std::byte> image_bytes(FileImage& image, Format format,
                                   const SaveOptions::Progress& progress = {});

}  // namespace h5mem::detail
