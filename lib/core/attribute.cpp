#include "h5mem/attribute.hpp"

#include <cstring>
#include <mutex>
#include <shared_mutex>

#include "array/convert.hpp"
#include "core/utf8.hpp"
#include "core/handle_access.hpp"
#include "core/path.hpp"
#include "core/vlen_elements.hpp"

namespace h5mem {

using detail::AttrValue;

namespace {

std::string attr_path(const detail::FileImage& img, const detail::Node& node, std::string_view name) {
  return detail::describe(img, node) + " attribute \"" + std::string(name) + "\"";
}

}  // namespace

void AttributeSet::set_raw(std::string_view name, const DType& dtype, const Shape& shape,
                           const void* data) const {
  auto img = detail::acquire(file_);
  auto fail_here = [&](ErrorCode code, const std::string& msg) {
    detail::fail_at(code, file_->name(), attr_path(*img, *node_, name), msg);
  };
  try {
    detail::check_name(name, "attribute name");
  } catch (const Error& e) {
    fail_here(e.code(), e.what());
  }
  if (!file_->writable()) fail_here(ErrorCode::invalid_argument, "the file was opened read-only");
  if (shape.size() > 1) {
    fail_here(ErrorCode::invalid_argument, "attributes must be scalars or 1-d, not shape " + to_string(shape));
  }
  AttrValue v{dtype, shape, {}, {}, {}};
  std::uint64_t n = element_count(shape);
  if (n != 0 && data == nullptr) fail_here(ErrorCode::invalid_argument, "null buffer");
  if (dtype.is_variable_string()) {
    const auto* s = static_cast<const std::string*>(data);
    v.strings.assign(s, s + n);
  } else if (dtype.has_vlen()) {
    v.bytes.resize(static_cast<std::size_t>(n * detail::stored_size(dtype)));
    try {
      detail::store_elements(
          dtype, static_cast<const std::byte*>(data), dtype, v.bytes.data(), n,
          [&](std::span<const std::byte> b, std::uint64_t count) {
            v.vlen_objects.emplace_back(b.begin(), b.end());
            return detail::VlenHandle{count, v.vlen_objects.size()};
          },
          img->validate_utf8.load());
    } catch (const Error& e) {
      fail_here(e.code(), e.what());
    }
  } else {
    v.bytes.resize(static_cast<std::size_t>(n * dtype.size()));
    if (n) std::memcpy(v.bytes.data(), data, v.bytes.size());
  }
  if (dtype.type_class() == TypeClass::string && dtype.charset() == CharSet::utf8 &&
      img->validate_utf8.load()) {
    for (std::uint64_t i = 0; i < n; ++i) {
      std::string_view sv;
      if (dtype.is_variable_string()) {
        sv = v.strings[i];
      } else {
        sv = {reinterpret_cast<const char*>(v.bytes.data()) + i * dtype.size(), dtype.size()};
        sv = sv.substr(0, sv.find('\0'));
      }
      if (std::size_t bad = detail::find_invalid_utf8(sv); bad != std::string_view::npos) {
        fail_here(ErrorCode::invalid_argument, "element " + std::to_string(i) +
                                                   " is not valid UTF-8 (byte " +
                                                   std::to_string(bad) + ")");
      }
    }
  }
  std::uint64_t payload = v.payload();

  std::unique_lock lock(img->tree_mutex);
  img->touch();
  detail::check_alive(*file_, *node_);
  auto it = node_->attrs.find(name);
  std::uint64_t old = it == node_->attrs.end() ? 0 : it->second.payload();
  if (payload > old) {
    try {
      img->budget.reserve(payload - old);
    } catch (const Error& e) {
      lock.unlock();
      fail_here(e.code(), e.what());
    }
  } else {
    img->budget.release(old - payload);
  }
  if (it == node_->attrs.end()) {
    node_->attrs.emplace(std::string(name), std::move(v));
  } else {
    it->second = std::move(v);
  }
}

Attribute AttributeSet::get(std::string_view name) const {
  if (!contains(name)) {
    auto img = detail::acquire(file_);
    detail::fail_at(ErrorCode::not_found, file_->name(), attr_path(*img, *node_, name),
                    "no such attribute");
  }
  return Attribute(file_, node_, std::string(name));
}

bool AttributeSet::contains(std::string_view name) const {
  auto img = detail::acquire(file_);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  return node_->attrs.find(name) != node_->attrs.end();
}

std::vector<std::string> AttributeSet::list() const {
  auto img = detail::acquire(file_);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  std::vector<std::string> out;
  for (const auto& [n, v] : node_->attrs) out.push_back(n);
  return out;
}

void AttributeSet::remove(std::string_view name) const {
  auto img = detail::acquire(file_);
  {
    std::unique_lock lock(img->tree_mutex);
    img->touch();
    detail::check_alive(*file_, *node_);
    auto it = node_->attrs.find(name);
    if (it != node_->attrs.end() && file_->writable()) {
      img->budget.release(it->second.payload());
      node_->attrs.erase(it);
      return;
    }
  }
  detail::fail_at(file_->writable() ? ErrorCode::not_found : ErrorCode::invalid_argument,
                  file_->name(), attr_path(*img, *node_, name),
                  file_->writable() ? "no such attribute" : "the file was opened read-only");
}

namespace {

// Looks up the attribute under the tree lock and passes it to `fn`.
template <class Fn>
auto with_attr(const std::shared_ptr<detail::OpenFile>& file, const std::shared_ptr<detail::Node>& node,
               const std::string& name, Fn&& fn) {
  auto img = detail::acquire(file);
  std::optional<Error> err;
  {
    std::shared_lock lock(img->tree_mutex);
    detail::check_alive(*file, *node);
    auto it = node->attrs.find(name);
    if (it != node->attrs.end()) {
      try {
        return fn(it->second);
      } catch (const Error& e) {
        err = e;
      }
    }
  }
  if (!err) err = Error(ErrorCode::not_found, "the attribute was removed");
  detail::fail_at(err->code(), file->name(), attr_path(*img, *node, name), err->what());
}

}  // namespace

DType Attribute::dtype() const {
  return with_attr(file_, node_, name_, [](const AttrValue& v) { return v.dtype; });
}

Shape Attribute::shape() const {
  return with_attr(file_, node_, name_, [](const AttrValue& v) { return v.shape; });
}

void Attribute::read_raw(const DType& mem_type, void* out, std::uint64_t n) const {
  with_attr(file_, node_, name_, [&](const AttrValue& v) {
    if (!(mem_type == v.dtype)) {
      if (v.dtype.is_variable_string() || (mem_type.has_vlen() && !v.dtype.has_vlen())) {
        detail::fail(ErrorCode::type_mismatch, "stored as " + v.dtype.name() + ", cannot read as " +
                                                   mem_type.name());
      }
      detail::check_conversion(v.dtype, mem_type);
    }
    std::uint64_t count = element_count(v.shape);
    if (n != count) {
      detail::fail(ErrorCode::type_mismatch, "holds " + std::to_string(count) +
                                                 " element(s); the buffer has " + std::to_string(n));
    }
    if (v.dtype.is_variable_string()) {
      auto* s = static_cast<std::string*>(out);
      for (std::uint64_t i = 0; i < n; ++i) s[i] = v.strings[i];
    } else if (v.dtype.has_vlen()) {
      detail::load_elements(v.dtype, v.bytes.data(), mem_type, static_cast<std::byte*>(out), n,
                            [&](const detail::VlenHandle& h) {
                              if (h.id == 0 || h.id > v.vlen_objects.size()) {
                                detail::fail(ErrorCode::corruption, "variable-length value " +
                                                                        std::to_string(h.id) +
                                                                        " is missing");
                              }
                              return std::span<const std::byte>(v.vlen_objects[h.id - 1]);
                            });
    } else if (n != 0) {
      detail::convert(v.dtype, mem_type, v.bytes.data(), static_cast<std::byte*>(out), n);
    }
  });
}

}  // namespace h5mem
