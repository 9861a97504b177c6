// format/hdf5/messages/fill_value.hpp -- the fill value messages: the old one (0x0004, a bare
// value) and the new one (0x0005, versions 1-3, with allocation and write-time policy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace h5mem::detail {

// When a dataset's raw storage is allocated (0 is "not used" in versions 1 and 2).
enum class FillAllocTime : std::uint8_t { unset = 0, early = 1, late = 2, incremental = 3 };

// When the fill value is written into newly allocated storage.
enum class FillWriteTime : std::uint8_t { on_alloc = 0, never = 1, if_set = 2 };

struct FillValueMessage {
  // 1, 2 or 3 for message type 0x0005; 0 for an old (0x0004) message, which stores only a
  // value.
  std::uint8_t version = 3;
  FillAllocTime alloc_time = FillAllocTime::late;
  FillWriteTime write_time = FillWriteTime::if_set;
  // Versions 1/2: the "fill value defined" byte; version 3: flag bit 5 (a size and value are
  // stored). In versions 2 and 3 the size and value are present only when this is set;
  // version 1 always stores the size. libhdf5 writes its default fill (zeros) as "defined"
  // with an empty value in versions 1/2 and as neither defined nor undefined in version 3, so
  // readers should use `value` when non-empty and zeros otherwise unless `undefined`.
  bool defined = true;
  // The user marked the fill value undefined: version 3 flag bit 4, or a stored size of -1
  // in versions 1/2 (no value bytes follow).
  bool undefined = false;
  std::vector<std::byte> value;  // the fill value's bytes in the dataset's datatype

  bool operator==(const FillValueMessage&) const = default;
};

// Decodes a new-style (0x0005) fill value message body at relative address `offset` (used
// only in error messages). Trailing bytes are ignored.
// Throws Error(corruption) if truncated, or for version 3 both "defined" and "undefined"
// set; Error(unsupported) for versions other than 1-3.
FillValueMessage decode_fill_value(std::span<const std::byte> body, std::uint64_t offset);

// Encodes a new-style fill value message in m.version's layout, as libhdf5 does.
// Throws Error(invalid_argument) for versions other than 1-3 or a value with `undefined`.
std::vector<std::byte> encode_fill_value(const FillValueMessage& m);

// Decodes an old-style (0x0004) message: a 4-byte size and the value. Returns version 0,
// defined iff the size is positive. Throws Error(corruption) if truncated.
FillValueMessage decode_old_fill_value(std::span<const std::byte> body, std::uint64_t offset);

// Encodes an old-style (0x0004) message holding `value`.
std::vector<std::byte> encode_old_fill_value(std::span<const std::byte> value);

}  // namespace h5mem::detail
