// Datatype-heavy I/O, h5mem against libhdf5 (core driver, no backing store) on the same data
// and layout:
//   VlenStr_*   1,000,000 variable-length UTF-8 strings of 5..20 random printable ASCII
//               characters (fixed seed), 1-d, contiguous or chunked (65536 elements);
//   Compound_*  1,000,000 structs {double a; double b; int32 c; float d; int64 e} (32 bytes),
//               1-d, contiguous or chunked (65536 elements): ReadField reads only member "c"
//               (converted by name on both sides), ReadAll / WriteAll move whole structs.
// No compression anywhere. Pairs share a case name: BM_<Case>/h5mem vs BM_<Case>/hdf5, plus
// /h5mem_1thread (h5mem with FileOptions::threads(1); chunked cases), /hdf5_flush (libhdf5
// write followed by H5Fflush, which serialises its cached global heap) and /memcpy (the same
// bytes moved by a plain loop over the source vector).
//
// What one iteration does (and times):
//   VlenStr_Write   h5mem: ds.write(std::vector<std::string>) into a fresh, never-written
//                   dataset. hdf5: build a const char*[] of c_str() pointers, H5Dwrite into a
//                   fresh dataset. The fresh file and dataset are made with timing paused
//                   (freeing the previous ones too); one untimed warm-up write comes first.
//   VlenStr_Read    h5mem: ds.read<std::string>() (returns a new std::vector<std::string>).
//                   hdf5: std::vector<char*> of n, H5Dread, a new std::vector<std::string>
//                   built from the char* values, H5Dvlen_reclaim.
//   Compound_ReadField  h5mem: ds.read<OneField>() where OneField = {int32 c} (a TypeMapping
//                   with one member). hdf5: std::vector<OneField> of n, H5Dread with a memory
//                   compound type holding only "c".
//   Compound_ReadAll / WriteAll  ds.read<Rec>() / ds.write(v) vs H5Dread / H5Dwrite with the
//                   dataset's own (native) compound type: no conversion on either side.
//
//   meson setup build-bench --buildtype=release && ninja -C build-bench
//   ./build-bench/bench/bench_dtype --benchmark_repetitions=5 --benchmark_out=dtype.json
//   /usr/bin/python3 bench/ratios.py dtype.json
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "h5mem/h5mem.hpp"

#if H5MEM_BENCH_HAVE_HDF5
#include <hdf5.h>
#endif

namespace {

constexpr std::uint64_t kN = 1'000'000;   // elements per dataset
constexpr std::uint64_t kChunk = 65'536;  // chunk length of the chunked variants

struct Rec {
  double a;
  double b;
  std::int32_t c;
  float d;
  std::int64_t e;
};
static_assert(sizeof(Rec) == 32);

struct OneField {
  std::int32_t c;
};

}  // namespace

template <>
struct h5mem::TypeMapping<Rec> {
  static DType dtype() {
    return compound_of<Rec>(field("a", &Rec::a), field("b", &Rec::b), field("c", &Rec::c),
                            field("d", &Rec::d), field("e", &Rec::e));
  }
};

template <>
struct h5mem::TypeMapping<OneField> {
  static DType dtype() { return compound_of<OneField>(field("c", &OneField::c)); }
};

namespace {

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "bench_dtype: %s\n", msg.c_str());
  std::exit(1);
}

// ---- shared source data -----------------------------------------------------------------

std::uint64_t lcg(std::uint64_t& s) {
  s = s * 6364136223846793005ull + 1442695040888963407ull;
  return s >> 33;
}

const std::vector<std::string>& strings() {
  static const std::vector<std::string> data = [] {
    std::vector<std::string> v(kN);
    std::uint64_t s = 20240601;
    for (auto& str : v) {
      str.resize(5 + lcg(s) % 16);                                      // 5..20 characters
      for (char& ch : str) ch = static_cast<char>(0x21 + lcg(s) % 94);  // '!'..'~'
    }
    return v;
  }();
  return data;
}

const std::vector<Rec>& records() {
  static const std::vector<Rec> data = [] {
    std::vector<Rec> v(kN);
    for (std::uint64_t i = 0; i < kN; ++i) {
      const auto x = static_cast<double>(i);
      v[i] = Rec{x * 0.5, -x, static_cast<std::int32_t>(i * 7 - 3'000'000),
                 static_cast<float>(x * 0.25), static_cast<std::int64_t>(i) * 1'000'003};
    }
    return v;
  }();
  return data;
}

void check_strings(const std::vector<std::string>& got, const char* who) {
  if (got != strings()) die(std::string(who) + ": strings read back differ from the source");
}

void check_field(const std::vector<OneField>& got, const char* who) {
  const auto& src = records();
  bool ok = got.size() == src.size();
  for (std::size_t i = 0; ok && i < got.size(); ++i) ok = got[i].c == src[i].c;
  if (!ok) die(std::string(who) + ": field c read back differs from the source");
}

void check_records(const std::vector<Rec>& got, const char* who) {
  const auto& src = records();
  if (got.size() != src.size() || std::memcmp(got.data(), src.data(), src.size() * sizeof(Rec))) {
    die(std::string(who) + ": records read back differ from the source");
  }
}

// ---- h5mem ------------------------------------------------------------------------------

h5mem::DatasetOptions h5mem_options(bool chunked) {
  h5mem::DatasetOptions o;
  if (chunked) o.chunks({kChunk});
  return o;
}

struct H5memDs {
  h5mem::File file;
  h5mem::Dataset ds;
};

// A fresh image named `name` holding one empty dataset "d" of `type`. Drops `h` first so the
// name is free (and the old image freed) before it is created again.
void h5mem_fresh(H5memDs& h, const std::string& name, const h5mem::DType& type, bool chunked,
                 unsigned threads) {
  h = H5memDs{};
  h.file = h5mem::File::create(name, {}, h5mem::FileOptions{}.threads(threads));
  h.ds = h.file.create_dataset("d", type, h5mem::Shape{kN}, h5mem_options(chunked));
}

std::string h5mem_name(const char* what, bool chunked, unsigned threads) {
  return std::string("mem://bench_dtype_") + what + (chunked ? "_chunked" : "_contig") + "_t" +
         std::to_string(threads);
}

// Written once per process: the string dataset read by VlenStr_Read.
const h5mem::Dataset& h5mem_strings(bool chunked, unsigned threads) {
  static H5memDs fx[2][2];
  H5memDs& h = fx[chunked][threads == 1];
  if (!h.ds.valid()) {
    h5mem_fresh(h, h5mem_name("str", chunked, threads), h5mem::DType::vlen_string(), chunked,
                threads);
    h.ds.write(strings());
    check_strings(h.ds.read<std::string>(), "h5mem");
  }
  return h.ds;
}

const h5mem::Dataset& h5mem_records(bool chunked, unsigned threads) {
  static H5memDs fx[2][2];
  H5memDs& h = fx[chunked][threads == 1];
  if (!h.ds.valid()) {
    h5mem_fresh(h, h5mem_name("rec", chunked, threads), h5mem::dtype_for<Rec>(), chunked, threads);
    h.ds.write(records());
    check_records(h.ds.read<Rec>(), "h5mem");
    check_field(h.ds.read<OneField>(), "h5mem");
  }
  return h.ds;
}

void h5mem_str_write(benchmark::State& state, bool chunked, unsigned threads) {
  const auto& src = strings();
  const std::string name = h5mem_name("strw", chunked, threads);
  H5memDs h;
  h5mem_fresh(h, name, h5mem::DType::vlen_string(), chunked, threads);
  h.ds.write(src);  // untimed warm-up: grows the malloc heap to its working size
  for (auto _ : state) {
    state.PauseTiming();
    h5mem_fresh(h, name, h5mem::DType::vlen_string(), chunked, threads);
    state.ResumeTiming();
    h.ds.write(src);
  }
  check_strings(h.ds.read<std::string>(), "h5mem write");
  state.SetItemsProcessed(state.iterations() * kN);
}

void h5mem_str_read(benchmark::State& state, bool chunked, unsigned threads) {
  const auto& ds = h5mem_strings(chunked, threads);
  for (auto _ : state) {
    std::vector<std::string> out = ds.read<std::string>();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kN);
}

void h5mem_read_field(benchmark::State& state, bool chunked, unsigned threads) {
  const auto& ds = h5mem_records(chunked, threads);
  for (auto _ : state) {
    std::vector<OneField> out = ds.read<OneField>();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kN);
}

void h5mem_read_all(benchmark::State& state, bool chunked, unsigned threads) {
  const auto& ds = h5mem_records(chunked, threads);
  for (auto _ : state) {
    std::vector<Rec> out = ds.read<Rec>();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kN);
  state.SetBytesProcessed(state.iterations() * kN * sizeof(Rec));
}

void h5mem_write_all(benchmark::State& state, bool chunked, unsigned threads) {
  const auto& ds = h5mem_records(chunked, threads);
  const auto& src = records();
  for (auto _ : state) ds.write(src);
  state.SetItemsProcessed(state.iterations() * kN);
  state.SetBytesProcessed(state.iterations() * kN * sizeof(Rec));
}

// ---- plain loops over the source (floors) -----------------------------------------------

void memcpy_read_field(benchmark::State& state) {
  const auto& src = records();
  for (auto _ : state) {
    std::vector<OneField> out(kN);
    for (std::uint64_t i = 0; i < kN; ++i) out[i].c = src[i].c;
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kN);
}

void memcpy_read_all(benchmark::State& state) {
  const auto& src = records();
  for (auto _ : state) {
    std::vector<Rec> out(kN);
    std::memcpy(out.data(), src.data(), kN * sizeof(Rec));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kN);
  state.SetBytesProcessed(state.iterations() * kN * sizeof(Rec));
}

void memcpy_write_all(benchmark::State& state) {
  const auto& src = records();
  std::vector<Rec> dst(kN);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), kN * sizeof(Rec));
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kN);
  state.SetBytesProcessed(state.iterations() * kN * sizeof(Rec));
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

// Variable-length UTF-8 string, used as file and memory type.
hid_t hdf5_string_type() {
  static const hid_t t = [] {
    hid_t s = h5id(H5Tcopy(H5T_C_S1), "H5Tcopy");
    h5check(H5Tset_size(s, H5T_VARIABLE), "H5Tset_size");
    h5check(H5Tset_cset(s, H5T_CSET_UTF8), "H5Tset_cset");
    return s;
  }();
  return t;
}

// Rec with native members at its C++ offsets: the file type and the ReadAll memory type.
hid_t hdf5_rec_type() {
  static const hid_t t = [] {
    hid_t c = h5id(H5Tcreate(H5T_COMPOUND, sizeof(Rec)), "H5Tcreate");
    h5check(H5Tinsert(c, "a", HOFFSET(Rec, a), H5T_NATIVE_DOUBLE), "H5Tinsert a");
    h5check(H5Tinsert(c, "b", HOFFSET(Rec, b), H5T_NATIVE_DOUBLE), "H5Tinsert b");
    h5check(H5Tinsert(c, "c", HOFFSET(Rec, c), H5T_NATIVE_INT32), "H5Tinsert c");
    h5check(H5Tinsert(c, "d", HOFFSET(Rec, d), H5T_NATIVE_FLOAT), "H5Tinsert d");
    h5check(H5Tinsert(c, "e", HOFFSET(Rec, e), H5T_NATIVE_INT64), "H5Tinsert e");
    return c;
  }();
  return t;
}

// The memory type of ReadField: a compound with only "c"; libhdf5 matches members by name.
hid_t hdf5_field_type() {
  static const hid_t t = [] {
    hid_t c = h5id(H5Tcreate(H5T_COMPOUND, sizeof(OneField)), "H5Tcreate");
    h5check(H5Tinsert(c, "c", HOFFSET(OneField, c), H5T_NATIVE_INT32), "H5Tinsert c");
    return c;
  }();
  return t;
}

struct Hdf5Ds {
  hid_t file = -1;
  hid_t ds = -1;
  void close() {
    if (ds >= 0) h5check(H5Dclose(ds), "H5Dclose");
    if (file >= 0) h5check(H5Fclose(file), "H5Fclose");
    ds = file = -1;
  }
};

// An in-memory HDF5 file (core driver, 1 MiB increments, backing_store = 0: nothing reaches
// the disk) holding one empty dataset "d" of `type`, default property lists apart from the
// chunking. Closes `h` first.
void hdf5_fresh(Hdf5Ds& h, const std::string& name, hid_t type, bool chunked) {
  h.close();
  hid_t fapl = h5id(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate(fapl)");
  h5check(H5Pset_fapl_core(fapl, 1 << 20, 0), "H5Pset_fapl_core");
  h.file = h5id(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "H5Fcreate");
  H5Pclose(fapl);
  const hsize_t dims[1] = {kN}, chunk[1] = {kChunk};
  hid_t space = h5id(H5Screate_simple(1, dims, nullptr), "H5Screate_simple");
  hid_t dcpl = h5id(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate(dcpl)");
  if (chunked) h5check(H5Pset_chunk(dcpl, 1, chunk), "H5Pset_chunk");
  h.ds = h5id(H5Dcreate2(h.file, "d", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "H5Dcreate2");
  H5Pclose(dcpl);
  H5Sclose(space);
}

std::string hdf5_name(const char* what, bool chunked) {
  return std::string("bench_dtype_") + what + (chunked ? "_chunked" : "_contig") + ".h5";
}

void hdf5_write_strings(hid_t ds) {
  const auto& src = strings();
  std::vector<const char*> ptrs(src.size());
  for (std::size_t i = 0; i < src.size(); ++i) ptrs[i] = src[i].c_str();
  h5check(H5Dwrite(ds, hdf5_string_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "H5Dwrite");
}

std::vector<std::string> hdf5_read_strings(hid_t ds) {
  std::vector<char*> ptrs(kN);
  h5check(H5Dread(ds, hdf5_string_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "H5Dread");
  std::vector<std::string> out(kN);
  for (std::size_t i = 0; i < kN; ++i) out[i] = ptrs[i];
  hid_t space = h5id(H5Dget_space(ds), "H5Dget_space");
  h5check(H5Dvlen_reclaim(hdf5_string_type(), space, H5P_DEFAULT, ptrs.data()), "H5Dvlen_reclaim");
  H5Sclose(space);
  return out;
}

template <class T>
std::vector<T> hdf5_read(hid_t ds, hid_t mem_type) {
  std::vector<T> out(kN);
  h5check(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "H5Dread");
  return out;
}

hid_t hdf5_strings(bool chunked) {
  static Hdf5Ds fx[2];
  Hdf5Ds& h = fx[chunked];
  if (h.ds < 0) {
    hdf5_fresh(h, hdf5_name("str", chunked), hdf5_string_type(), chunked);
    hdf5_write_strings(h.ds);
    h5check(H5Fflush(h.file, H5F_SCOPE_LOCAL), "H5Fflush");
    check_strings(hdf5_read_strings(h.ds), "hdf5");
  }
  return h.ds;
}

hid_t hdf5_records(bool chunked) {
  static Hdf5Ds fx[2];
  Hdf5Ds& h = fx[chunked];
  if (h.ds < 0) {
    hdf5_fresh(h, hdf5_name("rec", chunked), hdf5_rec_type(), chunked);
    h5check(H5Dwrite(h.ds, hdf5_rec_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, records().data()),
            "H5Dwrite");
    h5check(H5Fflush(h.file, H5F_SCOPE_LOCAL), "H5Fflush");
    check_records(hdf5_read<Rec>(h.ds, hdf5_rec_type()), "hdf5");
    check_field(hdf5_read<OneField>(h.ds, hdf5_field_type()), "hdf5");
  }
  return h.ds;
}

void hdf5_str_write(benchmark::State& state, bool chunked, bool flush) {
  const std::string name = hdf5_name("strw", chunked);
  Hdf5Ds h;
  hdf5_fresh(h, name, hdf5_string_type(), chunked);
  hdf5_write_strings(h.ds);  // untimed warm-up, as for h5mem
  for (auto _ : state) {
    state.PauseTiming();
    hdf5_fresh(h, name, hdf5_string_type(), chunked);
    state.ResumeTiming();
    hdf5_write_strings(h.ds);
    if (flush) h5check(H5Fflush(h.file, H5F_SCOPE_LOCAL), "H5Fflush");
  }
  check_strings(hdf5_read_strings(h.ds), "hdf5 write");
  h.close();
  state.SetItemsProcessed(state.iterations() * kN);
}

void hdf5_str_read(benchmark::State& state, bool chunked) {
  hid_t ds = hdf5_strings(chunked);
  for (auto _ : state) {
    std::vector<std::string> out = hdf5_read_strings(ds);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kN);
}

void hdf5_read_field(benchmark::State& state, bool chunked) {
  hid_t ds = hdf5_records(chunked);
  for (auto _ : state) {
    std::vector<OneField> out = hdf5_read<OneField>(ds, hdf5_field_type());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kN);
}

void hdf5_read_all(benchmark::State& state, bool chunked) {
  hid_t ds = hdf5_records(chunked);
  for (auto _ : state) {
    std::vector<Rec> out = hdf5_read<Rec>(ds, hdf5_rec_type());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kN);
  state.SetBytesProcessed(state.iterations() * kN * sizeof(Rec));
}

void hdf5_write_all(benchmark::State& state, bool chunked) {
  hid_t ds = hdf5_records(chunked);
  const auto& src = records();
  for (auto _ : state) {
    h5check(H5Dwrite(ds, hdf5_rec_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, src.data()), "H5Dwrite");
  }
  state.SetItemsProcessed(state.iterations() * kN);
  state.SetBytesProcessed(state.iterations() * kN * sizeof(Rec));
}

#endif  // H5MEM_BENCH_HAVE_HDF5

struct Case {
  std::string name;
  std::function<void(benchmark::State&)> fn;
};

// For one case ("VlenStr_Read", ...) and layout: h5mem, h5mem_1thread (chunked only), then
// the baselines, run back to back.
void add_case(std::vector<Case>& cases, const std::string& base, bool chunked,
              void (*mine)(benchmark::State&, bool, unsigned),
              [[maybe_unused]] void (*theirs)(benchmark::State&, bool)) {
  const std::string name = "BM_" + base + (chunked ? "_Chunked" : "_Contig") + "/";
  cases.push_back({name + "h5mem", [=](benchmark::State& s) { mine(s, chunked, 0); }});
  if (chunked) {
    cases.push_back({name + "h5mem_1thread", [=](benchmark::State& s) { mine(s, chunked, 1); }});
  }
#if H5MEM_BENCH_HAVE_HDF5
  cases.push_back({name + "hdf5", [=](benchmark::State& s) { theirs(s, chunked); }});
#endif
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (bool chunked : {false, true}) {
#if H5MEM_BENCH_HAVE_HDF5
    add_case(cases, "VlenStr_Write", chunked, h5mem_str_write,
             [](benchmark::State& s, bool c) { hdf5_str_write(s, c, false); });
    cases.push_back(
        {std::string("BM_VlenStr_Write_") + (chunked ? "Chunked" : "Contig") + "/hdf5_flush",
         [=](benchmark::State& s) { hdf5_str_write(s, chunked, true); }});
    add_case(cases, "VlenStr_Read", chunked, h5mem_str_read, hdf5_str_read);
    add_case(cases, "Compound_ReadField", chunked, h5mem_read_field, hdf5_read_field);
    add_case(cases, "Compound_ReadAll", chunked, h5mem_read_all, hdf5_read_all);
    add_case(cases, "Compound_WriteAll", chunked, h5mem_write_all, hdf5_write_all);
#else
    add_case(cases, "VlenStr_Write", chunked, h5mem_str_write, nullptr);
    add_case(cases, "VlenStr_Read", chunked, h5mem_str_read, nullptr);
    add_case(cases, "Compound_ReadField", chunked, h5mem_read_field, nullptr);
    add_case(cases, "Compound_ReadAll", chunked, h5mem_read_all, nullptr);
    add_case(cases, "Compound_WriteAll", chunked, h5mem_write_all, nullptr);
#endif
  }
  cases.push_back({"BM_Compound_ReadField_Contig/memcpy", memcpy_read_field});
  cases.push_back({"BM_Compound_ReadAll_Contig/memcpy", memcpy_read_all});
  cases.push_back({"BM_Compound_WriteAll_Contig/memcpy", memcpy_write_all});
  return cases;
}

void register_all() {
  for (Case& c : all_cases()) {
    auto* b = benchmark::RegisterBenchmark(c.name.c_str(), std::move(c.fn));
    // h5mem's chunked reads and writes use a thread pool: wall-clock time, and CPU time of
    // the whole process (all threads).
    b->UseRealTime()->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
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
