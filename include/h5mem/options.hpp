// h5mem/options.hpp -- open modes and the Options structs passed when creating things.
//
// Options structs use chained setters with documented defaults:
//   File::create("mem://x", CreateOptions{}.lifetime(Lifetime::process).max_bytes(1 << 20));
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "h5mem/dtype.hpp"

namespace h5mem {

// How File::open treats an existing or missing name (h5py's r, r+, w, w-/x, a).
enum class Mode {
  read_only,       // "r":  must exist; writes fail
  read_write,      // "r+": must exist
  create,          // "w":  create, or truncate an existing image (busy if it is open)
  create_new,      // "w-": create; already_exists if the name exists
  open_or_create,  // "a":  open read/write if it exists, else create
};

// When an in-memory image is freed.
enum class Lifetime {
  // Freed when the last handle closes; the name is free again right after (default).
  until_close,
  // Kept in the registry after the last close, reopenable by name until Registry::unlink.
  process,
};

// Options that take effect when a file image is created (ignored when opening an
// existing image).
class CreateOptions {
 public:
  // Default Lifetime::until_close.
  CreateOptions& lifetime(Lifetime l) {
    lifetime_ = l;
    return *this;
  }
  Lifetime lifetime() const { return lifetime_; }

  // Quota on bytes held by the image (dataset and attribute payloads). A write that
  // would exceed it fails with out_of_space and changes nothing. Default: no limit.
  CreateOptions& max_bytes(std::uint64_t n) {
    max_bytes_ = n;
    return *this;
  }
  std::optional<std::uint64_t> max_bytes() const { return max_bytes_; }

 private:
  Lifetime lifetime_ = Lifetime::until_close;
  std::optional<std::uint64_t> max_bytes_;
};

// Options for one open of a file (apply to this handle, whether or not it created the image).
class FileOptions {
 public:
  // Reserved for the storage options of later layers (backing store, caches).
};

// Options for creating a dataset.
class DatasetOptions {
 public:
  // Value of elements never written. Default: all-zero bytes. T must convert to the
  // dataset's type; the value is stored in the dataset's type at creation.
  template <Numeric T>
  DatasetOptions& fill_value(T v) {
    fill_type_ = dtype_of<T>();
    fill_bytes_.resize(sizeof(T));
    std::memcpy(fill_bytes_.data(), &v, sizeof(T));
    return *this;
  }
  // The fill value as given: its type and bytes (empty when unset).
  const std::optional<DType>& fill_type() const { return fill_type_; }
  const std::vector<std::byte>& fill_bytes() const { return fill_bytes_; }

 private:
  std::optional<DType> fill_type_;
  std::vector<std::byte> fill_bytes_;
};

}  // namespace h5mem
