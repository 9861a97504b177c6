#include "core/open_file.hpp"

#include "core/fail.hpp"

namespace h5mem::detail {

OpenFile::OpenFile(std::shared_ptr<FileImage> image, bool writable)
    : name_(image->name), writable_(writable), image_(std::move(image)) {}

OpenFile::~OpenFile() { close(); }

std::shared_ptr<FileImage> OpenFile::acquire() const {
  std::lock_guard lock(mu_);
  if (!image_) fail_at(ErrorCode::closed, name_, "", "the file handle was closed");
  return image_;
}

void OpenFile::close() noexcept {
  std::shared_ptr<FileImage> img;
  {
    std::lock_guard lock(mu_);
    img.swap(image_);
  }
  if (img) registry_release(*img);
  // `img` may be the last reference: the image is destroyed here, outside mu_.
}

bool OpenFile::is_open() const noexcept {
  std::lock_guard lock(mu_);
  return image_ != nullptr;
}

}  // namespace h5mem::detail
