// codec/deflate.cpp -- deflate filter over zlib and (optionally) libdeflate.
#include "codec/deflate.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <limits>
#include <new>
#include <string>

#include "h5mem/error.hpp"

#ifdef H5MEM_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

namespace h5mem::detail {
namespace {

// zlib counts in uInt (32 bits); larger buffers are fed in windows of this size.
constexpr std::size_t kZWindow = std::numeric_limits<uInt>::max();

// zlib rejects null buffer pointers even for zero lengths, which empty spans may carry.
Bytef g_dummy_byte = 0;

Bytef* zptr(std::byte* p) {
  return p ? reinterpret_cast<Bytef*>(p) : &g_dummy_byte;
}
Bytef* zptr(const std::byte* p) {
  // zlib's next_in is not const-qualified but is never written through.
  return p ? reinterpret_cast<Bytef*>(const_cast<std::byte*>(p)) : &g_dummy_byte;
}

[[noreturn]] void throw_corrupt(const std::string& what) {
  throw Error(ErrorCode::corruption, "deflate: " + what);
}

// Moves the next window of a large buffer into zlib's 32-bit counters once the previous one is
// used up. `left` counts bytes not yet handed to zlib.
void refill(uInt& avail, std::size_t& left) {
  if (avail == 0 && left > 0) {
    const std::size_t take = std::min(left, kZWindow);
    avail = static_cast<uInt>(take);
    left -= take;
  }
}

// One z_stream per thread and level, reset between uses: deflateInit allocates ~270 KiB, far
// more than a small chunk costs to compress.
struct ZDeflaters {
  std::array<z_stream, 10> streams{};
  std::array<bool, 10> ready{};
  ~ZDeflaters() {
    for (std::size_t i = 0; i < streams.size(); ++i)
      if (ready[i]) deflateEnd(&streams[i]);
  }
  z_stream& get(int level) {
    z_stream& s = streams[static_cast<std::size_t>(level)];
    if (!ready[static_cast<std::size_t>(level)]) {
      if (deflateInit(&s, level) != Z_OK) throw std::bad_alloc();
      ready[static_cast<std::size_t>(level)] = true;
    } else {
      deflateReset(&s);
    }
    return s;
  }
};

struct ZInflater {
  z_stream s{};
  bool ready = false;
  ~ZInflater() {
    if (ready) inflateEnd(&s);
  }
  z_stream& get() {
    if (!ready) {
      if (inflateInit(&s) != Z_OK) throw std::bad_alloc();
      ready = true;
    } else {
      inflateReset(&s);
    }
    return s;
  }
};

}  // namespace

std::size_t deflate_max_encoded_size(std::size_t n) noexcept {
  // compressBound's formula, computed in size_t so it cannot truncate for huge n.
  std::size_t bound = n + (n >> 12) + (n >> 14) + (n >> 25) + 13;
#ifdef H5MEM_HAVE_LIBDEFLATE
  bound = std::max(bound, libdeflate_zlib_compress_bound(nullptr, n));
#endif
  return bound;
}

std::size_t deflate_encode_zlib(std::span<const std::byte> in, std::span<std::byte> out,
                                int level) {
  thread_local ZDeflaters deflaters;
  z_stream& s = deflaters.get(level);
  s.next_in = zptr(in.data());
  s.avail_in = 0;
  s.next_out = zptr(out.data());
  s.avail_out = 0;
  std::size_t in_left = in.size();
  std::size_t out_left = out.size();
  for (;;) {
    refill(s.avail_in, in_left);
    refill(s.avail_out, out_left);
    const int rc = deflate(&s, in_left == 0 ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_END) return out.size() - out_left - s.avail_out;
    if (rc != Z_OK && rc != Z_BUF_ERROR)
      throw Error(ErrorCode::invalid_argument,
                  "deflate: zlib deflate failed with code " + std::to_string(rc));
    if (s.avail_out == 0 && out_left == 0) return 0;  // does not fit
    // Z_BUF_ERROR while neither side sits at a window boundary means no progress is possible.
    if (rc == Z_BUF_ERROR && s.avail_out != 0 && (s.avail_in != 0 || in_left == 0))
      throw Error(ErrorCode::invalid_argument, "deflate: zlib made no progress");
  }
}

std::size_t inflate_zlib(std::span<const std::byte> in, std::span<std::byte> out, bool exact) {
  thread_local ZInflater inflater;
  z_stream& s = inflater.get();
  s.next_in = zptr(in.data());
  s.avail_in = 0;
  s.next_out = zptr(out.data());
  s.avail_out = 0;
  std::size_t in_left = in.size();
  std::size_t out_left = out.size();
  for (;;) {
    refill(s.avail_in, in_left);
    refill(s.avail_out, out_left);
    const int rc = inflate(&s, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) break;
    if (rc == Z_OK) continue;  // progress was made
    if (rc == Z_BUF_ERROR) {
      if (s.avail_in == 0 && in_left == 0)
        throw_corrupt("stream of " + std::to_string(in.size()) + " bytes is truncated");
      if (s.avail_out == 0 && out_left == 0)
        throw_corrupt("stream decodes to more than the expected " + std::to_string(out.size()) +
                      " bytes");
      if (s.avail_in != 0 && s.avail_out != 0) throw_corrupt("inflate made no progress");
      continue;  // a window boundary: refill and retry
    }
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    throw_corrupt(std::string("invalid stream (zlib: ") + (s.msg ? s.msg : "need dictionary") +
                  ")");
  }
  const std::size_t produced = out.size() - out_left - s.avail_out;
  if (exact && produced != out.size())
    throw_corrupt("stream decodes to " + std::to_string(produced) + " bytes, expected " +
                  std::to_string(out.size()));
  return produced;
}

#ifdef H5MEM_HAVE_LIBDEFLATE
namespace {

// Per-thread libdeflate objects: allocation costs more than compressing a small chunk.
struct LdCompressors {
  std::array<libdeflate_compressor*, 10> c{};
  ~LdCompressors() {
    for (auto* p : c) libdeflate_free_compressor(p);
  }
  libdeflate_compressor* get(int level) {
    auto*& p = c[static_cast<std::size_t>(level)];
    if (!p) p = libdeflate_alloc_compressor(level);
    if (!p) throw std::bad_alloc();
    return p;
  }
};

struct LdDecompressor {
  libdeflate_decompressor* d = nullptr;
  ~LdDecompressor() { libdeflate_free_decompressor(d); }
  libdeflate_decompressor* get() {
    if (!d) d = libdeflate_alloc_decompressor();
    if (!d) throw std::bad_alloc();
    return d;
  }
};

}  // namespace

std::size_t deflate_encode_libdeflate(std::span<const std::byte> in, std::span<std::byte> out,
                                      int level) {
  thread_local LdCompressors compressors;
  return libdeflate_zlib_compress(compressors.get(level), in.data(), in.size(), out.data(),
                                  out.size());
}

std::size_t inflate_libdeflate(std::span<const std::byte> in, std::span<std::byte> out,
                               bool exact) {
  thread_local LdDecompressor decompressor;
  std::size_t produced = out.size();
  // With a null actual-size pointer libdeflate insists on filling `out` exactly.
  const libdeflate_result rc =
      libdeflate_zlib_decompress(decompressor.get(), in.data(), in.size(), out.data(), out.size(),
                                 exact ? nullptr : &produced);
  switch (rc) {
    case LIBDEFLATE_SUCCESS:
      return produced;
    case LIBDEFLATE_SHORT_OUTPUT:
      throw_corrupt("stream decodes to fewer than the expected " + std::to_string(out.size()) +
                    " bytes");
    case LIBDEFLATE_INSUFFICIENT_SPACE:
      throw_corrupt("stream decodes to more than the expected " + std::to_string(out.size()) +
                    " bytes");
    default:
      throw_corrupt("invalid or truncated stream of " + std::to_string(in.size()) + " bytes");
  }
}
#endif

namespace {

class DeflateFilter final : public Filter {
 public:
  DeflateFilter(int level, DeflateEncoder encoder) : level_(level) {
#ifdef H5MEM_HAVE_LIBDEFLATE
    use_libdeflate_ = encoder == DeflateEncoder::libdeflate ||
                      (encoder == DeflateEncoder::balanced && level <= 1);
#else
    (void)encoder;
#endif
  }

  std::size_t max_encoded_size(std::size_t n) const noexcept override {
    return deflate_max_encoded_size(n);
  }
  std::optional<std::size_t> exact_encoded_size(std::size_t) const noexcept override {
    return std::nullopt;
  }

  std::optional<std::size_t> encode(std::span<const std::byte> in, std::span<std::byte> out,
                                    bool may_decline) const override {
    // An optional deflate is only worth keeping if it shrinks the chunk; capping the output
    // lets the compressor give up early instead of finishing a useless stream.
    std::span<std::byte> room = out;
    if (may_decline) {
      if (in.empty()) return std::nullopt;
      room = out.first(std::min(out.size(), in.size() - 1));
    }
#ifdef H5MEM_HAVE_LIBDEFLATE
    const std::size_t n = use_libdeflate_ ? deflate_encode_libdeflate(in, room, level_)
                                          : deflate_encode_zlib(in, room, level_);
#else
    const std::size_t n = deflate_encode_zlib(in, room, level_);
#endif
    if (n != 0) return n;
    if (may_decline) return std::nullopt;
    throw Error(ErrorCode::invalid_argument,
                "deflate: output buffer of " + std::to_string(out.size()) +
                    " bytes too small for " + std::to_string(in.size()) + " input bytes");
  }

  std::size_t decode(std::span<const std::byte> in, std::span<std::byte> out,
                     bool exact) const override {
#ifdef H5MEM_HAVE_LIBDEFLATE
    return inflate_libdeflate(in, out, exact);
#else
    return inflate_zlib(in, out, exact);
#endif
  }

 private:
  int level_;
  bool use_libdeflate_ = false;
};

}  // namespace

std::unique_ptr<const Filter> make_deflate_filter(const FilterSpec& spec, DeflateEncoder encoder) {
  if (spec.client_data.empty())
    throw Error(ErrorCode::invalid_argument, "deflate filter (id 1) has no level in client data");
  if (spec.client_data[0] > 9)
    throw Error(ErrorCode::invalid_argument, "deflate filter (id 1): level " +
                                                 std::to_string(spec.client_data[0]) +
                                                 " is out of range 0..9");
  return std::make_unique<DeflateFilter>(static_cast<int>(spec.client_data[0]), encoder);
}

}  // namespace h5mem::detail
