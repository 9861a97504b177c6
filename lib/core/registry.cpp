// The process-wide registry of mem:// names.
#include "h5mem/registry.hpp"

#include <map>
#include <mutex>

#include "core/fail.hpp"
#include "core/open_file.hpp"

namespace h5mem {
namespace detail {
namespace {

constexpr std::string_view kMemPrefix = "mem://";

struct Entry {
  std::weak_ptr<FileImage> weak;
  std::shared_ptr<FileImage> kept;  // set for Lifetime::process images
};

struct RegistryState {
  std::mutex mu;
  std::map<std::string, Entry, std::less<>> names;
};

RegistryState& state() {
  // Leaked on purpose: images released during static destruction still find it.
  static RegistryState* s = new RegistryState;
  return *s;
}

void check_mem_name(std::string_view name) {
  if (name.substr(0, kMemPrefix.size()) != kMemPrefix) {
    fail_at(ErrorCode::unsupported, name, "",
            "only in-memory \"mem://NAME\" files are supported so far; plain filesystem "
            "paths need the backing store, which is not implemented yet");
  }
  if (name.size() == kMemPrefix.size()) {
    fail_at(ErrorCode::invalid_argument, name, "", "mem:// names need a NAME after the prefix");
  }
  if (name.find('\0') != std::string_view::npos) {
    fail(ErrorCode::invalid_argument, "file name contains a NUL character");
  }
}

std::shared_ptr<FileImage> find_locked(RegistryState& s, std::string_view name) {
  auto it = s.names.find(name);
  if (it == s.names.end()) return nullptr;
  return it->second.kept ? it->second.kept : it->second.weak.lock();
}

std::shared_ptr<OpenFile> open_locked(const std::shared_ptr<FileImage>& img, bool writable) {
  auto of = std::make_shared<OpenFile>(img, writable);
  ++img->open_count;
  return of;
}

}  // namespace

std::shared_ptr<OpenFile> registry_open(std::string_view name, Mode mode,
                                        const CreateOptions& create) {
  check_mem_name(name);
  RegistryState& s = state();
  std::shared_ptr<FileImage> replaced;  // destroyed after the lock is released
  std::lock_guard lock(s.mu);
  std::shared_ptr<FileImage> img = find_locked(s, name);

  auto make_new = [&]() {
    auto fresh = std::make_shared<FileImage>(std::string(name), create);
    Entry& e = s.names[std::string(name)];
    if (auto old = e.kept ? e.kept : e.weak.lock()) {
      old->linked = false;
      replaced = std::move(old);
    }
    e.weak = fresh;
    e.kept = create.lifetime() == Lifetime::process ? fresh : nullptr;
    return open_locked(fresh, true);
  };

  switch (mode) {
    case Mode::read_only:
    case Mode::read_write:
      if (!img) fail_at(ErrorCode::not_found, name, "", "no in-memory file of that name");
      return open_locked(img, mode == Mode::read_write);
    case Mode::create:
      if (img && img->open_count > 0) {
        fail_at(ErrorCode::busy, name, "",
                "cannot truncate: the file is open (" + std::to_string(img->open_count) +
                    " handle(s))");
      }
      return make_new();
    case Mode::create_new:
      if (img) fail_at(ErrorCode::already_exists, name, "", "a file of that name exists");
      return make_new();
    case Mode::open_or_create:
      if (img) return open_locked(img, true);
      return make_new();
  }
  fail(ErrorCode::invalid_argument, "unknown open mode");
}

void registry_release(FileImage& image) noexcept {
  RegistryState& s = state();
  std::lock_guard lock(s.mu);
  if (--image.open_count > 0) return;
  if (image.lifetime == Lifetime::process || !image.linked) return;
  auto it = s.names.find(image.name);
  if (it != s.names.end() && it->second.weak.lock().get() == &image) s.names.erase(it);
  image.linked = false;
}

}  // namespace detail

std::vector<ImageInfo> Registry::list() {
  auto& s = detail::state();
  std::vector<ImageInfo> out;
  std::lock_guard lock(s.mu);
  for (const auto& [name, e] : s.names) {
    auto img = e.kept ? e.kept : e.weak.lock();
    if (!img) continue;
    out.push_back(ImageInfo{name, img->lifetime, img->open_count, img->budget.held()});
  }
  return out;
}

bool Registry::exists(std::string_view name) {
  auto& s = detail::state();
  std::lock_guard lock(s.mu);
  return detail::find_locked(s, name) != nullptr;
}

void Registry::unlink(std::string_view name) {
  auto& s = detail::state();
  std::shared_ptr<detail::FileImage> img;  // may be the last reference: drop after unlocking
  std::lock_guard lock(s.mu);
  auto it = s.names.find(name);
  if (it == s.names.end() || !(img = detail::find_locked(s, name))) {
    detail::fail_at(ErrorCode::not_found, name, "", "no in-memory file of that name to unlink");
  }
  img->linked = false;
  s.names.erase(it);
}

}  // namespace h5mem
