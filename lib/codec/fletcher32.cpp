// codec/fletcher32.cpp -- HDF5's Fletcher-32 checksum filter.
#include "codec/fletcher32.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

constexpr std::size_t kChecksumBytes = 4;

// libhdf5 folds after this many words: the most that cannot overflow 32-bit sums.
constexpr std::size_t kWordsPerFold = 360;

inline std::uint32_t word_at(const unsigned char* p) {
  return (static_cast<std::uint32_t>(p[0]) << 8) | p[1];
}

inline std::uint32_t fold(std::uint32_t s) {
  return (s & 0xffff) + (s >> 16);
}

std::uint32_t load_le32(const std::byte* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
  return buf;
}

}  // namespace

std::uint32_t fletcher32(std::span<const std::byte> data) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t words = data.size() / 2;
  std::uint32_t sum1 = 0;
  std::uint32_t sum2 = 0;
  while (words > 0) {
    std::size_t t = std::min(words, kWordsPerFold);
    words -= t;
    // Four words per step with the running sums' closed form; 32-bit wrap-around arithmetic
    // makes this bit-identical to libhdf5's one-word loop.
    for (; t >= 4; t -= 4, p += 8) {
      const std::uint32_t w0 = word_at(p), w1 = word_at(p + 2);
      const std::uint32_t w2 = word_at(p + 4), w3 = word_at(p + 6);
      sum2 += 4 * sum1 + 4 * w0 + 3 * w1 + 2 * w2 + w3;
      sum1 += w0 + w1 + w2 + w3;
    }
    for (; t > 0; --t, p += 2) {
      sum1 += word_at(p);
      sum2 += sum1;
    }
    sum1 = fold(sum1);
    sum2 = fold(sum2);
  }
  if (data.size() % 2 != 0) {
    sum1 += static_cast<std::uint32_t>(*p) << 8;
    sum2 += sum1;
    sum1 = fold(sum1);
    sum2 = fold(sum2);
  }
  sum1 = fold(sum1);
  sum2 = fold(sum2);
  return (sum2 << 16) | sum1;
}

namespace {

class Fletcher32Filter final : public Filter {
 public:
  std::size_t max_encoded_size(std::size_t n) const noexcept override { return n + kChecksumBytes; }
  std::optional<std::size_t> exact_encoded_size(std::size_t n) const noexcept override {
    return n + kChecksumBytes;
  }

  std::optional<std::size_t> encode(std::span<const std::byte> in, std::span<std::byte> out,
                                    bool) const override {
    if (!in.empty()) std::memcpy(out.data(), in.data(), in.size());
    const std::uint32_t sum = fletcher32(in);
    std::byte* tail = out.data() + in.size();
    for (std::size_t i = 0; i < kChecksumBytes; ++i)
      tail[i] = static_cast<std::byte>((sum >> (8 * i)) & 0xff);
    return in.size() + kChecksumBytes;
  }

  std::optional<std::span<const std::byte>> decode_view(
      std::span<const std::byte> in) const override {
    if (in.size() < kChecksumBytes)
      throw Error(ErrorCode::corruption, "fletcher32: chunk of " + std::to_string(in.size()) +
                                             " bytes is too short to hold its checksum");
    const std::span<const std::byte> payload = in.first(in.size() - kChecksumBytes);
    const std::uint32_t stored = load_le32(in.data() + payload.size());
    const std::uint32_t computed = fletcher32(payload);
    // libhdf5 < 1.6.3 stored the checksum with the bytes of each 16-bit half swapped.
    const std::uint32_t legacy = ((computed & 0x00ff00ffu) << 8) | ((computed >> 8) & 0x00ff00ffu);
    if (stored != computed && stored != legacy)
      throw Error(ErrorCode::corruption, "fletcher32 checksum mismatch: stored " + hex32(stored) +
                                             ", computed " + hex32(computed) + " over " +
                                             std::to_string(payload.size()) + " bytes");
    return payload;
  }

  std::size_t decode(std::span<const std::byte> in, std::span<std::byte> out,
                     bool exact) const override {
    const std::span<const std::byte> payload = *decode_view(in);
    if (exact ? payload.size() != out.size() : payload.size() > out.size())
      throw Error(ErrorCode::corruption,
                  "fletcher32: chunk holds " + std::to_string(payload.size()) +
                      " bytes before its checksum, expected " + (exact ? "" : "at most ") +
                      std::to_string(out.size()));
    if (!payload.empty()) std::memcpy(out.data(), payload.data(), payload.size());
    return payload.size();
  }
};

}  // namespace

std::unique_ptr<const Filter> make_fletcher32_filter(const FilterSpec&) {
  return std::make_unique<Fletcher32Filter>();
}

}  // namespace h5mem::detail
