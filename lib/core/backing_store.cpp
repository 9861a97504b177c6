#include "core/backing_store.hpp"

#include <filesystem>

#include "core/fail.hpp"
#include "core/file_image.hpp"
#include "format/hdf5/reader.hpp"
#include "format/hdf5/writer.hpp"
#include "storage/env.hpp"

namespace h5mem::detail {

namespace {

// Sends the writer's output to a WritableFile in large appends: the writer emits many small
// pieces (headers, heap blocks) and one system call each would dominate small files.
class FileSink final : public ByteSink {
 public:
  explicit FileSink(WritableFile& file) : file_(file) { buf_.reserve(kBuffer); }
  void write(std::span<const std::byte> data) override {
    if (data.size() >= kBuffer) {
      drain();
      file_.append(data);
      return;
    }
    if (buf_.size() + data.size() > kBuffer) drain();
    buf_.insert(buf_.end(), data.begin(), data.end());
  }
  void drain() {
    if (!buf_.empty()) file_.append(buf_);
    buf_.clear();
  }

 private:
  static constexpr std::size_t kBuffer = 1 << 20;
  WritableFile& file_;
  std::vector<std::byte> buf_;
};

}  // namespace

bool is_path_name(std::string_view name) noexcept {
  return name.substr(0, 6) != "mem://";
}

std::string normalize_path(std::string_view name) {
  if (name.empty()) fail(ErrorCode::invalid_argument, "empty file name");
  if (name.find('\0') != std::string_view::npos) {
    fail(ErrorCode::invalid_argument, "file name contains a NUL character");
  }
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(std::filesystem::path(name), ec);
  if (ec) fail_at(ErrorCode::io_error, name, "", "cannot resolve the path: " + ec.message());
  std::string out = p.lexically_normal().string();
  if (!out.empty() && out.back() == '/') {
    fail_at(ErrorCode::invalid_argument, name, "", "names a directory, not a file");
  }
  return out;
}

void load_into(FileImage& image, std::span<const std::byte> bytes, std::string_view shown,
               std::shared_ptr<const void> owner) {
  try {
    ReadResult r = read_hdf5(bytes, image, ReadSettings{std::move(owner), std::string(shown)});
    image.format.store(r.format);
  } catch (const Error& e) {
    rethrow_in_context(e, shown, "");
  }
}

void load_backing_file(FileImage& image) {
  BackingStore& b = *image.backing;
  std::shared_ptr<const MappedFile> map = b.env->map_readonly(b.path);
  // Chunks and contiguous data stay in the mapping until written: opening costs the
  // metadata only. A flush renames a new file over the path, so the mapped inode is never
  // changed under us.
  load_into(image, map->bytes(), b.path, map);
}

void save_image(FileImage& image, const std::string& path, Format format, Env& env,
                const SaveOptions::Progress& progress) {
  write_file_atomically(env, path, [&](WritableFile& file) {
    FileSink sink(file);
    write_hdf5(image, WriteSettings{format, progress}, sink);
    sink.drain();
  });
}

void flush_image(FileImage& image, bool force) {
  if (!image.backing || !image.backing->write_back) return;
  BackingStore& b = *image.backing;
  std::lock_guard lock(b.flush_mu);
  const std::uint64_t gen = image.generation.load(std::memory_order_acquire);
  if (!force && gen == b.flushed_generation) return;
  save_image(image, b.path, image.format.load(), *b.env);
  b.flushed_generation = gen;
}

std::vector<std::byte> image_bytes(FileImage& image, Format format,
                                   const SaveOptions::Progress& progress) {
  VectorSink sink;
  write_hdf5(image, WriteSettings{format, progress}, sink);
  return std::move(sink.bytes);
}

}  // namespace h5mem::detail
