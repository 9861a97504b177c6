// Opening HDF5 files: h5mem against libhdf5 in the same run, on the same files (written once
// per run into TMPDIR or /tmp by h5mem's writer; page cache warm for both libraries).
//   BM_OpenReadChunk/{h5mem,hdf5_core,hdf5_sec2}
//       open a 1 GiB file (512x512x1024 float32, chunks 64x64x64, unfiltered), read the
//       64x64x64 box at its centre, close. libhdf5's core driver (backing_store off, the
//       in-memory driver h5py users pick) reads the whole file at open; sec2 is its default.
//   BM_OpenList100k/{h5mem,hdf5_core,hdf5_sec2}
//       open a file with 100 groups of 1000 scalar datasets (100 100 objects) and list
//       every path (h5mem: Group::list per group; libhdf5: H5Lvisit2 over the file).
//   BM_OpenReadOne100k/{h5mem,hdf5_core,hdf5_sec2}
//       open the same file and read one scalar dataset ("/g57/d421"): h5mem reads the
//       members of the two groups on the path only (metadata is parsed on first use).
//   BM_FullRead_Compressed/{h5mem,hdf5_sec2}
//       open the chunked workload (512x512x256 float32, chunks 64^3, shuffle+deflate(4))
//       from disk and read it whole into one buffer.
//   /usr/bin/python3 bench/ratios.py open.json
#include <benchmark/benchmark.h>

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

constexpr std::uint64_t kC = 64;

[[noreturn]] void die(const std::string& msg) {
  h5mem_bench::die("bench_open", msg);
}

const std::string& scratch_dir() {
  return h5mem_bench::scratch_dir("open");
}

// A smooth field over x*y*z, written plane by plane to bound the memory used.
void write_smooth(h5mem::Dataset& ds, std::uint64_t x, std::uint64_t y, std::uint64_t z) {
  std::vector<float> slab(kC * y * z);
  for (std::uint64_t x0 = 0; x0 < x; x0 += kC) {
    for (std::uint64_t i = 0; i < kC; ++i) {
      const double a = std::sin(0.021 * static_cast<double>(x0 + i));
      for (std::uint64_t j = 0; j < y; ++j) {
        const double b = std::cos(0.033 * static_cast<double>(j));
        float* row = slab.data() + (i * y + j) * z;
        for (std::uint64_t k = 0; k < z; ++k) {
          row[k] = static_cast<float>(a * b + 0.5 * std::sin(0.047 * static_cast<double>(k) + 1));
        }
      }
    }
    const auto s = static_cast<std::int64_t>(x0);
    ds.select({h5mem::Slice(s, s + static_cast<std::int64_t>(kC)), h5mem::Slice(), h5mem::Slice()})
        .write(slab);
  }
}

const std::string& big_file() {
  static const std::string path = [] {
    std::string p = scratch_dir() + "/big.h5";
    h5mem::File f = h5mem::File::create("mem://bench-open-big");
    auto ds = f.create_dataset<float>("data", {512, 512, 1024},
                                      h5mem::DatasetOptions{}.chunks({kC, kC, kC}));
    write_smooth(ds, 512, 512, 1024);
    f.save_as(p);
    return p;
  }();
  return path;
}

const std::string& many_file() {
  static const std::string path = [] {
    std::string p = scratch_dir() + "/many.h5";
    h5mem::File f = h5mem::File::create("mem://bench-open-many");
    for (int g = 0; g < 100; ++g) {
      h5mem::Group grp = f.create_group("g" + std::to_string(g));
      for (int d = 0; d < 1000; ++d) {
        grp.create_dataset<std::int32_t>("d" + std::to_string(d), h5mem::Shape{})
            .write(std::vector<std::int32_t>{d});
      }
    }
    f.save_as(p);
    return p;
  }();
  return path;
}

const std::string& compressed_file() {
  static const std::string path = [] {
    std::string p = scratch_dir() + "/compressed.h5";
    h5mem::File f = h5mem::File::create("mem://bench-open-compressed");
    auto ds = f.create_dataset<float>(
        "data", {512, 512, 256}, h5mem::DatasetOptions{}.chunks({kC, kC, kC}).shuffle().deflate(4));
    write_smooth(ds, 512, 512, 256);
    f.save_as(p);
    return p;
  }();
  return path;
}

void set_bytes(benchmark::State& state, const std::string& path) {
  state.counters["file_MiB"] = static_cast<double>(std::filesystem::file_size(path)) / (1 << 20);
}

void h5mem_open_read_chunk(benchmark::State& state) {
  const std::string& path = big_file();
  std::vector<float> out(kC * kC * kC);
  for (auto _ : state) {
    h5mem::File f = h5mem::File::open(path, h5mem::Mode::read_only);
    f.dataset("data")
        .select({h5mem::Slice(256, 320), h5mem::Slice(256, 320), h5mem::Slice(512, 576)})
        .read_into(std::span<float>(out));
    f.close();
    benchmark::DoNotOptimize(out.data());
  }
  set_bytes(state, path);
}

void h5mem_open_list(benchmark::State& state) {
  const std::string& path = many_file();
  for (auto _ : state) {
    h5mem::File f = h5mem::File::open(path, h5mem::Mode::read_only);
    std::size_t n = 0;
    for (const std::string& g : f.list()) {
      n += 1 + f.group(g).list().size();
    }
    if (n != 100100) die("listed " + std::to_string(n) + " objects");
    f.close();
  }
}

void h5mem_open_read_one(benchmark::State& state) {
  const std::string& path = many_file();
  for (auto _ : state) {
    h5mem::File f = h5mem::File::open(path, h5mem::Mode::read_only);
    if (f.dataset("g57/d421").read<std::int32_t>() != std::vector<std::int32_t>{421}) {
      die("wrong value of /g57/d421");
    }
    f.close();
  }
}

void h5mem_full_read(benchmark::State& state) {
  const std::string& path = compressed_file();
  std::vector<float> out(512ull * 512 * 256);
  for (auto _ : state) {
    h5mem::File f = h5mem::File::open(path, h5mem::Mode::read_only);
    f.dataset("data").select({}).read_into(std::span<float>(out));
    f.close();
    benchmark::DoNotOptimize(out.data());
  }
  set_bytes(state, path);
}

#if H5MEM_BENCH_HAVE_HDF5
hid_t open_hdf5(const std::string& path, bool core) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (core) H5Pset_fapl_core(fapl, 64 << 20, 0);
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  if (f < 0) die("libhdf5 cannot open " + path);
  return f;
}

void hdf5_open_read_chunk(benchmark::State& state, bool core) {
  const std::string& path = big_file();
  std::vector<float> out(kC * kC * kC);
  for (auto _ : state) {
    hid_t f = open_hdf5(path, core);
    hid_t ds = H5Dopen2(f, "data", H5P_DEFAULT);
    hid_t space = H5Dget_space(ds);
    const hsize_t start[3] = {256, 256, 512}, count[3] = {kC, kC, kC};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
    hid_t mem = H5Screate_simple(3, count, nullptr);
    if (H5Dread(ds, H5T_NATIVE_FLOAT, mem, space, H5P_DEFAULT, out.data()) < 0) die("H5Dread");
    H5Sclose(mem);
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(f);
    benchmark::DoNotOptimize(out.data());
  }
  set_bytes(state, path);
}

herr_t count_link(hid_t, const char*, const H5L_info_t*, void* n) {
  ++*static_cast<std::size_t*>(n);
  return 0;
}

void hdf5_open_list(benchmark::State& state, bool core) {
  const std::string& path = many_file();
  for (auto _ : state) {
    hid_t f = open_hdf5(path, core);
    std::size_t n = 0;
    H5Lvisit(f, H5_INDEX_NAME, H5_ITER_INC, count_link, &n);
    if (n != 100100) die("libhdf5 listed " + std::to_string(n) + " objects");
    H5Fclose(f);
  }
}

void hdf5_open_read_one(benchmark::State& state, bool core) {
  const std::string& path = many_file();
  for (auto _ : state) {
    hid_t f = open_hdf5(path, core);
    hid_t ds = H5Dopen2(f, "g57/d421", H5P_DEFAULT);
    std::int32_t v = 0;
    if (H5Dread(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) < 0 || v != 421) {
      die("libhdf5: wrong value of /g57/d421");
    }
    H5Dclose(ds);
    H5Fclose(f);
  }
}

void hdf5_full_read(benchmark::State& state) {
  const std::string& path = compressed_file();
  std::vector<float> out(512ull * 512 * 256);
  for (auto _ : state) {
    hid_t f = open_hdf5(path, false);
    hid_t ds = H5Dopen2(f, "data", H5P_DEFAULT);
    if (H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
      die("H5Dread");
    }
    H5Dclose(ds);
    H5Fclose(f);
    benchmark::DoNotOptimize(out.data());
  }
  set_bytes(state, path);
}
#endif

void register_all() {
  auto reg = [](const char* name, auto fn) {
    return benchmark::RegisterBenchmark(name, fn)->Unit(benchmark::kMillisecond)->UseRealTime();
  };
  reg("BM_OpenReadChunk/h5mem", h5mem_open_read_chunk);
  reg("BM_OpenList100k/h5mem", h5mem_open_list);
  reg("BM_OpenReadOne100k/h5mem", h5mem_open_read_one);
  reg("BM_FullRead_Compressed/h5mem", h5mem_full_read)->Iterations(5);
#if H5MEM_BENCH_HAVE_HDF5
  reg("BM_OpenReadChunk/hdf5_core", [](benchmark::State& s) {
    hdf5_open_read_chunk(s, true);
  })->Iterations(5);
  reg("BM_OpenReadChunk/hdf5_sec2", [](benchmark::State& s) { hdf5_open_read_chunk(s, false); });
  reg("BM_OpenList100k/hdf5_core", [](benchmark::State& s) {
    hdf5_open_list(s, true);
  })->Iterations(5);
  reg("BM_OpenList100k/hdf5_sec2", [](benchmark::State& s) {
    hdf5_open_list(s, false);
  })->Iterations(5);
  reg("BM_OpenReadOne100k/hdf5_core", [](benchmark::State& s) {
    hdf5_open_read_one(s, true);
  })->Iterations(5);
  reg("BM_OpenReadOne100k/hdf5_sec2", [](benchmark::State& s) { hdf5_open_read_one(s, false); });
  reg("BM_FullRead_Compressed/hdf5_sec2", hdf5_full_read)->Iterations(5);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
