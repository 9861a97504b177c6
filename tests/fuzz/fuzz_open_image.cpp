// Fuzz target: any byte string given to File::open_image must either open (and then every
// object must be listable and every dataset readable without a crash) or raise h5mem::Error.
// Built for libFuzzer when the compiler is clang (tests/fuzz/README in meson.build), and
// driven by standalone_main.cpp otherwise.
#include <h5mem/h5mem.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace {

// Reads what the file holds, bounded so a valid but huge dataset cannot stall the run.
void walk(const h5mem::Group& g, int depth) {
  if (depth > 32) return;
  for (const std::string& name : g.list()) {
    try {
      if (g.kind_of(name) == h5mem::ObjectKind::group) {
        walk(g.group(name), depth + 1);
        continue;
      }
      h5mem::Dataset d = g.dataset(name);
      for (const std::string& a : d.attrs().list()) (void)d.attrs().get(a).dtype();
      const std::uint64_t n = d.size();
      if (n == 0 || n * d.dtype().size() > (16u << 20)) continue;
      if (d.dtype().is_numeric()) {
        (void)d.read<double>();
      } else if (d.dtype().is_variable_string() ||
                 d.dtype().type_class() == h5mem::TypeClass::string) {
        (void)d.read<std::string>();
      }
    } catch (const h5mem::Error&) {
      // Corrupt or unsupported parts are reported, not fatal.
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::atomic<std::uint64_t> counter{0};
  const std::string name = "mem://fuzz-" + std::to_string(counter++);
  try {
    h5mem::File f = h5mem::File::open_image(
        name, std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size));
    walk(f, 0);
  } catch (const h5mem::Error&) {
  }
  return 0;
}
