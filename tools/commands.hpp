// Subcommands of the h5mem CLI, one file each.
#pragma once

#include <CLI/CLI.hpp>

namespace h5mem::cli {

// Registers `h5mem demo` on `app`.
void add_demo(CLI::App& app);

}  // namespace h5mem::cli
