// storage/fault_env.cpp -- FaultInjectionEnv: counted write calls, one of which can fail.
#include "storage/fault_env.hpp"

#include <utility>

namespace h5mem::detail {

// Wraps a file of the base Env so that its write calls are counted and can be failed.
class FaultInjectionEnv::FaultFile final : public WritableFile {
 public:
  FaultFile(FaultInjectionEnv& env, std::unique_ptr<WritableFile> file, std::string path)
      : env_(env), file_(std::move(file)), path_(std::move(path)) {}

  void append(std::span<const std::byte> data) override {
    if (const int err = env_.count_call()) {
      // A full disk typically takes part of a write before refusing the rest, so the cleanup
      // must cope with a partly written file, not just an untouched one.
      const auto half = data.first(data.size() / 2);
      if (!half.empty()) file_->append(half);
      throw_io_error(err, "cannot write " + path_);
    }
    file_->append(data);
  }

  void write_at(std::uint64_t offset, std::span<const std::byte> data) override {
    if (const int err = env_.count_call()) throw_io_error(err, "cannot write " + path_);
    file_->write_at(offset, data);
  }

  void sync() override {
    if (const int err = env_.count_call()) throw_io_error(err, "cannot sync " + path_);
    file_->sync();
  }

  void close() override {
    if (const int err = env_.count_call()) {
      // A real close() releases the descriptor even when it reports an error.
      try {
        file_->close();
      } catch (const Error&) {
        // The injected error is the one under test.
      }
      throw_io_error(err, "cannot close " + path_);
    }
    file_->close();
  }

 private:
  FaultInjectionEnv& env_;
  std::unique_ptr<WritableFile> file_;
  std::string path_;
};

FaultInjectionEnv::FaultInjectionEnv(Env& base) : base_(base) {}

void FaultInjectionEnv::arm(std::uint64_t nth, int error, FaultMode mode) {
  std::lock_guard lock(mu_);
  countdown_ = nth;
  error_ = error;
  mode_ = mode;
  failing_ = false;
}

void FaultInjectionEnv::disarm() {
  std::lock_guard lock(mu_);
  countdown_ = 0;
  failing_ = false;
}

std::uint64_t FaultInjectionEnv::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

void FaultInjectionEnv::reset_calls() {
  std::lock_guard lock(mu_);
  calls_ = 0;
}

std::uint64_t FaultInjectionEnv::failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

int FaultInjectionEnv::count_call() {
  std::lock_guard lock(mu_);
  ++calls_;
  if (countdown_ > 0 && --countdown_ == 0) failing_ = true;
  if (!failing_) return 0;
  if (mode_ == FaultMode::once) failing_ = false;
  ++failures_;
  return error_;
}

std::unique_ptr<WritableFile> FaultInjectionEnv::new_writable(const std::string& path) {
  if (const int err = count_call()) throw_io_error(err, "cannot open " + path);
  return std::make_unique<FaultFile>(*this, base_.new_writable(path), path);
}

void FaultInjectionEnv::rename(const std::string& from, const std::string& to) {
  if (const int err = count_call()) throw_io_error(err, "cannot rename " + from + " to " + to);
  base_.rename(from, to);
}

void FaultInjectionEnv::sync_dir(const std::string& dir) {
  if (const int err = count_call()) throw_io_error(err, "cannot sync directory " + dir);
  base_.sync_dir(dir);
}

void FaultInjectionEnv::remove(const std::string& path) {
  base_.remove(path);
}

bool FaultInjectionEnv::exists(const std::string& path) {
  return base_.exists(path);
}

std::uint64_t FaultInjectionEnv::file_size(const std::string& path) {
  return base_.file_size(path);
}

std::vector<std::string> FaultInjectionEnv::list_dir(const std::string& dir) {
  return base_.list_dir(dir);
}

std::shared_ptr<const MappedFile> FaultInjectionEnv::map_readonly(const std::string& path) {
  return base_.map_readonly(path);
}

std::vector<std::byte> FaultInjectionEnv::read_file(const std::string& path) {
  return base_.read_file(path);
}

}  // namespace h5mem::detail
