// Subcommands of the h5mem CLI, one file each.
#pragma once

#include <CLI/CLI.hpp>

namespace h5mem::cli {

// Registers `h5mem demo` on `app`.
void add_demo(CLI::App& app);
// Registers `h5mem bench` on `app`.
void add_bench(CLI::App& app);

}  // namespace h5mem::cli
