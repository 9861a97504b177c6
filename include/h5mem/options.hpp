// h5mem/options.hpp -- open modes and the Options structs passed when creating things.
//
// Options structs use chained setters with documented defaults:
//   File::create("mem://x", CreateOptions{}.lifetime(Lifetime::process).max_bytes(1 << 20));
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "h5mem/dtype.hpp"
#include "h5mem/shape.hpp"

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

// Which HDF5 format version a file is written in (see docs/ARCHITECTURE.md, on-disk mapping).
enum class Format {
  // Superblock 0, version 1 object headers, symbol-table groups, chunk layout v3 with the
  // v1 B-tree index: readable by HDF5 1.8 and later; what h5py writes by default.
  earliest,
  // Superblock 3 with checksums, version 2 object headers, link messages with dense storage
  // for large groups, layout v4 with the chunk index libhdf5 would choose: h5py's
  // libver='latest'.
  latest,
};

// When a file opened from a filesystem path writes its image back to that path.
enum class FlushPolicy {
  on_close,  // on flush() and when the last handle to the image closes (default)
  manual,    // only on flush()
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

// Options for one open of a file. Settings left unset keep the image's current values; the
// ones set apply to the whole image (every open of it) from this open on.
class FileOptions {
 public:
  // Capacity in bytes of the image's decoded-chunk cache, shared by its chunked datasets
  // (LRU). 0 disables caching. Default 64 MiB. Cached bytes count toward bytes_held.
  FileOptions& cache_bytes(std::uint64_t n) {
    cache_bytes_ = n;
    return *this;
  }
  std::optional<std::uint64_t> cache_bytes() const { return cache_bytes_; }

  // Threads used to decode or encode the chunks of one large read or write: 0 means one per
  // hardware thread (default), 1 keeps all work on the calling thread.
  FileOptions& threads(unsigned n) {
    threads_ = n;
    return *this;
  }
  std::optional<unsigned> threads() const { return threads_; }

  // Check that strings written to UTF-8 string datasets and attributes are valid UTF-8
  // (invalid_argument otherwise). Default off, as in libhdf5, which stores any bytes.
  FileOptions& validate_utf8(bool on) {
    validate_utf8_ = on;
    return *this;
  }
  std::optional<bool> validate_utf8() const { return validate_utf8_; }

  // Filesystem paths only: whether the image is written back to its path (see FlushPolicy).
  // false loads the file (if it exists) and never writes it: an explicit scratch copy, what
  // h5py's driver='core', backing_store=False does. Default true. Ignored for mem:// names,
  // which never touch the disk.
  FileOptions& backing_store(bool on) {
    backing_store_ = on;
    return *this;
  }
  std::optional<bool> backing_store() const { return backing_store_; }

  // Filesystem paths only: when the image is written back. Default FlushPolicy::on_close.
  FileOptions& flush_policy(FlushPolicy p) {
    flush_policy_ = p;
    return *this;
  }
  std::optional<FlushPolicy> flush_policy() const { return flush_policy_; }

  // Format used when the image is written (flush, save_as, to_bytes). Default: the format
  // the file was read in, Format::earliest for new files.
  FileOptions& format(Format f) {
    format_ = f;
    return *this;
  }
  std::optional<Format> format() const { return format_; }

 private:
  std::optional<std::uint64_t> cache_bytes_;
  std::optional<unsigned> threads_;
  std::optional<bool> validate_utf8_;
  std::optional<bool> backing_store_;
  std::optional<FlushPolicy> flush_policy_;
  std::optional<Format> format_;
};

// Options for File::save_as and File::to_bytes.
class SaveOptions {
 public:
  // Format to write. Default: the file's format (FileOptions::format).
  SaveOptions& format(Format f) {
    format_ = f;
    return *this;
  }
  std::optional<Format> format() const { return format_; }

  // Bytes written so far and the size of the whole file, reported on the saving thread
  // while the file is written (save_as, to_bytes): about every 4 MiB, and once with
  // written == total at the end. Exceptions it throws abort the save (save_as then leaves
  // the destination as it was).
  using Progress = std::function<void(std::uint64_t written, std::uint64_t total)>;
  SaveOptions& progress(Progress fn) {
    progress_ = std::move(fn);
    return *this;
  }
  const Progress& progress() const { return progress_; }

 private:
  std::optional<Format> format_;
  Progress progress_;
};

// Whether File::open_image copies the caller's bytes or borrows them.
enum class Ownership {
  copy,    // the image is copied at open; the caller's buffer may go away at once (default)
  borrow,  // the caller keeps the bytes alive and unchanged until the file's image is gone
};

// Options for File::open_image.
class ImageOptions {
 public:
  // Default Ownership::copy.
  ImageOptions& ownership(Ownership o) {
    ownership_ = o;
    return *this;
  }
  Ownership ownership() const { return ownership_; }

 private:
  Ownership ownership_ = Ownership::copy;
};

namespace detail {
// One memory-form element of `type` (which holds vlen data) at `value` -> its stored form in
// `stored`, whose handle ids are 1-based indexes into `objects` (the values' bytes).
// Throws like a dataset write of that element.
void store_fill_value(const DType& type, const void* value, std::vector<std::byte>& stored,
                      std::vector<std::vector<std::byte>>& objects);
}  // namespace detail

// Options for creating a dataset. Filters are applied in h5py's order whatever the order of
// the calls: shuffle, then deflate or lzf, then fletcher32.
//   DatasetOptions{}.chunks({64, 64, 64}).max_shape({unlimited, 512}).shuffle().deflate(4)
class DatasetOptions {
 public:
  // Chunk shape (same rank as the dataset, every entry >= 1, chunk < 4 GiB). Giving chunks
  // selects the chunked layout. Default: contiguous, unless max_shape or a filter is given,
  // in which case a chunk shape is chosen as h5py does (about 16 KiB to 1 MiB).
  DatasetOptions& chunks(Shape c) {
    chunks_ = std::move(c);
    return *this;
  }
  const std::optional<Shape>& chunks() const { return chunks_; }

  // Largest extent each dimension may be resized to (`unlimited` for no bound). Default:
  // the creation shape. Requires a chunked layout when it differs from the shape.
  DatasetOptions& max_shape(Shape m) {
    max_shape_ = std::move(m);
    return *this;
  }
  const std::optional<Shape>& max_shape() const { return max_shape_; }

  // zlib deflate at `level` 0..9 (HDF5 filter 1).
  DatasetOptions& deflate(unsigned level = 4) {
    deflate_ = level;
    return *this;
  }
  // The deflate level set, if any. (Named apart from the setter: on a non-const object
  // `o.deflate()` would call the setter with its default level.)
  std::optional<unsigned> deflate_level() const { return deflate_; }

  // LZF compression as h5py's lzf filter (id 32000). Not combinable with deflate.
  DatasetOptions& lzf() {
    lzf_ = true;
    return *this;
  }
  bool lzf_enabled() const { return lzf_; }

  // Byte shuffle before compression (HDF5 filter 2).
  DatasetOptions& shuffle() {
    shuffle_ = true;
    return *this;
  }
  bool shuffle_enabled() const { return shuffle_; }

  // Fletcher-32 checksum of every stored chunk (HDF5 filter 3); a mismatch on read raises
  // corruption naming the dataset and chunk.
  DatasetOptions& fletcher32() {
    fletcher32_ = true;
    return *this;
  }
  bool fletcher32_enabled() const { return fletcher32_; }

  // This dataset gets its own decoded-chunk cache of `n` bytes instead of the file's
  // shared one (0 disables caching for it).
  DatasetOptions& cache_bytes(std::uint64_t n) {
    cache_bytes_ = n;
    return *this;
  }
  std::optional<std::uint64_t> cache_bytes() const { return cache_bytes_; }

  // Value of elements never written. Default: all-zero bytes (and empty vlen values). The
  // value is converted to the dataset's type at creation (type_mismatch if it does not
  // convert).
  template <Element T>
  DatasetOptions& fill_value(T v) {
    return fill_value_raw(dtype_of<T>(), &v);
  }
  // A vlen string fill value (h5py's fillvalue=b"..." on a string_dtype() dataset), for
  // datasets of vlen string type.
  DatasetOptions& fill_value(std::string_view s) {
    return set_vlen_fill(DType::vlen_string(), s.data(), s.size(), s.size());
  }
  // A vlen sequence fill value, for datasets of vlen sequence type (T converts to the base).
  template <Element T>
  DatasetOptions& fill_value(const std::vector<T>& v) {
    return set_vlen_fill(DType::vlen(dtype_of<T>()), v.data(), v.size() * sizeof(T), v.size());
  }
  // Same, from one element of `type` at `value`. A type holding variable-length data takes a
  // memory-form element (std::string / Vlen<U> members, see Dataset), whose values are copied.
  DatasetOptions& fill_value_raw(const DType& type, const void* value) {
    fill_type_ = type;
    fill_objects_.clear();
    if (type.has_vlen()) {
      detail::store_fill_value(type, value, fill_bytes_, fill_objects_);
      return *this;
    }
    fill_bytes_.resize(type.size());
    std::memcpy(fill_bytes_.data(), value, type.size());
    return *this;
  }
  // The fill value as given: its type and bytes (empty when unset). For a type holding vlen
  // data the bytes are its stored form (core/vlen_elements.hpp) whose handle ids are 1-based
  // indexes into fill_objects().
  const std::optional<DType>& fill_type() const { return fill_type_; }
  const std::vector<std::byte>& fill_bytes() const { return fill_bytes_; }
  const std::vector<std::vector<std::byte>>& fill_objects() const { return fill_objects_; }

 private:
  // One vlen value of `count` items in `size` bytes as the fill value of `type`.
  DatasetOptions& set_vlen_fill(const DType& type, const void* data, std::size_t size,
                                std::uint64_t count) {
    fill_type_ = type;
    fill_objects_.clear();
    fill_bytes_.assign(16, std::byte{0});
    if (count == 0) return *this;
    const auto* p = static_cast<const std::byte*>(data);
    fill_objects_.emplace_back(p, p + size);
    const std::uint64_t handle[2] = {count, 1};  // VlenHandle {count, id}
    std::memcpy(fill_bytes_.data(), handle, sizeof handle);
    return *this;
  }

 private:
  std::optional<Shape> chunks_;
  std::optional<Shape> max_shape_;
  std::optional<unsigned> deflate_;
  bool lzf_ = false;
  bool shuffle_ = false;
  bool fletcher32_ = false;
  std::optional<std::uint64_t> cache_bytes_;
  std::optional<DType> fill_type_;
  std::vector<std::byte> fill_bytes_;
  std::vector<std::vector<std::byte>> fill_objects_;
};

}  // namespace h5mem
