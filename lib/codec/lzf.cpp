// codec/lzf.cpp -- LZF encoder (greedy, one hash probe per position) and bounds-checked decoder.
#include "codec/lzf.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

constexpr std::size_t kMaxLiteral = 32;         // control byte 0..31 = run of 1..32
constexpr std::size_t kMinMatch = 3;            // a shorter match does not pay for its 2 bytes
constexpr std::size_t kMaxMatch = 7 + 255 + 2;  // length code 7 plus one extension byte
constexpr std::size_t kMaxDistance = 1 << 13;   // 13-bit distance field, stored minus one
constexpr unsigned kMaxHashBits = 14;

using HashTable = std::array<std::uint32_t, std::size_t{1} << kMaxHashBits>;

inline std::uint32_t load3(const unsigned char* p) {
  return (static_cast<std::uint32_t>(p[0]) << 16) | (static_cast<std::uint32_t>(p[1]) << 8) | p[2];
}

inline std::uint32_t hash3(std::uint32_t v, unsigned bits) {
  return (v * 2654435761u) >> (32 - bits);
}

[[noreturn]] void throw_corrupt(const std::string& what) {
  throw Error(ErrorCode::corruption, "lzf: " + what);
}

// Appends literal runs for in[first, last) to out at op; false if they do not fit.
bool put_literals(const unsigned char* in, std::size_t first, std::size_t last, unsigned char* out,
                  std::size_t cap, std::size_t& op) {
  while (first < last) {
    const std::size_t run = std::min(kMaxLiteral, last - first);
    if (cap - op < run + 1) return false;
    out[op++] = static_cast<unsigned char>(run - 1);
    std::memcpy(out + op, in + first, run);
    op += run;
    first += run;
  }
  return true;
}

// Appends a back-reference; false if it does not fit.
bool put_match(std::size_t len, std::size_t distance, unsigned char* out, std::size_t cap,
               std::size_t& op) {
  const std::size_t code = len - 2;
  const std::size_t off = distance - 1;
  if (cap - op < (code < 7 ? 2u : 3u)) return false;
  if (code < 7) {
    out[op++] = static_cast<unsigned char>((code << 5) | (off >> 8));
  } else {
    out[op++] = static_cast<unsigned char>((7u << 5) | (off >> 8));
    out[op++] = static_cast<unsigned char>(code - 7);
  }
  out[op++] = static_cast<unsigned char>(off & 0xff);
  return true;
}

}  // namespace

std::size_t lzf_max_encoded_size(std::size_t n) noexcept {
  return n + (n + kMaxLiteral - 1) / kMaxLiteral;
}

std::size_t lzf_encode(std::span<const std::byte> input, std::span<std::byte> output) {
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  auto* out = reinterpret_cast<unsigned char*>(output.data());
  const std::size_t n = input.size();
  const std::size_t cap = output.size();
  if (n == 0) return 0;

  // Size the table to the input so small chunks do not pay for clearing 64 KiB; clearing at
  // all keeps the output a function of the input alone.
  const unsigned bits = std::clamp(static_cast<unsigned>(std::bit_width(n)), 8u, kMaxHashBits);
  thread_local HashTable table;
  std::fill_n(table.begin(), std::size_t{1} << bits, 0u);

  std::size_t op = 0;
  std::size_t literal_start = 0;
  std::size_t ip = 0;
  while (ip + kMinMatch <= n) {
    const std::uint32_t v = load3(in + ip);
    std::uint32_t& slot = table[hash3(v, bits)];
    const std::size_t cand = slot;
    slot = static_cast<std::uint32_t>(ip);
    // Stale or colliding slots are harmless: the candidate is verified byte by byte.
    if (cand < ip && ip - cand <= kMaxDistance && load3(in + cand) == v) {
      const std::size_t limit = std::min(kMaxMatch, n - ip);
      std::size_t len = kMinMatch;
      while (len < limit && in[cand + len] == in[ip + len]) ++len;
      if (!put_literals(in, literal_start, ip, out, cap, op)) return 0;
      if (!put_match(len, ip - cand, out, cap, op)) return 0;
      ip += len;
      literal_start = ip;
      // Index the match's last positions so the next match can start right after this one.
      for (std::size_t p = ip >= 2 ? ip - 2 : 0; p < ip && p + kMinMatch <= n; ++p)
        table[hash3(load3(in + p), bits)] = static_cast<std::uint32_t>(p);
    } else {
      ++ip;
    }
  }
  if (!put_literals(in, literal_start, n, out, cap, op)) return 0;
  return op;
}

std::size_t lzf_decode(std::span<const std::byte> input, std::span<std::byte> output, bool exact) {
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  auto* out = reinterpret_cast<unsigned char*>(output.data());
  const std::size_t n = input.size();
  const std::size_t cap = output.size();
  std::size_t ip = 0;
  std::size_t op = 0;
  while (ip < n) {
    const std::size_t ctrl = in[ip++];
    if (ctrl < kMaxLiteral) {
      const std::size_t run = ctrl + 1;
      if (n - ip < run)
        throw_corrupt("literal run past the end of the input at byte " + std::to_string(ip - 1));
      if (cap - op < run)
        throw_corrupt("stream decodes to more than the expected " + std::to_string(cap) + " bytes");
      // A fixed-size copy is a couple of vector moves; the excess is overwritten later.
      if (n - ip >= kMaxLiteral && cap - op >= kMaxLiteral)
        std::memcpy(out + op, in + ip, kMaxLiteral);
      else
        std::memcpy(out + op, in + ip, run);
      ip += run;
      op += run;
      continue;
    }
    std::size_t len = ctrl >> 5;
    if (len == 7) {
      if (ip >= n) throw_corrupt("back-reference truncated at byte " + std::to_string(ip - 1));
      len += in[ip++];
    }
    if (ip >= n) throw_corrupt("back-reference truncated at byte " + std::to_string(ip - 1));
    const std::size_t distance = ((ctrl & 0x1f) << 8) + in[ip++] + 1;
    len += 2;
    if (distance > op)
      throw_corrupt("back-reference to " + std::to_string(distance) + " bytes before output " +
                    "position " + std::to_string(op));
    if (cap - op < len)
      throw_corrupt("stream decodes to more than the expected " + std::to_string(cap) + " bytes");
    const unsigned char* from = out + op - distance;
    unsigned char* to = out + op;
    if (distance == 1) {
      std::memset(to, *from, len);
    } else if (distance >= 8 && cap - op >= len + 8) {
      // 8-byte steps: each step reads only bytes written before it, and may spill up to 7
      // bytes that later output overwrites.
      for (std::size_t i = 0; i < len; i += 8) std::memcpy(to + i, from + i, 8);
    } else {
      // Overlapping copy repeats the last `distance` bytes, so it must go forwards bytewise.
      for (std::size_t i = 0; i < len; ++i) to[i] = from[i];
    }
    op += len;
  }
  if (exact && op != cap)
    throw_corrupt("stream decodes to " + std::to_string(op) + " bytes, expected " +
                  std::to_string(cap));
  return op;
}

namespace {

class LzfFilter final : public Filter {
 public:
  std::size_t max_encoded_size(std::size_t n) const noexcept override {
    return lzf_max_encoded_size(n);
  }
  std::optional<std::size_t> exact_encoded_size(std::size_t) const noexcept override {
    return std::nullopt;
  }

  std::optional<std::size_t> encode(std::span<const std::byte> in, std::span<std::byte> out,
                                    bool may_decline) const override {
    if (may_decline) {
      // Like h5py: only keep the stream if it is smaller than the chunk.
      if (in.empty()) return std::nullopt;
      const std::size_t n = lzf_encode(in, out.first(std::min(out.size(), in.size() - 1)));
      if (n == 0) return std::nullopt;
      return n;
    }
    if (in.empty()) return 0;
    const std::size_t n = lzf_encode(in, out);
    if (n == 0)
      throw Error(ErrorCode::invalid_argument,
                  "lzf: output buffer of " + std::to_string(out.size()) + " bytes too small for " +
                      std::to_string(in.size()) + " input bytes");
    return n;
  }

  std::size_t decode(std::span<const std::byte> in, std::span<std::byte> out,
                     bool exact) const override {
    return lzf_decode(in, out, exact);
  }
};

}  // namespace

std::unique_ptr<const Filter> make_lzf_filter(const FilterSpec&) {
  return std::make_unique<LzfFilter>();
}

}  // namespace h5mem::detail
