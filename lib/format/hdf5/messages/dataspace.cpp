// format/hdf5/messages/dataspace.cpp -- the dataspace message, versions 1 and 2.
#include "format/hdf5/messages/dataspace.hpp"

#include <string>

#include "core/fail.hpp"

namespace h5mem::detail {
namespace {

constexpr std::size_t kMaxRank = 32;  // H5S_MAX_RANK
constexpr std::uint8_t kFlagMaxDims = 0x01;
constexpr std::uint8_t kFlagPermutation = 0x02;

}  // namespace

std::uint64_t DataspaceMessage::element_count() const {
  if (type == DataspaceType::null) return 0;
  std::uint64_t n = 1;
  for (std::uint64_t d : dims) {
    if (d != 0 && n > ~std::uint64_t{0} / d) {
      fail(ErrorCode::corruption, "dataspace element count overflows 64 bits");
    }
    n *= d;
  }
  return n;
}

DataspaceMessage read_dataspace(ByteReader& r, const FileSizes& sizes) {
  DataspaceMessage m;
  const std::uint64_t start = r.offset();
  m.version = r.u8();
  if (m.version != 1 && m.version != 2) {
    fail(ErrorCode::unsupported, "dataspace at byte " + std::to_string(start) +
                                     ": dataspace message version " + std::to_string(m.version));
  }
  const std::uint8_t rank = r.u8();
  const std::uint8_t flags = r.u8();
  if (rank > kMaxRank) r.fail("dataspace of rank " + std::to_string(rank));
  if (m.version == 1) {
    r.skip(5);
    m.type = rank == 0 ? DataspaceType::scalar : DataspaceType::simple;
    if (flags & kFlagPermutation) {
      fail(ErrorCode::unsupported,
           "dataspace at byte " + std::to_string(start) + ": permutation indices");
    }
  } else {
    const std::uint8_t type = r.u8();
    if (type > 2) r.fail("dataspace of unknown type " + std::to_string(type));
    m.type = static_cast<DataspaceType>(type);
    if ((m.type == DataspaceType::simple) != (rank > 0)) {
      r.fail("dataspace type " + std::to_string(type) + " with rank " + std::to_string(rank));
    }
  }
  for (std::uint8_t i = 0; i < rank; ++i) m.dims.push_back(r.length(sizes));
  if (flags & kFlagMaxDims) {
    for (std::uint8_t i = 0; i < rank; ++i) {
      std::uint64_t max = r.length(sizes);
      // Narrow length fields store "unlimited" as all ones of their own width.
      if (sizes.lengths < 8 && max == (std::uint64_t{1} << (8 * sizes.lengths)) - 1) {
        max = kUnlimitedDim;
      }
      if (max < m.dims[i]) r.fail("maximum dimension below the current one");
      m.max_dims.push_back(max);
    }
  }
  return m;
}

DataspaceMessage decode_dataspace(std::span<const std::byte> body, std::uint64_t offset,
                                  const FileSizes& sizes) {
  ByteReader r(body, offset, "dataspace message");
  return read_dataspace(r, sizes);
}

void write_dataspace(ByteWriter& w, const DataspaceMessage& m, const FileSizes& sizes) {
  if (m.version != 1 && m.version != 2) {
    fail(ErrorCode::invalid_argument, "dataspace version must be 1 or 2");
  }
  if (m.version == 1 && m.type == DataspaceType::null) {
    fail(ErrorCode::invalid_argument, "a null dataspace needs dataspace version 2");
  }
  if ((m.type == DataspaceType::simple) != !m.dims.empty() || m.dims.size() > kMaxRank ||
      (!m.max_dims.empty() && m.max_dims.size() != m.dims.size())) {
    fail(ErrorCode::invalid_argument, "dataspace dims disagree with its type or max_dims");
  }
  w.u8(m.version);
  w.u8(static_cast<std::uint8_t>(m.dims.size()));
  w.u8(m.max_dims.empty() ? 0 : kFlagMaxDims);
  if (m.version == 1) {
    w.zeros(5);
  } else {
    w.u8(static_cast<std::uint8_t>(m.type));
  }
  for (std::uint64_t d : m.dims) w.length(d, sizes);
  for (std::uint64_t d : m.max_dims) w.length(d, sizes);
}

std::vector<std::byte> encode_dataspace(const DataspaceMessage& m, const FileSizes& sizes) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  write_dataspace(w, m, sizes);
  return out;
}

}  // namespace h5mem::detail
