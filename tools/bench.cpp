// `h5mem bench`: stores one in-memory dataset under each requested chunk shape and codec,
// then times writes and typical read patterns (full, planes, small boxes, strided) and
// reports throughput, compression ratio and memory held. Every read is checked against the
// source data, so a fast wrong answer cannot pass.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_report.hpp"
#include "commands.hpp"
#include "h5mem/h5mem.hpp"

namespace h5mem::cli {
namespace {

using bench::ConfigResult;
using bench::RunInfo;
using bench::Timing;

struct Args {
  std::string shape = "256,256,128";
  std::string dtype = "float32";
  std::string pattern = "smooth";
  std::vector<std::string> chunks;
  std::vector<std::string> codecs;
  std::string box = "8,8,8";
  std::uint64_t reads = 500;
  std::uint64_t planes = 8;
  std::uint64_t stride = 4;
  double min_time = 0.1;
  std::uint64_t seed = 42;
  unsigned threads = 0;
  std::uint64_t cache_bytes = 0;
  CLI::Option* threads_opt = nullptr;
  CLI::Option* cache_opt = nullptr;
  bool json = false;
  bool progress = false;
  bool no_progress = false;
};

[[noreturn]] void bad_arg(const std::string& option, const std::string& msg) {
  throw CLI::ValidationError(option, msg);
}

// ---- arguments --------------------------------------------------------------------------

// "64,64,64" or "64x64x64" -> {64, 64, 64}; every entry >= 1.
Shape parse_shape(const std::string& option, const std::string& text) {
  Shape out;
  std::string cur;
  auto flush = [&] {
    if (cur.empty() || cur.find_first_not_of("0123456789") != std::string::npos ||
        cur.size() > 18) {
      bad_arg(option, "'" + text + "' is not a list of positive integers like 64,64,64");
    }
    std::uint64_t v = std::stoull(cur);
    if (v == 0) bad_arg(option, "'" + text + "' has a zero entry; every entry must be >= 1");
    out.push_back(v);
    cur.clear();
  };
  for (char c : text) {
    if (c == ',' || c == 'x') {
      flush();
    } else if (c != ' ') {
      cur += c;
    }
  }
  flush();
  if (out.size() > max_rank) bad_arg(option, "rank " + std::to_string(out.size()) + " exceeds 32");
  return out;
}

// A filter pipeline, spelled like "shuffle+deflate:4+fletcher32", "lzf" or "none".
struct Codec {
  std::string label;
  bool shuffle = false, lzf = false, fletcher32 = false;
  std::optional<unsigned> deflate;
  bool none() const { return !shuffle && !lzf && !fletcher32 && !deflate; }
};

Codec parse_codec(const std::string& text) {
  const std::string usage =
      " (tokens: none, shuffle, deflate[:0-9], lzf, fletcher32; joined by '+', e.g. "
      "shuffle+deflate:4)";
  Codec c;
  bool saw_none = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = std::min(text.find('+', pos), text.size());
    std::string tok = text.substr(pos, end - pos);
    pos = end + 1;
    auto dup = [&](bool already) {
      if (already) bad_arg("--codec", "'" + text + "' names " + tok + " twice");
    };
    if (tok == "none") {
      dup(saw_none);
      saw_none = true;
    } else if (tok == "shuffle") {
      dup(c.shuffle);
      c.shuffle = true;
    } else if (tok == "lzf") {
      dup(c.lzf);
      c.lzf = true;
    } else if (tok == "fletcher32") {
      dup(c.fletcher32);
      c.fletcher32 = true;
    } else if (tok == "deflate" || tok.rfind("deflate:", 0) == 0) {
      dup(c.deflate.has_value());
      std::string lvl = tok.size() > 8 ? tok.substr(8) : "4";
      if (lvl.size() != 1 || lvl[0] < '0' || lvl[0] > '9') {
        bad_arg("--codec", "'" + tok + "': deflate level must be 0..9");
      }
      c.deflate = static_cast<unsigned>(lvl[0] - '0');
    } else {
      bad_arg("--codec", "unknown codec '" + tok + "' in '" + text + "'" + usage);
    }
  }
  if (saw_none && !c.none()) bad_arg("--codec", "'" + text + "': none cannot be combined");
  if (c.lzf && c.deflate) bad_arg("--codec", "'" + text + "': choose deflate or lzf, not both");
  std::vector<std::string> parts;
  if (c.shuffle) parts.push_back("shuffle");
  if (c.deflate) parts.push_back("deflate:" + std::to_string(*c.deflate));
  if (c.lzf) parts.push_back("lzf");
  if (c.fletcher32) parts.push_back("fletcher32");
  for (const auto& p : parts) c.label += (c.label.empty() ? "" : "+") + p;
  if (c.label.empty()) c.label = "none";
  return c;
}

// Cubes of about 1 MiB, 128 KiB and 16 KiB (h5py's range), clipped to the extent.
std::vector<Shape> default_chunks(const Shape& shape, std::size_t elem_size) {
  std::vector<Shape> out;
  for (double bytes : {1048576.0, 131072.0, 16384.0}) {
    double side =
        std::pow(bytes / static_cast<double>(elem_size), 1.0 / static_cast<double>(shape.size()));
    Shape c;
    for (auto n : shape)
      c.push_back(std::clamp<std::uint64_t>(static_cast<std::uint64_t>(side + 0.5), 1, n));
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

// Calls fn(T{}) for the element type named `name`; false if the name is unknown.
template <class Fn>
bool with_dtype(const std::string& name, Fn&& fn) {
  if (name == "float32") {
    fn(float{});
  } else if (name == "float64") {
    fn(double{});
  } else if (name == "int8") {
    fn(std::int8_t{});
  } else if (name == "int16") {
    fn(std::int16_t{});
  } else if (name == "int32") {
    fn(std::int32_t{});
  } else if (name == "int64") {
    fn(std::int64_t{});
  } else if (name == "uint8") {
    fn(std::uint8_t{});
  } else if (name == "uint16") {
    fn(std::uint16_t{});
  } else if (name == "uint32") {
    fn(std::uint32_t{});
  } else if (name == "uint64") {
    fn(std::uint64_t{});
  } else {
    return false;
  }
  return true;
}

// ---- source data ------------------------------------------------------------------------

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A smooth field in [-1, 1] (a sum of one sine per axis), scaled to T's range.
template <class T>
void fill_smooth(const Shape& shape, T* out) {
  const std::size_t r = shape.size();
  std::vector<std::vector<double>> tab(r);
  for (std::size_t d = 0; d < r; ++d) {
    tab[d].resize(shape[d]);
    for (std::uint64_t i = 0; i < shape[d]; ++i) {
      tab[d][i] = std::sin(static_cast<double>(i) * (0.05 + 0.02 * static_cast<double>(d)) +
                           0.7 * static_cast<double>(d)) /
                  static_cast<double>(r);
    }
  }
  auto conv = [](double v) -> T {
    if constexpr (std::is_floating_point_v<T>) {
      return static_cast<T>(100.0 * v);
    } else if constexpr (std::is_signed_v<T>) {
      double scale = std::min(0.9 * static_cast<double>(std::numeric_limits<T>::max()), 1e6);
      return static_cast<T>(std::lround(v * scale));
    } else {
      double scale = std::min(0.45 * static_cast<double>(std::numeric_limits<T>::max()), 1e6);
      return static_cast<T>(std::lround((v + 1.0) * scale));
    }
  };
  const std::uint64_t inner = shape[r - 1], rows = element_count(shape) / inner;
  std::vector<std::uint64_t> idx(r, 0);
  for (std::uint64_t row = 0; row < rows; ++row) {
    double prefix = 0;
    for (std::size_t d = 0; d + 1 < r; ++d) prefix += tab[d][idx[d]];
    T* dst = out + row * inner;
    for (std::uint64_t j = 0; j < inner; ++j) dst[j] = conv(prefix + tab[r - 1][j]);
    for (std::size_t d = r - 1; d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

template <class T>
void fill_random(std::uint64_t n, T* out, std::uint64_t seed) {
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t x = splitmix(seed);
    if constexpr (std::is_same_v<T, float>) {
      out[i] = static_cast<float>(x >> 40) * 0x1.0p-24f;
    } else if constexpr (std::is_same_v<T, double>) {
      out[i] = static_cast<double>(x >> 11) * 0x1.0p-53;
    } else {
      std::memcpy(&out[i], &x, sizeof(T));
    }
  }
}

// ---- read patterns ----------------------------------------------------------------------

// One read: per axis (start, step, count); `index` axes are integer-indexed (dropped).
struct Op {
  std::vector<SliceArg> args;
  Shape start, step, count;
  std::vector<bool> index;
  std::uint64_t elements = 1;
};

struct Pattern {
  std::string name;
  std::vector<Op> ops;
  bool is_full = false;
};

Op make_op(const Shape& start, const Shape& step, const Shape& count, std::vector<bool> index) {
  Op op{{}, start, step, count, std::move(index), 1};
  for (std::size_t d = 0; d < start.size(); ++d) {
    op.elements *= count[d];
    if (op.index[d]) {
      op.args.emplace_back(static_cast<std::int64_t>(start[d]));
    } else {
      auto b = static_cast<std::int64_t>(start[d]);
      op.args.emplace_back(Slice(b, b + static_cast<std::int64_t>((count[d] - 1) * step[d] + 1),
                                 static_cast<std::int64_t>(step[d])));
    }
  }
  return op;
}

std::vector<Pattern> make_patterns(const Shape& shape, const Args& a, const Shape& box) {
  const std::size_t r = shape.size();
  const Shape zeros(r, 0), ones(r, 1);
  std::vector<Pattern> out;
  out.push_back({"full", {make_op(zeros, ones, shape, std::vector<bool>(r, false))}, true});
  for (std::size_t axis = 0; r >= 2 && axis < r; ++axis) {
    Pattern p;
    p.name = "plane[";
    for (std::size_t d = 0; d < r; ++d)
      p.name += std::string(d ? "," : "") + (d == axis ? "k" : ":");
    p.name += "]";
    std::uint64_t n = std::min<std::uint64_t>(a.planes, shape[axis]);
    for (std::uint64_t i = 0; i < n; ++i) {
      Shape start = zeros, count = shape;
      start[axis] = (2 * i + 1) * shape[axis] / (2 * n);
      count[axis] = 1;
      std::vector<bool> index(r, false);
      index[axis] = true;
      p.ops.push_back(make_op(start, ones, count, index));
    }
    out.push_back(std::move(p));
  }
  Pattern boxes{"box " + bench::chunks_label(box), {}, false};
  std::uint64_t s = a.seed ^ 0xB0C5;
  for (std::uint64_t i = 0; i < a.reads; ++i) {
    Shape start(r);
    for (std::size_t d = 0; d < r; ++d) start[d] = splitmix(s) % (shape[d] - box[d] + 1);
    boxes.ops.push_back(make_op(start, ones, box, std::vector<bool>(r, false)));
  }
  if (!boxes.ops.empty()) out.push_back(std::move(boxes));
  if (a.stride > 1) {
    Pattern p{"strided[", {}, false};
    Shape step(r, a.stride), count(r);
    for (std::size_t d = 0; d < r; ++d) {
      p.name += std::string(d ? "," : "") + "::" + std::to_string(a.stride);
      count[d] = (shape[d] + a.stride - 1) / a.stride;
    }
    p.name += "]";
    p.ops.push_back(make_op(zeros, step, count, std::vector<bool>(r, false)));
    out.push_back(std::move(p));
  }
  return out;
}

// Copies the elements `op` selects from the row-major `src` into `dst`, selection order.
void extract(const std::byte* src, const Shape& shape, std::size_t es, const Op& op,
             std::byte* dst) {
  const std::size_t r = shape.size();
  Shape stride(r, 1);
  for (std::size_t d = r - 1; d-- > 0;) stride[d] = stride[d + 1] * shape[d + 1];
  std::vector<std::uint64_t> idx(r, 0);
  for (std::uint64_t e = 0; e < op.elements; ++e) {
    std::uint64_t off = 0;
    for (std::size_t d = 0; d < r; ++d) off += (op.start[d] + idx[d] * op.step[d]) * stride[d];
    std::memcpy(dst + e * es, src + off * es, es);
    for (std::size_t d = r; d-- > 0;) {
      if (++idx[d] < op.count[d]) break;
      idx[d] = 0;
    }
  }
}

[[noreturn]] void mismatch(const std::string& what, const std::byte* want, const std::byte* got,
                           std::uint64_t bytes, std::size_t es) {
  std::uint64_t i = 0;
  while (i < bytes && want[i] == got[i]) ++i;
  throw std::runtime_error("verification failed: " + what +
                           " differs from the source data at element " + std::to_string(i / es) +
                           " of " + std::to_string(bytes / es) +
                           " (wrong data returned by the library)");
}

// ---- timing -----------------------------------------------------------------------------

using Clock = std::chrono::steady_clock;

// Runs op(0..n-1) once untimed (checking each result with `check`, within about min_time),
// then cycles through the ops, timing each, until min_time has passed and min_ops ran.
Timing measure(const std::string& name, std::uint64_t bytes_per_op, std::size_t n,
               const std::function<void(std::size_t)>& op,
               const std::function<void(std::size_t)>& check, double min_time,
               std::uint64_t min_ops) {
  if (check) {
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      op(i);
      check(i);
      if (std::chrono::duration<double>(Clock::now() - t0).count() > min_time) break;
    }
  }
  std::vector<double> us;
  double total = 0;
  for (std::size_t i = 0; (total < min_time * 1e6 || us.size() < min_ops) && us.size() < 2000000;
       i = (i + 1) % n) {
    auto t0 = Clock::now();
    op(i);
    double t = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    us.push_back(t);
    total += t;
  }
  Timing t{name, us.size(), bytes_per_op, 0, total / static_cast<double>(us.size()), 0};
  std::sort(us.begin(), us.end());
  std::size_t m = us.size() / 2;
  t.median_us = us.size() % 2 ? us[m] : 0.5 * (us[m - 1] + us[m]);
  t.min_us = us.front();
  return t;
}

// ---- the run ----------------------------------------------------------------------------

struct Config {
  Shape chunks;  // empty: contiguous
  Codec codec;
};

ConfigResult run_config(const RunInfo& info, const Config& cfg, std::size_t index, const DType& dt,
                        const std::vector<std::byte>& src, std::vector<std::byte>& buf,
                        const std::vector<Pattern>& patterns, const Args& a,
                        bench::Progress& progress) {
  const std::string label = bench::chunks_label(cfg.chunks) + " " + cfg.codec.label;
  const std::uint64_t n = element_count(info.shape);
  const std::size_t es = dt.size();
  FileOptions fo;
  if (info.threads) fo.threads(*info.threads);
  if (info.cache_bytes) fo.cache_bytes(*info.cache_bytes);
  DatasetOptions dopt;
  if (!cfg.chunks.empty()) dopt.chunks(cfg.chunks);
  if (cfg.codec.shuffle) dopt.shuffle();
  if (cfg.codec.deflate) dopt.deflate(*cfg.codec.deflate);
  if (cfg.codec.lzf) dopt.lzf();
  if (cfg.codec.fletcher32) dopt.fletcher32();

  File f = File::create("mem://h5mem-bench-" + std::to_string(index), {}, fo);
  Dataset ds = f.create_dataset("data", dt, info.shape, dopt);
  ConfigResult r{cfg.chunks, cfg.codec.label, {}, {}, {}, 0, 0, 0};

  // The first write allocates (and page-faults) all storage; later ones overwrite it. Both
  // matter (write-once vs. updated datasets) and they can differ by 10x, so they are kept apart.
  progress.start(label + ": write");
  auto write_all = [&](std::size_t) { ds.select({}).write_raw(dt, src.data(), n); };
  r.first_write = measure("write (first)", n * es, 1, write_all, {}, 0, 1);
  r.storage_bytes = ds.storage_bytes();
  r.held_after_write = f.bytes_held();
  r.rewrite = measure("rewrite", n * es, 1, write_all, {}, info.min_time_s, 2);
  progress.finish();

  progress.start(label + ": verify");
  std::fill(buf.begin(), buf.end(), std::byte{0xA5});
  ds.select({}).read_raw(dt, buf.data(), n);
  if (std::memcmp(buf.data(), src.data(), n * es) != 0) {
    mismatch("full read-back after writing (" + label + ")", src.data(), buf.data(), n * es, es);
  }
  progress.finish();

  std::vector<std::byte> want(buf.size());
  for (const Pattern& p : patterns) {
    progress.start(label + ": " + p.name);
    const std::uint64_t elems = p.ops.front().elements;
    auto op = [&](std::size_t i) {
      ds.select(std::span<const SliceArg>(p.ops[i].args)).read_raw(dt, buf.data(), elems);
    };
    auto check = [&](std::size_t i) {
      const std::byte* expect = src.data();
      if (!p.is_full) {
        extract(src.data(), info.shape, es, p.ops[i], want.data());
        expect = want.data();
      }
      if (std::memcmp(buf.data(), expect, elems * es) != 0) {
        mismatch(p.name + " read #" + std::to_string(i) + " (" + label + ")", expect, buf.data(),
                 elems * es, es);
      }
    };
    r.reads.push_back(measure(p.name, elems * es, p.ops.size(), op, check, info.min_time_s, 3));
    progress.finish();
  }
  r.held_after_reads = f.bytes_held();
  f.close();
  return r;
}

void run_bench(const Args& a) {
  RunInfo info;
  info.version = version_string();
  info.shape = parse_shape("--shape", a.shape);
  if (info.shape.empty()) bad_arg("--shape", "needs at least one dimension");
  std::optional<DType> dt;
  with_dtype(a.dtype, [&](auto tag) { dt = dtype_of<decltype(tag)>(); });
  if (!dt) bad_arg("--dtype", "unknown dtype '" + a.dtype + "'");
  info.dtype = a.dtype;
  info.pattern = a.pattern;
  std::uint64_t n = 0;
  try {
    n = element_count(info.shape);
  } catch (const Error&) {
    bad_arg("--shape", "'" + a.shape + "' has too many elements");
  }
  if (n > (std::uint64_t{1} << 62) / dt->size())
    bad_arg("--shape", "'" + a.shape + "' is too large");
  info.logical_bytes = n * dt->size();
  if (*a.threads_opt) info.threads = a.threads;
  if (*a.cache_opt) info.cache_bytes = a.cache_bytes;
  info.hardware_threads = std::thread::hardware_concurrency();
  if (!(a.min_time >= 0 && a.min_time < 3600))
    bad_arg("--min-time", "must be in [0, 3600) seconds");
  info.min_time_s = a.min_time;
  info.box = parse_shape("--box", a.box);
  const std::size_t r = info.shape.size();
  if (info.box.size() != r) {
    bad_arg("--box", "rank " + std::to_string(info.box.size()) + " of '" + a.box +
                         "' does not match the rank " + std::to_string(r) + " of --shape " +
                         a.shape);
  }
  for (std::size_t d = 0; d < r; ++d) {
    if (info.box[d] > info.shape[d]) {
      bad_arg("--box", "'" + a.box + "' is larger than --shape " + a.shape + " on axis " +
                           std::to_string(d));
    }
  }
  info.box_reads = a.reads;
  info.stride = a.stride;
  info.seed = a.seed;

  std::vector<Shape> chunk_list;
  for (const auto& text : a.chunks) {
    if (text == "contiguous") {
      chunk_list.push_back({});
      continue;
    }
    Shape c = parse_shape("--chunks", text);
    if (c.size() != r) {
      bad_arg("--chunks", "rank " + std::to_string(c.size()) + " of '" + text +
                              "' does not match the rank " + std::to_string(r) + " of --shape " +
                              a.shape);
    }
    std::uint64_t bytes = dt->size();
    for (std::size_t d = 0; d < r; ++d) {
      if (c[d] > info.shape[d]) {
        bad_arg("--chunks", "'" + text + "' exceeds --shape " + a.shape + " on axis " +
                                std::to_string(d) +
                                " (a fixed-size dataset needs chunk <= extent)");
      }
      bytes *= c[d];
    }
    if (bytes >= (std::uint64_t{1} << 32))
      bad_arg("--chunks", "'" + text + "': a chunk must be < 4 GiB");
    chunk_list.push_back(c);
  }
  if (chunk_list.empty()) chunk_list = default_chunks(info.shape, dt->size());
  std::vector<Codec> codecs;
  for (const auto& text : a.codecs) codecs.push_back(parse_codec(text));
  if (codecs.empty()) {
    for (const char* c : {"none", "shuffle+deflate:4", "shuffle+lzf"})
      codecs.push_back(parse_codec(c));
  }
  std::vector<Config> configs;
  for (const auto& c : chunk_list) {
    for (const auto& k : codecs) {
      if (c.empty() && !k.none()) {
        std::fprintf(stderr, "h5mem bench: skipping contiguous + %s (filters need chunks)\n",
                     k.label.c_str());
        continue;
      }
      configs.push_back({c, k});
    }
  }
  if (configs.empty()) bad_arg("--chunks", "no valid (chunks, codec) combination to run");

  // Source + read buffer + stored copy: about three times the logical size must fit in RAM.
  const double ram =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  if (ram > 0 && 3.0 * static_cast<double>(info.logical_bytes) > ram) {
    bad_arg("--shape", "'" + a.shape + "' is " + bench::human_bytes(info.logical_bytes) +
                           "; the bench needs about 3x that and this machine has " +
                           bench::human_bytes(static_cast<std::uint64_t>(ram)) + " of RAM");
  }
  std::vector<std::byte> src, buf;
  try {
    src.resize(info.logical_bytes);
    buf.resize(info.logical_bytes);
  } catch (const std::bad_alloc&) {
    throw std::runtime_error("cannot allocate 2 x " + bench::human_bytes(info.logical_bytes) +
                             " for the source data and read buffer; use a smaller --shape");
  }
  with_dtype(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = reinterpret_cast<T*>(src.data());
    if (a.pattern == "smooth") fill_smooth(info.shape, p);
    if (a.pattern == "random") fill_random(n, p, a.seed);
  });
  const std::vector<Pattern> patterns = make_patterns(info.shape, a, info.box);

  bool tty = isatty(STDERR_FILENO) != 0;
  bench::Progress progress((a.progress || tty) && !a.no_progress,
                           configs.size() * (2 + patterns.size()));
  if (!a.json) print_header(stdout, info);
  std::vector<ConfigResult> results;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    try {
      results.push_back(run_config(info, configs[i], i, *dt, src, buf, patterns, a, progress));
    } catch (const Error& e) {
      throw Error(e.code(), "chunks " + bench::chunks_label(configs[i].chunks) + ", codec " +
                                configs[i].codec.label + ": " + e.what());
    }
    if (!a.json) {
      progress.clear();
      print_config(stdout, info, results.back());
    }
  }
  progress.clear();
  if (a.json) {
    print_json(stdout, info, results);
  } else {
    print_summary(stdout, info, results);
  }
}

}  // namespace

void add_bench(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "bench", "Time an in-memory dataset under chunk shapes and codecs (write, reads, ratio)");
  cmd->footer(
      "Examples:\n"
      "  h5mem bench\n"
      "  h5mem bench --shape 512,512,256 --chunks 64,64,64 --chunks 32,32,256 \\\n"
      "              --codec none --codec shuffle+deflate:4 --codec shuffle+lzf+fletcher32\n"
      "  h5mem bench --dtype int16 --pattern random --box 4,4,4 --reads 2000 --json");
  cmd->add_option("--shape", a->shape, "Dataset extent, e.g. 256,256,128")->capture_default_str();
  cmd->add_option("--dtype", a->dtype, "Element type")
      ->capture_default_str()
      ->check(CLI::IsMember({"float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                             "uint16", "uint32", "uint64"}));
  cmd->add_option("--pattern", a->pattern, "Data: smooth (sine field), random, zeros")
      ->capture_default_str()
      ->check(CLI::IsMember({"smooth", "random", "zeros"}));
  cmd->add_option("--chunks", a->chunks,
                  "Chunk shape to try (repeatable), or 'contiguous'. Default: cubes of about "
                  "1 MiB, 128 KiB and 16 KiB");
  cmd->add_option("--codec", a->codecs,
                  "Filters to try (repeatable): none, or '+'-joined shuffle, deflate[:L], lzf, "
                  "fletcher32. Default: none, shuffle+deflate:4, shuffle+lzf");
  cmd->add_option("--box", a->box, "Shape of the random box reads")->capture_default_str();
  cmd->add_option("--reads", a->reads, "Number of distinct random boxes (0: skip)")
      ->capture_default_str();
  cmd->add_option("--planes", a->planes, "Plane positions per axis")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20));
  cmd->add_option("--stride", a->stride, "Step per axis of the strided read (1: skip)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  cmd->add_option("--min-time", a->min_time, "Seconds to repeat each operation")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed for random data and box positions")
      ->capture_default_str();
  a->threads_opt =
      cmd->add_option("--threads", a->threads, "FileOptions::threads (0: one per hardware thread)");
  a->cache_opt = cmd->add_option("--cache-bytes", a->cache_bytes,
                                 "FileOptions::cache_bytes, e.g. 0, 16MiB (default 64 MiB)")
                     ->transform(CLI::AsSizeValue(false));
  cmd->add_flag("--json", a->json, "Print one JSON document on stdout instead of tables");
  cmd->add_flag("--progress", a->progress, "Show a progress bar on stderr even if not a tty");
  cmd->add_flag("--no-progress", a->no_progress, "Never show the progress bar");
  cmd->callback([a] { run_bench(*a); });
}

}  // namespace h5mem::cli
