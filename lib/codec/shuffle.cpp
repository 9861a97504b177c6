// codec/shuffle.cpp -- HDF5 byte shuffle with SSE2 kernels for 2-, 4- and 8-byte elements.
//
// The kernels view a block of 16 elements as a bit-indexed byte array. Shuffling a block of
// 2^k-byte elements rotates the byte index right by k bits; unshuffling rotates it left by k.
// With SSE2, one round of "pack even bytes / pack odd bytes" over 2^k registers rotates the
// index right by one bit, and one round of unpacklo/unpackhi rotates it left by one bit, so k
// rounds of either do a whole block with no scalar byte moves.
#include "codec/shuffle.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "h5mem/error.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#define H5MEM_SHUFFLE_SSE2 1
#endif

namespace h5mem::detail {
namespace {

// Elements per portable-loop block: keeps the strided source reads within L1.
constexpr std::size_t kBlockElements = 1024;

// Fewer than two whole elements: libhdf5 leaves the buffer as it is.
bool is_identity(std::size_t bytes, std::size_t element_size) {
  return element_size <= 1 || bytes / element_size <= 1;
}

void copy_bytes(std::span<const std::byte> src, std::span<std::byte> dst) {
  if (!src.empty()) std::memcpy(dst.data(), src.data(), src.size());
}

// Transposes elements [first, last) with a portable loop.
void shuffle_range(const std::byte* src, std::byte* dst, std::size_t n, std::size_t s,
                   std::size_t first, std::size_t last) {
  for (std::size_t e0 = first; e0 < last; e0 += kBlockElements) {
    const std::size_t e1 = std::min(last, e0 + kBlockElements);
    for (std::size_t b = 0; b < s; ++b) {
      std::byte* out = dst + b * n;
      const std::byte* in = src + b;
      for (std::size_t e = e0; e < e1; ++e) out[e] = in[e * s];
    }
  }
}

void unshuffle_range(const std::byte* src, std::byte* dst, std::size_t n, std::size_t s,
                     std::size_t first, std::size_t last) {
  for (std::size_t e0 = first; e0 < last; e0 += kBlockElements) {
    const std::size_t e1 = std::min(last, e0 + kBlockElements);
    for (std::size_t b = 0; b < s; ++b) {
      const std::byte* in = src + b * n;
      std::byte* out = dst + b;
      for (std::size_t e = e0; e < e1; ++e) out[e * s] = in[e];
    }
  }
}

#ifdef H5MEM_SHUFFLE_SSE2
// Rotates the byte index of v[0..N) right by one bit (see the file comment).
template <int N>
inline void pack_round(__m128i* v) {
  const __m128i even = _mm_set1_epi16(0x00ff);
  __m128i w[N];
  for (int i = 0; i < N / 2; ++i) {
    const __m128i a = v[2 * i];
    const __m128i b = v[2 * i + 1];
    w[i] = _mm_packus_epi16(_mm_and_si128(a, even), _mm_and_si128(b, even));
    w[N / 2 + i] = _mm_packus_epi16(_mm_srli_epi16(a, 8), _mm_srli_epi16(b, 8));
  }
  for (int i = 0; i < N; ++i) v[i] = w[i];
}

// Rotates the byte index of v[0..N) left by one bit.
template <int N>
inline void unpack_round(__m128i* v) {
  __m128i w[N];
  for (int i = 0; i < N / 2; ++i) {
    w[2 * i] = _mm_unpacklo_epi8(v[i], v[i + N / 2]);
    w[2 * i + 1] = _mm_unpackhi_epi8(v[i], v[i + N / 2]);
  }
  for (int i = 0; i < N; ++i) v[i] = w[i];
}

// S = element size = number of registers per 16-element block; K = log2(S).
template <int S, int K>
std::size_t shuffle_sse2(const std::byte* src, std::byte* dst, std::size_t n) {
  const std::size_t blocks = n / 16;
  for (std::size_t blk = 0; blk < blocks; ++blk) {
    __m128i v[S];
    const std::byte* in = src + blk * 16 * S;
    for (int i = 0; i < S; ++i)
      v[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 16 * i));
    for (int r = 0; r < K; ++r) pack_round<S>(v);
    for (int b = 0; b < S; ++b)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + b * n + blk * 16), v[b]);
  }
  return blocks * 16;
}

template <int S, int K>
std::size_t unshuffle_sse2(const std::byte* src, std::byte* dst, std::size_t n) {
  const std::size_t blocks = n / 16;
  for (std::size_t blk = 0; blk < blocks; ++blk) {
    __m128i v[S];
    for (int b = 0; b < S; ++b)
      v[b] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + b * n + blk * 16));
    for (int r = 0; r < K; ++r) unpack_round<S>(v);
    std::byte* out = dst + blk * 16 * S;
    for (int i = 0; i < S; ++i) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16 * i), v[i]);
  }
  return blocks * 16;
}
#endif

// Returns how many leading elements a vector kernel transposed (0 if none applies).
std::size_t shuffle_fast(const std::byte* src, std::byte* dst, std::size_t n, std::size_t s) {
#ifdef H5MEM_SHUFFLE_SSE2
  switch (s) {
    case 2:
      return shuffle_sse2<2, 1>(src, dst, n);
    case 4:
      return shuffle_sse2<4, 2>(src, dst, n);
    case 8:
      return shuffle_sse2<8, 3>(src, dst, n);
    default:
      break;
  }
#endif
  return 0;
}

std::size_t unshuffle_fast(const std::byte* src, std::byte* dst, std::size_t n, std::size_t s) {
#ifdef H5MEM_SHUFFLE_SSE2
  switch (s) {
    case 2:
      return unshuffle_sse2<2, 1>(src, dst, n);
    case 4:
      return unshuffle_sse2<4, 2>(src, dst, n);
    case 8:
      return unshuffle_sse2<8, 3>(src, dst, n);
    default:
      break;
  }
#endif
  return 0;
}

}  // namespace

void shuffle_bytes(std::span<const std::byte> src, std::span<std::byte> dst,
                   std::size_t element_size) {
  if (is_identity(src.size(), element_size)) return copy_bytes(src, dst);
  const std::size_t n = src.size() / element_size;
  const std::size_t done = shuffle_fast(src.data(), dst.data(), n, element_size);
  shuffle_range(src.data(), dst.data(), n, element_size, done, n);
  const std::size_t whole = n * element_size;
  copy_bytes(src.subspan(whole), dst.subspan(whole));
}

void unshuffle_bytes(std::span<const std::byte> src, std::span<std::byte> dst,
                     std::size_t element_size) {
  if (is_identity(src.size(), element_size)) return copy_bytes(src, dst);
  const std::size_t n = src.size() / element_size;
  const std::size_t done = unshuffle_fast(src.data(), dst.data(), n, element_size);
  unshuffle_range(src.data(), dst.data(), n, element_size, done, n);
  const std::size_t whole = n * element_size;
  copy_bytes(src.subspan(whole), dst.subspan(whole));
}

void shuffle_bytes_reference(std::span<const std::byte> src, std::span<std::byte> dst,
                             std::size_t element_size) {
  if (is_identity(src.size(), element_size)) return copy_bytes(src, dst);
  const std::size_t n = src.size() / element_size;
  for (std::size_t e = 0; e < n; ++e)
    for (std::size_t b = 0; b < element_size; ++b) dst[b * n + e] = src[e * element_size + b];
  for (std::size_t i = n * element_size; i < src.size(); ++i) dst[i] = src[i];
}

void unshuffle_bytes_reference(std::span<const std::byte> src, std::span<std::byte> dst,
                               std::size_t element_size) {
  if (is_identity(src.size(), element_size)) return copy_bytes(src, dst);
  const std::size_t n = src.size() / element_size;
  for (std::size_t e = 0; e < n; ++e)
    for (std::size_t b = 0; b < element_size; ++b) dst[e * element_size + b] = src[b * n + e];
  for (std::size_t i = n * element_size; i < src.size(); ++i) dst[i] = src[i];
}

namespace {

class ShuffleFilter final : public Filter {
 public:
  explicit ShuffleFilter(std::size_t element_size) : element_size_(element_size) {}

  std::size_t max_encoded_size(std::size_t n) const noexcept override { return n; }
  std::optional<std::size_t> exact_encoded_size(std::size_t n) const noexcept override { return n; }

  std::optional<std::size_t> encode(std::span<const std::byte> in, std::span<std::byte> out,
                                    bool) const override {
    shuffle_bytes(in, out.first(in.size()), element_size_);
    return in.size();
  }

  std::size_t decode(std::span<const std::byte> in, std::span<std::byte> out,
                     bool exact) const override {
    if (exact ? in.size() != out.size() : in.size() > out.size())
      throw Error(ErrorCode::corruption, "shuffle: input of " + std::to_string(in.size()) +
                                             " bytes, expected " + (exact ? "" : "at most ") +
                                             std::to_string(out.size()));
    unshuffle_bytes(in, out.first(in.size()), element_size_);
    return in.size();
  }

 private:
  std::size_t element_size_;
};

}  // namespace

std::unique_ptr<const Filter> make_shuffle_filter(const FilterSpec& spec,
                                                  std::size_t element_size) {
  std::size_t size = element_size;
  if (!spec.client_data.empty() && spec.client_data[0] != 0) size = spec.client_data[0];
  if (size == 0)
    throw Error(ErrorCode::invalid_argument, "shuffle filter (id 2) needs an element size > 0");
  return std::make_unique<ShuffleFilter>(size);
}

}  // namespace h5mem::detail
