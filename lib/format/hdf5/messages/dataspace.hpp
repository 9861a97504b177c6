// format/hdf5/messages/dataspace.hpp -- the dataspace message (0x0001): rank, current and
// maximum dimensions of a dataset or attribute.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

// The "unlimited" maximum dimension (all bits set in a length field).
inline constexpr std::uint64_t kUnlimitedDim = ~std::uint64_t{0};

enum class DataspaceType : std::uint8_t { scalar = 0, simple = 1, null = 2 };

struct DataspaceMessage {
  // 1 or 2. Version 1 cannot express null dataspaces; libhdf5 writes 1 unless the file asks
  // for the latest format or the dataspace is null.
  std::uint8_t version = 2;
  DataspaceType type = DataspaceType::simple;  // scalar and null have no dims
  std::vector<std::uint64_t> dims;             // slowest-changing first
  // Stored maximum dimensions (kUnlimitedDim for unlimited), or empty when not stored (then
  // they equal dims).
  std::vector<std::uint64_t> max_dims;

  std::size_t rank() const noexcept { return dims.size(); }
  // Number of elements: 1 for scalar, 0 for null, else the product of dims. Throws
  // Error(corruption) if the product overflows 64 bits.
  std::uint64_t element_count() const;

  bool operator==(const DataspaceMessage&) const = default;
};

// Decodes a dataspace message body that starts at relative address `offset` (used only in
// error messages); lengths are sizes.lengths bytes. A version 1 message of rank 0 is scalar.
// Throws Error(corruption) if truncated, of rank above 32, of a type that disagrees with its
// rank, or with a maximum below the current size; Error(unsupported) for versions other than
// 1 and 2 and for v1 permutation indices (never implemented by libhdf5).
DataspaceMessage decode_dataspace(std::span<const std::byte> body, std::uint64_t offset,
                                  const FileSizes& sizes);

// Decodes one dataspace at the reader's position (for attributes), leaving the reader after it.
DataspaceMessage read_dataspace(ByteReader& r, const FileSizes& sizes);

// Encodes `m` as libhdf5 does (v1: five reserved bytes after the flags).
// Throws Error(invalid_argument) for a null dataspace in version 1, a version other than 1
// and 2, dims on a scalar/null type, or max_dims of a different rank than dims.
std::vector<std::byte> encode_dataspace(const DataspaceMessage& m, const FileSizes& sizes);

// Appends the encoding of `m` to `w`.
void write_dataspace(ByteWriter& w, const DataspaceMessage& m, const FileSizes& sizes);

}  // namespace h5mem::detail
