// format/hdf5/object_header.cpp -- decoding, encoding and laying out v1/v2 object headers.
#include "format/hdf5/object_header.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <string>
#include <utility>

#include "core/fail.hpp"
#include "format/hdf5/checksum.hpp"
#include "format/hdf5/messages/continuation.hpp"

namespace h5mem::detail {
namespace {

constexpr std::size_t kV1PrefixSize = 16;  // version .. header size, then 4 bytes of padding
constexpr std::size_t kV1MessagePrefix = 8;
constexpr std::size_t kChecksumSize = 4;
constexpr std::uint8_t kFlagWidthMask = 0x03;
constexpr std::uint8_t kFlagTrackOrder = 0x04;
constexpr std::uint8_t kFlagIndexOrder = 0x08;
constexpr std::uint8_t kFlagPhaseChange = 0x10;
constexpr std::uint8_t kFlagTimes = 0x20;

std::size_t align8(std::size_t n) {
  return (n + 7) & ~std::size_t{7};
}

// Type, size, flags (and v1 reserved bytes or v2 creation order) before each body.
std::size_t message_prefix(const ObjectHeader& h) {
  if (h.version == 1) return kV1MessagePrefix;
  return h.track_attribute_order ? 6 : 4;
}

std::size_t stored_body_size(const ObjectHeader& h, std::size_t body) {
  return h.version == 1 ? align8(body) : body;
}

// Tracks the byte ranges already claimed by chunks so a corrupt header can neither loop nor
// make us re-read (and multiply) the same bytes.
class ChunkRanges {
 public:
  void claim(std::uint64_t start, std::uint64_t size, std::uint64_t file_size,
             std::string_view structure) {
    if (size == 0 || start > file_size || size > file_size - start) {
      fail_corrupt(structure, start,
                   "block of " + std::to_string(size) + " bytes outside the " +
                       std::to_string(file_size) + "-byte file");
    }
    for (const auto& [s, e] : ranges_) {
      if (start < e && s < start + size) {
        fail_corrupt(structure, start, "block overlaps another block of the same header");
      }
    }
    ranges_.emplace_back(start, start + size);
  }

 private:
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges_;
};

struct PendingChunk {
  std::uint64_t address;
  std::uint64_t length;
};

// Parses the messages of one chunk's message area `data` (which starts at relative address
// `base`), appending them to `h.messages` and continuation targets to `pending`.
void parse_messages(ObjectHeader& h, std::span<const std::byte> data, std::uint64_t base,
                    std::uint32_t chunk, const FileSizes& sizes,
                    std::deque<PendingChunk>& pending) {
  ByteReader r(data, base, "object header message");
  const std::size_t prefix = message_prefix(h);
  while (r.remaining() >= prefix) {
    HeaderMessage m;
    m.chunk = chunk;
    std::size_t size = 0;
    if (h.version == 1) {
      m.type = r.u16();
      size = r.u16();
      m.flags = r.u8();
      r.skip(3);
      if (size % 8 != 0) r.fail("v1 message size " + std::to_string(size) + " not a multiple of 8");
    } else {
      m.type = r.u8();
      size = r.u16();
      m.flags = r.u8();
      if (h.track_attribute_order) m.creation_order = r.u16();
    }
    if (size > r.remaining()) {
      r.fail("message of type " + std::to_string(m.type) + " and " + std::to_string(size) +
             " bytes overruns its chunk");
    }
    m.address = r.offset();
    auto body = r.bytes(size);
    m.body.assign(body.begin(), body.end());
    if (m.kind() == HeaderMessageType::continuation) {
      auto c = decode_continuation(m.body, m.address, sizes);
      pending.push_back({c.address, c.length});
    }
    h.messages.push_back(std::move(m));
  }
  if (h.version == 1 && r.remaining() != 0) {
    r.fail(std::to_string(r.remaining()) + " stray bytes after the last v1 message");
  }
  h.chunks[chunk].gap = r.remaining();
}

// Checks the v2 checksum that ends `block` (relative address `address`).
void verify_checksum(std::span<const std::byte> block, std::uint64_t address,
                     std::string_view structure) {
  const std::size_t n = block.size() - kChecksumSize;
  ByteReader r(block.subspan(n), address + n, structure);
  if (r.u32() != lookup3(block.first(n))) fail_corrupt(structure, address + n, "checksum mismatch");
}

// Decodes the v2 prefix at `r` (after "OHDR") and returns the size of chunk 0's message area.
std::uint64_t read_v2_prefix(ByteReader& r, ObjectHeader& h) {
  const std::uint8_t version = r.u8();
  if (version != 2) {
    fail(ErrorCode::unsupported, "object header at byte " + std::to_string(r.offset() - 5) +
                                     ": OHDR version " + std::to_string(version));
  }
  const std::uint8_t flags = r.u8();
  if (flags & 0xC0) r.fail("reserved object header flag bits set");
  h.track_attribute_order = flags & kFlagTrackOrder;
  h.index_attribute_order = flags & kFlagIndexOrder;
  if (flags & kFlagTimes) {
    ObjectTimes t;
    t.access = r.u32();
    t.modification = r.u32();
    t.change = r.u32();
    t.birth = r.u32();
    h.times = t;
  }
  if (flags & kFlagPhaseChange) {
    AttributePhaseChange p;
    p.max_compact = r.u16();
    p.min_dense = r.u16();
    h.phase_change = p;
  }
  h.chunk0_size_width = static_cast<std::uint8_t>(1u << (flags & kFlagWidthMask));
  return r.uint_n(h.chunk0_size_width);
}

}  // namespace

ObjectHeader decode_object_header(std::span<const std::byte> file, std::uint64_t address,
                                  const FileSizes& sizes, const ObjectHeaderLimits& limits) {
  if (address == kUndefinedAddress || address >= file.size()) {
    fail_corrupt("object header", address,
                 "address outside the " + std::to_string(file.size()) + "-byte file");
  }
  ObjectHeader h;
  ChunkRanges ranges;
  std::deque<PendingChunk> pending;
  ByteReader r(file.subspan(address), address, "object header");
  if (r.remaining() >= 4 && std::memcmp(file.data() + address, "OHDR", 4) == 0) {
    r.skip(4);
    h.version = 2;
    const std::uint64_t size0 = read_v2_prefix(r, h);
    const std::uint64_t prefix = r.position();
    if (size0 > r.remaining() || r.remaining() - size0 < kChecksumSize) {
      r.fail("chunk #0 of " + std::to_string(size0) + " bytes overruns the file");
    }
    const std::uint64_t total = prefix + size0 + kChecksumSize;
    ranges.claim(address, total, file.size(), "object header");
    verify_checksum(file.subspan(address, total), address, "object header");
    h.chunks.push_back({address, total, 0});
    parse_messages(h, file.subspan(address + prefix, size0), address + prefix, 0, sizes, pending);
  } else {
    h.version = r.u8();
    if (h.version != 1) {
      fail(ErrorCode::unsupported, "object header at byte " + std::to_string(address) +
                                       ": no OHDR signature and version " +
                                       std::to_string(h.version) + " is not 1");
    }
    r.skip(1);
    h.stored_message_count = r.u16();
    h.reference_count = r.u32();
    const std::uint64_t size0 = r.u32();
    r.skip(4);
    if (size0 > r.remaining())
      r.fail("header of " + std::to_string(size0) + " bytes overruns the file");
    ranges.claim(address, kV1PrefixSize + size0, file.size(), "object header");
    h.chunks.push_back({address, kV1PrefixSize + size0, 0});
    parse_messages(h, file.subspan(address + kV1PrefixSize, size0), address + kV1PrefixSize, 0,
                   sizes, pending);
  }
  while (!pending.empty()) {
    const PendingChunk c = pending.front();
    pending.pop_front();
    if (h.chunks.size() >= limits.max_chunks) {
      fail_corrupt("object header", address,
                   "more than " + std::to_string(limits.max_chunks) + " chunks");
    }
    const auto index = static_cast<std::uint32_t>(h.chunks.size());
    ranges.claim(c.address, c.length, file.size(), "object header continuation block");
    auto block = file.subspan(c.address, c.length);
    std::uint64_t base = c.address;
    if (h.version == 2) {  // "OCHK", messages, checksum; v1 blocks hold messages only
      ByteReader cr(block, c.address, "object header continuation block");
      if (c.length < 4 + kChecksumSize) cr.fail("block too small for OCHK and a checksum");
      cr.expect_signature("OCHK");
      verify_checksum(block, c.address, "object header continuation block");
      block = block.subspan(4, c.length - 4 - kChecksumSize);
      base += 4;
    }
    h.chunks.push_back({c.address, c.length, 0});
    parse_messages(h, block, base, index, sizes, pending);
  }
  return h;
}

namespace {

// Writes the messages of chunk `chunk` (and its gap) to `w`.
void write_messages(const ObjectHeader& h, std::uint32_t chunk, ByteWriter& w) {
  for (const HeaderMessage& m : h.messages) {
    if (m.chunk != chunk) continue;
    const std::size_t stored = stored_body_size(h, m.body.size());
    if (stored > 0xFFFF) {
      fail(ErrorCode::invalid_argument,
           "header message body of " + std::to_string(stored) + " bytes");
    }
    if (h.version == 1) {
      w.u16(m.type);
      w.u16(static_cast<std::uint16_t>(stored));
      w.u8(m.flags);
      w.zeros(3);
    } else {
      if (m.type > 0xFF) fail(ErrorCode::invalid_argument, "v2 header message type above 255");
      w.u8(static_cast<std::uint8_t>(m.type));
      w.u16(static_cast<std::uint16_t>(stored));
      w.u8(m.flags);
      if (h.track_attribute_order) w.u16(m.creation_order);
    }
    w.bytes(m.body);
    w.zeros(stored - m.body.size());
  }
  if (h.version == 1 && h.chunks[chunk].gap != 0) {
    fail(ErrorCode::invalid_argument, "version 1 object headers cannot have gaps");
  }
  w.zeros(h.chunks[chunk].gap);
}

std::uint8_t minimal_width(std::uint64_t n) {
  if (n <= 0xFF) return 1;
  if (n <= 0xFFFF) return 2;
  if (n <= 0xFFFFFFFFu) return 4;
  return 8;
}

// The flag bits 0-1 value for a chunk #0 size field of `width` bytes (log2 of the width).
std::uint8_t width_code(std::uint8_t width) {
  std::uint8_t code = 0;
  while (code < 3 && (1u << code) < width) ++code;
  if ((1u << code) != width) {
    fail(ErrorCode::invalid_argument, "chunk #0 size width must be 1, 2, 4 or 8");
  }
  return code;
}

std::vector<std::byte> encode_chunk0(const ObjectHeader& h, std::span<const std::byte> data) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  if (h.version == 1) {
    w.u8(1);
    w.u8(0);
    w.u16(static_cast<std::uint16_t>(h.messages.size()));
    w.u32(h.reference_count);
    w.u32(static_cast<std::uint32_t>(data.size()));
    w.zeros(4);
    w.bytes(data);
    return out;
  }
  std::uint8_t width = h.chunk0_size_width ? h.chunk0_size_width : minimal_width(data.size());
  if (width < 8 && data.size() >= (std::uint64_t{1} << (8 * width))) {
    fail(ErrorCode::invalid_argument, "chunk #0 size does not fit its width");
  }
  std::uint8_t flags = width_code(width);
  if (h.track_attribute_order) flags |= kFlagTrackOrder;
  if (h.index_attribute_order) flags |= kFlagIndexOrder;
  if (h.phase_change) flags |= kFlagPhaseChange;
  if (h.times) flags |= kFlagTimes;
  w.text("OHDR");
  w.u8(2);
  w.u8(flags);
  if (h.times) {
    w.u32(h.times->access);
    w.u32(h.times->modification);
    w.u32(h.times->change);
    w.u32(h.times->birth);
  }
  if (h.phase_change) {
    w.u16(h.phase_change->max_compact);
    w.u16(h.phase_change->min_dense);
  }
  w.uint_n(data.size(), width);
  w.bytes(data);
  w.u32(lookup3(out));
  return out;
}

void check_version(const ObjectHeader& h) {
  if (h.version != 1 && h.version != 2) {
    fail(ErrorCode::invalid_argument, "object header version must be 1 or 2");
  }
}

}  // namespace

std::vector<std::vector<std::byte>> encode_object_header(const ObjectHeader& header,
                                                         const FileSizes& sizes) {
  check_version(header);
  if (header.chunks.empty()) fail(ErrorCode::invalid_argument, "object header without chunks");
  for (const HeaderMessage& m : header.messages) {
    if (m.chunk >= header.chunks.size()) {
      fail(ErrorCode::invalid_argument, "header message names chunk " + std::to_string(m.chunk));
    }
  }
  std::vector<std::vector<std::byte>> out(header.chunks.size());
  for (std::uint32_t c = 0; c < header.chunks.size(); ++c) {
    std::vector<std::byte> data;
    ByteWriter w(data);
    if (c > 0 && header.version == 2) w.text("OCHK");
    write_messages(header, c, w);
    if (c == 0) {
      out[0] = encode_chunk0(header, data);
    } else {
      if (header.version == 2) w.u32(lookup3(data));
      out[c] = std::move(data);
    }
  }
  return out;
}

ObjectHeader plan_object_header(const ObjectHeader& prefix, std::vector<HeaderMessage> messages,
                                const ObjectHeaderPlan& plan, const FileSizes& sizes) {
  ObjectHeader h = prefix;
  check_version(h);
  h.chunks.assign(1, HeaderChunk{});
  h.messages.clear();
  const std::size_t msg_prefix = message_prefix(h);
  auto size_of = [&](const HeaderMessage& m) {
    return msg_prefix + stored_body_size(h, m.body.size());
  };
  const std::size_t continuation_size =
      msg_prefix + stored_body_size(h, std::size_t{sizes.offsets} + sizes.lengths);
  std::vector<std::size_t> used(1, 0);
  std::size_t remaining_total = 0;
  for (const auto& m : messages) remaining_total += size_of(m);
  for (auto& m : messages) {
    const std::size_t s = size_of(m);
    if (s - msg_prefix > 0xFFFF) fail(ErrorCode::invalid_argument, "header message body too large");
    auto c = static_cast<std::uint32_t>(h.chunks.size() - 1);
    const bool all_fit =
        plan.max_chunk_data == 0 || used[c] + remaining_total <= plan.max_chunk_data;
    if (!all_fit && used[c] > 0 && used[c] + s + continuation_size > plan.max_chunk_data) {
      HeaderMessage cont;
      cont.type = static_cast<std::uint16_t>(HeaderMessageType::continuation);
      cont.body = encode_continuation({}, sizes);
      cont.chunk = c;
      used[c] += continuation_size;
      h.messages.push_back(std::move(cont));
      h.chunks.push_back(HeaderChunk{});
      used.push_back(0);
      ++c;
    }
    remaining_total -= s;
    used[c] += s;
    m.chunk = c;
    h.messages.push_back(std::move(m));
  }
  // Pad chunk 0 to the requested minimum with NIL messages (each at most 64 KiB) after its
  // last message, leaving a v2 gap when the rest is too small for a NIL message's prefix.
  std::size_t pad = plan.min_chunk0_data > used[0] ? plan.min_chunk0_data - used[0] : 0;
  if (h.version == 1) pad = align8(pad);
  auto end0 = std::find_if(h.messages.begin(), h.messages.end(),
                           [](const HeaderMessage& m) { return m.chunk != 0; });
  while (pad >= msg_prefix) {
    const std::size_t body =
        std::min<std::size_t>(pad - msg_prefix, h.version == 1 ? 0xFFF8 : 0xFFFF);
    HeaderMessage nil;
    nil.body.assign(body, std::byte{0});
    end0 = h.messages.insert(end0, std::move(nil)) + 1;
    used[0] += msg_prefix + body;
    pad -= msg_prefix + body;
  }
  h.chunks[0].gap = pad;
  used[0] += pad;
  // Sizes of whole blocks, as continuation messages record them.
  for (std::size_t c = 1; c < h.chunks.size(); ++c) {
    h.chunks[c].size = h.version == 1 ? used[c] : 4 + used[c] + kChecksumSize;
  }
  std::size_t prefix_size = kV1PrefixSize;
  if (h.version == 2) {
    const std::uint8_t width = h.chunk0_size_width ? h.chunk0_size_width : minimal_width(used[0]);
    prefix_size = 6 + (h.times ? 16 : 0) + (h.phase_change ? 4 : 0) + width + kChecksumSize;
  }
  h.chunks[0].size = prefix_size + used[0];
  return h;
}

void assign_chunk_addresses(ObjectHeader& header, std::span<const std::uint64_t> addresses,
                            const FileSizes& sizes) {
  if (addresses.size() != header.chunks.size()) {
    fail(ErrorCode::invalid_argument, "one address per object header chunk required");
  }
  for (std::size_t c = 0; c < addresses.size(); ++c) header.chunks[c].address = addresses[c];
  std::size_t next = 1;
  for (HeaderMessage& m : header.messages) {
    if (m.kind() != HeaderMessageType::continuation) continue;
    if (next >= header.chunks.size()) {
      fail(ErrorCode::invalid_argument, "more continuation messages than continuation chunks");
    }
    m.body = encode_continuation({addresses[next], header.chunks[next].size}, sizes);
    ++next;
  }
  if (next != header.chunks.size()) {
    fail(ErrorCode::invalid_argument, "fewer continuation messages than continuation chunks");
  }
}

}  // namespace h5mem::detail
