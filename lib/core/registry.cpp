// The process-wide registry of mem:// names.
#include "h5mem/registry.hpp"

#include <cstdio>
#include <map>
#include <mutex>

#include "core/backing_store.hpp"
#include "core/fail.hpp"
#include "core/open_file.hpp"
#include "storage/env.hpp"

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

// A new image for the path `key`, loaded from disk when `load`, else written out empty at
// once (a create truncates, as h5py's "w" does) when it has a backing store.
std::shared_ptr<FileImage> new_path_image(const std::string& key, bool load,
                                          const CreateOptions& create, const FileOptions& options) {
  auto img = std::make_shared<FileImage>(key, create);
  auto b = std::make_unique<BackingStore>();
  b->path = key;
  b->write_back = options.backing_store().value_or(true);
  b->policy = options.flush_policy().value_or(FlushPolicy::on_close);
  b->env = &Env::posix();
  img->backing = std::move(b);
  if (options.format()) img->format.store(*options.format());
  if (load) {
    load_backing_file(*img);
    if (options.format()) img->format.store(*options.format());
  } else {
    flush_image(*img, true);
  }
  return img;
}

std::shared_ptr<OpenFile> open_path(std::string_view name, Mode mode, const CreateOptions& create,
                                    const FileOptions& options) {
  const std::string key = normalize_path(name);
  RegistryState& s = state();
  std::lock_guard lock(s.mu);
  // The load happens under the registry lock so that two opens of one path share one image.
  std::shared_ptr<FileImage> img = find_locked(s, key);
  auto on_disk = [&] { return Env::posix().exists(key); };
  auto publish = [&](std::shared_ptr<FileImage> fresh, bool writable) {
    Entry& e = s.names[key];
    e.weak = fresh;
    e.kept = create.lifetime() == Lifetime::process ? fresh : nullptr;
    return open_locked(fresh, writable);
  };
  switch (mode) {
    case Mode::read_only:
    case Mode::read_write:
      if (img) return open_locked(img, mode == Mode::read_write);
      if (!on_disk()) fail_at(ErrorCode::not_found, name, "", "no such file (" + key + ")");
      return publish(new_path_image(key, true, create, options), mode == Mode::read_write);
    case Mode::create:
      if (img) {
        fail_at(ErrorCode::busy, name, "",
                "cannot truncate: the file is open in this process (" +
                    std::to_string(img->open_count) + " handle(s))");
      }
      return publish(new_path_image(key, false, create, options), true);
    case Mode::create_new:
      if (img || on_disk()) {
        fail_at(ErrorCode::already_exists, name, "", "the file exists (" + key + ")");
      }
      return publish(new_path_image(key, false, create, options), true);
    case Mode::open_or_create:
      if (img) return open_locked(img, true);
      return publish(new_path_image(key, on_disk(), create, options), true);
  }
  fail(ErrorCode::invalid_argument, "unknown open mode");
}

}  // namespace

std::shared_ptr<OpenFile> registry_open(std::string_view name, Mode mode,
                                        const CreateOptions& create, const FileOptions& options) {
  if (is_path_name(name)) return open_path(name, mode, create, options);
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

std::shared_ptr<OpenFile> registry_adopt(std::string_view name, std::shared_ptr<FileImage> image,
                                         bool writable) {
  check_mem_name(name);
  RegistryState& s = state();
  std::lock_guard lock(s.mu);
  if (find_locked(s, name))
    fail_at(ErrorCode::already_exists, name, "", "a file of that name exists");
  Entry& e = s.names[std::string(name)];
  e.weak = image;
  e.kept = image->lifetime == Lifetime::process ? image : nullptr;
  return open_locked(image, writable);
}

bool registry_is_last_open(const FileImage& image) noexcept {
  RegistryState& s = state();
  std::lock_guard lock(s.mu);
  return image.open_count == 1;
}

void registry_release(FileImage& image) noexcept {
  RegistryState& s = state();
  std::unique_lock lock(s.mu);
  // The last close of a path image writes it back first (FlushPolicy::on_close), keeping it
  // registered meanwhile so that an open racing with the flush shares the image instead of
  // loading the old file.
  while (image.open_count == 1 && image.backing && image.backing->write_back &&
         image.backing->policy == FlushPolicy::on_close &&
         image.generation.load() != image.backing->flushed_generation.load()) {
    lock.unlock();
    try {
      flush_image(image);
    } catch (const Error& e) {
      // A destructor cannot throw: File::close() reports the error instead.
      std::fprintf(stderr, "h5mem: %s (data written since the last flush is lost)\n", e.what());
      lock.lock();
      break;
    }
    lock.lock();
  }
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
