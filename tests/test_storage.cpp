// Storage layer: the Env implementations (POSIX, memory, fault injection) and atomic file
// replacement, including a failure at every write call in turn and SIGKILL during writes.
#include <doctest/doctest.h>

#include <h5mem/error.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "storage/env.hpp"
#include "storage/fault_env.hpp"
#include "storage/memory_env.hpp"

using h5mem::Error;
using h5mem::ErrorCode;
using namespace h5mem::detail;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<std::byte>;

// A fresh directory under the system temp directory, removed with its content on destruction:
// the suite must leave nothing in its working directory.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "h5mem-storage-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    // A test may have left a read-only subdirectory; make everything removable first.
    for (auto it = fs::recursive_directory_iterator(path_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory()) fs::permissions(it->path(), fs::perms::owner_all, ec);
    }
    fs::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// Deterministic, seed-dependent bytes, so that equal contents mean "the same version".
Bytes pattern(std::size_t n, std::uint64_t seed) {
  Bytes out(n);
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<std::byte>(x >> 24);
  }
  return out;
}

Bytes bytes_of(std::string_view s) {
  Bytes out(s.size());
  std::memcpy(out.data(), s.data(), s.size());
  return out;
}

// Writes `content` to `path` atomically in `pieces` appends of about equal size.
void write_in_pieces(Env& env, const std::string& path, const Bytes& content, int pieces) {
  write_file_atomically(env, path, [&](WritableFile& f) {
    const std::size_t step = (content.size() + pieces - 1) / pieces;
    for (std::size_t at = 0; at < content.size(); at += step) {
      f.append(std::span(content).subspan(at, std::min(step, content.size() - at)));
    }
  });
}

// Entries of `dir` that look like our temporary files.
std::vector<std::string> temp_files(Env& env, const std::string& dir) {
  std::vector<std::string> out;
  for (const std::string& name : env.list_dir(dir)) {
    if (name.find(".tmp-") != std::string::npos) out.push_back(name);
  }
  return out;
}

// Runs f(), which must throw IoError; returns it (or nullopt after recording a failure).
template <class F>
std::optional<IoError> io_error_from(F&& f) {
  try {
    f();
  } catch (const IoError& e) {
    CHECK(e.code() == ErrorCode::io_error);
    return e;
  } catch (const std::exception& e) {
    FAIL_CHECK("expected IoError, got: " << e.what());
    return std::nullopt;
  }
  FAIL_CHECK("expected IoError, nothing was thrown");
  return std::nullopt;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.starts_with(prefix);
}
bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// A directory for test files in `env`: a fresh temp directory for the real file system, a
// fixed name for a memory Env.
struct Place {
  explicit Place(bool posix) {
    if (posix) {
      temp.emplace();
      dir = temp->str();
    } else {
      dir = "/mem/dir";
    }
  }
  std::optional<TempDir> temp;
  std::string dir;
};

void check_create_and_replace(Env& env, const std::string& dir) {
  const std::string path = dir + "/data.h5";
  const Bytes first = pattern(100'000, 1);
  write_in_pieces(env, path, first, 7);
  CHECK(env.read_file(path) == first);
  CHECK(env.file_size(path) == first.size());

  const Bytes second = pattern(1234, 2);  // shorter: the old tail must not survive
  write_in_pieces(env, path, second, 3);
  CHECK(env.read_file(path) == second);

  write_file_atomically(env, path, [](WritableFile&) {});
  CHECK(env.file_size(path) == 0);
  CHECK(env.read_file(path).empty());
  CHECK(env.list_dir(dir) == std::vector<std::string>{"data.h5"});
}

// Fails each write call of one atomic replacement in turn and checks what is left.
void check_every_failure(Env& base, const std::string& dir, FaultMode mode) {
  FaultInjectionEnv env(base);
  const std::string path = dir + "/target.h5";
  const Bytes old_content = pattern(50'000, 10);
  const Bytes new_content = pattern(70'001, 11);
  write_in_pieces(env, path, old_content, 4);

  env.reset_calls();
  write_in_pieces(env, path, new_content, 5);
  const std::uint64_t n = env.calls();
  // new_writable + 5 appends + sync + close + rename + sync_dir
  REQUIRE(n == 10);
  write_in_pieces(env, path, old_content, 4);

  const int errors[] = {ENOSPC, EIO, EACCES, ENOENT};
  for (std::uint64_t i = 1; i <= n; ++i) {
    for (const int err : errors) {
      CAPTURE(i);
      CAPTURE(err);
      env.arm(i, err, mode);
      auto e = io_error_from([&] { write_in_pieces(env, path, new_content, 5); });
      env.disarm();
      REQUIRE(e.has_value());
      CHECK(e->sys_errno() == err);
      const std::string what = e->what();
      CHECK(starts_with(what, path + ": "));
      CHECK(what.ends_with(": " + error_text(err)));
      CHECK(temp_files(env, dir).empty());
      if (i < n) {
        CHECK(env.read_file(path) == old_content);
        if (i >= 2 && i <= 6)
          CHECK(contains(what, ": cannot write temporary file " + dir + "/.target.h5.tmp-"));
      } else {
        // Only the directory sync failed: the rename happened, durability is unknown.
        CHECK(contains(what, "replaced, but cannot sync directory " + dir));
        CHECK(env.read_file(path) == new_content);
        write_in_pieces(env, path, old_content, 4);
      }
    }
  }
  CHECK(env.failures() >= n * 4);
  // The Env recovers once the fault is gone.
  write_in_pieces(env, path, new_content, 5);
  CHECK(env.read_file(path) == new_content);
  CHECK(env.list_dir(dir) == std::vector<std::string>{"target.h5"});
}

}  // namespace

TEST_CASE("atomic write creates and replaces files") {
  SUBCASE("posix") {
    TempDir dir;
    check_create_and_replace(Env::posix(), dir.str());
  }
  SUBCASE("memory") {
    MemoryEnv env;
    check_create_and_replace(env, "/mem/dir");
  }
}

TEST_CASE("writable files mix append and write_at; closed files refuse") {
  for (const bool posix : {true, false}) {
    CAPTURE(posix);
    Place p(posix);
    MemoryEnv memory;
    Env& env = posix ? Env::posix() : memory;
    const std::string path = p.dir + "/mixed.bin";
    auto f = env.new_writable(path);
    f->append(bytes_of("abcdef"));
    f->write_at(2, bytes_of("XY"));
    f->write_at(10, bytes_of("Z"));  // past the end: the gap reads as zeros
    f->append(bytes_of("!"));        // the end is now 11
    f->write_at(0, {});              // empty writes change nothing
    f->sync();
    f->close();
    const std::string expected("abXYef\0\0\0\0Z!", 12);
    CHECK(env.read_file(path) == bytes_of(expected));
    auto e = io_error_from([&] { f->append(bytes_of("x")); });
    REQUIRE(e);
    CHECK(e->sys_errno() == EBADF);
    CHECK(contains(e->what(), path));
    CHECK(io_error_from([&] { f->close(); }));

    // new_writable truncates an existing file.
    env.new_writable(path)->close();
    CHECK(env.file_size(path) == 0);
  }
}

TEST_CASE("a failure at every write call leaves the old file and no temporary file") {
  SUBCASE("posix, transient faults") {
    TempDir dir;
    check_every_failure(Env::posix(), dir.str(), FaultMode::once);
  }
  SUBCASE("posix, persistent faults") {
    TempDir dir;
    check_every_failure(Env::posix(), dir.str(), FaultMode::persistent);
  }
  SUBCASE("memory, transient faults") {
    MemoryEnv env;
    check_every_failure(env, "/mem/dir", FaultMode::once);
  }
  SUBCASE("memory, persistent faults") {
    MemoryEnv env;
    check_every_failure(env, "/mem/dir", FaultMode::persistent);
  }
}

TEST_CASE("fault env: counting, partial appends, persistence") {
  MemoryEnv memory;
  FaultInjectionEnv env(memory);
  CHECK(env.calls() == 0);
  auto f = env.new_writable("f");
  env.arm(2, ENOSPC);
  f->append(bytes_of("0123"));
  auto e = io_error_from([&] { f->append(bytes_of("abcdefghij")); });
  REQUIRE(e);
  CHECK(e->sys_errno() == ENOSPC);
  CHECK(std::string(e->what()) == "cannot write f: " + error_text(ENOSPC));
  CHECK(memory.read_file("f") == bytes_of("0123abcde"));  // half of the failed append landed
  f->append(bytes_of("Z"));                               // a transient fault has passed
  CHECK(env.calls() == 4);
  CHECK(env.failures() == 1);

  env.arm(1, EIO, FaultMode::persistent);
  CHECK(io_error_from([&] { f->sync(); }));
  CHECK(io_error_from([&] { env.rename("f", "g"); }));
  CHECK(io_error_from([&] { env.sync_dir("."); }));
  CHECK(memory.exists("f"));
  CHECK(env.read_file("f") == memory.read_file("f"));  // reads are never failed
  env.disarm();
  env.rename("f", "g");
  CHECK(env.exists("g"));
  CHECK_FALSE(env.exists("f"));
  env.remove("g");

  // A failed close still releases the file.
  env.arm(1, EIO);
  CHECK(io_error_from([&] { f->close(); }));
  CHECK(io_error_from([&] { f->append(bytes_of("x")); })->sys_errno() == EBADF);
  env.reset_calls();
  CHECK(env.calls() == 0);
}

TEST_CASE("an exception from produce() leaves the old file and no temporary file") {
  for (const bool posix : {true, false}) {
    CAPTURE(posix);
    Place p(posix);
    MemoryEnv memory;
    Env& env = posix ? Env::posix() : memory;
    const std::string path = p.dir + "/keep.h5";
    const Bytes old_content = pattern(4096, 3);
    write_in_pieces(env, path, old_content, 2);

    CHECK_THROWS_WITH_AS(write_file_atomically(env, path,
                                               [](WritableFile& f) {
                                                 f.append(bytes_of("partial"));
                                                 throw std::runtime_error("boom");
                                               }),
                         "boom", std::runtime_error);
    CHECK(env.read_file(path) == old_content);
    CHECK(temp_files(env, p.dir).empty());

    try {
      write_file_atomically(env, path, [](WritableFile&) {
        throw Error(ErrorCode::type_mismatch, "produce's own error");
      });
      FAIL("expected an Error");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::type_mismatch);
      CHECK(std::string(e.what()) == "produce's own error");
    }

    // Closing is write_file_atomically's job (it syncs first).
    try {
      write_file_atomically(env, path, [](WritableFile& f) { f.close(); });
      FAIL("expected an Error");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::invalid_argument);
    }
    CHECK(env.read_file(path) == old_content);
    CHECK(env.list_dir(p.dir) == std::vector<std::string>{"keep.h5"});

    CHECK_THROWS_AS(write_file_atomically(env, p.dir + "/", [](WritableFile&) {}), Error);
    CHECK_THROWS_AS(write_file_atomically(env, "", [](WritableFile&) {}), Error);
  }
}

TEST_CASE("posix: refused and missing directories") {
  Env& env = Env::posix();
  TempDir dir;
  const auto noop = [](WritableFile& f) { f.append(bytes_of("new")); };

  SUBCASE("read-only directory") {
    const std::string ro = dir.file("ro");
    fs::create_directory(ro);
    const std::string path = ro + "/x.h5";
    write_in_pieces(env, path, bytes_of("old"), 1);
    REQUIRE(::chmod(ro.c_str(), 0555) == 0);
    // Returns 0 if the write is refused with EACCES and a message naming the temporary file.
    const auto refused = [&]() -> int {
      try {
        write_file_atomically(env, path, noop);
        return 10;
      } catch (const IoError& e) {
        if (e.sys_errno() != EACCES) return 11;
        if (!starts_with(e.what(), path + ": cannot create temporary file " + ro + "/.")) return 12;
        if (!std::string(e.what()).ends_with(": Permission denied")) return 13;
        return 0;
      } catch (...) {
        return 14;
      }
    };
    if (::geteuid() != 0) {
      CHECK(refused() == 0);
    } else {
      // root ignores directory permissions, so the refusal is checked in a child that drops
      // to an unprivileged user (nobody) first.
      REQUIRE(::chmod(dir.str().c_str(), 0755) == 0);
      const pid_t pid = ::fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(77);
        ::_exit(refused());
      }
      int status = 0;
      REQUIRE(::waitpid(pid, &status, 0) == pid);
      REQUIRE(WIFEXITED(status));
      if (WEXITSTATUS(status) == 77) {
        MESSAGE("running as root and cannot drop privileges: EACCES not tested");
      } else {
        CHECK(WEXITSTATUS(status) == 0);
      }
    }
    CHECK(env.read_file(path) == bytes_of("old"));
    CHECK(temp_files(env, ro).empty());
  }
  SUBCASE("missing parent directory") {
    const std::string path = dir.file("missing/x.h5");
    auto e = io_error_from([&] { write_file_atomically(env, path, noop); });
    REQUIRE(e);
    CHECK(e->sys_errno() == ENOENT);
    CHECK(starts_with(e->what(), path + ": "));
    CHECK(std::string(e->what()).ends_with("No such file or directory"));
  }
  SUBCASE("parent is a regular file") {
    write_in_pieces(env, dir.file("plain"), bytes_of("p"), 1);
    const std::string path = dir.file("plain/x.h5");
    auto e = io_error_from([&] { write_file_atomically(env, path, noop); });
    REQUIRE(e);
    CHECK(e->sys_errno() == ENOTDIR);
    CHECK(starts_with(e->what(), path + ": "));
    CHECK_FALSE(env.exists(path));
  }
  SUBCASE("directory removed before the write") {
    const std::string sub = dir.file("gone");
    fs::create_directory(sub);
    write_in_pieces(env, sub + "/x.h5", bytes_of("old"), 1);
    fs::remove_all(sub);
    auto e = io_error_from([&] { write_file_atomically(env, sub + "/x.h5", noop); });
    REQUIRE(e);
    CHECK(e->sys_errno() == ENOENT);
  }
  SUBCASE("directory removed while the temporary file is written") {
    const std::string sub = dir.file("vanishing");
    fs::create_directory(sub);
    const std::string path = sub + "/x.h5";
    auto e = io_error_from([&] {
      write_file_atomically(env, path, [&](WritableFile& f) {
        f.append(bytes_of("data"));
        fs::remove_all(sub);
        f.append(bytes_of("more"));  // still fine: the open file outlives its name
      });
    });
    REQUIRE(e);
    CHECK(e->sys_errno() == ENOENT);
    CHECK(starts_with(e->what(), path + ": cannot rename temporary file "));
    CHECK_FALSE(env.exists(sub));
  }
  SUBCASE("target is a directory") {
    const std::string path = dir.file("adir");
    fs::create_directory(path);
    auto e = io_error_from([&] { write_file_atomically(env, path, noop); });
    REQUIRE(e);
    CHECK(e->sys_errno() == EISDIR);
    CHECK(temp_files(env, dir.str()).empty());
  }
}

TEST_CASE("env queries, removal and renames") {
  for (const bool posix : {true, false}) {
    CAPTURE(posix);
    Place p(posix);
    MemoryEnv memory;
    Env& env = posix ? Env::posix() : memory;
    const std::string a = p.dir + "/a", b = p.dir + "/b";
    CHECK_FALSE(env.exists(a));
    CHECK(io_error_from([&] { env.file_size(a); })->sys_errno() == ENOENT);
    CHECK(io_error_from([&] { env.read_file(a); })->sys_errno() == ENOENT);
    CHECK(io_error_from([&] { env.remove(a); })->sys_errno() == ENOENT);
    CHECK(io_error_from([&] { env.rename(a, b); })->sys_errno() == ENOENT);
    write_in_pieces(env, a, pattern(10, 1), 1);
    write_in_pieces(env, b, pattern(20, 2), 1);
    CHECK(env.exists(a));
    CHECK(env.exists(p.dir));
    CHECK_FALSE(env.exists(a + "/under-a-file"));
    auto names = env.list_dir(p.dir);
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"a", "b"});
    env.rename(a, b);  // replaces b
    CHECK_FALSE(env.exists(a));
    CHECK(env.read_file(b) == pattern(10, 1));
    env.sync_dir(p.dir);
    env.remove(b);
    CHECK(env.list_dir(p.dir).empty());
  }
}

TEST_CASE("map_readonly returns the file's bytes, which survive replacement") {
  for (const bool posix : {true, false}) {
    CAPTURE(posix);
    Place p(posix);
    MemoryEnv memory;
    Env& env = posix ? Env::posix() : memory;
    const std::string path = p.dir + "/m.h5";
    const Bytes first = pattern(3 * 4096 + 17, 5);  // not a whole number of pages
    write_in_pieces(env, path, first, 2);
    auto map = env.map_readonly(path);
    REQUIRE(map);
    CHECK(map->bytes().size() == first.size());
    CHECK(std::equal(first.begin(), first.end(), map->bytes().begin(), map->bytes().end()));

    // The atomic replacement renames a new inode into place, so an existing mapping (the
    // in-memory image's backing) keeps showing the old bytes.
    write_in_pieces(env, path, pattern(100, 6), 1);
    env.remove(path);
    CHECK(std::equal(first.begin(), first.end(), map->bytes().begin(), map->bytes().end()));

    write_file_atomically(env, path, [](WritableFile&) {});
    CHECK(env.map_readonly(path)->bytes().empty());
    env.remove(path);
    CHECK(io_error_from([&] { env.map_readonly(path); })->sys_errno() == ENOENT);
  }
  TempDir dir;
  CHECK(io_error_from([&] { Env::posix().map_readonly(dir.str()); })->sys_errno() == EISDIR);
}

TEST_CASE("concurrent atomic writers of one file") {
  TempDir dir;
  Env& env = Env::posix();
  const std::string path = dir.file("shared.h5");
  constexpr int kThreads = 4, kWrites = 15;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kWrites; ++k) {
        write_in_pieces(env, path, pattern(20'000 + t, t * 1000 + k), 4);
      }
    });
  }
  for (auto& th : threads) th.join();
  const Bytes final_content = env.read_file(path);
  bool matches_a_version = false;
  for (int t = 0; t < kThreads && !matches_a_version; ++t) {
    for (int k = 0; k < kWrites && !matches_a_version; ++k) {
      matches_a_version = final_content == pattern(20'000 + t, t * 1000 + k);
    }
  }
  CHECK(matches_a_version);
  CHECK(env.list_dir(dir.str()) == std::vector<std::string>{"shared.h5"});
}

namespace {

// Version k of the crash-test file: an 8-byte header holding k, then bytes derived from k,
// ~1 MiB long with a k-dependent size so that a truncation is caught too.
Bytes crash_version(std::uint64_t k) {
  Bytes out = pattern((1u << 20) + (k % 997) * 8, k);
  std::memcpy(out.data(), &k, sizeof k);
  return out;
}

// Returns the version the file holds, or nullopt if it is not exactly one complete version.
std::optional<std::uint64_t> crash_version_of(const Bytes& content) {
  std::uint64_t k = 0;
  if (content.size() < sizeof k) return std::nullopt;
  std::memcpy(&k, content.data(), sizeof k);
  if (k > (1u << 30) || content != crash_version(k)) return std::nullopt;
  return k;
}

[[noreturn]] void crash_child(const std::string& path, std::uint64_t first) {
  try {
    for (std::uint64_t k = first;; ++k) {
      const Bytes content = crash_version(k);
      write_in_pieces(Env::posix(), path, content, 16);  // 64 KiB appends: kills land mid-write
    }
  } catch (...) {
    ::_exit(3);
  }
}

}  // namespace

TEST_CASE("SIGKILL during atomic writes leaves a complete version") {
  TempDir dir;
  Env& env = Env::posix();
  const std::string path = dir.file("crash.h5");
  write_in_pieces(env, path, crash_version(0), 1);

  const unsigned seed = std::random_device{}();
  MESSAGE("kill timing seed " << seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_us(2'000, 120'000);
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t last = 0;
  int rounds = 0, advanced = 0;
  std::size_t leftovers = 0;
  for (; rounds < 20; ++rounds) {
    if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(4000)) break;
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) crash_child(path, last + 1);
    if (rounds == 0) {
      // Wait for one completed replacement, so that a slow machine still shows progress; the
      // reads meanwhile must see complete versions too.
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      while (crash_version_of(env.read_file(path)).value_or(0) == 0 &&
             std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    REQUIRE(::kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK_MESSAGE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL),
                  "child ended on its own, status " << status);

    const auto version = crash_version_of(env.read_file(path));
    REQUIRE_MESSAGE(version.has_value(), "round " << rounds << ": not a complete version");
    CHECK(*version >= last);  // renames never go back in time
    if (*version > last) ++advanced;
    last = *version;
    // Nothing removes the temporary file of a killed writer; it is harmless to the target.
    for (const std::string& name : temp_files(env, dir.str())) {
      ++leftovers;
      env.remove(dir.file(name));
    }
  }
  MESSAGE(rounds << " kills, the file advanced in " << advanced << " of them to version " << last
                 << "; " << leftovers << " temporary files were left behind");
  CHECK(rounds >= 5);
  CHECK(last > 0);
}
