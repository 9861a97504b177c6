// Flushing to disk: h5mem's backing store against libhdf5 writing the same data to a file, in
// the same run. Workload: 512x512x256 float32 (256 MiB), chunks 64x64x64, a smooth field,
// shuffle+deflate(4) ("Compressed") or no filters ("Uncompressed"); files go to a temporary
// directory (TMPDIR or /tmp) and every writer ends with fsync, as h5mem's flush does.
//   BM_Flush_<C>/h5mem         flush() of an image whose data is already in memory
//                               (chunks were compressed when written)
//   BM_WriteFlush_<C>/h5mem    write the whole array into a new path file, then flush()
//   BM_WriteFlush_<C>/hdf5     H5Fcreate (sec2 driver) + H5Dwrite + H5Fclose + fsync
//   BM_FlushOneChunk_<C>/h5mem one chunk rewritten, then flush(): h5mem rewrites the whole
//                               file (no in-place dirty-chunk writes yet), so compare it with
//                               BM_Flush_<C>/h5mem
//   /usr/bin/python3 bench/ratios.py flush.json
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "h5mem/h5mem.hpp"

#if H5MEM_BENCH_HAVE_HDF5
#include <hdf5.h>
#endif

namespace {

constexpr std::uint64_t kX = 512, kY = 512, kZ = 256, kC = 64;
constexpr std::uint64_t kElems = kX * kY * kZ;

[[noreturn]] void die(const std::string& msg) {
  h5mem_bench::die("bench_flush", msg);
}

const std::vector<float>& source() {
  static const std::vector<float> data = [] {
    std::vector<float> v(kElems);
    for (std::uint64_t x = 0; x < kX; ++x) {
      const double a = std::sin(0.021 * static_cast<double>(x));
      for (std::uint64_t y = 0; y < kY; ++y) {
        const double b = std::cos(0.033 * static_cast<double>(y));
        float* row = v.data() + (x * kY + y) * kZ;
        for (std::uint64_t z = 0; z < kZ; ++z) {
          row[z] = static_cast<float>(a * b + 0.5 * std::sin(0.047 * static_cast<double>(z) + 1));
        }
      }
    }
    return v;
  }();
  return data;
}

const std::string& scratch_dir() {
  return h5mem_bench::scratch_dir("flush");
}

std::string path_of(const char* name) {
  return scratch_dir() + "/" + name;
}

h5mem::DatasetOptions options(bool compressed) {
  auto o = h5mem::DatasetOptions{}.chunks({kC, kC, kC});
  if (compressed) o.shuffle().deflate(4);
  return o;
}

h5mem::File make_file(const std::string& path, bool compressed) {
  using namespace h5mem;
  File f = File::create(path, {}, FileOptions{}.flush_policy(FlushPolicy::manual));
  f.create_dataset<float>("data", {kX, kY, kZ}, options(compressed)).write(source());
  return f;
}

void h5mem_flush(benchmark::State& state, bool compressed) {
  h5mem::File f = make_file(path_of("flush.h5"), compressed);
  h5mem::Dataset d = f.dataset("data");
  std::vector<float> one(kC * kC * kC, 1.0f);
  for (auto _ : state) {
    state.PauseTiming();
    d.select({h5mem::Slice(0, kC), h5mem::Slice(0, kC), h5mem::Slice(0, kC)}).write(one);
    state.ResumeTiming();
    f.flush();  // the image changed: a full rewrite
  }
  state.counters["file_MiB"] =
      static_cast<double>(std::filesystem::file_size(path_of("flush.h5"))) / (1 << 20);
  f.close();
}

void h5mem_flush_one_chunk(benchmark::State& state, bool compressed) {
  h5mem::File f = make_file(path_of("one.h5"), compressed);
  h5mem::Dataset d = f.dataset("data");
  std::vector<float> one(kC * kC * kC);
  float v = 0;
  for (auto _ : state) {
    std::fill(one.begin(), one.end(), v += 1);
    d.select({h5mem::Slice(0, kC), h5mem::Slice(0, kC), h5mem::Slice(0, kC)}).write(one);
    f.flush();
  }
  f.close();
}

void h5mem_write_flush(benchmark::State& state, bool compressed) {
  for (auto _ : state) {
    h5mem::File f = make_file(path_of("wf.h5"), compressed);
    f.flush();
    f.close();
  }
}

#if H5MEM_BENCH_HAVE_HDF5
void fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) die("fsync " + path);
  ::close(fd);
}

void hdf5_write_flush(benchmark::State& state, bool compressed) {
  const std::string path = path_of("hdf5.h5");
  for (auto _ : state) {
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t dims[3] = {kX, kY, kZ}, chunk[3] = {kC, kC, kC};
    hid_t space = H5Screate_simple(3, dims, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 3, chunk);
    if (compressed) {
      H5Pset_shuffle(dcpl);
      H5Pset_deflate(dcpl, 4);
    }
    hid_t ds = H5Dcreate2(f, "data", H5T_NATIVE_FLOAT, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (f < 0 || ds < 0) die("libhdf5: cannot create " + path);
    if (H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, source().data()) < 0) {
      die("libhdf5: H5Dwrite failed");
    }
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(f);
    fsync_path(path);
  }
}
#endif

void register_all() {
  for (bool c : {true, false}) {
    const std::string k = c ? "Compressed" : "Uncompressed";
    auto reg = [&](const std::string& name, auto fn) {
      benchmark::RegisterBenchmark(name.c_str(), fn)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Iterations(3);
    };
    reg("BM_Flush_" + k + "/h5mem", [c](benchmark::State& s) { h5mem_flush(s, c); });
    reg("BM_FlushOneChunk_" + k + "/h5mem",
        [c](benchmark::State& s) { h5mem_flush_one_chunk(s, c); });
    reg("BM_WriteFlush_" + k + "/h5mem", [c](benchmark::State& s) { h5mem_write_flush(s, c); });
#if H5MEM_BENCH_HAVE_HDF5
    reg("BM_WriteFlush_" + k + "/hdf5", [c](benchmark::State& s) { hdf5_write_flush(s, c); });
#endif
  }
}

}  // namespace

int main(int argc, char** argv) {
  source();
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
