// Results of `h5mem bench` and how they are shown: text tables, one JSON document, and a
// progress bar on stderr. bench.cpp measures; this part only formats.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "h5mem/shape.hpp"

namespace h5mem::cli::bench {

// Timing of one operation repeated: a write of the whole dataset or one read pattern.
struct Timing {
  std::string name;                // "write", "full", "plane[:,k,:]", "box 8x8x8", ...
  std::uint64_t ops = 0;           // timed repetitions
  std::uint64_t bytes_per_op = 0;  // logical (decoded) bytes moved by one operation
  double median_us = 0, mean_us = 0, min_us = 0;
  // Throughput at the median time, in MB/s (10^6 bytes per second).
  double mb_per_s() const {
    return median_us > 0 ? static_cast<double>(bytes_per_op) / median_us : 0.0;
  }
};

// Everything measured for one (chunk shape, codec) configuration.
struct ConfigResult {
  Shape chunks;                        // empty: contiguous layout
  std::string codec;                   // canonical spelling, e.g. "shuffle+deflate:4"
  Timing first_write;                  // one write into the empty dataset (allocates the storage)
  Timing rewrite;                      // whole-dataset overwrites, repeated
  std::vector<Timing> reads;           // in the order run
  std::uint64_t storage_bytes = 0;     // Dataset::storage_bytes() after the first write
  std::uint64_t held_after_write = 0;  // File::bytes_held() after the first write
  std::uint64_t held_after_reads = 0;  // File::bytes_held() after all patterns (with cache)
};

// The run's parameters, echoed in every report.
struct RunInfo {
  std::string version;
  Shape shape;
  std::string dtype;
  std::string pattern;
  std::uint64_t logical_bytes = 0;
  std::optional<unsigned> threads;           // as given to FileOptions (unset: default)
  std::optional<std::uint64_t> cache_bytes;  // as given to FileOptions (unset: default)
  unsigned hardware_threads = 0;
  double min_time_s = 0;
  Shape box;
  std::uint64_t box_reads = 0;
  std::uint64_t stride = 0;
  std::uint64_t seed = 0;
};

// "64x64x64", or "contiguous" for an empty shape.
std::string chunks_label(const Shape& chunks);
// "12.3 MiB"-style byte count.
std::string human_bytes(std::uint64_t n);

// Text: the run header, one table per configuration (printed as each finishes), and a
// summary table comparing configurations.
void print_header(std::FILE* out, const RunInfo& info);
void print_config(std::FILE* out, const RunInfo& info, const ConfigResult& r);
void print_summary(std::FILE* out, const RunInfo& info, const std::vector<ConfigResult>& rs);
// One JSON document holding the run parameters and every configuration's results.
void print_json(std::FILE* out, const RunInfo& info, const std::vector<ConfigResult>& rs);

// A one-line progress bar on stderr: "[#####.....] 12/54 64x64x64 lzf: full". Does nothing
// when disabled.
class Progress {
 public:
  Progress(bool enabled, std::uint64_t total_steps) : enabled_(enabled), total_(total_steps) {}
  ~Progress() { clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Shows that step number done()+1 is starting, described by `label`.
  void start(const std::string& label);
  // Marks the current step finished.
  void finish() { ++done_; }
  // Erases the bar (before printing to a terminal shared with it).
  void clear();

 private:
  bool enabled_;
  bool shown_ = false;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
};

}  // namespace h5mem::cli::bench
