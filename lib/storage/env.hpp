// storage/env.hpp -- the one door to the file system.
//
// Every file-system call the storage layer makes goes through an Env, after LevelDB's Env:
// Env::posix() is the real thing, MemoryEnv (memory_env.hpp) keeps files in a map for fast
// tests, and FaultInjectionEnv (fault_env.hpp) wraps either one to fail any chosen call.
// Code above this layer never calls POSIX directly, so every failure path can be exercised.
//
// Errors: every Env operation that the system refuses throws IoError, an
// Error(ErrorCode::io_error) whose message names the path and the system's message, e.g.
// "cannot open /d/x.h5: No such file or directory", and which keeps the errno so callers can
// re-word it without parsing. Env objects are safe to share between threads; a WritableFile
// or MappedFile is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "h5mem/error.hpp"

namespace h5mem::detail {

// An Error(io_error) that remembers the errno the system (or an injected fault) reported.
class IoError : public Error {
 public:
  // Guarantees code() == io_error, what() == message, sys_errno() == sys_errno.
  IoError(int sys_errno, const std::string& message);

  // The errno value behind the failure (ENOSPC, EIO, ...).
  int sys_errno() const noexcept { return sys_errno_; }

 private:
  int sys_errno_;
};

// Returns the system's message for an errno value, e.g. "No space left on device".
// Thread-safe (unlike strerror).
std::string error_text(int sys_errno);

// Throws IoError(sys_errno, "ACTION: error_text(sys_errno)"). ACTION should name the path,
// e.g. "cannot write /d/.x.h5.tmp-12-0".
[[noreturn]] void throw_io_error(int sys_errno, std::string_view action);

// A file being written. Not thread-safe. Writes may sit in OS buffers until sync().
class WritableFile {
 public:
  WritableFile() = default;
  WritableFile(const WritableFile&) = delete;
  WritableFile& operator=(const WritableFile&) = delete;
  // Releases the file if close() was not called, ignoring errors: a destructor cannot report
  // them, so callers that care about the data call sync() and close() first.
  virtual ~WritableFile() = default;

  // Writes `data` at the current end of the file (the largest offset written so far).
  // REQUIRES the file is open. Throws IoError on failure; the file's contents past its previous
  // end are then unspecified (a part of `data` may have been written).
  virtual void append(std::span<const std::byte> data) = 0;
  // Writes `data` at byte `offset`, overwriting what is there and extending the file if it
  // ends earlier; a gap between the old end and `offset` reads as zero bytes.
  // REQUIRES the file is open. Throws IoError on failure (partial writes as for append).
  virtual void write_at(std::uint64_t offset, std::span<const std::byte> data) = 0;
  // Returns only once everything written so far is on stable storage (fsync).
  // REQUIRES the file is open. Throws IoError on failure; durability is then unknown.
  virtual void sync() = 0;
  // Closes the file. Afterwards every call but the destructor throws IoError(EBADF). The file
  // is released even if close() throws (the error may report an earlier delayed write).
  virtual void close() = 0;
};

// A read-only view of a file's bytes as they were when it was mapped. Stays valid after the
// file is removed, renamed over or replaced, for as long as the object lives.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  virtual ~MappedFile() = default;

  // Returns the file's bytes; empty for an empty file. Valid while *this lives.
  virtual std::span<const std::byte> bytes() const noexcept = 0;
};

// File-system access. All paths are plain strings, relative to the process's working directory
// unless absolute. Every method throws IoError when the system refuses.
class Env {
 public:
  Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  virtual ~Env() = default;

  // Creates `path`, or truncates it if it exists, and opens it for writing (never inherited by
  // child processes). Returns the open file, empty. Throws IoError on failure.
  virtual std::unique_ptr<WritableFile> new_writable(const std::string& path) = 0;
  // Atomically makes `to` name the file `from` names, replacing any file `to` named; readers
  // see the old file or the new one, never neither. Not durable until sync_dir() of the
  // directory. REQUIRES both paths in the same file system. Throws IoError on failure, and
  // then neither name has changed.
  virtual void rename(const std::string& from, const std::string& to) = 0;
  // Makes the directory's entries (creations, renames, removals) durable (fsync of `dir`).
  // Throws IoError on failure.
  virtual void sync_dir(const std::string& dir) = 0;
  // Removes the file `path`. Throws IoError on failure, including when it does not exist.
  virtual void remove(const std::string& path) = 0;
  // Returns whether something exists at `path` (false when a parent is missing or is not a
  // directory). Throws IoError when that cannot be determined (e.g. EACCES).
  virtual bool exists(const std::string& path) = 0;
  // Returns the size in bytes of the file `path`. Throws IoError on failure.
  virtual std::uint64_t file_size(const std::string& path) = 0;
  // Returns the names (not paths) of the entries of directory `dir`, without "." and "..", in
  // no particular order. Throws IoError on failure.
  virtual std::vector<std::string> list_dir(const std::string& dir) = 0;
  // Returns a read-only private mapping of the regular file `path` (an empty span for an
  // empty file). Throws IoError on failure.
  virtual std::shared_ptr<const MappedFile> map_readonly(const std::string& path) = 0;
  // Returns the whole content of the file `path`. Throws IoError on failure.
  virtual std::vector<std::byte> read_file(const std::string& path) = 0;

  // Returns the process-wide POSIX Env (open/pwrite/fsync/rename/mmap, retrying EINTR and
  // short writes). Never destroyed while the process runs.
  static Env& posix();
};

// Replaces the file `path` with a complete new file whose bytes produce() writes, such that a
// crash at any moment leaves either the old file or the new one at `path`, never a mix.
//
// How: produce() writes a temporary file ".NAME.tmp-PID-N" in the same directory, which is
// then synced, closed, renamed over `path`, and the directory synced. produce() may call
// append() and write_at(); it must not close() the file (that throws invalid_argument).
//
// REQUIRES `path` names a file (not ending in '/'), else throws Error(invalid_argument).
// Throws IoError, with a message starting "PATH: " that names the failed step, its file and
// the system's message; or whatever produce() threw, unchanged. On any failure up to and
// including the rename, `path` is untouched and the temporary file is removed (best effort: a
// crash, or a directory that refuses the removal, can leave it behind; nothing cleans those
// up). If only the final directory sync fails, `path` already names the new file but that may
// not survive a crash; the message says so.
// Notes: a symlink at `path` is replaced by a regular file rather than followed, and the new
// file gets default permissions (0666 less the umask), not the old file's.
void write_file_atomically(Env& env, const std::string& path,
                           const std::function<void(WritableFile&)>& produce);

}  // namespace h5mem::detail
