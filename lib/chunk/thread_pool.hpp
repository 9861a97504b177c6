// A persistent process-wide pool for decoding and encoding chunks in parallel.
#pragma once

#include <cstddef>
#include <functional>

namespace h5mem::detail {

// Runs fn(i) for every i in [0, n) using up to `max_threads` threads, the calling thread
// included (0 = one per hardware thread). Returns when all calls have finished; if any threw,
// rethrows the first exception (the remaining indices are skipped). Calls made from inside a
// pool task run serially on the calling thread, so nesting cannot deadlock.
void parallel_for(std::size_t n, unsigned max_threads, const std::function<void(std::size_t)>& fn);

// Number of threads parallel_for uses for max_threads = 0.
unsigned hardware_threads() noexcept;

}  // namespace h5mem::detail
