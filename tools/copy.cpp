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
  bool progress = false;  // show the bar even when stderr is not a terminal
};

// "[=========>          ]  47%  120.0/256.0 MiB"
std::string progress_bar(std::uint64_t written, std::uint64_t total) {
  constexpr int kWidth = 30;
  const double f = total ? static_cast<double>(written) / static_cast<double>(total) : 1.0;
  const int filled = static_cast<int>(f * kWidth);
  std::string bar = "[";
  for (int i = 0; i < kWidth; ++i) bar += i < filled ? '=' : (i == filled ? '>' : ' ');
  char tail[64];
  std::snprintf(tail, sizeof tail, "] %3d%%  %.1f/%.1f MiB", static_cast<int>(f * 100 + 1e-9),
                static_cast<double>(written) / 1048576.0, static_cast<double>(total) / 1048576.0);
  return bar + tail;
}

void run_copy(const CopyArgs& a) {
  const bool tty = !a.quiet && ::isatty(STDERR_FILENO) == 1;
  const bool bar = !a.quiet && (tty || a.progress);
  auto status = [&](const std::string& what) {
    if (tty) {
      std::fprintf(stderr, "\r\033[Kh5mem copy: %s", what.c_str());
    } else if (bar) {
      std::fprintf(stderr, "h5mem copy: %s\n", what.c_str());
    }
  };
  status("reading...");
  File f = open_input(a.src);
  SaveOptions opts;
  if (a.format == "earliest") opts.format(Format::earliest);
  if (a.format == "latest") opts.format(Format::latest);
  if (bar) {
    opts.progress([&](std::uint64_t written, std::uint64_t total) {
      status("writing " + progress_bar(written, total));
    });
  }
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
  cmd->add_flag("--progress", a->progress,
                "Progress lines on stderr even when it is not a terminal");
  cmd->callback([a] { run_copy(*a); });
}

}  // namespace h5mem::cli
