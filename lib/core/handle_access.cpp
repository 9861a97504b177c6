#include "core/handle_access.hpp"

#include <shared_mutex>

namespace h5mem::detail {

std::shared_ptr<FileImage> acquire(const std::shared_ptr<OpenFile>& file) {
  if (!file) fail(ErrorCode::closed, "empty handle: it does not refer to any file");
  return file->acquire();
}

std::string describe(const FileImage& img, const Node& node) {
  std::shared_lock lock(img.tree_mutex);
  if (node.removed.load(std::memory_order_acquire)) return "<removed object " + node.name + ">";
  return path_of(node);
}

void check_alive(const OpenFile& file, const Node& node) {
  if (node.removed.load(std::memory_order_acquire)) {
    fail_at(ErrorCode::closed, file.name(), node.name.empty() ? "/" : node.name,
            "the object was removed");
  }
}

void check_writable(const OpenFile& file, const FileImage& img, const Node& node) {
  if (!file.writable()) {
    fail_at(ErrorCode::invalid_argument, file.name(), describe(img, node),
            "the file was opened read-only");
  }
}

}  // namespace h5mem::detail
