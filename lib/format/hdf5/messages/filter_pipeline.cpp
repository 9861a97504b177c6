// format/hdf5/messages/filter_pipeline.cpp -- the filter pipeline message, versions 1 and 2.
#include "format/hdf5/messages/filter_pipeline.hpp"

#include <string>

#include "core/fail.hpp"
#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {
namespace {

constexpr std::size_t kMaxFilters = 32;       // H5Z_MAX_NFILTERS
constexpr std::uint16_t kFirstNamedId = 256;  // v2 stores names only from here on

std::size_t align8(std::size_t n) {
  return (n + 7) & ~std::size_t{7};
}

bool stores_name_length(std::uint8_t version, std::uint16_t id) {
  return version == 1 || id >= kFirstNamedId;
}

}  // namespace

FilterPipelineMessage decode_filter_pipeline(std::span<const std::byte> body,
                                             std::uint64_t offset) {
  ByteReader r(body, offset, "filter pipeline message");
  FilterPipelineMessage m;
  m.version = r.u8();
  if (m.version != 1 && m.version != 2) {
    fail(ErrorCode::unsupported, "filter pipeline message at byte " + std::to_string(offset) +
                                     ": version " + std::to_string(m.version));
  }
  const std::uint8_t count = r.u8();
  if (count > kMaxFilters) r.fail(std::to_string(count) + " filters (at most 32)");
  if (m.version == 1) r.skip(6);
  for (std::uint8_t i = 0; i < count; ++i) {
    FilterDescription f;
    f.id = r.u16();
    const std::uint16_t name_length = stores_name_length(m.version, f.id) ? r.u16() : 0;
    f.flags = r.u16();
    const std::uint16_t values = r.u16();
    if (name_length > 0) f.name = r.string(name_length);
    for (std::uint16_t v = 0; v < values; ++v) f.client_data.push_back(r.u32());
    if (m.version == 1 && values % 2 == 1) r.skip(4);
    m.filters.push_back(std::move(f));
  }
  return m;
}

std::vector<std::byte> encode_filter_pipeline(const FilterPipelineMessage& m) {
  if (m.version != 1 && m.version != 2) {
    fail(ErrorCode::invalid_argument, "filter pipeline version must be 1 or 2");
  }
  if (m.filters.size() > kMaxFilters) {
    fail(ErrorCode::invalid_argument, "a filter pipeline holds at most 32 filters");
  }
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u8(m.version);
  w.u8(static_cast<std::uint8_t>(m.filters.size()));
  if (m.version == 1) w.zeros(6);
  for (const FilterDescription& f : m.filters) {
    if (f.client_data.size() > 0xFFFF) {
      fail(ErrorCode::invalid_argument, "filter with more than 65535 client data values");
    }
    w.u16(f.id);
    std::size_t name_length = 0;
    if (stores_name_length(m.version, f.id)) {
      if (!f.name.empty()) name_length = f.name.size() + 1;
      if (m.version == 1) name_length = align8(name_length);
      if (name_length > 0xFFFF) fail(ErrorCode::invalid_argument, "filter name too long");
      w.u16(static_cast<std::uint16_t>(name_length));
    }
    w.u16(f.flags);
    w.u16(static_cast<std::uint16_t>(f.client_data.size()));
    if (name_length > 0) {
      w.text(f.name);
      w.zeros(name_length - f.name.size());
    }
    for (std::uint32_t v : f.client_data) w.u32(v);
    if (m.version == 1 && f.client_data.size() % 2 == 1) w.u32(0);
  }
  return out;
}

}  // namespace h5mem::detail
