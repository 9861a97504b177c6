// A small mutation fuzzer for builds without libFuzzer (GCC): feeds every seed file, then
// mutated copies of them (bit flips, byte overwrites with boundary values, truncations,
// spliced ranges) to LLVMFuzzerTestOneInput for a bounded time. Deterministic for a seed.
//   fuzz_open_image_standalone SECONDS SEED_DIR_OR_FILE...
// Prints "[interop] checks: N | N passed | 0 failed" (a crash or hang fails the process).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::uint8_t> slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void mutate(std::vector<std::uint8_t>& b, std::mt19937_64& rng) {
  if (b.empty()) {
    b.push_back(static_cast<std::uint8_t>(rng()));
    return;
  }
  auto pos = [&] { return static_cast<std::size_t>(rng() % b.size()); };
  static const std::uint8_t kBoundary[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe};
  switch (rng() % 6) {
    case 0:  // flip bits
      for (int i = 0, n = 1 + static_cast<int>(rng() % 8); i < n; ++i)
        b[pos()] ^= 1u << (rng() % 8);
      break;
    case 1:  // boundary bytes (sizes, counts, addresses)
      for (int i = 0, n = 1 + static_cast<int>(rng() % 4); i < n; ++i)
        b[pos()] = kBoundary[rng() % 6];
      break;
    case 2:  // an 8-byte field set to all-ones or a large value
      if (b.size() >= 8) {
        std::size_t p = pos() % (b.size() - 7);
        std::uint64_t v = rng() % 2 ? ~0ull : (rng() % (b.size() * 4 + 1));
        for (int i = 0; i < 8; ++i) b[p + i] = static_cast<std::uint8_t>(v >> (8 * i));
      }
      break;
    case 3:  // truncate
      b.resize(pos());
      break;
    case 4: {  // copy a range over another (duplicated structures, cycles)
      std::size_t from = pos(), to = pos(), n = 1 + rng() % 64;
      for (std::size_t i = 0; i < n && from + i < b.size() && to + i < b.size(); ++i)
        b[to + i] = b[from + i];
      break;
    }
    default:  // random bytes
      for (int i = 0, n = 1 + static_cast<int>(rng() % 16); i < n; ++i)
        b[pos()] = static_cast<std::uint8_t>(rng());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s SECONDS SEED_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  const double seconds = std::atof(argv[1]);
  std::vector<std::vector<std::uint8_t>> seeds;
  for (int i = 2; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
        if (e.is_regular_file() && e.file_size() <= (1u << 20)) {
          auto ext = e.path().extension().string();
          if (ext == ".h5" || ext == ".hdf5" || ext == ".nc" || ext == ".bin")
            seeds.push_back(slurp(e.path()));
        }
      }
    } else if (std::filesystem::is_regular_file(p)) {
      seeds.push_back(slurp(p));
    }
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "no seed files found\n");
    return 2;
  }
  std::uint64_t runs = 0;
  for (const auto& s : seeds) {
    LLVMFuzzerTestOneInput(s.data(), s.size());
    ++runs;
  }
  std::mt19937_64 rng(20261129);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    std::vector<std::uint8_t> b = seeds[rng() % seeds.size()];
    for (int m = 0, n = 1 + static_cast<int>(rng() % 4); m < n; ++m) mutate(b, rng);
    LLVMFuzzerTestOneInput(b.data(), b.size());
    ++runs;
  }
  std::printf("fuzz_open_image: %zu seeds, %llu inputs, no crash\n", seeds.size(),
              static_cast<unsigned long long>(runs));
  std::printf("[interop] checks: 1 | 1 passed | 0 failed\n");
  return 0;
}
