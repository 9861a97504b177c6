// format/hdf5/messages/fill_value.cpp -- fill value messages, old and versions 1-3.
#include "format/hdf5/messages/fill_value.hpp"

#include <string>

#include "core/fail.hpp"
#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {
namespace {

constexpr std::uint8_t kAllocMask = 0x03;
constexpr std::uint8_t kWriteShift = 2;
constexpr std::uint8_t kWriteMask = 0x03;
constexpr std::uint8_t kFlagUndefined = 0x10;
constexpr std::uint8_t kFlagHaveValue = 0x20;
constexpr std::uint32_t kUndefinedSize = 0xFFFFFFFFu;  // -1 as libhdf5 stores it

void read_value(ByteReader& r, FillValueMessage& m) {
  const std::uint32_t size = r.u32();
  if (size == kUndefinedSize && m.version <= 2) {
    m.undefined = true;
    return;
  }
  auto v = r.bytes(size);
  m.value.assign(v.begin(), v.end());
}

}  // namespace

FillValueMessage decode_fill_value(std::span<const std::byte> body, std::uint64_t offset) {
  ByteReader r(body, offset, "fill value message");
  FillValueMessage m;
  m.version = r.u8();
  if (m.version < 1 || m.version > 3) {
    fail(ErrorCode::unsupported, "fill value message at byte " + std::to_string(offset) +
                                     ": version " + std::to_string(m.version));
  }
  if (m.version <= 2) {
    const std::uint8_t alloc = r.u8();
    const std::uint8_t write = r.u8();
    if (alloc > 3 || write > 2) r.fail("unknown allocation or fill write time");
    m.alloc_time = static_cast<FillAllocTime>(alloc);
    m.write_time = static_cast<FillWriteTime>(write);
    m.defined = r.u8() != 0;
    if (m.version == 1 || m.defined) read_value(r, m);
    return m;
  }
  const std::uint8_t flags = r.u8();
  if (flags & 0xC0) r.fail("reserved fill value flag bits set");
  const std::uint8_t write = (flags >> kWriteShift) & kWriteMask;
  if (write > 2) r.fail("unknown fill write time");
  m.alloc_time = static_cast<FillAllocTime>(flags & kAllocMask);
  m.write_time = static_cast<FillWriteTime>(write);
  m.undefined = flags & kFlagUndefined;
  m.defined = flags & kFlagHaveValue;
  if (m.undefined && m.defined) r.fail("fill value both defined and undefined");
  if (m.defined) read_value(r, m);
  return m;
}

std::vector<std::byte> encode_fill_value(const FillValueMessage& m) {
  if (m.version < 1 || m.version > 3) {
    fail(ErrorCode::invalid_argument, "fill value message version must be 1, 2 or 3");
  }
  if (m.undefined && !m.value.empty()) {
    fail(ErrorCode::invalid_argument, "an undefined fill value cannot have bytes");
  }
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u8(m.version);
  auto write_value = [&] {
    w.u32(m.undefined ? kUndefinedSize : static_cast<std::uint32_t>(m.value.size()));
    w.bytes(m.value);
  };
  if (m.version <= 2) {
    w.u8(static_cast<std::uint8_t>(m.alloc_time));
    w.u8(static_cast<std::uint8_t>(m.write_time));
    w.u8(m.defined ? 1 : 0);
    if (m.version == 1 || m.defined) write_value();
    return out;
  }
  std::uint8_t flags = static_cast<std::uint8_t>(m.alloc_time) & kAllocMask;
  flags |= (static_cast<std::uint8_t>(m.write_time) & kWriteMask) << kWriteShift;
  if (m.undefined) flags |= kFlagUndefined;
  if (m.defined) flags |= kFlagHaveValue;
  w.u8(flags);
  if (m.defined) write_value();
  return out;
}

FillValueMessage decode_old_fill_value(std::span<const std::byte> body, std::uint64_t offset) {
  ByteReader r(body, offset, "old fill value message");
  FillValueMessage m;
  m.version = 0;
  auto v = r.bytes(r.u32());
  m.value.assign(v.begin(), v.end());
  m.defined = !m.value.empty();
  return m;
}

std::vector<std::byte> encode_old_fill_value(std::span<const std::byte> value) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u32(static_cast<std::uint32_t>(value.size()));
  w.bytes(value);
  return out;
}

}  // namespace h5mem::detail
