// format/hdf5/messages/continuation.cpp -- the object header continuation message.
#include "format/hdf5/messages/continuation.hpp"

namespace h5mem::detail {

ContinuationMessage decode_continuation(std::span<const std::byte> body, std::uint64_t offset,
                                        const FileSizes& sizes) {
  ByteReader r(body, offset, "continuation message");
  ContinuationMessage m;
  m.address = r.address(sizes);
  m.length = r.length(sizes);
  return m;
}

std::vector<std::byte> encode_continuation(const ContinuationMessage& m, const FileSizes& sizes) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.address(m.address, sizes);
  w.length(m.length, sizes);
  return out;
}

}  // namespace h5mem::detail
