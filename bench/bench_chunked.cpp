// Chunked reads and writes, h5mem against libhdf5 (core driver, no backing store) on the
// same data, chunking and filters. Workload: 512x512x256 float32, chunks 64x64x64, a smooth
// field, shuffle+deflate(4) ("Compressed") and no filters ("Uncompressed").
// Pairs share a case name: BM_<Case>/h5mem vs BM_<Case>/hdf5 (plus /hdf5_cache64M: libhdf5
// with a 64 MiB chunk cache, and /memcpy: the same bytes copied).
//   meson setup build-bench --buildtype=release && ninja -C build-bench
//   ./build-bench/bench/bench_chunked --benchmark_format=json --benchmark_out=chunked.json
//   /usr/bin/python3 bench/ratios.py chunked.json
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "h5mem/h5mem.hpp"

#if H5MEM_BENCH_HAVE_HDF5
#include <hdf5.h>
#endif
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
#include <malloc.h>
#define H5MEM_BENCH_HAVE_MALLINFO2 1
#endif

namespace {

constexpr std::uint64_t kX = 512, kY = 512, kZ = 256, kC = 64;  // extent, chunk edge
constexpr std::uint64_t kElems = kX * kY * kZ;
constexpr std::uint64_t kBytes = kElems * sizeof(float);
constexpr std::uint64_t kBox = 8;
// Random boxes fall in the first 256x256x128 corner: 32 chunks, 32 MiB decoded, so a warm
// 64 MiB cache holds the whole working set (for both libraries).
constexpr std::uint64_t kWx = 256, kWy = 256, kWz = 128;
constexpr std::size_t kBoxCount = 4096;

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "bench_chunked: %s\n", msg.c_str());
  std::exit(1);
}

// ---- shared source data -----------------------------------------------------------------

const std::vector<float>& source() {
  static const std::vector<float> data = [] {
    std::vector<float> v(kElems);
    std::vector<double> a(kX), b(kY), c(kZ);
    for (std::uint64_t i = 0; i < kX; ++i) a[i] = std::sin(0.021 * static_cast<double>(i));
    for (std::uint64_t i = 0; i < kY; ++i) b[i] = std::cos(0.033 * static_cast<double>(i));
    for (std::uint64_t i = 0; i < kZ; ++i)
      c[i] = 0.5 * std::sin(0.047 * static_cast<double>(i) + 1);
    for (std::uint64_t x = 0; x < kX; ++x) {
      for (std::uint64_t y = 0; y < kY; ++y) {
        float* row = v.data() + (x * kY + y) * kZ;
        for (std::uint64_t z = 0; z < kZ; ++z) row[z] = static_cast<float>(a[x] * b[y] + c[z]);
      }
    }
    return v;
  }();
  return data;
}

struct Origin {
  std::uint64_t x, y, z;
};

const std::vector<Origin>& box_origins() {
  static const std::vector<Origin> origins = [] {
    std::vector<Origin> o;
    std::uint64_t s = 12345;
    auto next = [&s] {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      return s >> 33;
    };
    for (std::size_t i = 0; i < kBoxCount; ++i) {
      std::uint64_t x = next() % (kWx - kBox + 1), y = next() % (kWy - kBox + 1);
      o.push_back({x, y, next() % (kWz - kBox + 1)});
    }
    return o;
  }();
  return origins;
}

// The 8x8x8 box at `o` cut from the source, to check reads against.
std::vector<float> expected_box(const Origin& o) {
  std::vector<float> out;
  const auto& src = source();
  for (std::uint64_t x = 0; x < kBox; ++x) {
    for (std::uint64_t y = 0; y < kBox; ++y) {
      const float* row = src.data() + ((o.x + x) * kY + (o.y + y)) * kZ + o.z;
      out.insert(out.end(), row, row + kBox);
    }
  }
  return out;
}

std::vector<float>& out_buffer() {
  static std::vector<float> buf(kElems, 1.0f);  // touched, so page faults stay out of timings
  return buf;
}

// Plane [:, :, k] for the i-th repetition: k moves across the chunks.
std::uint64_t plane_k(std::int64_t i) {
  return static_cast<std::uint64_t>(i * 37 + 5) % kZ;
}

void check_plane(const std::vector<float>& got, std::uint64_t k, const char* who) {
  const auto& src = source();
  for (std::uint64_t i = 0; i < kX * kY; ++i) {
    if (got[i] != src[i * kZ + k]) die(std::string(who) + ": plane read returned wrong data");
  }
}

// Heap bytes in use (glibc), to check the libraries' own accounting against the allocator;
// -1 where unavailable.
double heap_in_use() {
#if H5MEM_BENCH_HAVE_MALLINFO2
  struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd);
#else
  return -1;
#endif
}

constexpr double kMiB = 1 << 20;

// ---- h5mem ------------------------------------------------------------------------------

h5mem::DatasetOptions h5mem_options(bool compressed) {
  auto o = h5mem::DatasetOptions{}.chunks({kC, kC, kC});
  if (compressed) o.shuffle().deflate(4);
  return o;
}

struct H5memFixture {
  h5mem::File file;
  h5mem::Dataset ds;
};

// One image per (compressed, threads), written once per process and verified.
H5memFixture& h5mem_fixture(bool compressed, unsigned threads = 0) {
  static std::unique_ptr<H5memFixture> cache[2][2];
  auto& slot = cache[compressed][threads == 1];
  if (!slot) {
    std::string name = std::string("mem://bench_chunked_") + (compressed ? "z" : "raw") +
                       (threads == 1 ? "_1t" : "");
    auto fo = h5mem::FileOptions{};
    if (threads) fo.threads(threads);
    h5mem::File f = h5mem::File::create(name, {}, fo);
    h5mem::Dataset ds = f.create_dataset<float>("data", {kX, kY, kZ}, h5mem_options(compressed));
    ds.write(std::span<const float>(source()));
    auto& buf = out_buffer();
    ds.read_into(std::span<float>(buf));
    if (std::memcmp(buf.data(), source().data(), kBytes) != 0) {
      die("h5mem read-back of " + name + " differs from the data written");
    }
    slot.reset(new H5memFixture{f, ds});
  }
  return *slot;
}

void h5mem_write(benchmark::State& state, bool compressed, unsigned threads) {
  const auto& src = source();
  auto fo = h5mem::FileOptions{};
  if (threads) fo.threads(threads);
  for (auto _ : state) {
    state.PauseTiming();
    {
      h5mem::File f = h5mem::File::create("mem://bench_chunked_write", {}, fo);
      h5mem::Dataset ds = f.create_dataset<float>("data", {kX, kY, kZ}, h5mem_options(compressed));
      state.ResumeTiming();
      ds.write(std::span<const float>(src));
      state.PauseTiming();
    }
    state.ResumeTiming();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kBytes));
}

void h5mem_full_read(benchmark::State& state, bool compressed, unsigned threads) {
  auto& f = h5mem_fixture(compressed, threads);
  auto& buf = out_buffer();
  for (auto _ : state) {
    f.ds.read_into(std::span<float>(buf));
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kBytes));
}

void h5mem_plane(benchmark::State& state, bool compressed) {
  auto& f = h5mem_fixture(compressed);
  std::vector<float> buf(kX * kY);
  f.ds.select({h5mem::all, h5mem::all, 7}).read_into(std::span<float>(buf));
  check_plane(buf, 7, "h5mem");
  std::int64_t i = 0;
  for (auto _ : state) {
    auto k = static_cast<std::int64_t>(plane_k(i++));
    f.ds.select({h5mem::all, h5mem::all, k}).read_into(std::span<float>(buf));
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kX * kY * 4));
}

void h5mem_read_box(const h5mem::Dataset& ds, const Origin& o, std::span<float> out) {
  auto s = [](std::uint64_t a) {
    return h5mem::Slice(static_cast<std::int64_t>(a), static_cast<std::int64_t>(a + kBox));
  };
  ds.select({s(o.x), s(o.y), s(o.z)}).read_into(out);
}

void h5mem_random(benchmark::State& state, bool compressed) {
  auto& f = h5mem_fixture(compressed);
  const auto& origins = box_origins();
  std::vector<float> buf(kBox * kBox * kBox);
  // Warm: one read per chunk of the working set, then check one box.
  for (std::uint64_t x = 0; x < kWx; x += kC)
    for (std::uint64_t y = 0; y < kWy; y += kC)
      for (std::uint64_t z = 0; z < kWz; z += kC) h5mem_read_box(f.ds, {x, y, z}, buf);
  h5mem_read_box(f.ds, origins[0], buf);
  if (buf != expected_box(origins[0])) die("h5mem: box read returned wrong data");
  std::size_t i = 0;
  for (auto _ : state) {
    h5mem_read_box(f.ds, origins[i++ % kBoxCount], buf);
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(buf.size() * 4));
}

// Memory held against bytes stored, on a fresh image: after the write, and after a full read
// (which may fill the decoded-chunk cache, 64 MiB by default). heap_over_stored checks
// bytes_held against what the allocator actually handed out during the write.
void h5mem_memory(benchmark::State& state) {
  double stored = 0, after_write = 0, after_read = 0, heap = 0;
  source();  // allocated before the heap is measured
  out_buffer();
  for (auto _ : state) {
    const double heap0 = heap_in_use();
    h5mem::File f = h5mem::File::create("mem://bench_chunked_mem");
    h5mem::Dataset ds = f.create_dataset<float>("data", {kX, kY, kZ}, h5mem_options(true));
    ds.write(std::span<const float>(source()));
    heap = heap_in_use() - heap0;
    stored = static_cast<double>(ds.storage_bytes());
    after_write = static_cast<double>(f.bytes_held());
    ds.read_into(std::span<float>(out_buffer()));
    after_read = static_cast<double>(f.bytes_held());
  }
  state.counters["stored_MiB"] = stored / kMiB;
  state.counters["ratio"] = static_cast<double>(kBytes) / stored;
  state.counters["held_MiB"] = after_write / kMiB;
  state.counters["held_over_stored"] = after_write / stored;
  state.counters["held_after_read_MiB"] = after_read / kMiB;
  state.counters["cache_used_MiB"] = (after_read - after_write) / kMiB;
  if (heap >= 0) state.counters["heap_over_stored"] = heap / stored;
}

void memcpy_full(benchmark::State& state) {
  const auto& src = source();
  auto& buf = out_buffer();
  for (auto _ : state) {
    std::memcpy(buf.data(), src.data(), kBytes);
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kBytes));
}

// ---- libhdf5 ----------------------------------------------------------------------------
#if H5MEM_BENCH_HAVE_HDF5

void h5check(herr_t rc, const char* what) {
  if (rc < 0) die(std::string("libhdf5 call failed: ") + what);
}
hid_t h5id(hid_t id, const char* what) {
  if (id < 0) die(std::string("libhdf5 call failed: ") + what);
  return id;
}

// An in-memory HDF5 file (core driver, backing_store = 0: nothing reaches the disk).
hid_t hdf5_create_file(const std::string& name) {
  hid_t fapl = h5id(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate(fapl)");
  h5check(H5Pset_fapl_core(fapl, 16 << 20, 0), "H5Pset_fapl_core");
  hid_t f = h5id(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "H5Fcreate");
  H5Pclose(fapl);
  return f;
}

hid_t hdf5_create_dataset(hid_t file, bool compressed) {
  const hsize_t dims[3] = {kX, kY, kZ}, chunk[3] = {kC, kC, kC};
  hid_t space = h5id(H5Screate_simple(3, dims, nullptr), "H5Screate_simple");
  hid_t dcpl = h5id(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate(dcpl)");
  h5check(H5Pset_chunk(dcpl, 3, chunk), "H5Pset_chunk");
  if (compressed) {
    h5check(H5Pset_shuffle(dcpl), "H5Pset_shuffle");
    h5check(H5Pset_deflate(dcpl, 4), "H5Pset_deflate");
  }
  hid_t ds = h5id(H5Dcreate2(file, "data", H5T_NATIVE_FLOAT, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                  "H5Dcreate2");
  H5Pclose(dcpl);
  H5Sclose(space);
  return ds;
}

// Opens /data with libhdf5's default chunk cache (1 MiB, 521 slots) or a 64 MiB one.
hid_t hdf5_open(hid_t file, bool cache64) {
  hid_t dapl = h5id(H5Pcreate(H5P_DATASET_ACCESS), "H5Pcreate(dapl)");
  if (cache64) h5check(H5Pset_chunk_cache(dapl, 12421, 64u << 20, 1.0), "H5Pset_chunk_cache");
  hid_t ds = h5id(H5Dopen2(file, "data", dapl), "H5Dopen2");
  H5Pclose(dapl);
  return ds;
}

// One file per variant, written once per process; datasets are opened per benchmark so
// each case gets the chunk cache it asks for.
hid_t hdf5_fixture(bool compressed) {
  static hid_t files[2] = {-1, -1};
  hid_t& f = files[compressed];
  if (f < 0) {
    f = hdf5_create_file(compressed ? "bench_chunked_z.h5" : "bench_chunked_raw.h5");
    hid_t ds = hdf5_create_dataset(f, compressed);
    h5check(H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, source().data()),
            "H5Dwrite");
    h5check(H5Dclose(ds), "H5Dclose");
  }
  return f;
}

void hdf5_write(benchmark::State& state, bool compressed) {
  const auto& src = source();
  for (auto _ : state) {
    state.PauseTiming();
    hid_t f = hdf5_create_file("bench_chunked_write.h5");
    hid_t ds = hdf5_create_dataset(f, compressed);
    state.ResumeTiming();
    h5check(H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, src.data()), "H5Dwrite");
    h5check(H5Dclose(ds), "H5Dclose");  // flushes cached chunks: part of the write
    state.PauseTiming();
    h5check(H5Fclose(f), "H5Fclose");
    state.ResumeTiming();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kBytes));
}

void hdf5_full_read(benchmark::State& state, bool compressed) {
  hid_t ds = hdf5_open(hdf5_fixture(compressed), false);
  auto& buf = out_buffer();
  h5check(H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "H5Dread");
  if (std::memcmp(buf.data(), source().data(), kBytes) != 0) die("libhdf5 full read differs");
  for (auto _ : state) {
    h5check(H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "H5Dread");
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  H5Dclose(ds);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kBytes));
}

void hdf5_plane(benchmark::State& state, bool compressed) {
  hid_t ds = hdf5_open(hdf5_fixture(compressed), false);
  hid_t fspace = H5Dget_space(ds);
  const hsize_t mdims[2] = {kX, kY}, count[3] = {kX, kY, 1};
  hid_t mspace = H5Screate_simple(2, mdims, nullptr);
  std::vector<float> buf(kX * kY);
  auto read = [&](std::uint64_t k) {
    const hsize_t start[3] = {0, 0, k};
    h5check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr),
            "H5Sselect_hyperslab");
    h5check(H5Dread(ds, H5T_NATIVE_FLOAT, mspace, fspace, H5P_DEFAULT, buf.data()), "H5Dread");
  };
  read(7);
  check_plane(buf, 7, "libhdf5");
  std::int64_t i = 0;
  for (auto _ : state) {
    read(plane_k(i++));
    benchmark::DoNotOptimize(buf.data());
  }
  H5Sclose(mspace);
  H5Sclose(fspace);
  H5Dclose(ds);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kX * kY * 4));
}

void hdf5_random(benchmark::State& state, bool compressed, bool cache64) {
  hid_t ds = hdf5_open(hdf5_fixture(compressed), cache64);
  hid_t fspace = H5Dget_space(ds);
  const hsize_t count[3] = {kBox, kBox, kBox};
  hid_t mspace = H5Screate_simple(3, count, nullptr);
  std::vector<float> buf(kBox * kBox * kBox);
  auto read = [&](const Origin& o) {
    const hsize_t start[3] = {o.x, o.y, o.z};
    h5check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr),
            "H5Sselect_hyperslab");
    h5check(H5Dread(ds, H5T_NATIVE_FLOAT, mspace, fspace, H5P_DEFAULT, buf.data()), "H5Dread");
  };
  const auto& origins = box_origins();
  for (std::uint64_t x = 0; x < kWx; x += kC)
    for (std::uint64_t y = 0; y < kWy; y += kC)
      for (std::uint64_t z = 0; z < kWz; z += kC) read({x, y, z});
  read(origins[0]);
  if (buf != expected_box(origins[0])) die("libhdf5: box read returned wrong data");
  std::size_t i = 0;
  for (auto _ : state) {
    read(origins[i++ % kBoxCount]);
    benchmark::DoNotOptimize(buf.data());
  }
  H5Sclose(mspace);
  H5Sclose(fspace);
  H5Dclose(ds);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(buf.size() * 4));
}

// libhdf5's in-memory image size against the bytes its chunks take.
void hdf5_memory(benchmark::State& state) {
  double stored = 0, image = 0, heap = 0;
  source();
  for (auto _ : state) {
    const double heap0 = heap_in_use();
    hid_t f = hdf5_create_file("bench_chunked_mem.h5");
    hid_t ds = hdf5_create_dataset(f, true);
    h5check(H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, source().data()),
            "H5Dwrite");
    h5check(H5Dclose(ds), "H5Dclose");
    h5check(H5Fflush(f, H5F_SCOPE_LOCAL), "H5Fflush");
    ds = hdf5_open(f, false);
    stored = static_cast<double>(H5Dget_storage_size(ds));
    hsize_t size = 0;
    h5check(H5Fget_filesize(f, &size), "H5Fget_filesize");
    image = static_cast<double>(size);
    heap = heap_in_use() - heap0;
    H5Dclose(ds);
    H5Fclose(f);
  }
  state.counters["stored_MiB"] = stored / kMiB;
  state.counters["ratio"] = static_cast<double>(kBytes) / stored;
  state.counters["held_MiB"] = image / kMiB;
  state.counters["held_over_stored"] = image / stored;
  if (heap >= 0) state.counters["heap_over_stored"] = heap / stored;
}

#endif  // H5MEM_BENCH_HAVE_HDF5

using benchmark::kMicrosecond;
using benchmark::kMillisecond;

struct Case {
  const char* name;
  void (*fn)(benchmark::State&);
  benchmark::TimeUnit unit;
  double min_time;  // seconds; 0: a single iteration (the memory reports)
};

// Pairs run back to back: h5mem first, then the baselines of the same case.
const Case kCases[] = {
    {"BM_Compressed_Write/h5mem", [](benchmark::State& s) { h5mem_write(s, true, 0); },
     kMillisecond, 1.0},
    {"BM_Compressed_Write/h5mem_1thread", [](benchmark::State& s) { h5mem_write(s, true, 1); },
     kMillisecond, 1.0},
#if H5MEM_BENCH_HAVE_HDF5
    {"BM_Compressed_Write/hdf5", [](benchmark::State& s) { hdf5_write(s, true); }, kMillisecond,
     1.0},
#endif
    {"BM_Compressed_FullRead/h5mem", [](benchmark::State& s) { h5mem_full_read(s, true, 0); },
     kMillisecond, 1.0},
    {"BM_Compressed_FullRead/h5mem_1thread",
     [](benchmark::State& s) { h5mem_full_read(s, true, 1); }, kMillisecond, 1.0},
#if H5MEM_BENCH_HAVE_HDF5
    {"BM_Compressed_FullRead/hdf5", [](benchmark::State& s) { hdf5_full_read(s, true); },
     kMillisecond, 1.0},
#endif
    {"BM_Compressed_PlaneK/h5mem", [](benchmark::State& s) { h5mem_plane(s, true); }, kMillisecond,
     1.0},
#if H5MEM_BENCH_HAVE_HDF5
    {"BM_Compressed_PlaneK/hdf5", [](benchmark::State& s) { hdf5_plane(s, true); }, kMillisecond,
     1.0},
#endif
    {"BM_Compressed_Random8/h5mem", [](benchmark::State& s) { h5mem_random(s, true); },
     kMicrosecond, 0.5},
#if H5MEM_BENCH_HAVE_HDF5
    {"BM_Compressed_Random8/hdf5", [](benchmark::State& s) { hdf5_random(s, true, false); },
     kMicrosecond, 0.5},
    {"BM_Compressed_Random8/hdf5_cache64M", [](benchmark::State& s) { hdf5_random(s, true, true); },
     kMicrosecond, 0.5},
#endif
    {"BM_Uncompressed_FullRead/h5mem", [](benchmark::State& s) { h5mem_full_read(s, false, 0); },
     kMillisecond, 1.0},
    {"BM_Uncompressed_FullRead/memcpy", memcpy_full, kMillisecond, 1.0},
#if H5MEM_BENCH_HAVE_HDF5
    {"BM_Uncompressed_FullRead/hdf5", [](benchmark::State& s) { hdf5_full_read(s, false); },
     kMillisecond, 1.0},
#endif
    {"BM_Uncompressed_Random8/h5mem", [](benchmark::State& s) { h5mem_random(s, false); },
     kMicrosecond, 0.5},
#if H5MEM_BENCH_HAVE_HDF5
    {"BM_Uncompressed_Random8/hdf5", [](benchmark::State& s) { hdf5_random(s, false, false); },
     kMicrosecond, 0.5},
#endif
    {"BM_Compressed_Memory/h5mem", h5mem_memory, kMillisecond, 0},
#if H5MEM_BENCH_HAVE_HDF5
    {"BM_Compressed_Memory/hdf5", hdf5_memory, kMillisecond, 0},
#endif
};

void register_all() {
  for (const Case& c : kCases) {
    auto* b = benchmark::RegisterBenchmark(c.name, c.fn);
    b->UseRealTime()->Unit(c.unit);  // h5mem reads and writes use a thread pool
    if (c.min_time > 0) {
      b->MinTime(c.min_time);
    } else {
      b->Iterations(1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
