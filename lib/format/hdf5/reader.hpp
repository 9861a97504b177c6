// format/hdf5/reader.hpp -- builds an in-memory file image from an HDF5 file's bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "h5mem/options.hpp"

namespace h5mem::detail {

class FileImage;

struct ReadSettings {
  // When set, keeps the file's bytes alive and unchanged for as long as it lives (a file
  // mapping, or a caller's image lent with Ownership::borrow): stored chunks and contiguous
  // data are then kept as views of the bytes, not copied, until first written. When null
  // the reader copies what it keeps.
  std::shared_ptr<const void> owner;
};

// What the reader learned about the file as a whole.
struct ReadResult {
  Format format = Format::earliest;  // latest if the superblock is version 2 or later
  // What the in-memory model cannot hold and the reader therefore left out, one
  // "PATH: what" line each: soft, external and user-defined links, committed datatypes,
  // links that would make a group its own ancestor, attributes of variable-length
  // sequence types.
  std::vector<std::string> notes;
};

// Parses the HDF5 file in `bytes` (a user block before the superblock is allowed) and
// creates its groups, datasets (their stored chunks kept still encoded), attributes and
// vlen data under image.root, which must be empty, charging image.budget.
// Throws Error(corruption) naming the byte offset and structure for damaged input and
// Error(unsupported) naming the feature for valid HDF5 that h5mem cannot represent. After a
// throw the image holds an unspecified part of the file; callers discard it.
// Callers hold image.tree_mutex exclusively (or own the image alone).
ReadResult read_hdf5(std::span<const std::byte> bytes, FileImage& image,
                     const ReadSettings& settings = {});

}  // namespace h5mem::detail
