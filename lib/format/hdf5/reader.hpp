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
  // data are then kept as views of the bytes, not copied, until first written, and each
  // group's members are read on first use (GroupNode::children). When null the reader
  // copies what it keeps and reads every group before returning.
  std::shared_ptr<const void> owner;
  // The file's name, put in front of errors raised by reads after read_hdf5 returns.
  std::string name;
};

// What the reader learned about the file as a whole.
struct ReadResult {
  Format format = Format::earliest;  // latest if the superblock is version 2 or later
  // What the in-memory model cannot hold and the reader therefore left out, one
  // "PATH: what" line each: user-defined links, committed datatypes of unsupported types,
  // links that would make a group its own ancestor, attributes of variable-length
  // sequence types. Complete only for a read without an owner (lazy reads come later).
  std::vector<std::string> notes;
};

// Parses the HDF5 file in `bytes` (a user block before the superblock is allowed) and
// creates its groups, datasets (their stored chunks kept still encoded), attributes and
// vlen data under image.root, which must be empty, charging image.budget. With an owner
// (see ReadSettings) it reads the superblock and the root's header only: each group's
// members are built when first used, and errors in them are raised then (naming
// settings.name), leaving that group unread.
// Throws Error(corruption) naming the byte offset and structure for damaged input and
// Error(unsupported) naming the feature for valid HDF5 that h5mem cannot represent. After a
// throw the image holds an unspecified part of the file; callers discard it.
// Callers hold image.tree_mutex exclusively (or own the image alone).
ReadResult read_hdf5(std::span<const std::byte> bytes, FileImage& image,
                     const ReadSettings& settings = {});

}  // namespace h5mem::detail
