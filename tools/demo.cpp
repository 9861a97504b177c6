// `h5mem demo`: replays the h5py driver='core' story with h5mem, step by step.
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "commands.hpp"
#include "h5mem/h5mem.hpp"

namespace h5mem::cli {
namespace {

std::set<std::string> cwd_entries() {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(".")) out.insert(e.path().string());
  return out;
}

void show_registry() {
  auto images = Registry::list();
  if (images.empty()) std::printf("      registry: (empty)\n");
  for (const auto& i : images) {
    std::printf("      registry: %-28s lifetime=%-11s open_handles=%zu bytes_held=%llu\n",
                i.name.c_str(), i.lifetime == Lifetime::process ? "process" : "until_close",
                i.open_handles, static_cast<unsigned long long>(i.bytes_held));
  }
}

template <class Fn>
void expect_error(const char* what, Fn&& fn) {
  try {
    fn();
    std::printf("      %s: unexpectedly succeeded\n", what);
  } catch (const Error& e) {
    std::printf("      %s -> Error(%s): %s\n", what, std::string(to_string(e.code())).c_str(),
                e.what());
  }
}

void step(int n, const char* title) { std::printf("\n[%d] %s\n", n, title); }

int run_demo() {
  const auto before = cwd_entries();
  std::printf(
      "h5py: File('f1', driver='core') looks in-memory, but backing_store defaults to True:\n"
      "it silently writes ./f1 on close, and reopening 'f1' brings the old data back.\n"
      "h5mem makes name, lifetime and persistence explicit. Watch:\n");

  step(1, "File::create(\"mem://run42\") -- an ephemeral in-memory file");
  std::vector<double> values(100 * 200);
  std::iota(values.begin(), values.end(), 0.0);
  {
    File f = File::create("mem://run42");
    Group g = f.create_group("sim/fields");
    g.attrs().set("units", std::string("m/s"));
    Dataset d = g.create_dataset<double>("temp", Shape{100, 200});
    d.write(values);
    std::vector<double> row = d.select({5, all}).read<double>();
    std::printf("      wrote /sim/fields/temp (100x200 float64); row 5 starts %.0f %.0f %.0f\n",
                row[0], row[1], row[2]);

    step(2, "a second open of the same name shares the image");
    File again = File::open("mem://run42", Mode::read_write);
    again.dataset("/sim/fields/temp").select({0, 0}).write(std::vector<double>{-1.0});
    std::printf("      wrote -1 through the second handle; the first reads %.0f\n",
                d.select({0, 0}).read<double>()[0]);
    show_registry();
  }
  step(3, "all handles closed: the image is freed and the name is free again");
  show_registry();
  expect_error("File::open(\"mem://run42\", read_only)",
               [] { File::open("mem://run42", Mode::read_only); });

  step(4, "CreateOptions{}.lifetime(Lifetime::process): kept after the last close");
  {
    File f = File::create("mem://shared", CreateOptions{}.lifetime(Lifetime::process));
    f.create_dataset<std::int32_t>("answer", Shape{}).write(std::vector<std::int32_t>{42});
  }
  show_registry();
  {
    File f = File::open("mem://shared", Mode::read_only);
    std::printf("      reopened read_only: /answer = %d\n", f.dataset("answer").read<std::int32_t>()[0]);

    step(5, "Registry::unlink while open: the name goes, the open handle keeps working");
    Registry::unlink("mem://shared");
    show_registry();
    std::printf("      the open handle still reads /answer = %d\n",
                f.dataset("answer").read<std::int32_t>()[0]);
  }
  expect_error("after the last close, File::open(\"mem://shared\")",
               [] { File::open("mem://shared", Mode::read_only); });

  step(6, "CreateOptions{}.max_bytes(1024): a quota that fails cleanly");
  {
    File f = File::create("mem://small", CreateOptions{}.max_bytes(1024));
    Dataset big = f.create_dataset<double>("big", Shape{1000});
    expect_error("writing 8000 bytes", [&] { big.write(std::vector<double>(1000, 1.0)); });
    std::printf("      bytes_held after the failed write: %llu\n",
                static_cast<unsigned long long>(f.bytes_held()));
  }

  step(7, "nothing touched the filesystem");
  const auto after = cwd_entries();
  std::printf("      working directory entries before: %zu, after: %zu -> %s\n", before.size(),
              after.size(), before == after ? "unchanged" : "CHANGED");
  return before == after ? 0 : 1;
}

}  // namespace

void add_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "Replay the h5py in-memory-file story with h5mem");
  cmd->callback([] {
    int rc = run_demo();
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace h5mem::cli
