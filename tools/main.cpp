// h5mem: command-line tools for in-memory HDF5-style files.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "h5mem/h5mem.hpp"

int main(int argc, char** argv) {
  CLI::App app{"h5mem: in-memory HDF5-style files without libhdf5"};
  app.set_version_flag("--version", h5mem::version_string());
  app.require_subcommand(1);
  h5mem::cli::add_demo(app);
  h5mem::cli::add_bench(app);
  h5mem::cli::add_ls(app);
  h5mem::cli::add_dump(app);
  h5mem::cli::add_copy(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const h5mem::Error& e) {
    std::fprintf(stderr, "h5mem: error (%s): %s\n", std::string(h5mem::to_string(e.code())).c_str(),
                 e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "h5mem: %s\n", e.what());
    return 1;
  }
  return 0;
}
