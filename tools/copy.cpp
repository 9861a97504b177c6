// `h5mem copy SRC DST [--format earliest|latest]`: reads SRC with h5mem's HDF5 reader and
// writes DST with its writer.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "commands.hpp"
#include "h5mem/h5mem.hpp"
#include "path_arg.hpp"

namespace h5mem::cli {
namespace {

struct CopyArgs {
  std::string src;
  std::string dst;
  std::string format;  // empty: the source's format
  bool quiet = false;
};

void run_copy(const CopyArgs& a) {
  const bool tty = !a.quiet && ::isatty(STDERR_FILENO) == 1;
  auto status = [&](const char* what) {
    if (tty) std::fprintf(stderr, "\r\033[Kh5mem copy: %s", what);
  };
  status("reading...");
  File f = open_input(a.src);
  SaveOptions opts;
  if (a.format == "earliest") opts.format(Format::earliest);
  if (a.format == "latest") opts.format(Format::latest);
  status("writing...");
  try {
    f.save_as(a.dst, opts);
  } catch (...) {
    if (tty) std::fprintf(stderr, "\r\033[K");
    throw;
  }
  if (tty) std::fprintf(stderr, "\r\033[Kh5mem copy: %s -> %s\n", a.src.c_str(), a.dst.c_str());
}

}  // namespace

void add_copy(CLI::App& app) {
  auto a = std::make_shared<CopyArgs>();
  auto* cmd = app.add_subcommand("copy", "Copy an HDF5 file through h5mem's reader and writer");
  cmd->add_option("src", a->src, "HDF5 file to read")->required();
  cmd->add_option("dst", a->dst, "HDF5 file to write (replaced atomically)")->required();
  cmd->add_option("--format", a->format, "Format of DST (default: the format SRC is in)")
      ->check(CLI::IsMember({"earliest", "latest"}));
  cmd->add_flag("-q,--quiet", a->quiet, "No status line on stderr");
  cmd->callback([a] { run_copy(*a); });
}

}  // namespace h5mem::cli
