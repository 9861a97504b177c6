// codec/lzf.hpp -- the LZF filter (id 32000) in the format of h5py's LZF plugin (liblzf).
//
// Stream format: a sequence of items, each starting with a control byte c.
//   c < 32:  a literal run; the next c + 1 bytes are copied to the output.
//   c >= 32: a back-reference of length (c >> 5) + 2, where length code 7 is extended by the
//            next byte (so 9..264); the following byte completes the 13-bit distance
//            ((c & 31) << 8 | byte) + 1, counted back from the current output position.
// The plugin records no size in the stream: the decoded size comes from the chunk geometry.
// h5py stores a chunk that LZF cannot shrink uncompressed, with the filter's mask bit set.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "codec/filter.hpp"

namespace h5mem::detail {

// Returns the largest stream lzf_encode can produce for n bytes (all literals).
std::size_t lzf_max_encoded_size(std::size_t n) noexcept;

// Compresses `in` into `out`. Returns the stream size, or 0 if it does not fit in out.size()
// bytes or `in` is empty. Deterministic; thread-safe (its hash table is per thread).
std::size_t lzf_encode(std::span<const std::byte> in, std::span<std::byte> out);

// Decodes an LZF stream into `out`. If `exact`, it must decode to exactly out.size() bytes,
// else to at most that many. Returns the decoded size; bytes of `out` past it are unspecified,
// as is all of `out` after a throw. Throws Error(corruption) on truncated
// input, a back-reference before the start of the output or output beyond out.size(); never
// reads or writes outside the spans, and runs in time linear in in.size() + out.size().
std::size_t lzf_decode(std::span<const std::byte> in, std::span<std::byte> out, bool exact);

// Builds the LZF filter; its client data is informational and not checked.
std::unique_ptr<const Filter> make_lzf_filter(const FilterSpec& spec);

}  // namespace h5mem::detail
