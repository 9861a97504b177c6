// codec/deflate.hpp -- the deflate filter (id 1): zlib-format streams as H5Z_FILTER_DEFLATE
// writes them (zlib header + raw DEFLATE + adler32, i.e. what zlib's compress2 produces).
//
// Two interchangeable backends produce and accept the same format: zlib (always built) and
// libdeflate (when H5MEM_HAVE_LIBDEFLATE is defined; ~3-4x faster inflate). The filter uses
// libdeflate for decoding when present and picks the encoder per DeflateEncoder. Both backends
// are exposed so tests can cross-check them.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "codec/filter.hpp"

namespace h5mem::detail {

// Returns an upper bound on the size of a zlib stream holding n bytes, valid for both backends
// at every level.
std::size_t deflate_max_encoded_size(std::size_t n) noexcept;

// REQUIRES: 0 <= level <= 9.
// Compresses `in` into `out` as one zlib stream. Returns its size, or 0 if it does not fit in
// out.size() bytes (a stream is never empty, so 0 is unambiguous). Uses per-thread compressor
// state, so concurrent calls from different threads are safe.
std::size_t deflate_encode_zlib(std::span<const std::byte> in, std::span<std::byte> out, int level);

// Inflates one zlib stream from `in` into `out`. If `exact`, the stream must decode to exactly
// out.size() bytes, else to at most that many. Returns the decoded size. Bytes after the end of
// the stream are ignored (as libhdf5 does). Throws Error(corruption) on malformed, truncated
// or oversized data; never writes outside `out`.
std::size_t inflate_zlib(std::span<const std::byte> in, std::span<std::byte> out, bool exact);

#ifdef H5MEM_HAVE_LIBDEFLATE
// Same contracts as the zlib versions, using libdeflate.
std::size_t deflate_encode_libdeflate(std::span<const std::byte> in, std::span<std::byte> out,
                                      int level);
std::size_t inflate_libdeflate(std::span<const std::byte> in, std::span<std::byte> out, bool exact);
#endif

// Builds the deflate filter for `spec` (client data {level}), compressing with the library
// `encoder` selects. Throws Error(invalid_argument) if the client data is missing or the level
// exceeds 9.
std::unique_ptr<const Filter> make_deflate_filter(const FilterSpec& spec, DeflateEncoder encoder);

}  // namespace h5mem::detail
