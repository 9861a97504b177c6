#include "format/hdf5/shared_message_table.hpp"

#include <string_view>

#include "core/fail.hpp"

namespace h5mem::detail {
namespace {

constexpr std::string_view kTable = "shared object header message table";
// Version, index type, message type flags, minimum message size, list cutoff, B-tree
// cutoff, message count; then the index and heap addresses.
constexpr std::uint64_t kIndexFixedBytes = 1 + 1 + 2 + 4 + 2 + 2 + 2;

}  // namespace

SharedMessageTableMessage decode_shared_message_table_message(std::span<const std::byte> body,
                                                              std::uint64_t offset,
                                                              const FileSizes& sizes) {
  ByteReader r(body, offset, "shared message table message");
  const std::uint8_t version = r.u8();
  if (version != 0) {
    fail(ErrorCode::unsupported, "shared message table message version " + std::to_string(version) +
                                     " at byte " + std::to_string(offset));
  }
  SharedMessageTableMessage m;
  m.table_address = r.address(sizes);
  m.index_count = r.u8();
  return m;
}

std::vector<SharedMessageIndex> read_shared_message_table(const FileView& file,
                                                          std::uint64_t address, unsigned count) {
  const FileSizes& s = file.sizes;
  const std::uint64_t size = 4 + count * (kIndexFixedBytes + 2u * s.offsets) + 4;
  ByteReader r = file.at(address, size, kTable);
  ByteReader all = r;
  r.expect_signature("SMTB");
  std::vector<SharedMessageIndex> out;
  for (unsigned i = 0; i < count; ++i) {
    if (const std::uint8_t version = r.u8(); version != 0) {
      r.fail("index version " + std::to_string(version));
    }
    (void)r.u8();  // list or B-tree: reading bodies needs only their heap IDs
    SharedMessageIndex index;
    index.message_types = r.u16();
    (void)r.u32();  // minimum message size
    (void)r.u16();  // list cutoff
    (void)r.u16();  // B-tree cutoff
    (void)r.u16();  // message count
    (void)r.address(s);
    index.heap_address = r.address(s);
    out.push_back(index);
  }
  verify_checksum(r, all.bytes(size));
  return out;
}

}  // namespace h5mem::detail
