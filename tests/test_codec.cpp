// Chunk filter pipeline: round trips, libhdf5/h5py golden bytes, corrupt input, lookup3.
#include <doctest/doctest.h>
#include <zlib.h>

#include <h5mem/error.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "codec/deflate.hpp"
#include "codec/filter.hpp"
#include "codec/fletcher32.hpp"
#include "codec/lzf.hpp"
#include "codec/shuffle.hpp"
#include "format/hdf5/checksum.hpp"

using h5mem::Error;
using h5mem::ErrorCode;
using namespace h5mem::detail;

namespace {

using Bytes = std::vector<std::byte>;

struct Fletcher32Golden {
  bool ones;  // all bytes 0xff, else byte[i] = (i * 7 + 3) & 255
  std::size_t length;
  std::uint32_t checksum;
};

// GOLDEN BEGIN -- produced by `/usr/bin/python3 tests/interop/gen_codec_golden.py` (h5py 3.7,
// libhdf5 1.10.8); do not edit by hand, rerun the script instead.
// clang-format off
constexpr std::string_view kGoldenZlibVersion = "1.2.13";
// kF32Fletcher; h5py's filters (id, flags, client data, name):
//   (3, 0, (), 'fletcher32')
constexpr std::uint32_t kF32FletcherMask = 0;
const char* const kF32Fletcher =
    "0000a0c0000088c0000060c0000030c0000000c00000a0bf000000bf0000803e"
    "0000803f0000e03f000020400000504000008040000098400000b0400000c840"
    "0000e0400000f84000000841000014410000204100002c410000384100004441"
    "89fdd7a3";
// kF32ShuffleFletcher; h5py's filters (id, flags, client data, name):
//   (2, 1, (4,), 'shuffle'), (3, 0, (), 'fletcher32')
constexpr std::uint32_t kF32ShuffleFletcherMask = 0;
const char* const kF32ShuffleFletcher =
    "0000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000a088603000a0008080e020508098b0c8"
    "e0f80814202c3844c0c0c0c0c0bfbf3e3f3f4040404040404040414141414141"
    "6c1b96c8";
// kF32ShuffleDeflateFletcher; h5py's filters (id, flags, client data, name):
//   (2, 1, (4,), 'shuffle'), (1, 1, (4,), 'deflate'), (3, 0, (), 'fletcher32')
constexpr std::uint32_t kF32ShuffleDeflateFletcherMask = 0;
const char* const kF32ShuffleDeflateFletcher =
    "785e6360200d2ce848306058c0d0d0f04021a061c686130f7e708828e858b81c"
    "0081fdfbedeced1da0c0110c0004c91375928d03a6";
// kI32Deflate9; h5py's filters (id, flags, client data, name):
//   (1, 1, (9,), 'deflate')
constexpr std::uint32_t kI32Deflate9Mask = 0;
const char* const kI32Deflate9 =
    "78daedcac909002000c4c0786bff0d1bb00bd9c0fc025054d5d43534b5b47578"
    "e5cb97efafef02ec500475";
// kI32Lzf; h5py's filters (id, flags, client data, name):
//   (32000, 1, (4, 261, 1024), 'lzf')
constexpr std::uint32_t kI32LzfMask = 0;
const char* const kI32Lzf =
    "0400000000012003000220030003200300042003000520030006200300072003"
    "00082003000920034000e0ff27e1ff17e2ff2fe3b11f010000";
// kI32ShuffleLzf; h5py's filters (id, flags, client data, name):
//   (2, 1, (4,), 'shuffle'), (32000, 1, (4, 261, 1024), 'lzf')
constexpr std::uint32_t kI32ShuffleLzfMask = 0;
const char* const kI32ShuffleLzf =
    "0a0001020304050607080900e0ec090000e0ff00e0ff00e0e400010000";
// kRandLzf; h5py's filters (id, flags, client data, name):
//   (32000, 1, (4, 261, 256), 'lzf')
constexpr std::uint32_t kRandLzfMask = 1;
const char* const kRandLzf =
    "e8cad43d564803add9d0a317a4e2dd36e1605151903f384fe43b9fe863cfa9cc"
    "72a553eae7e2ecfe08ec1a14e34d692467a630de485b2714462e7e2a2e784a2e"
    "c4e2efe995d1115cc8608a43ca2a6c2b28545f7535eeb8961c91d9cce318e79d"
    "5fb76afc4f8efa1af49ad67c0ac0d390600804b086682f014438dd33460d1277"
    "99aff3105860c2f941373ba49657a7cc9361f883c259c9985b4b5d58701d4a53"
    "6ad02b215ff4d234f1cf4bc477765671dff775d39eb82d47f1c28eb8ac3cfddf"
    "26d35dd4d47a913622da285eaceb3446757fbdcc897aa3ce9aab62710a97b344"
    "80139c10aac49f4418249126014f25120d1565c82fff9a77e00038f8bbf7a243";
// {all 0xff?, length, libhdf5's stored fletcher32 (little-endian u32)}
constexpr Fletcher32Golden kFletcher32Golden[] = {
    {false, 1, 0x03000300u},
    {false, 2, 0x030a030au},
    {false, 7, 0xaabc6048u},
    {false, 720, 0xad72d1aau},
    {false, 721, 0x321e84abu},
    {false, 722, 0x32d88565u},
    {false, 1001, 0x8f9671c5u},
    {false, 4097, 0xf5deff03u},
    {true, 1, 0xff00ff00u},
    {true, 2, 0xffffffffu},
    {true, 720, 0xffffffffu},
    {true, 722, 0xffffffffu},
    {true, 4097, 0xff00ff00u},
    {true, 65536, 0xffffffffu},
};
const char* const kRandomBytes =
    "e8cad43d564803add9d0a317a4e2dd36e1605151903f384fe43b9fe863cfa9cc"
    "72a553eae7e2ecfe08ec1a14e34d692467a630de485b2714462e7e2a2e784a2e"
    "c4e2efe995d1115cc8608a43ca2a6c2b28545f7535eeb8961c91d9cce318e79d"
    "5fb76afc4f8efa1af49ad67c0ac0d390600804b086682f014438dd33460d1277"
    "99aff3105860c2f941373ba49657a7cc9361f883c259c9985b4b5d58701d4a53"
    "6ad02b215ff4d234f1cf4bc477765671dff775d39eb82d47f1c28eb8ac3cfddf"
    "26d35dd4d47a913622da285eaceb3446757fbdcc897aa3ce9aab62710a97b344"
    "80139c10aac49f4418249126014f25120d1565c82fff9a77e00038f8bbf7a243";
// Superblock v3 of a libver='latest' file (last 4 bytes: its checksum).
const char* const kSuperblockV3 =
    "894844460d0a1a0a030808000000000000000000ffffffffffffffff20080000"
    "0000000030000000000000001319ff39";
// Root object header (v2, 'OHDR' through its checksum) of the same file.
const char* const kRootObjectHeader =
    "4f484452022085530c6b85530c6b85530c6b85530c6b78021200000000ffffff"
    "ffffffffffffffffffffffffff0a0200010000060c000001000178c300000000"
    "0000000048000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000003f3c931f";
// clang-format on
// GOLDEN END

Bytes from_hex(std::string_view hex) {
  REQUIRE(hex.size() % 2 == 0);
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::byte>(std::stoul(std::string(hex.substr(2 * i, 2)), nullptr, 16));
  return out;
}

template <class T>
Bytes bytes_of(const std::vector<T>& v) {
  Bytes out(v.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

// The generator's data patterns (a little-endian host is assumed, as the golden bytes are LE).
Bytes float_ramp() {
  std::vector<float> v(24);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * 0.75f - 5.0f;
  return bytes_of(v);
}
Bytes int_cycle() {
  std::vector<std::int32_t> v(256);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int32_t>(i % 10);
  return bytes_of(v);
}
Bytes byte_pattern(std::size_t n, bool ones) {
  Bytes v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = static_cast<std::byte>(ones ? 0xff : (i * 7 + 3) & 255);
  return v;
}

Bytes random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes v(n);
  for (auto& b : v) b = static_cast<std::byte>(rng() & 0xff);
  return v;
}

// Smooth float data: compresses well, more so after shuffling.
Bytes smooth_floats(std::size_t bytes, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> v((bytes + 3) / 4);
  float x = 0;
  for (auto& f : v) f = x += static_cast<float>(rng() % 100) * 0.01f;
  Bytes out = bytes_of(v);
  out.resize(bytes);
  return out;
}

std::uint32_t le32(const Bytes& b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8) |
         (static_cast<std::uint32_t>(b[at + 2]) << 16) |
         (static_cast<std::uint32_t>(b[at + 3]) << 24);
}

std::span<const std::byte> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// Runs `f`; returns the ErrorCode it threw, or nullopt if it returned. Other exceptions fail.
template <class F>
std::optional<ErrorCode> error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return std::nullopt;
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

Bytes decode_all(const FilterPipeline& p, const Bytes& encoded, std::uint32_t mask,
                 std::size_t size) {
  Bytes out(size);
  p.decode(encoded, mask, out);
  return out;
}

}  // namespace

TEST_CASE("lookup3 matches Jenkins' published vectors") {
  CHECK(lookup3({}) == 0xdeadbeefu);
  CHECK(lookup3(as_bytes("Four score and seven years ago")) == 0x17770551u);
  CHECK(lookup3(as_bytes("Four score and seven years ago"), 1) == 0xcd628161u);
}

TEST_CASE("lookup3 reproduces the checksums libhdf5 stores in v2 metadata") {
  for (const char* hex : {kSuperblockV3, kRootObjectHeader}) {
    Bytes block = from_hex(hex);
    const std::size_t body = block.size() - 4;
    CHECK(lookup3(std::span(block).first(body)) == le32(block, body));
    block[body / 2] ^= std::byte{1};
    CHECK(lookup3(std::span(block).first(body)) != le32(block, body));
  }
}

TEST_CASE("lookup3 does not depend on alignment") {
  const Bytes data = random_bytes(200, 7);
  std::vector<std::byte> shifted(data.size() + 3);
  for (std::size_t len = 0; len <= 40; ++len) {
    const std::uint32_t expect = lookup3(std::span(data).first(len), 5);
    for (std::size_t off = 1; off <= 3; ++off) {
      std::copy_n(data.begin(), len, shifted.begin() + static_cast<std::ptrdiff_t>(off));
      CHECK(lookup3(std::span(shifted).subspan(off, len), 5) == expect);
    }
  }
}

TEST_CASE("spec builders write what libhdf5 and h5py store") {
  CHECK(deflate_spec(4) == FilterSpec{1, 1, {4}, "deflate"});
  CHECK(shuffle_spec(4) == FilterSpec{2, 1, {4}, "shuffle"});
  CHECK(fletcher32_spec() == FilterSpec{3, 0, {}, "fletcher32"});
  CHECK(lzf_spec(1024) == FilterSpec{32000, 1, {4, 261, 1024}, "lzf"});
  // The pipeline fills in client data as libhdf5's set_local callbacks do.
  FilterPipeline p({shuffle_spec(), lzf_spec(), FilterSpec{3, 0, {}, ""}}, 4, 1024);
  CHECK(p.specs()[0] == shuffle_spec(4));
  CHECK(p.specs()[1] == lzf_spec(1024));
  CHECK(p.specs()[2] == fletcher32_spec());
  CHECK(filter_name(32001) == "blosc");
  CHECK(filter_name(9999).empty());
}

TEST_CASE("fletcher32 equals libhdf5's H5_checksum_fletcher32") {
  for (const Fletcher32Golden& g : kFletcher32Golden) {
    CAPTURE(g.length);
    CAPTURE(g.ones);
    CHECK(fletcher32(byte_pattern(g.length, g.ones)) == g.checksum);
  }
}

TEST_CASE("fletcher32 and shuffle encode byte-identically to libhdf5") {
  const Bytes ramp = float_ramp();
  FilterPipeline f({fletcher32_spec()}, 4, ramp.size());
  Encoded e = f.encode(ramp);
  CHECK(e.filter_mask == kF32FletcherMask);
  CHECK(e.bytes == from_hex(kF32Fletcher));
  CHECK(decode_all(f, from_hex(kF32Fletcher), kF32FletcherMask, ramp.size()) == ramp);

  FilterPipeline sf({shuffle_spec(4), fletcher32_spec()}, 4, ramp.size());
  e = sf.encode(ramp);
  CHECK(e.filter_mask == kF32ShuffleFletcherMask);
  CHECK(e.bytes == from_hex(kF32ShuffleFletcher));
  CHECK(decode_all(sf, from_hex(kF32ShuffleFletcher), 0, ramp.size()) == ramp);
}

TEST_CASE("chunks written by libhdf5 and h5py decode to the original values") {
  const Bytes ramp = float_ramp();
  const Bytes cycle = int_cycle();
  FilterPipeline sdf({shuffle_spec(4), deflate_spec(4), fletcher32_spec()}, 4, ramp.size());
  CHECK(decode_all(sdf, from_hex(kF32ShuffleDeflateFletcher), kF32ShuffleDeflateFletcherMask,
                   ramp.size()) == ramp);
  // Our own deflate output may differ from zlib's, but must decode the same way.
  Encoded e = sdf.encode(ramp);
  CHECK(decode_all(sdf, e.bytes, e.filter_mask, ramp.size()) == ramp);

  const Bytes d9 = from_hex(kI32Deflate9);
  FilterPipeline deflate9({deflate_spec(9)}, 4, cycle.size());
  CHECK(decode_all(deflate9, d9, kI32Deflate9Mask, cycle.size()) == cycle);
  Bytes out(cycle.size());
  CHECK(inflate_zlib(d9, out, true) == cycle.size());
  CHECK(out == cycle);
#ifdef H5MEM_HAVE_LIBDEFLATE
  std::fill(out.begin(), out.end(), std::byte{0});
  CHECK(inflate_libdeflate(d9, out, true) == cycle.size());
  CHECK(out == cycle);
#endif

  FilterPipeline lzf({lzf_spec()}, 4, cycle.size());
  CHECK(lzf.specs()[0].client_data == std::vector<std::uint32_t>{4, 261, 1024});
  CHECK(decode_all(lzf, from_hex(kI32Lzf), kI32LzfMask, cycle.size()) == cycle);
  FilterPipeline slzf({shuffle_spec(), lzf_spec()}, 4, cycle.size());
  CHECK(decode_all(slzf, from_hex(kI32ShuffleLzf), kI32ShuffleLzfMask, cycle.size()) == cycle);
}

TEST_CASE("with the zlib encoder a deflate chunk is byte-identical to libhdf5's") {
  const Bytes ramp = float_ramp();
  FilterPipeline sdf({shuffle_spec(4), deflate_spec(4), fletcher32_spec()}, 4, ramp.size(),
                     PipelineOptions{DeflateEncoder::zlib});
  const Encoded e = sdf.encode(ramp);
  CHECK(e.filter_mask == 0);
  // Deflate output is only reproducible with the zlib release that wrote the golden bytes.
  if (std::string_view(zlibVersion()) == kGoldenZlibVersion)
    CHECK(e.bytes == from_hex(kF32ShuffleDeflateFletcher));
  else
    MESSAGE("zlib " << zlibVersion() << " differs from the golden " << kGoldenZlibVersion);
}

TEST_CASE("every deflate encoder choice round-trips at every level") {
  const Bytes smooth = smooth_floats(50000, 4);
  Bytes shuffled(smooth.size());
  shuffle_bytes(smooth, shuffled, 4);
  for (DeflateEncoder enc :
       {DeflateEncoder::balanced, DeflateEncoder::zlib, DeflateEncoder::libdeflate}) {
    for (unsigned level = 0; level <= 9; ++level) {
      CAPTURE(level);
      FilterSpec spec = deflate_spec(level);
      spec.flags = 0;  // level 0 expands: keep the filter anyway
      FilterPipeline p({spec}, 4, shuffled.size(), PipelineOptions{enc});
      const Encoded e = p.encode(shuffled);
      CHECK(e.filter_mask == 0);
      CHECK(decode_all(p, e.bytes, 0, shuffled.size()) == shuffled);
      Bytes out(shuffled.size());
      CHECK(inflate_zlib(e.bytes, out, true) == out.size());
      CHECK(out == shuffled);
    }
  }
}

TEST_CASE("lzf skips incompressible chunks the way h5py does") {
  const Bytes rand = from_hex(kRandomBytes);
  REQUIRE(from_hex(kRandLzf) == rand);  // h5py stored it raw ...
  REQUIRE(kRandLzfMask == 1);           // ... with the lzf bit set
  FilterPipeline p({lzf_spec()}, 1, rand.size());
  CHECK(decode_all(p, rand, kRandLzfMask, rand.size()) == rand);
  const Encoded e = p.encode(rand);
  CHECK(e.filter_mask == 1);
  CHECK(e.bytes == rand);
}

TEST_CASE("shuffle kernels match the reference transposition") {
  for (std::size_t es = 1; es <= 16; ++es) {
    for (std::size_t n : {0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 100, 255, 256, 1000, 4099}) {
      CAPTURE(es);
      CAPTURE(n);
      const Bytes src = random_bytes(n, static_cast<std::uint32_t>(es * 10007 + n));
      Bytes fast(n), ref(n), back(n);
      shuffle_bytes(src, fast, es);
      shuffle_bytes_reference(src, ref, es);
      CHECK(fast == ref);
      unshuffle_bytes(fast, back, es);
      CHECK(back == src);
      unshuffle_bytes_reference(fast, back, es);
      CHECK(back == src);
    }
  }
}

TEST_CASE("shuffle layout and edge cases follow H5Z_filter_shuffle") {
  // Three 4-byte elements plus two trailing bytes: planes, then the tail unchanged.
  Bytes src(14);
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<std::byte>(i);
  Bytes out(14);
  shuffle_bytes(src, out, 4);
  const Bytes expect = {std::byte{0}, std::byte{4},  std::byte{8},  std::byte{1},  std::byte{5},
                        std::byte{9}, std::byte{2},  std::byte{6},  std::byte{10}, std::byte{3},
                        std::byte{7}, std::byte{11}, std::byte{12}, std::byte{13}};
  CHECK(out == expect);
  // One whole element (plus a tail) is left alone, as libhdf5 does.
  shuffle_bytes(std::span(src).first(7), std::span(out).first(7), 4);
  CHECK(std::equal(src.begin(), src.begin() + 7, out.begin()));
}

namespace {

enum class Stage { shuffle, deflate1, deflate4, deflate9, fletcher, lzf };

FilterSpec spec_for(Stage s) {
  switch (s) {
    case Stage::shuffle:
      return shuffle_spec();
    case Stage::deflate1:
      return deflate_spec(1);
    case Stage::deflate4:
      return deflate_spec(4);
    case Stage::deflate9:
      return deflate_spec(9);
    case Stage::fletcher:
      return fletcher32_spec();
    case Stage::lzf:
      return lzf_spec();
  }
  return {};
}

// Every ordering of every subset of {shuffle, deflate, fletcher32, lzf}, deflate at three levels.
std::vector<std::vector<Stage>> all_pipelines() {
  std::vector<std::vector<Stage>> out;
  const Stage base[] = {Stage::shuffle, Stage::deflate1, Stage::fletcher, Stage::lzf};
  for (unsigned subset = 0; subset < 16; ++subset) {
    std::vector<Stage> s;
    for (unsigned i = 0; i < 4; ++i)
      if (subset & (1u << i)) s.push_back(base[i]);
    do {
      for (Stage level : {Stage::deflate1, Stage::deflate4, Stage::deflate9}) {
        std::vector<Stage> p = s;
        std::replace(p.begin(), p.end(), Stage::deflate1, level);
        out.push_back(p);
        if (!(subset & 2u)) break;  // no deflate: one variant is enough
      }
    } while (std::next_permutation(s.begin(), s.end()));
  }
  return out;
}

}  // namespace

TEST_CASE("every pipeline round-trips every data pattern") {
  const auto pipelines = all_pipelines();
  CHECK(pipelines.size() == 163);
  std::vector<Bytes> inputs;
  for (std::size_t n : {0, 1, 7, 64, 1001, 4099}) {
    inputs.push_back(random_bytes(n, static_cast<std::uint32_t>(n)));
    inputs.push_back(smooth_floats(n, static_cast<std::uint32_t>(n)));
    inputs.push_back(Bytes(n));
  }
  for (const auto& stages : pipelines) {
    std::vector<FilterSpec> specs;
    for (Stage s : stages) specs.push_back(spec_for(s));
    for (std::size_t es : {1, 3, 4, 8}) {
      FilterPipeline p(specs, es, 4096);
      for (const Bytes& in : inputs) {
        CAPTURE(stages.size());
        CAPTURE(es);
        CAPTURE(in.size());
        const Encoded e = p.encode(in);
        REQUIRE(decode_all(p, e.bytes, e.filter_mask, in.size()) == in);
      }
    }
  }
}

TEST_CASE("mandatory compressors expand incompressible chunks instead of failing") {
  for (std::size_t n : {0, 1, 3000}) {
    const Bytes in = random_bytes(n, 99);
    for (DeflateEncoder enc : {DeflateEncoder::zlib, DeflateEncoder::libdeflate}) {
      for (FilterSpec spec : {deflate_spec(6), lzf_spec()}) {
        CAPTURE(n);
        CAPTURE(spec.id);
        spec.flags = 0;
        FilterPipeline p({spec}, 1, in.size(), PipelineOptions{enc});
        const Encoded e = p.encode(in);
        CHECK(e.filter_mask == 0);
        CHECK(e.bytes.size() >= in.size());
        CHECK(decode_all(p, e.bytes, 0, in.size()) == in);
      }
    }
  }
  // Optional ones are skipped and the chunk is stored as is.
  const Bytes rand = random_bytes(3000, 99);
  FilterPipeline opt({shuffle_spec(), deflate_spec(6), lzf_spec(), fletcher32_spec()}, 4,
                     rand.size());
  const Encoded e = opt.encode(rand);
  CHECK(e.filter_mask == 0b0110);
  CHECK(e.bytes.size() == rand.size() + 4);
  CHECK(decode_all(opt, e.bytes, e.filter_mask, rand.size()) == rand);
  // Mask bits past the last filter are ignored.
  CHECK(decode_all(opt, e.bytes, e.filter_mask | 0xffff0000u, rand.size()) == rand);
}

TEST_CASE("the encode overload reuses the caller's buffer") {
  FilterPipeline p({shuffle_spec(), deflate_spec(4)}, 4, 4096);
  const Bytes in = smooth_floats(4096, 3);
  std::vector<std::byte> out(100000, std::byte{0x55});
  const std::uint32_t mask = p.encode(in, out);
  CHECK(mask == 0);
  CHECK(out.size() < in.size());
  CHECK(decode_all(p, out, mask, in.size()) == in);
  FilterPipeline none;
  CHECK(none.encode(in, out) == 0);
  CHECK(out == in);
}

TEST_CASE("zlib and libdeflate streams are interchangeable") {
  std::vector<Bytes> inputs = {Bytes{}, random_bytes(1, 1), Bytes(100000), random_bytes(10000, 2),
                               smooth_floats(65536 * 3 + 5, 3)};
  std::string text;
  while (text.size() < 20000) text += "the quick brown fox jumps over the lazy dog 0123456789\n";
  inputs.emplace_back(as_bytes(text).begin(), as_bytes(text).end());
  for (const Bytes& in : inputs) {
    for (int level = 0; level <= 9; ++level) {
      CAPTURE(in.size());
      CAPTURE(level);
      Bytes z(deflate_max_encoded_size(in.size()));
      z.resize(deflate_encode_zlib(in, z, level));
      REQUIRE(!z.empty());
      Bytes out(in.size());
      CHECK(inflate_zlib(z, out, true) == in.size());
      CHECK(out == in);
#ifdef H5MEM_HAVE_LIBDEFLATE
      Bytes ld(deflate_max_encoded_size(in.size()));
      ld.resize(deflate_encode_libdeflate(in, ld, level));
      REQUIRE(!ld.empty());
      std::fill(out.begin(), out.end(), std::byte{0});
      CHECK(inflate_libdeflate(z, out, true) == in.size());
      CHECK(out == in);
      std::fill(out.begin(), out.end(), std::byte{0});
      CHECK(inflate_zlib(ld, out, true) == in.size());
      CHECK(out == in);
      // Non-exact mode reports the size within a larger buffer.
      Bytes big(in.size() + 10);
      CHECK(inflate_libdeflate(ld, big, false) == in.size());
      CHECK(inflate_zlib(ld, big, false) == in.size());
#endif
    }
  }
}

TEST_CASE("a flipped byte in a fletcher32-protected chunk is corruption") {
  const Bytes ramp = float_ramp();
  FilterPipeline f({fletcher32_spec()}, 4, ramp.size());
  const Bytes good = from_hex(kF32Fletcher);
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= std::byte{0x20};
    CAPTURE(i);
    CHECK(error_of([&] { decode_all(f, bad, 0, ramp.size()); }) == ErrorCode::corruption);
  }
  Bytes bad = good;
  bad[3] ^= std::byte{1};
  CHECK(message_of([&] {
          decode_all(f, bad, 0, ramp.size());
        }).starts_with("fletcher32 checksum mismatch: stored 0xa3d7fd89, computed 0x"));
  // The pre-1.6.3 byte order libhdf5 still accepts.
  Bytes legacy = good;
  std::swap(legacy[96], legacy[97]);
  std::swap(legacy[98], legacy[99]);
  CHECK(decode_all(f, legacy, 0, ramp.size()) == ramp);
  // Flips anywhere in a compressed, checksummed chunk are caught too.
  FilterPipeline sdf({shuffle_spec(4), deflate_spec(4), fletcher32_spec()}, 4, ramp.size());
  const Bytes packed = from_hex(kF32ShuffleDeflateFletcher);
  for (std::size_t i = 0; i < packed.size(); ++i) {
    Bytes b = packed;
    b[i] ^= std::byte{0x01};
    CHECK(error_of([&] { decode_all(sdf, b, 0, ramp.size()); }) == ErrorCode::corruption);
  }
}

namespace {

// Feeds every truncation of `stream`, `flips` random single-byte corruptions and 100 random
// garbage buffers to `decode`. Truncations must raise corruption; the rest must either raise
// corruption or decode normally (the formats have no integrity check of their own everywhere).
template <class Decode>
void torture(const Bytes& stream, std::size_t flips, Decode&& decode) {
  for (std::size_t len = 0; len < stream.size(); ++len) {
    CAPTURE(len);
    const Bytes cut(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(len));
    CHECK(error_of([&] { decode(cut); }) == ErrorCode::corruption);
  }
  std::mt19937 rng(1234);
  for (std::size_t k = 0; k < flips; ++k) {
    Bytes bad = stream;
    bad[rng() % bad.size()] ^= static_cast<std::byte>(1 + rng() % 255);
    const auto code = error_of([&] { decode(bad); });
    CHECK((!code || *code == ErrorCode::corruption));
  }
  for (std::size_t k = 0; k < 100; ++k) {
    const Bytes garbage = random_bytes(1 + rng() % 300, static_cast<std::uint32_t>(k));
    const auto code = error_of([&] { decode(garbage); });
    CHECK((!code || *code == ErrorCode::corruption));
  }
}

}  // namespace

TEST_CASE("truncated or garbled deflate streams raise corruption") {
  const Bytes in = smooth_floats(2000, 5);
  Bytes z(deflate_max_encoded_size(in.size()));
  z.resize(deflate_encode_zlib(in, z, 6));
  Bytes out(in.size());
  torture(z, 300, [&](const Bytes& s) { inflate_zlib(s, out, true); });
#ifdef H5MEM_HAVE_LIBDEFLATE
  torture(z, 300, [&](const Bytes& s) { inflate_libdeflate(s, out, true); });
#endif
  FilterPipeline p({deflate_spec(6)}, 4, in.size());
  torture(z, 300, [&](const Bytes& s) { p.decode(s, 0, out); });
  // A valid stream of the wrong length.
  Bytes small(in.size() - 1), large(in.size() + 1);
  CHECK(error_of([&] { inflate_zlib(z, small, true); }) == ErrorCode::corruption);
  CHECK(error_of([&] { inflate_zlib(z, large, true); }) == ErrorCode::corruption);
#ifdef H5MEM_HAVE_LIBDEFLATE
  CHECK(error_of([&] { inflate_libdeflate(z, small, true); }) == ErrorCode::corruption);
  CHECK(error_of([&] { inflate_libdeflate(z, large, true); }) == ErrorCode::corruption);
#endif
}

TEST_CASE("truncated or garbled lzf streams raise corruption") {
  // Shuffled smooth floats: long runs (long back-references) mixed with literals.
  const Bytes floats = smooth_floats(2000, 6);
  Bytes in(floats.size());
  shuffle_bytes(floats, in, 4);
  Bytes stream(lzf_max_encoded_size(in.size()));
  stream.resize(lzf_encode(in, stream));
  REQUIRE(stream.size() < in.size());
  Bytes out(in.size());
  CHECK(lzf_decode(stream, out, true) == in.size());
  CHECK(out == in);
  torture(stream, 300, [&](const Bytes& s) { lzf_decode(s, out, true); });
  torture(from_hex(kI32Lzf), 300, [&](const Bytes& s) {
    Bytes o(1024);
    lzf_decode(s, o, true);
  });
  // A back-reference before the start of the output.
  const Bytes before = {std::byte{0x00}, std::byte{0x41}, std::byte{0x20}, std::byte{0x05}};
  CHECK(message_of([&] { lzf_decode(before, out, false); }).find("back-reference") !=
        std::string::npos);
}

TEST_CASE("pipeline rejects stored chunks of the wrong size") {
  const Bytes in = smooth_floats(1000, 8);
  FilterPipeline sf({shuffle_spec(4), fletcher32_spec()}, 4, in.size());
  Encoded e = sf.encode(in);
  e.bytes.push_back(std::byte{0});
  CHECK(error_of([&] { decode_all(sf, e.bytes, 0, in.size()); }) == ErrorCode::corruption);
  FilterPipeline none;
  CHECK(error_of([&] { decode_all(none, in, 0, in.size() + 1); }) == ErrorCode::corruption);
  // An lzf stream bigger than any encoding of the chunk could be.
  FilterPipeline lzf({lzf_spec()}, 1, 10);
  CHECK(error_of([&] { decode_all(lzf, Bytes(100), 0, 10); }) == ErrorCode::corruption);
}

TEST_CASE("unknown filters and bad parameters are reported") {
  for (auto [id, name] : {std::pair<std::uint16_t, const char*>{307, "bzip2"},
                          {32001, "blosc"},
                          {4, "szip"},
                          {5, "nbit"},
                          {6, "scaleoffset"}}) {
    const std::string msg = message_of([&] { FilterPipeline({FilterSpec{id, 0, {}, ""}}, 4, 64); });
    CHECK(msg.find(std::to_string(id)) != std::string::npos);
    CHECK(msg.find(name) != std::string::npos);
    CHECK(error_of([&] {
            FilterPipeline({FilterSpec{id, 1, {}, ""}}, 4, 64);
          }) == ErrorCode::unsupported);
  }
  CHECK(message_of([&] {
          FilterPipeline({FilterSpec{40000, 0, {}, "mine"}}, 4, 64);
        }).find("40000") != std::string::npos);
  CHECK(error_of([] { deflate_spec(10); }) == ErrorCode::invalid_argument);
  CHECK(error_of([] {
          FilterPipeline({FilterSpec{1, 1, {12}, ""}}, 4, 64);
        }) == ErrorCode::invalid_argument);
  CHECK(error_of([] {
          FilterPipeline({FilterSpec{1, 1, {}, ""}}, 4, 64);
        }) == ErrorCode::invalid_argument);
  CHECK(error_of([] { FilterPipeline({shuffle_spec()}, 0, 64); }) == ErrorCode::invalid_argument);
  CHECK(error_of([] { FilterPipeline(std::vector<FilterSpec>(33, fletcher32_spec()), 4, 64); }) ==
        ErrorCode::invalid_argument);
}

TEST_CASE("one pipeline decodes concurrently from several threads") {
  FilterPipeline p({shuffle_spec(), deflate_spec(4), fletcher32_spec()}, 4, 1 << 18);
  std::vector<Bytes> chunks;
  std::vector<Encoded> encoded;
  for (std::uint32_t i = 0; i < 8; ++i) {
    chunks.push_back(smooth_floats(1 << 18, i));
    encoded.push_back(p.encode(chunks.back()));
  }
  std::vector<int> ok(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < ok.size(); ++t) {
    threads.emplace_back([&, t] {
      Bytes out(1 << 18);
      for (int round = 0; round < 4; ++round) {
        for (std::size_t c = 0; c < chunks.size(); ++c) {
          const std::size_t k = (c + t) % chunks.size();
          p.decode(encoded[k].bytes, encoded[k].filter_mask, out);
          ok[t] += out == chunks[k];
          ok[t] += p.encode(chunks[k]).bytes == encoded[k].bytes;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int n : ok) CHECK(n == 64);
}

TEST_CASE("a 1 MiB float32 chunk round-trips through shuffle+deflate") {
  const Bytes in = smooth_floats(1 << 20, 11);
  FilterPipeline p({shuffle_spec(), deflate_spec(4)}, 4, in.size());
  const Encoded e = p.encode(in);
  CHECK(e.filter_mask == 0);
  CHECK(e.bytes.size() < in.size() / 2);
  CHECK(decode_all(p, e.bytes, e.filter_mask, in.size()) == in);
}
