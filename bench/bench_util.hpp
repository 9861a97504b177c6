// Helpers shared by the benchmark programs.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace h5mem_bench {

// Prints "PROGRAM: msg" and exits 1: a benchmark that computed wrong data must not report.
[[noreturn]] inline void die(const char* program, const std::string& msg) {
  std::fprintf(stderr, "%s: %s\n", program, msg.c_str());
  std::exit(1);
}

// A directory under TMPDIR (or /tmp) named after `tag`, created on first use and removed
// with its contents at exit.
inline const std::string& scratch_dir(const char* tag) {
  // Never destroyed: the exit handler runs after function-local statics are destroyed.
  static const std::string* dir = [tag] {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base ? base : "/tmp") + "/h5mem-bench-" + tag + "-XXXXXX";
    if (!mkdtemp(tmpl.data())) die(tag, "cannot create a scratch directory");
    auto* d = new std::string(std::move(tmpl));
    std::atexit([] { std::filesystem::remove_all(*dir); });
    return d;
  }();
  return *dir;
}

}  // namespace h5mem_bench
