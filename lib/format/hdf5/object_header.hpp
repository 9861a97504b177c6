// format/hdf5/object_header.hpp -- version 1 and 2 object headers: the prefix, the chunks
// (the first one plus continuation blocks) and the raw messages they hold. Interpreting a
// message body is the job of the codecs in messages/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {

// Header message type numbers (format spec IV.A.2).
enum class HeaderMessageType : std::uint16_t {
  nil = 0x00,
  dataspace = 0x01,
  link_info = 0x02,
  datatype = 0x03,
  fill_value_old = 0x04,
  fill_value = 0x05,
  link = 0x06,
  external_files = 0x07,
  layout = 0x08,
  bogus = 0x09,
  group_info = 0x0A,
  filter_pipeline = 0x0B,
  attribute = 0x0C,
  comment = 0x0D,
  modification_time_old = 0x0E,
  shared_message_table = 0x0F,
  continuation = 0x10,
  symbol_table = 0x11,
  modification_time = 0x12,
  btree_k = 0x13,
  driver_info = 0x14,
  attribute_info = 0x15,
  reference_count = 0x16,
  file_space_info = 0x17,
};

// Header message flag bits.
inline constexpr std::uint8_t kMessageConstant = 0x01;  // value never changes
inline constexpr std::uint8_t kMessageShared = 0x02;    // body is a shared-message reference
inline constexpr std::uint8_t kMessageDontShare = 0x04;
inline constexpr std::uint8_t kMessageFailIfUnknownWrite = 0x08;
inline constexpr std::uint8_t kMessageMarkIfUnknown = 0x10;
inline constexpr std::uint8_t kMessageWasUnknown = 0x20;
inline constexpr std::uint8_t kMessageShareable = 0x40;
inline constexpr std::uint8_t kMessageFailIfUnknownAlways = 0x80;

// One message as stored: type, flags and the undecoded body.
struct HeaderMessage {
  std::uint16_t type = 0;  // a HeaderMessageType value (v2 headers store one byte)
  std::uint8_t flags = 0;  // kMessage* bits
  // Creation order of this message among those of its type; stored only when the v2 header
  // tracks attribute creation order.
  std::uint16_t creation_order = 0;
  // The body. Decoded v1 bodies include the zero padding to a multiple of 8; the encoder pads
  // v1 bodies itself, so callers may pass unpadded ones.
  std::vector<std::byte> body;
  std::uint32_t chunk = 0;    // index into ObjectHeader::chunks holding this message
  std::uint64_t address = 0;  // decoded only: relative file address of the body's first byte

  HeaderMessageType kind() const noexcept { return static_cast<HeaderMessageType>(type); }
};

// One contiguous block of the header: chunk 0 (prefix + messages [+ checksum]) or a
// continuation block (v2: "OCHK" + messages + checksum).
struct HeaderChunk {
  std::uint64_t address = kUndefinedAddress;  // relative address of the block's first byte
  std::uint64_t size = 0;                     // bytes of the whole block as stored
  // v2 only: unused bytes before the checksum, too few to hold a NIL message.
  std::uint64_t gap = 0;
};

// Access, modification, change and birth times (v2 flag bit 5), in seconds since the epoch.
struct ObjectTimes {
  std::uint32_t access = 0;
  std::uint32_t modification = 0;
  std::uint32_t change = 0;
  std::uint32_t birth = 0;

  bool operator==(const ObjectTimes&) const = default;
};

// Non-default attribute storage phase change values (v2 flag bit 4).
struct AttributePhaseChange {
  std::uint16_t max_compact = 8;
  std::uint16_t min_dense = 6;

  bool operator==(const AttributePhaseChange&) const = default;
};

// A whole object header. Messages are listed chunk by chunk in stored order, including NIL
// and continuation messages; the k-th continuation message (in list order) refers to chunk
// k + 1, which is how libhdf5 numbers chunks when it reads them.
struct ObjectHeader {
  std::uint8_t version = 2;  // 1 or 2
  // Version 1: hard link count. Version 2 keeps it in a reference count message instead.
  std::uint32_t reference_count = 1;
  // Version 1: the stored "total number of header messages" (decoded only; the encoder
  // writes messages.size()).
  std::uint16_t stored_message_count = 0;
  // Version 2 prefix fields.
  bool track_attribute_order = false;  // flag bit 2; messages then carry creation_order
  bool index_attribute_order = false;  // flag bit 3
  std::optional<AttributePhaseChange> phase_change;
  std::optional<ObjectTimes> times;
  // Width in bytes of the v2 "size of chunk #0" field (1, 2, 4 or 8); 0 lets the encoder pick
  // the smallest that fits, as libhdf5 does.
  std::uint8_t chunk0_size_width = 0;

  std::vector<HeaderChunk> chunks;
  std::vector<HeaderMessage> messages;
};

// Limits for decode_object_header.
struct ObjectHeaderLimits {
  // Refuse headers with more chunks than this (libhdf5 never needs many).
  std::size_t max_chunks = 65536;
};

// Decodes the object header at relative address `address` of `file` (the relative address
// space: file bytes from the superblock's location on), following continuation messages in
// the order libhdf5 does.
// Throws Error(corruption), naming the structure and byte offset, when a chunk lies outside
// `file` or overlaps another chunk or was already visited (cycles), a signature, version or
// checksum is wrong, a message overruns its chunk, or a continuation message is malformed;
// Error(unsupported) for object header versions other than 1 and 2. Never reads outside
// `file` and always terminates.
ObjectHeader decode_object_header(std::span<const std::byte> file, std::uint64_t address,
                                  const FileSizes& sizes, const ObjectHeaderLimits& limits = {});

// Encodes `header` exactly as laid out: every chunk with its messages in list order (v1
// bodies zero-padded to 8 bytes), the v2 gap of each chunk, v2 checksums. Continuation
// message bodies are written as given (see assign_chunk_addresses). Returns one byte vector
// per chunk, to be stored at chunks[i].address; element 0 starts with the prefix.
// Throws Error(invalid_argument) if a message names a chunk that does not exist, a v2
// message type exceeds 255 or a body exceeds 65535 bytes, a v1 header has a gap, or
// chunk0_size_width cannot hold chunk 0's size.
std::vector<std::vector<std::byte>> encode_object_header(const ObjectHeader& header,
                                                         const FileSizes& sizes);

// Options for plan_object_header.
struct ObjectHeaderPlan {
  // Maximum bytes of message data (message prefixes + bodies, excluding the header prefix,
  // "OCHK" and checksums) per chunk; 0 = unlimited. A message larger than this gets a chunk of
  // its own.
  std::size_t max_chunk_data = 0;
  // Minimum message data bytes of chunk 0; libhdf5 reserves room for later messages and fills
  // it with a NIL message (or a v2 gap when too small for one).
  std::size_t min_chunk0_data = 0;
};

// Lays `messages` (their chunk fields are ignored) out into chunks under `plan`, inserting
// continuation messages whose addresses are still undefined, NIL padding and gaps, for a
// header whose prefix is given by `prefix` (its chunks and messages are ignored). The
// returned header's chunks have sizes but no addresses: place them, then call
// assign_chunk_addresses and encode_object_header.
// Throws Error(invalid_argument) for a version other than 1 and 2 or a body too large.
ObjectHeader plan_object_header(const ObjectHeader& prefix, std::vector<HeaderMessage> messages,
                                const ObjectHeaderPlan& plan, const FileSizes& sizes);

// Records where each chunk lives and rewrites every continuation message body to point at
// its chunk (the k-th continuation message gets chunk k + 1).
// Throws Error(invalid_argument) unless addresses.size() == header.chunks.size() and the
// continuation messages match the chunks.
void assign_chunk_addresses(ObjectHeader& header, std::span<const std::uint64_t> addresses,
                            const FileSizes& sizes);

}  // namespace h5mem::detail
