// format/hdf5/messages/shared_message.hpp -- the reference that replaces a message body when
// its header message flags say "shared": where the real message lives (another object's
// header, i.e. a committed datatype, or the shared object header message heap). Resolving
// the reference is the reader's job.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

// Where a shared message is stored (version 3 "type"; versions 1/2 always mean committed).
enum class SharedLocation : std::uint8_t {
  not_shared = 0,
  heap = 1,       // in the file's shared object header message heap; see heap_id
  committed = 2,  // in another object's header; see address
  shareable = 3,
};

struct SharedMessage {
  std::uint8_t version = 3;  // 1, 2 or 3
  SharedLocation location = SharedLocation::committed;
  std::uint64_t address = kUndefinedAddress;  // committed: the object header holding it
  std::array<std::byte, 8> heap_id{};         // heap: fractal heap ID of the message

  bool operator==(const SharedMessage&) const = default;
};

// Decodes a shared message reference at relative address `offset` (used only in error
// messages). Version 1 and 2 references are committed; version 1 has six reserved bytes
// before the address. Trailing bytes are ignored.
// Throws Error(corruption) if truncated or of an unknown location type; Error(unsupported)
// for versions other than 1-3.
SharedMessage decode_shared_message(std::span<const std::byte> body, std::uint64_t offset,
                                    const FileSizes& sizes);

// Decodes a reference at the reader's position (inside attribute messages).
SharedMessage read_shared_message(ByteReader& r, const FileSizes& sizes);

// Appends the encoding of `m` in m.version's layout.
// Throws Error(invalid_argument) for a version other than 1-3, or a heap location before v3.
void write_shared_message(ByteWriter& w, const SharedMessage& m, const FileSizes& sizes);

// Returns the encoding of `m` (see write_shared_message).
std::vector<std::byte> encode_shared_message(const SharedMessage& m, const FileSizes& sizes);

}  // namespace h5mem::detail
