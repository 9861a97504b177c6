#include "h5mem/object.hpp"

#include <shared_mutex>

#include "core/handle_access.hpp"
#include "h5mem/attribute.hpp"
#include "h5mem/file.hpp"

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
  auto of = detail::registry_open(name, mode, create);
  auto img = of->acquire();
  if (options.threads()) img->threads.store(*options.threads(), std::memory_order_relaxed);
  if (options.cache_bytes()) img->cache.set_capacity(*options.cache_bytes());
  if (options.validate_utf8()) img->validate_utf8.store(*options.validate_utf8(), std::memory_order_relaxed);
  return File(std::move(of), img->root);
}

const std::string& File::name() const { return file_name(); }

Mode File::mode() const {
  if (!file_) detail::fail(ErrorCode::closed, "empty handle: it does not refer to any file");
  return file_->writable() ? Mode::read_write : Mode::read_only;
}

std::uint64_t File::bytes_held() const { return detail::acquire(file_)->budget.held(); }

void File::close() {
  if (file_) file_->close();
}

bool File::is_open() const noexcept { return file_ && file_->is_open(); }

}  // namespace h5mem
