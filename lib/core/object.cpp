#include "h5mem/object.hpp"

#include <shared_mutex>

#include "core/backing_store.hpp"
#include "core/handle_access.hpp"
#include "h5mem/attribute.hpp"
#include "h5mem/file.hpp"
#include "storage/env.hpp"

namespace h5mem {

std::string Object::path() const {
  auto img = detail::acquire(file_);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  return detail::path_of(*node_);
}

const std::string& Object::file_name() const {
  if (!file_) detail::fail(ErrorCode::closed, "empty handle: it does not refer to any file");
  return file_->name();
}

AttributeSet Object::attrs() const {
  if (!file_) detail::fail(ErrorCode::closed, "empty handle: it does not refer to any file");
  return AttributeSet(file_, node_);
}

File Object::file() const {
  auto img = detail::acquire(file_);
  return File(file_, img->root);
}

bool Object::valid() const noexcept {
  return file_ && node_ && file_->is_open() && !node_->removed.load(std::memory_order_acquire);
}

ObjectKind Object::kind() const {
  if (!node_) detail::fail(ErrorCode::closed, "empty handle: it does not refer to any object");
  return node_->kind;
}

File File::create(std::string_view name, const CreateOptions& create, const FileOptions& options) {
  return open(name, Mode::create, options, create);
}

File File::open(std::string_view name, Mode mode, const FileOptions& options,
                const CreateOptions& create) {
  auto of = detail::registry_open(name, mode, create, options);
  auto img = of->acquire();
  if (options.threads()) img->threads.store(*options.threads(), std::memory_order_relaxed);
  if (options.cache_bytes()) img->cache.set_capacity(*options.cache_bytes());
  if (options.validate_utf8())
    img->validate_utf8.store(*options.validate_utf8(), std::memory_order_relaxed);
  return File(std::move(of), img->root);
}

const std::string& File::name() const {
  return file_name();
}

Mode File::mode() const {
  if (!file_) detail::fail(ErrorCode::closed, "empty handle: it does not refer to any file");
  return file_->writable() ? Mode::read_write : Mode::read_only;
}

std::uint64_t File::bytes_held() const {
  return detail::acquire(file_)->budget.held();
}

void File::close() {
  if (!file_ || !file_->is_open()) return;
  auto img = file_->acquire();
  // The last close writes the file back; doing it here rather than in the release lets the
  // error reach the caller, with the file still open so nothing is lost.
  if (img->backing && img->backing->policy == FlushPolicy::on_close &&
      detail::registry_is_last_open(*img)) {
    detail::flush_image(*img);
  }
  img.reset();
  file_->close();
}

void File::flush() {
  auto img = detail::acquire(file_);
  if (!file_->writable()) return;
  detail::flush_image(*img);
}

void File::save_as(std::string_view path, const SaveOptions& options) const {
  auto img = detail::acquire(file_);
  const std::string key = detail::normalize_path(path);
  detail::save_image(*img, key, options.format().value_or(img->format.load()), detail::Env::posix(),
                     options.progress());
}

std::vector<std::byte> File::to_bytes(const SaveOptions& options) const {
  auto img = detail::acquire(file_);
  return detail::image_bytes(*img, options.format().value_or(img->format.load()),
                             options.progress());
}

File File::open_image(std::string_view name, std::span<const std::byte> image, Mode mode,
                      const ImageOptions& image_options, const FileOptions& options) {
  if (mode != Mode::read_only && mode != Mode::read_write) {
    detail::fail_at(ErrorCode::invalid_argument, name, "",
                    "open_image takes Mode::read_only or Mode::read_write");
  }
  // Ownership::copy: the reader copies what it keeps (encoded chunks, metadata) during the
  // call, never the whole image. Ownership::borrow: chunks and contiguous data stay views
  // of the caller's bytes until written (the owner is a token: the caller guarantees the
  // lifetime).
  std::shared_ptr<const void> owner;
  if (image_options.ownership() == Ownership::borrow) {
    static const int kCallerOwned = 0;
    owner = std::shared_ptr<const void>(&kCallerOwned, [](const void*) {});
  }
  auto img = std::make_shared<detail::FileImage>(std::string(name), CreateOptions{});
  if (options.format()) img->format.store(*options.format());
  detail::load_into(*img, image, name, std::move(owner));
  if (options.format()) img->format.store(*options.format());
  auto of = detail::registry_adopt(name, img, mode == Mode::read_write);
  if (options.threads()) img->threads.store(*options.threads(), std::memory_order_relaxed);
  if (options.cache_bytes()) img->cache.set_capacity(*options.cache_bytes());
  if (options.validate_utf8()) img->validate_utf8.store(*options.validate_utf8());
  return File(std::move(of), img->root);
}

bool File::is_open() const noexcept {
  return file_ && file_->is_open();
}

}  // namespace h5mem
