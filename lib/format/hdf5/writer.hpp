// format/hdf5/writer.hpp -- encodes a whole in-memory file image as an HDF5 file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "h5mem/options.hpp"

namespace h5mem::detail {

class FileImage;

// Receives a file's bytes from offset 0 to the end, in order.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Appends `data`. May throw (e.g. IoError); the writer then stops at once.
  virtual void write(std::span<const std::byte> data) = 0;
};

// A sink that collects the bytes in memory.
class VectorSink final : public ByteSink {
 public:
  void write(std::span<const std::byte> data) override {
    bytes.insert(bytes.end(), data.begin(), data.end());
  }
  std::vector<std::byte> bytes;
};

struct WriteSettings {
  Format format = Format::earliest;
  // Called as bytes reach the sink (SaveOptions::progress); may be empty.
  SaveOptions::Progress progress;
};

// Encodes every object of `image` (groups, datasets with their stored chunks, attributes,
// vlen data) as one complete HDF5 file in `settings.format` and streams it to `sink`.
// Takes image.tree_mutex shared for the whole call and each dataset's data_mutex shared
// while reading it, so concurrent readers proceed and writers wait; callers hold neither.
// Stored chunks are written as they are (no re-encoding), so the file holds exactly the
// bytes h5mem compressed. Returns the number of bytes written.
// Throws Error(unsupported) for content the format cannot hold, and whatever `sink` throws.
std::uint64_t write_hdf5(FileImage& image, const WriteSettings& settings, ByteSink& sink);

}  // namespace h5mem::detail
