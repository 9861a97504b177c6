// storage/posix_env.cpp -- Env::posix(): the real file system through POSIX calls.
//
// Every call's result is checked. Writes use pwrite() at offsets this file tracks, so append()
// and write_at() mix freely and a retried write never lands twice; EINTR is retried everywhere
// it can occur and short writes are continued.
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <limits>

#include "storage/env.hpp"

namespace h5mem::detail {
namespace {

// Closes a descriptor on scope exit, for the read paths where a close error changes nothing.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_;
};

int open_retrying(const std::string& path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw_io_error(errno, "cannot open " + path);
  return fd;
}

struct stat stat_fd(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_io_error(errno, "cannot stat " + path);
  return st;
}

void fsync_retrying(int fd, const std::string& what) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) throw_io_error(errno, what);
  }
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  void append(std::span<const std::byte> data) override { write_at(end_, data); }

  void write_at(std::uint64_t offset, std::span<const std::byte> data) override {
    check_open();
    const std::byte* p = data.data();
    std::size_t left = data.size();
    std::uint64_t at = offset;
    while (left > 0) {
      if (at > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max())) {
        throw_io_error(EFBIG, "cannot write " + path_);
      }
      const ssize_t n = ::pwrite(fd_, p, left, static_cast<off_t>(at));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_io_error(errno, "cannot write " + path_);
      }
      if (n == 0) throw_io_error(EIO, "cannot write " + path_ + " (wrote nothing)");
      p += n;
      left -= static_cast<std::size_t>(n);
      at += static_cast<std::uint64_t>(n);
      if (at > end_) end_ = at;
    }
  }

  void sync() override {
    check_open();
    fsync_retrying(fd_, "cannot sync " + path_);
  }

  void close() override {
    check_open();
    const int fd = fd_;
    fd_ = -1;
    // Linux releases the descriptor even when close() fails, so it is never retried (a retry
    // could close a descriptor another thread just opened). EINTR means the close happened
    // but was interrupted; by then sync() has reported any write error, so it is not one.
    if (::close(fd) != 0 && errno != EINTR) throw_io_error(errno, "cannot close " + path_);
  }

 private:
  void check_open() const {
    if (fd_ < 0) throw_io_error(EBADF, "cannot use closed file " + path_);
  }

  std::string path_;
  int fd_;
  std::uint64_t end_ = 0;  // the file is truncated on open, so it starts empty
};

class PosixMappedFile final : public MappedFile {
 public:
  PosixMappedFile(void* base, std::size_t size) : base_(base), size_(size) {}
  ~PosixMappedFile() override {
    // munmap only fails for arguments mmap never returns, and a destructor could not report it.
    if (base_ != nullptr) ::munmap(base_, size_);
  }

  std::span<const std::byte> bytes() const noexcept override {
    return {static_cast<const std::byte*>(base_), size_};
  }

 private:
  void* base_;  // nullptr for an empty file: mmap rejects length 0
  std::size_t size_;
};

class PosixEnv final : public Env {
 public:
  std::unique_ptr<WritableFile> new_writable(const std::string& path) override {
    const int fd = open_retrying(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    return std::make_unique<PosixWritableFile>(path, fd);
  }

  void rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      throw_io_error(errno, "cannot rename " + from + " to " + to);
    }
  }

  void sync_dir(const std::string& dir) override {
    const int fd = open_retrying(dir, O_RDONLY | O_DIRECTORY);
    FdCloser closer(fd);
    fsync_retrying(fd, "cannot sync directory " + dir);
  }

  void remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) throw_io_error(errno, "cannot remove " + path);
  }

  bool exists(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT || errno == ENOTDIR) return false;
    throw_io_error(errno, "cannot stat " + path);
  }

  std::uint64_t file_size(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw_io_error(errno, "cannot stat " + path);
    if (S_ISDIR(st.st_mode)) throw_io_error(EISDIR, "cannot size " + path);
    return static_cast<std::uint64_t>(st.st_size);
  }

  std::vector<std::string> list_dir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) throw_io_error(errno, "cannot list " + dir);
    std::vector<std::string> names;
    for (;;) {
      errno = 0;  // readdir returns nullptr both at the end and on error; errno tells which
      const dirent* e = ::readdir(d);
      if (e == nullptr) break;
      const std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) throw_io_error(err, "cannot list " + dir);
    return names;
  }

  std::shared_ptr<const MappedFile> map_readonly(const std::string& path) override {
    const int fd = open_retrying(path, O_RDONLY);
    FdCloser closer(fd);  // the mapping keeps the file alive without the descriptor
    const std::size_t size = regular_file_size(fd, path);
    if (size == 0) return std::make_shared<PosixMappedFile>(nullptr, 0);
    void* base = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) throw_io_error(errno, "cannot map " + path);
    return std::make_shared<PosixMappedFile>(base, size);
  }

  std::vector<std::byte> read_file(const std::string& path) override {
    const int fd = open_retrying(path, O_RDONLY);
    FdCloser closer(fd);
    std::vector<std::byte> out(regular_file_size(fd, path));
    std::size_t have = 0;
    for (;;) {
      // The file may have grown since fstat: keep reading until read() reports the end.
      if (have == out.size()) out.resize(out.size() + 4096);
      const ssize_t n = ::read(fd, out.data() + have, out.size() - have);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_io_error(errno, "cannot read " + path);
      }
      if (n == 0) break;
      have += static_cast<std::size_t>(n);
    }
    out.resize(have);
    return out;
  }

 private:
  static std::size_t regular_file_size(int fd, const std::string& path) {
    const struct stat st = stat_fd(fd, path);
    if (S_ISDIR(st.st_mode)) throw_io_error(EISDIR, "cannot read " + path);
    if (static_cast<std::uint64_t>(st.st_size) > std::numeric_limits<std::size_t>::max()) {
      throw_io_error(EFBIG, "cannot read " + path);
    }
    return static_cast<std::size_t>(st.st_size);
  }
};

}  // namespace

Env& Env::posix() {
  // Never destroyed, so that Env::posix() stays usable from other static destructors.
  static PosixEnv* const env = new PosixEnv;
  return *env;
}

}  // namespace h5mem::detail
