// storage/env.cpp -- IoError helpers and the atomic file replacement built on any Env.
#include "storage/env.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <system_error>
#include <utility>

#include "core/fail.hpp"

namespace h5mem::detail {

IoError::IoError(int sys_errno, const std::string& message)
    : Error(ErrorCode::io_error, message), sys_errno_(sys_errno) {}

std::string error_text(int sys_errno) {
  // libstdc++ and libc++ build this from strerror_r, so it is safe to call from any thread.
  return std::generic_category().message(sys_errno);
}

void throw_io_error(int sys_errno, std::string_view action) {
  std::string message(action);
  message += ": ";
  message += error_text(sys_errno);
  throw IoError(sys_errno, message);
}

namespace {

// Distinguishes the temporary files of concurrent writers in one process; the PID in the name
// distinguishes processes.
std::atomic<std::uint64_t> temp_counter{0};

// Longest part of the target's name copied into the temporary name, so that the temporary name
// stays within NAME_MAX (255) even for a target whose own name is close to it.
constexpr std::size_t kMaxNameInTemp = 200;

// Runs one step of the replacement, re-wording an IoError as "PATH: WHAT: system message" so
// that the caller learns which file failed and how, whichever Env raised it.
template <class Step>
void run_step(const std::string& path, const std::string& what, Step&& step) {
  try {
    std::forward<Step>(step)();
  } catch (const IoError& e) {
    throw_io_error(e.sys_errno(), path + ": " + what);
  }
}

// What produce() sees: the temporary file, with errors re-worded like run_step's, and without
// close(), which belongs to write_file_atomically (it must sync first).
class TempFileWriter final : public WritableFile {
 public:
  TempFileWriter(WritableFile& file, const std::string& path, const std::string& temp)
      : file_(file), path_(path), write_what_("cannot write temporary file " + temp) {}

  void append(std::span<const std::byte> data) override {
    run_step(path_, write_what_, [&] { file_.append(data); });
  }
  void write_at(std::uint64_t offset, std::span<const std::byte> data) override {
    run_step(path_, write_what_, [&] { file_.write_at(offset, data); });
  }
  void sync() override {
    run_step(path_, write_what_, [&] { file_.sync(); });
  }
  void close() override {
    fail(ErrorCode::invalid_argument,
         path_ + ": produce() must not close the file; write_file_atomically closes it");
  }

 private:
  WritableFile& file_;
  const std::string& path_;
  std::string write_what_;
};

}  // namespace

void write_file_atomically(Env& env, const std::string& path,
                           const std::function<void(WritableFile&)>& produce) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const std::string name = target.filename().string();
  if (name.empty() || name == "." || name == "..") {
    fail(ErrorCode::invalid_argument, path + ": not a file name to write");
  }
  // Same directory as the target: rename() is only atomic within one file system.
  const std::string dir = target.parent_path().string();
  // Built by appending: GCC 12 warns falsely (-Wrestrict) about "." + std::string&&.
  std::string temp_base(".");
  temp_base.append(name, 0, kMaxNameInTemp);
  temp_base += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(temp_counter++);
  const std::string temp = dir.empty() ? temp_base : (target.parent_path() / temp_base).string();

  std::unique_ptr<WritableFile> file;
  run_step(path, "cannot create temporary file " + temp, [&] { file = env.new_writable(temp); });
  try {
    TempFileWriter writer(*file, path, temp);
    produce(writer);
    // Sync before rename: otherwise a crash after the rename could leave the new name pointing
    // at a file whose blocks never reached the disk.
    run_step(path, "cannot sync temporary file " + temp, [&] { file->sync(); });
    run_step(path, "cannot close temporary file " + temp, [&] { file->close(); });
    run_step(path, "cannot rename temporary file " + temp + " to " + path,
             [&] { env.rename(temp, path); });
  } catch (...) {
    file.reset();
    try {
      env.remove(temp);
    } catch (...) {
      // Best effort: the original failure is what the caller needs to hear about.
    }
    throw;
  }
  // Without this the rename itself may be lost in a crash, bringing the old file back.
  const std::string sync_dir = dir.empty() ? std::string(".") : dir;
  run_step(path,
           "replaced, but cannot sync directory " + sync_dir +
               ", so the new file may not survive a crash",
           [&] { env.sync_dir(sync_dir); });
}

}  // namespace h5mem::detail
