#include "chunk/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace h5mem::detail {
namespace {

thread_local bool t_in_pool_task = false;

// One parallel_for call. Workers and the caller claim indices from `next`.
struct Job {
  std::size_t n;
  const std::function<void(std::size_t)>* fn;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::condition_variable done_cv;
  std::size_t active = 0;  // threads inside run(); guarded by mu
  std::exception_ptr error;

  // Claims and runs indices until none are left.
  void run() {
    bool was = t_in_pool_task;
    t_in_pool_task = true;
    while (!failed.load(std::memory_order_relaxed)) {
      std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n) break;
      try {
        (*fn)(i);
      } catch (...) {
        std::lock_guard lock(mu);
        if (!error) error = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
      }
    }
    t_in_pool_task = was;
  }
};

class Pool {
 public:
  explicit Pool(unsigned workers) {
    for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { worker(); });
  }
  ~Pool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  unsigned workers() const noexcept { return static_cast<unsigned>(threads_.size()); }

  // Offers `job` to up to `helpers` idle workers.
  void offer(const std::shared_ptr<Job>& job, unsigned helpers) {
    {
      std::lock_guard lock(mu_);
      for (unsigned i = 0; i < helpers; ++i) queue_.push_back(job);
    }
    if (helpers == 1) {
      cv_.notify_one();
    } else {
      cv_.notify_all();
    }
  }

 private:
  void worker() {
    while (true) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      {
        std::lock_guard lock(job->mu);
        ++job->active;
      }
      job->run();
      {
        std::lock_guard lock(job->mu);
        --job->active;
      }
      job->done_cv.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

Pool& pool() {
  // Leaked on purpose: joining threads during static destruction races with other
  // static destructors that may still issue reads.
  static Pool* p = new Pool(hardware_threads() > 1 ? hardware_threads() - 1 : 0);
  return *p;
}

}  // namespace

unsigned hardware_threads() noexcept {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

void parallel_for(std::size_t n, unsigned max_threads, const std::function<void(std::size_t)>& fn) {
  if (max_threads == 0) max_threads = hardware_threads();
  if (n <= 1 || max_threads <= 1 || t_in_pool_task || pool().workers() == 0) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  auto job = std::make_shared<Job>();
  job->n = n;
  job->fn = &fn;
  unsigned helpers = static_cast<unsigned>(
      std::min<std::size_t>({n - 1, max_threads - 1, pool().workers()}));
  pool().offer(job, helpers);
  job->run();
  // Stop workers that have not started yet from claiming work, then wait for the rest.
  job->next.store(n, std::memory_order_relaxed);
  std::unique_lock lock(job->mu);
  job->done_cv.wait(lock, [&] { return job->active == 0; });
  if (job->error) std::rethrow_exception(job->error);
}

}  // namespace h5mem::detail
