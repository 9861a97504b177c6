// Subcommands of the h5mem CLI, one file each.
#pragma once

#include <CLI/CLI.hpp>

namespace h5mem::cli {

// Registers `h5mem demo` on `app`.
void add_demo(CLI::App& app);
// Registers `h5mem bench` on `app`.
void add_bench(CLI::App& app);
// Registers `h5mem ls` (h5ls-like listing, ls.cpp).
void add_ls(CLI::App& app);
// Registers `h5mem dump` (h5dump-like values, dump.cpp).
void add_dump(CLI::App& app);
// Registers `h5mem copy` (read with h5mem's reader, write with its writer, copy.cpp).
void add_copy(CLI::App& app);

}  // namespace h5mem::cli
