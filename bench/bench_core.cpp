// Fixed cost of small selection reads/writes on a contiguous dataset, against a plain
// memcpy of the same bytes. Run: ./build/bench/bench_core --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstring>
#include <numeric>
#include <vector>

#include "h5mem/h5mem.hpp"

namespace {

constexpr std::uint64_t kRows = 1024, kCols = 1024;

struct Fixture {
  h5mem::File file = h5mem::File::create("mem://bench_core");
  h5mem::Dataset ds = file.create_dataset<double>("d", h5mem::Shape{kRows, kCols});
  std::vector<double> data = std::vector<double>(kRows * kCols);
  Fixture() {
    std::iota(data.begin(), data.end(), 0.0);
    ds.write(data);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// Box of `h` rows x `w` columns at a moving position.
void BM_SelectRead(benchmark::State& state) {
  auto& f = fixture();
  const auto h = static_cast<std::int64_t>(state.range(0)), w = static_cast<std::int64_t>(state.range(1));
  std::vector<double> buf(static_cast<std::size_t>(h * w));
  std::int64_t i = 0;
  for (auto _ : state) {
    std::int64_t r = (i * 37) % (kRows - h), c = (i * 101) % (kCols - w);
    f.ds.select({h5mem::Slice(r, r + h), h5mem::Slice(c, c + w)}).read_into(std::span<double>(buf));
    benchmark::DoNotOptimize(buf.data());
    ++i;
  }
  state.SetBytesProcessed(state.iterations() * h * w * 8);
}
BENCHMARK(BM_SelectRead)->Args({1, 1})->Args({1, 8})->Args({8, 8})->Args({64, 64});

// Same box, same bytes, straight memcpy per row from the source array.
void BM_MemcpyBox(benchmark::State& state) {
  auto& f = fixture();
  const auto h = static_cast<std::int64_t>(state.range(0)), w = static_cast<std::int64_t>(state.range(1));
  std::vector<double> buf(static_cast<std::size_t>(h * w));
  std::int64_t i = 0;
  for (auto _ : state) {
    std::int64_t r = (i * 37) % (kRows - h), c = (i * 101) % (kCols - w);
    for (std::int64_t y = 0; y < h; ++y) {
      std::memcpy(buf.data() + y * w, f.data.data() + (r + y) * kCols + c, static_cast<std::size_t>(w) * 8);
    }
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
    ++i;
  }
  state.SetBytesProcessed(state.iterations() * h * w * 8);
}
BENCHMARK(BM_MemcpyBox)->Args({1, 1})->Args({1, 8})->Args({8, 8})->Args({64, 64});

// A Selection resolved once and read repeatedly: the per-read cost without planning.
void BM_PlannedRead(benchmark::State& state) {
  auto& f = fixture();
  const auto h = static_cast<std::int64_t>(state.range(0)), w = static_cast<std::int64_t>(state.range(1));
  std::vector<double> buf(static_cast<std::size_t>(h * w));
  auto sel = f.ds.select({h5mem::Slice(3, 3 + h), h5mem::Slice(5, 5 + w)});
  for (auto _ : state) {
    sel.read_into(std::span<double>(buf));
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(state.iterations() * h * w * 8);
}
BENCHMARK(BM_PlannedRead)->Args({1, 1})->Args({8, 8});

void BM_SelectWrite(benchmark::State& state) {
  auto& f = fixture();
  const auto h = static_cast<std::int64_t>(state.range(0)), w = static_cast<std::int64_t>(state.range(1));
  std::vector<double> buf(static_cast<std::size_t>(h * w), 1.5);
  std::int64_t i = 0;
  for (auto _ : state) {
    std::int64_t r = (i * 37) % (kRows - h), c = (i * 101) % (kCols - w);
    f.ds.select({h5mem::Slice(r, r + h), h5mem::Slice(c, c + w)}).write(std::span<const double>(buf));
    ++i;
  }
  state.SetBytesProcessed(state.iterations() * h * w * 8);
}
BENCHMARK(BM_SelectWrite)->Args({1, 1})->Args({8, 8});

// Whole-dataset read (8 MiB) vs memcpy of the same bytes.
void BM_FullRead(benchmark::State& state) {
  auto& f = fixture();
  std::vector<double> buf(kRows * kCols);
  for (auto _ : state) {
    f.ds.read_into(std::span<double>(buf));
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(state.iterations() * kRows * kCols * 8);
}
BENCHMARK(BM_FullRead);

void BM_FullMemcpy(benchmark::State& state) {
  auto& f = fixture();
  std::vector<double> buf(kRows * kCols);
  for (auto _ : state) {
    std::memcpy(buf.data(), f.data.data(), buf.size() * 8);
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * kRows * kCols * 8);
}
BENCHMARK(BM_FullMemcpy);

}  // namespace

BENCHMARK_MAIN();
