// format/hdf5/checksum.hpp -- the checksum of HDF5 v2 metadata structures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace h5mem::detail {

// Returns Bob Jenkins' lookup3 hashlittle() of `data` with seed `initval`, read byte by byte so
// the result is the same for any alignment and host byte order. With initval 0 this is
// libhdf5's H5_checksum_lookup3 / H5_checksum_metadata, the 4-byte checksum that ends
// superblocks v2/v3, v2 object headers, B-tree v2 nodes, heaps and other v2 structures; it is
// computed over every byte of the structure before the checksum field and stored
// little-endian. Examples: lookup3({}) == 0xdeadbeef.
std::uint32_t lookup3(std::span<const std::byte> data, std::uint32_t initval = 0) noexcept;

}  // namespace h5mem::detail
