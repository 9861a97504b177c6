// Byte buffers for chunks: uninitialised, exact-size, one allocation each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace h5mem::detail {

// A heap buffer of exactly `size` bytes (contents uninitialised on creation).
class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(std::size_t size)
      : data_(size ? new std::byte[size] : nullptr), size_(size) {}

  std::byte* data() noexcept { return data_.get(); }
  const std::byte* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::span<std::byte> span() noexcept { return {data_.get(), size_}; }
  std::span<const std::byte> span() const noexcept { return {data_.get(), size_}; }

 private:
  std::unique_ptr<std::byte[]> data_;
  std::size_t size_ = 0;
};

// A decoded chunk shared between the cache and readers still copying out of it.
using SharedChunk = std::shared_ptr<const ByteBuffer>;

// One chunk as stored: its encoded bytes and the filter mask they were encoded with. The
// bytes are owned (`bytes`, charged to the file's budget) or, for chunks of an opened file
// that were never rewritten, borrowed: a view of the file's mapping (or of a caller's image)
// that `owner` keeps alive and unchanged. Only owned bytes count as memory held.
struct StoredChunk {
  ByteBuffer bytes;                     // empty when borrowed
  std::span<const std::byte> borrowed;  // valid while `owner` lives
  std::shared_ptr<const void> owner;    // non-null exactly when borrowed
  std::uint32_t filter_mask = 0;

  // The encoded bytes, wherever they are.
  std::span<const std::byte> view() const noexcept { return owner ? borrowed : bytes.span(); }
};

}  // namespace h5mem::detail
