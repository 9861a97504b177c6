// storage/memory_env.hpp -- an Env whose files live in memory, for fast tests (LevelDB's memenv).
#pragma once

#include <memory>

#include "storage/env.hpp"

namespace h5mem::detail {

// Files are byte vectors in a map keyed by the lexically normalised path ("a/./b" == "a/b").
// There are no real directories: a directory exists while some file lies under it, creating a
// file needs no parent, and sync_dir() does nothing. rename() replaces the target atomically;
// an open file keeps its bytes after remove() or rename() over it, as an unlinked inode would.
// Mappings are snapshots taken when mapped. Errors use the errno POSIX would report (ENOENT for
// a missing file, EISDIR for a directory, EBADF for a closed file).
class MemoryEnv final : public Env {
 public:
  MemoryEnv();
  ~MemoryEnv() override;

  // The Env contract, with the differences from POSIX listed above.
  std::unique_ptr<WritableFile> new_writable(const std::string& path) override;
  void rename(const std::string& from, const std::string& to) override;
  // Does nothing: memory is never more durable than it is now.
  void sync_dir(const std::string& dir) override;
  void remove(const std::string& path) override;
  bool exists(const std::string& path) override;
  std::uint64_t file_size(const std::string& path) override;
  // Returns the files directly in `dir` and the names of the directories below it; empty (not
  // an error) for a directory that does not exist.
  std::vector<std::string> list_dir(const std::string& dir) override;
  std::shared_ptr<const MappedFile> map_readonly(const std::string& path) override;
  std::vector<std::byte> read_file(const std::string& path) override;

 private:
  struct Store;
  // Shared with the open files, so that a file may outlive the Env that created it.
  std::shared_ptr<Store> store_;
};

}  // namespace h5mem::detail
