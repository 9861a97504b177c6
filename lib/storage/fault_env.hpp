// storage/fault_env.hpp -- an Env that fails a chosen call, for testing every failure path.
//
// FaultInjectionEnv forwards to another Env and counts the calls that change the file system
// ("write calls"): new_writable, and append, write_at, sync and close on files it opened, and
// rename and sync_dir. Armed with N, the Nth write call from then on fails with a chosen errno
// as if the system had refused it. remove() and the read calls are never counted or failed, so
// the cleanup after an injected failure runs as it would in production.
//
// The usual test: run an operation un-armed to learn calls(), then for every i in 1..calls()
// arm(i), rerun it, and check that it failed cleanly.
#pragma once

#include <cerrno>
#include <cstdint>
#include <mutex>

#include "storage/env.hpp"

namespace h5mem::detail {

// How long an armed fault lasts.
enum class FaultMode {
  once,        // only the chosen call fails; later calls succeed (a transient error)
  persistent,  // the chosen call and every write call after it fail (a disk that stays full)
};

class FaultInjectionEnv final : public Env {
 public:
  // REQUIRES `base` outlives *this and every file *this opens.
  explicit FaultInjectionEnv(Env& base);

  // From now on, the `nth` write call (1-based, counted from this arm() call) fails with
  // IoError(error) whose message names the path and error_text(error); `nth` == 0 disarms.
  // How the failing call behaves: append writes the first half of its data, then fails (a disk
  // filling up mid-write); close releases the file, then fails; the others do nothing and fail.
  void arm(std::uint64_t nth, int error, FaultMode mode = FaultMode::once);
  // No further injected failures; calls() keeps counting.
  void disarm();
  // Returns the number of write calls since construction or reset_calls(), including failed
  // ones.
  std::uint64_t calls() const;
  // Restarts calls() at 0 (does not disarm).
  void reset_calls();
  // Returns how many write calls were failed by injection since construction.
  std::uint64_t failures() const;

  // The Env contract; each call forwards to the base Env unless an armed fault fails it first.
  std::unique_ptr<WritableFile> new_writable(const std::string& path) override;
  void rename(const std::string& from, const std::string& to) override;
  void sync_dir(const std::string& dir) override;
  void remove(const std::string& path) override;
  bool exists(const std::string& path) override;
  std::uint64_t file_size(const std::string& path) override;
  std::vector<std::string> list_dir(const std::string& dir) override;
  std::shared_ptr<const MappedFile> map_readonly(const std::string& path) override;
  std::vector<std::byte> read_file(const std::string& path) override;

 private:
  class FaultFile;  // the files new_writable returns; they count their calls here

  // Counts one write call; returns the errno to fail it with, or 0 to let it run.
  int count_call();

  Env& base_;
  mutable std::mutex mu_;
  std::uint64_t calls_ = 0;
  std::uint64_t failures_ = 0;
  std::uint64_t countdown_ = 0;  // 0: disarmed; 1: the next call fails
  int error_ = EIO;
  FaultMode mode_ = FaultMode::once;
  bool failing_ = false;  // a persistent fault has fired
};

}  // namespace h5mem::detail
