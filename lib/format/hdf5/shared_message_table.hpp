// format/hdf5/shared_message_table.hpp -- the shared object header message table (SOHM):
// where libhdf5 keeps messages that several objects share when the file was created with
// H5Pset_shared_mesg_nindexes. The superblock extension's Shared Message Table message
// points at the table ("SMTB"); each index of the table names the message types it holds
// and the fractal heap storing them. A message shared through the heap is replaced in the
// object header by a reference holding its fractal heap ID (shared_message.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/hdf5/index_common.hpp"

namespace h5mem::detail {

// The body of a Shared Message Table message (type 0x000F, in the superblock extension).
struct SharedMessageTableMessage {
  std::uint64_t table_address = kUndefinedAddress;
  unsigned index_count = 0;
};

// Decodes the message body found at absolute byte `offset` (for errors). Throws corruption
// if it is truncated, unsupported for a version other than 0.
SharedMessageTableMessage decode_shared_message_table_message(std::span<const std::byte> body,
                                                              std::uint64_t offset,
                                                              const FileSizes& sizes);

// One index of the table: the message types it tracks and where their bodies are.
struct SharedMessageIndex {
  // Bit (1 << message type) for each type tracked, as libhdf5 writes it (dataspace 0x01,
  // datatype 0x03, fill value 0x05, filter pipeline 0x0B, attribute 0x0C).
  std::uint16_t message_types = 0;
  std::uint64_t heap_address = kUndefinedAddress;  // fractal heap of the shared bodies

  bool tracks(std::uint16_t message_type) const noexcept {
    return message_type < 16 && (message_types >> message_type) & 1u;
  }
};

// Reads the table of `count` indexes at `address`, verifying its signature and checksum.
// Throws corruption naming the table and its offset.
std::vector<SharedMessageIndex> read_shared_message_table(const FileView& file,
                                                          std::uint64_t address, unsigned count);

}  // namespace h5mem::detail
