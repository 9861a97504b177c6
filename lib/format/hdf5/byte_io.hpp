// format/hdf5/byte_io.hpp -- bounds-checked little-endian reading and writing of HDF5
// structures. Every read failure names the structure and the absolute file offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace h5mem::detail {

// HDF5's "undefined address" (all bits set), used for absent heaps, B-trees, etc.
inline constexpr std::uint64_t kUndefinedAddress = ~std::uint64_t{0};

// Sizes a file uses for addresses and lengths (superblock fields; 8 and 8 in practice, but
// 2, 4 and 8 are legal).
struct FileSizes {
  std::uint8_t offsets = 8;
  std::uint8_t lengths = 8;
};

// Throws Error(corruption) "STRUCTURE at byte OFFSET: what".
[[noreturn]] void fail_corrupt(std::string_view structure, std::uint64_t offset,
                               const std::string& what);

// A cursor over an immutable byte range that starts at absolute file offset `base`.
// Every read checks bounds and throws corruption naming `structure` and the offset.
class ByteReader {
 public:
  ByteReader(std::span<const std::byte> bytes, std::uint64_t base, std::string_view structure)
      : bytes_(bytes), base_(base), structure_(structure) {}

  std::uint64_t offset() const noexcept { return base_ + pos_; }  // absolute
  std::size_t position() const noexcept { return pos_; }           // relative to the start
  std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
  std::string_view structure() const noexcept { return structure_; }
  void set_structure(std::string_view s) noexcept { structure_ = s; }

  // Throws unless `n` more bytes are available.
  void need(std::size_t n) const {
    if (n > remaining()) {
      fail_corrupt(structure_, offset(), "truncated: need " + std::to_string(n) + " bytes, " +
                                             std::to_string(remaining()) + " left");
    }
  }
  void seek(std::size_t pos) {
    if (pos > bytes_.size()) fail_corrupt(structure_, base_ + pos, "position past the end");
    pos_ = pos;
  }
  void skip(std::size_t n) {
    need(n);
    pos_ += n;
  }
  std::span<const std::byte> bytes(std::size_t n) {
    need(n);
    auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(bytes(1)[0]); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(uint_n(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(uint_n(4)); }
  std::uint64_t u64() { return uint_n(8); }
  // Little-endian unsigned integer of `n` bytes (1..8).
  std::uint64_t uint_n(std::size_t n) {
    auto b = bytes(n);
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = (v << 8) | static_cast<std::uint8_t>(b[i]);
    return v;
  }
  // An address of sizes.offsets bytes; all-ones maps to kUndefinedAddress.
  std::uint64_t address(const FileSizes& sizes) {
    std::uint64_t v = uint_n(sizes.offsets);
    if (sizes.offsets < 8 && v == (std::uint64_t{1} << (8 * sizes.offsets)) - 1) return kUndefinedAddress;
    return v;
  }
  std::uint64_t length(const FileSizes& sizes) { return uint_n(sizes.lengths); }
  // Checks a 4-byte signature such as "OHDR".
  void expect_signature(std::string_view sig) {
    auto b = bytes(sig.size());
    if (std::memcmp(b.data(), sig.data(), sig.size()) != 0) {
      fail_corrupt(structure_, offset() - sig.size(), "bad signature (expected \"" + std::string(sig) + "\")");
    }
  }
  // Reads a string of `n` bytes, dropping trailing NULs.
  std::string string(std::size_t n) {
    auto b = bytes(n);
    std::string s(reinterpret_cast<const char*>(b.data()), n);
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
  }
  // Throws corruption with `what` at the current offset.
  [[noreturn]] void fail(const std::string& what) const { fail_corrupt(structure_, offset(), what); }

 private:
  std::span<const std::byte> bytes_;
  std::uint64_t base_;
  std::size_t pos_ = 0;
  std::string_view structure_;
};

// Appends little-endian values to a growing byte vector.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::byte>& out) : out_(out) {}

  std::size_t size() const noexcept { return out_.size(); }
  std::vector<std::byte>& buffer() noexcept { return out_; }
  void u8(std::uint8_t v) { out_.push_back(static_cast<std::byte>(v)); }
  void u16(std::uint16_t v) { uint_n(v, 2); }
  void u32(std::uint32_t v) { uint_n(v, 4); }
  void u64(std::uint64_t v) { uint_n(v, 8); }
  void uint_n(std::uint64_t v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out_.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
  }
  void address(std::uint64_t a, const FileSizes& sizes) { uint_n(a, sizes.offsets); }
  void length(std::uint64_t l, const FileSizes& sizes) { uint_n(l, sizes.lengths); }
  void bytes(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void text(std::string_view s) {
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    out_.insert(out_.end(), p, p + s.size());
  }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, std::byte{0}); }
  // Pads with zeros to a multiple of `alignment` measured from `origin`.
  void pad_to(std::size_t alignment, std::size_t origin = 0) {
    while ((out_.size() - origin) % alignment) out_.push_back(std::byte{0});
  }
  // Overwrites `n` bytes at `pos` with little-endian `v` (for sizes known only later).
  void patch(std::size_t pos, std::uint64_t v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out_[pos + i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
  }

 private:
  std::vector<std::byte>& out_;
};

}  // namespace h5mem::detail
