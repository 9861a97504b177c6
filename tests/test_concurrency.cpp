// Concurrency: 8 threads opening, writing and closing different and shared mem:// names.
// Run under the sanitizer build too (meson setup -Db_sanitize=address,undefined).
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <atomic>
#include <barrier>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test_util.hpp"

using h5mem::CreateOptions;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::Lifetime;
using h5mem::Mode;
using h5mem::Registry;
using h5mem::Slice;

namespace {

constexpr int kThreads = 8;

// Failures seen on worker threads, reported by the main thread (doctest asserts are checked
// on the main thread only).
class Failures {
 public:
  void add(std::string msg) {
    std::lock_guard<std::mutex> lock(m_);
    if (msgs_.size() < 20) msgs_.push_back(std::move(msg));
    ++count_;
  }
  void report() const {
    std::lock_guard<std::mutex> lock(m_);
    std::string all;
    for (const auto& msg : msgs_) all += h5t::cat("\n  ", msg);
    CHECK_MESSAGE(count_ == 0u, count_, " failure(s) on worker threads:", all);
  }

 private:
  mutable std::mutex m_;
  std::vector<std::string> msgs_;
  std::size_t count_ = 0;
};

// Runs body(thread_index) on kThreads threads; exceptions become failures.
void run_threads(Failures& failures, const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        body(t);
      } catch (const h5mem::Error& e) {
        failures.add(
            h5t::cat("thread ", t, ": h5mem::Error ", h5t::code_name(e.code()), ": ", e.what()));
      } catch (const std::exception& e) {
        failures.add(h5t::cat("thread ", t, ": std::exception: ", e.what()));
      }
    });
  }
  for (auto& th : threads) th.join();
}

}  // namespace

TEST_CASE("8 threads create, write, read and close their own names in a loop") {
  Failures failures;
  const std::string base = h5t::mem_name("conc-own");
  constexpr int kIters = 400;
  run_threads(failures, [&](int t) {
    for (int it = 0; it < kIters; ++it) {
      // Names are reused every third iteration: a closed name must be free again at once.
      const std::string name = h5t::cat(base, "-t", t, "-", it % 3);
      File f = File::create(name);
      auto d = f.create_dataset<std::int32_t>("g/d", {16});
      std::vector<std::int32_t> v(16);
      for (int i = 0; i < 16; ++i) v[static_cast<std::size_t>(i)] = t * 100000 + it * 100 + i;
      d.write(v);
      f.attrs().set("it", std::int64_t{it});
      if (d.read<std::int32_t>() != v) failures.add(h5t::cat(name, ": read back differs"));
      if (f.attrs().read<std::int64_t>("it") != it)
        failures.add(h5t::cat(name, ": attribute differs"));
      if (f.bytes_held() != 16 * 4 + 8) failures.add(h5t::cat(name, ": bytes_held wrong"));
      {
        File again = File::open(name, Mode::read_only);
        if (again.dataset("g/d").select({Slice(0, 2)}).read<std::int32_t>() !=
            std::vector<std::int32_t>{v[0], v[1]})
          failures.add(h5t::cat(name, ": second open reads other data"));
      }
      f.close();
      if (Registry::exists(name))
        failures.add(h5t::cat(name, ": still registered after last close"));
    }
  });
  failures.report();
}

TEST_CASE("8 threads open_or_create, write and close shared names in a loop") {
  Failures failures;
  const std::string base = h5t::mem_name("conc-shared");
  const std::vector<std::string> names = {h5t::cat(base, "-a"), h5t::cat(base, "-b")};
  constexpr int kIters = 400;
  std::atomic<int> opened{0};
  run_threads(failures, [&](int t) {
    for (int it = 0; it < kIters; ++it) {
      const std::string& name = names[static_cast<std::size_t>((it + t) % 2)];
      File f = File::open(name, Mode::open_or_create);
      opened.fetch_add(1);
      // A path no other thread or iteration uses, so creation must succeed even when the
      // image outlived the previous iteration.
      const std::string path = h5t::cat("/t", t, "/i", it);
      auto d = f.create_dataset<double>(path, {4, 4});
      std::vector<double> v(16, t + it / 1000.0);
      d.write(v);
      d.attrs().set("owner", std::to_string(t));
      if (d.read<double>() != v) failures.add(h5t::cat(name, path, ": read back differs"));
      if (d.select({1, Slice(1, 3)}).read<double>() != std::vector<double>{v[5], v[6]})
        failures.add(h5t::cat(name, path, ": selection read differs"));
      if (d.attrs().read<std::string>("owner") != std::to_string(t))
        failures.add(h5t::cat(name, path, ": attribute differs"));
      // Look at what the other threads made; their objects may appear at any time.
      for (const auto& child : f.list()) {
        if (child.size() < 2 || child[0] != 't')
          failures.add(h5t::cat(name, ": unexpected child ", child));
      }
      if (it % 16 == 0) {
        bool listed = false;
        for (const auto& info : Registry::list()) listed = listed || info.name == name;
        if (!listed) failures.add(h5t::cat(name, ": open image missing from Registry::list"));
      }
      if (it % 2 == 0) f.close();  // otherwise the destructor ends the open
    }
  });
  failures.report();
  CHECK(opened.load() == kThreads * kIters);
  for (const auto& n : names) CHECK_FALSE(Registry::exists(n));
}

TEST_CASE("8 threads write disjoint rows of one dataset through their own opens") {
  Failures failures;
  const std::string name = h5t::mem_name("conc-rows");
  constexpr std::uint64_t kCols = 1000;
  {
    File f = File::create(name, CreateOptions{}.lifetime(Lifetime::process));
    f.create_dataset<std::int32_t>("rows", {kThreads, kCols});  // unallocated: first writes race
  }
  constexpr int kIters = 60;
  run_threads(failures, [&](int t) {
    for (int it = 0; it < kIters; ++it) {
      File f = File::open(name, Mode::read_write);
      auto row = f.dataset("rows").select({t});
      row.write(std::vector<std::int32_t>(kCols, t * 1000 + it));
      const auto back = row.read<std::int32_t>();
      if (back != std::vector<std::int32_t>(kCols, t * 1000 + it))
        failures.add(h5t::cat("row ", t, " iteration ", it, ": read back differs"));
    }
  });
  failures.report();

  File f = File::open(name, Mode::read_only);
  const auto all = f.dataset("rows").read<std::int32_t>();
  for (int t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    const auto first = all.begin() + static_cast<std::ptrdiff_t>(t * kCols);
    CHECK(std::vector<std::int32_t>(first, first + kCols) ==
          std::vector<std::int32_t>(kCols, t * 1000 + kIters - 1));
  }
  // The storage was allocated exactly once despite racing first writes.
  CHECK(f.bytes_held() == kThreads * kCols * 4);
  f.close();
  Registry::unlink(name);
  CHECK_FALSE(Registry::exists(name));
}

TEST_CASE("racing create_new on one name: exactly one winner per round") {
  Failures failures;
  const std::string base = h5t::mem_name("conc-race");
  constexpr int kRounds = 40;
  std::atomic<int> winners{0};
  std::vector<int> winners_per_round(kRounds, -1);
  int phase = 0;  // two barrier phases per round
  std::barrier sync(kThreads, [&]() noexcept {
    if (phase % 2 == 0)
      winners_per_round[static_cast<std::size_t>(phase / 2)] = winners.exchange(0);
    ++phase;
  });
  run_threads(failures, [&](int t) {
    for (int r = 0; r < kRounds; ++r) {
      const std::string name = h5t::cat(base, "-", r);
      {
        // Every thread holds whatever it opened until all threads have tried.
        std::optional<File> mine;
        try {
          mine.emplace(File::open(name, Mode::create_new));
          winners.fetch_add(1);
          mine->attrs().set("winner", t);
        } catch (const h5mem::Error& e) {
          if (e.code() != ErrorCode::already_exists)
            failures.add(std::string("create_new raised ") + h5t::code_name(e.code()));
          try {
            mine.emplace(File::open(name, Mode::read_only));
          } catch (const h5mem::Error& e2) {
            failures.add(std::string("read_only open of a held name raised ") +
                         h5t::code_name(e2.code()));
          }
        }
        // Truncating a name others hold open must be refused.
        try {
          File trunc = File::open(name, Mode::create);
          failures.add("Mode::create succeeded on a name held open by 8 threads");
        } catch (const h5mem::Error& e) {
          if (e.code() != ErrorCode::busy)
            failures.add(std::string("Mode::create raised ") + h5t::code_name(e.code()));
        }
        sync.arrive_and_wait();  // all threads hold an open here
      }
      sync.arrive_and_wait();  // all handles dropped: the name is free again
      if (Registry::exists(name))
        failures.add(h5t::cat(name, ": still registered after the round"));
    }
  });
  failures.report();
  for (int r = 0; r < kRounds; ++r) {
    CAPTURE(r);
    CHECK(winners_per_round[static_cast<std::size_t>(r)] == 1);
  }
}

TEST_CASE("handle copies shared across threads; the last one frees the image") {
  Failures failures;
  const std::string name = h5t::mem_name("conc-copies");
  std::vector<std::int64_t> v(64);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int64_t>(i * i);
  std::optional<h5mem::Dataset> shared;
  {
    File f = File::create(name);
    shared.emplace(f.create_dataset<std::int64_t>("d", {8, 8}));
    shared->write(v);
  }
  std::atomic<int> done{0};
  run_threads(failures, [&](int t) {
    h5mem::Dataset mine = *shared;  // copy while others copy too
    for (int it = 0; it < 200; ++it) {
      h5mem::Dataset copy = mine;
      const auto row = copy.select({(t + it) % 8}).read<std::int64_t>();
      for (std::size_t j = 0; j < 8; ++j) {
        if (row[j] != v[static_cast<std::size_t>((t + it) % 8) * 8 + j]) {
          failures.add("row mismatch");
          break;
        }
      }
      File file = copy.file();
      if (!file.is_open()) failures.add("file() of a live handle is closed");
      auto a = copy.attrs();
      a.set(h5t::cat("t", t), it);
    }
    done.fetch_add(1);
  });
  failures.report();
  CHECK(done.load() == kThreads);
  REQUIRE(Registry::exists(name));
  CHECK(shared->attrs().list().size() == static_cast<std::size_t>(kThreads));
  for (int t = 0; t < kThreads; ++t)
    CHECK(shared->attrs().read<std::int32_t>(h5t::cat("t", t)) == 199);
  shared.reset();
  CHECK_FALSE(Registry::exists(name));
}
