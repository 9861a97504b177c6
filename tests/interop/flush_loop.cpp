// Child process of crash_flush.py: rewrites a file over and over, printing the generation
// number k after each flush() returns, until it is killed.
//   flush_loop PATH [ELEMENTS]
#include <h5mem/h5mem.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: flush_loop PATH [ELEMENTS]\n");
    return 2;
  }
  const std::uint64_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1u << 20;
  try {
    using namespace h5mem;
    File f = File::create(argv[1], {}, FileOptions{}.flush_policy(FlushPolicy::manual));
    Dataset raw = f.create_dataset<std::int64_t>("raw", {n});
    Dataset packed = f.create_dataset<std::int64_t>(
        "packed", {n}, DatasetOptions{}.chunks({n < 4096 ? n : 4096}).shuffle().deflate(1));
    std::vector<std::int64_t> v(n);
    for (std::int64_t k = 1;; ++k) {
      for (std::uint64_t i = 0; i < n; ++i) v[i] = k * 1000003 + static_cast<std::int64_t>(i);
      raw.write(v);
      packed.write(v);
      f.attrs().set("k", k);
      f.flush();
      std::printf("%lld\n", static_cast<long long>(k));
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "flush_loop: %s\n", e.what());
    return 1;
  }
}
