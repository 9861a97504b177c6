// Runs each doctest suite inside a fresh, empty working directory and fails the run if
// anything was left in it: mem:// files must never touch the filesystem.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "h5mem-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::perror("mkdtemp");
    return 2;
  }
  const fs::path dir = tmpl;
  const fs::path previous = fs::current_path();
  fs::current_path(dir);

  doctest::Context context(argc, argv);
  int rc = context.run();

  fs::current_path(previous);
  bool empty = fs::is_empty(dir);
  if (!empty) {
    std::fprintf(stderr, "FAILED: the suite left files in its working directory %s:\n",
                 dir.c_str());
    for (const auto& e : fs::directory_iterator(dir)) std::fprintf(stderr, "  %s\n", e.path().c_str());
    rc = rc == 0 ? 1 : rc;
  } else {
    std::error_code ec;
    fs::remove(dir, ec);
  }
  return rc;
}
