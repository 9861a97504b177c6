// storage/memory_env.cpp -- MemoryEnv: a map from normalised path to bytes, under one mutex.
#include "storage/memory_env.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <utility>

namespace h5mem::detail {

using Bytes = std::vector<std::byte>;

struct MemoryEnv::Store {
  std::mutex mu;  // guards `files` and the content of every file, open or not
  std::map<std::string, std::shared_ptr<Bytes>> files;
};

namespace {

// The map key for a path, so that spellings of one path find one file.
std::string key_of(const std::string& path) {
  std::string key = std::filesystem::path(path).lexically_normal().generic_string();
  while (key.size() > 1 && key.back() == '/') key.pop_back();
  return key;
}

// What keys of files below directory `key` start with; "" for the working directory, which
// then holds every relative key.
std::string dir_prefix(const std::string& key) {
  if (key == "." || key.empty()) return "";
  return key == "/" ? key : key + "/";
}

class MemoryFile final : public WritableFile {
 public:
  MemoryFile(std::shared_ptr<std::mutex> mu, std::shared_ptr<Bytes> bytes, std::string path)
      : mu_(std::move(mu)), bytes_(std::move(bytes)), path_(std::move(path)) {}

  void append(std::span<const std::byte> data) override {
    std::lock_guard lock(*mu_);
    check_open();
    bytes_->insert(bytes_->end(), data.begin(), data.end());
  }

  void write_at(std::uint64_t offset, std::span<const std::byte> data) override {
    std::lock_guard lock(*mu_);
    check_open();
    if (data.empty()) return;
    if (offset > bytes_->max_size() - data.size()) throw_io_error(EFBIG, "cannot write " + path_);
    const std::size_t at = static_cast<std::size_t>(offset);
    if (bytes_->size() < at + data.size()) bytes_->resize(at + data.size());  // zero-fills a gap
    std::copy(data.begin(), data.end(), bytes_->begin() + static_cast<std::ptrdiff_t>(at));
  }

  void sync() override {
    std::lock_guard lock(*mu_);
    check_open();
  }

  void close() override {
    std::lock_guard lock(*mu_);
    check_open();
    closed_ = true;
  }

 private:
  void check_open() const {
    if (closed_) throw_io_error(EBADF, "cannot use closed file " + path_);
  }

  std::shared_ptr<std::mutex> mu_;
  std::shared_ptr<Bytes> bytes_;
  std::string path_;
  bool closed_ = false;
};

class MemoryMappedFile final : public MappedFile {
 public:
  explicit MemoryMappedFile(Bytes bytes) : bytes_(std::move(bytes)) {}
  std::span<const std::byte> bytes() const noexcept override { return bytes_; }

 private:
  Bytes bytes_;  // a snapshot: later writes to the file do not show through
};

}  // namespace

MemoryEnv::MemoryEnv() : store_(std::make_shared<Store>()) {}

MemoryEnv::~MemoryEnv() = default;

std::unique_ptr<WritableFile> MemoryEnv::new_writable(const std::string& path) {
  const std::string key = key_of(path);
  std::lock_guard lock(store_->mu);
  if (key.empty()) throw_io_error(ENOENT, "cannot open " + path);
  if (key == "." || key == "/") throw_io_error(EISDIR, "cannot open " + path);
  const std::string below = dir_prefix(key);
  const auto next = store_->files.lower_bound(below);
  if (next != store_->files.end() && next->first.starts_with(below)) {
    throw_io_error(EISDIR, "cannot open " + path);
  }
  auto& bytes = store_->files[key];
  // Truncating in place, like O_TRUNC on the same inode: a writer already open sees it too.
  if (bytes) {
    bytes->clear();
  } else {
    bytes = std::make_shared<Bytes>();
  }
  return std::make_unique<MemoryFile>(std::shared_ptr<std::mutex>(store_, &store_->mu), bytes,
                                      path);
}

void MemoryEnv::rename(const std::string& from, const std::string& to) {
  const std::string from_key = key_of(from);
  const std::string to_key = key_of(to);
  std::lock_guard lock(store_->mu);
  const auto it = store_->files.find(from_key);
  if (it == store_->files.end()) throw_io_error(ENOENT, "cannot rename " + from + " to " + to);
  if (from_key == to_key) return;  // POSIX: renaming a file to itself changes nothing
  std::shared_ptr<Bytes> bytes = std::move(it->second);
  store_->files.erase(it);
  store_->files[to_key] = std::move(bytes);
}

void MemoryEnv::sync_dir(const std::string&) {}

void MemoryEnv::remove(const std::string& path) {
  std::lock_guard lock(store_->mu);
  if (store_->files.erase(key_of(path)) == 0) throw_io_error(ENOENT, "cannot remove " + path);
}

bool MemoryEnv::exists(const std::string& path) {
  const std::string key = key_of(path);
  if (key.empty()) return false;
  std::lock_guard lock(store_->mu);
  if (key == "." || key == "/" || store_->files.count(key) != 0) return true;
  const std::string below = dir_prefix(key);
  const auto next = store_->files.lower_bound(below);
  return next != store_->files.end() && next->first.starts_with(below);
}

std::uint64_t MemoryEnv::file_size(const std::string& path) {
  std::lock_guard lock(store_->mu);
  const auto it = store_->files.find(key_of(path));
  if (it == store_->files.end()) throw_io_error(ENOENT, "cannot stat " + path);
  return it->second->size();
}

std::vector<std::string> MemoryEnv::list_dir(const std::string& dir) {
  const std::string below = dir_prefix(key_of(dir));
  std::set<std::string> names;  // several files below one subdirectory name it once
  std::lock_guard lock(store_->mu);
  for (auto it = store_->files.lower_bound(below); it != store_->files.end(); ++it) {
    const std::string& key = it->first;
    if (!key.starts_with(below)) break;
    if (below.empty() && key.starts_with('/')) continue;  // absolute keys are not below "."
    const std::string rest = key.substr(below.size());
    names.insert(rest.substr(0, rest.find('/')));
  }
  return {names.begin(), names.end()};
}

std::shared_ptr<const MappedFile> MemoryEnv::map_readonly(const std::string& path) {
  return std::make_shared<MemoryMappedFile>(read_file(path));
}

std::vector<std::byte> MemoryEnv::read_file(const std::string& path) {
  std::lock_guard lock(store_->mu);
  const auto it = store_->files.find(key_of(path));
  if (it == store_->files.end()) throw_io_error(ENOENT, "cannot open " + path);
  return *it->second;
}

}  // namespace h5mem::detail
