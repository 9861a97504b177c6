// Soft and external links: creating them, inspecting them, and continuing a lookup in the
// file an external link names.
#include <filesystem>
#include <shared_mutex>

#include "core/group_access.hpp"
#include "core/handle_access.hpp"
#include "h5mem/group.hpp"

namespace h5mem {
namespace {

void check_link_text(const detail::OpenFile& file, const std::string& shown, std::string_view text,
                     const char* what) {
  if (text.empty()) {
    detail::fail_at(ErrorCode::invalid_argument, file.name(), shown,
                    std::string("the link's ") + what + " is empty");
  }
  if (text.find('\0') != std::string_view::npos) {
    detail::fail_at(ErrorCode::invalid_argument, file.name(), shown,
                    std::string("the link's ") + what + " contains a NUL character");
  }
}

std::string shown_path(const std::shared_ptr<detail::OpenFile>& file,
                       const std::shared_ptr<detail::Node>& self, std::string_view path) {
  auto img = detail::acquire(file);
  std::shared_lock lock(img->tree_mutex);
  return detail::join_path(*self, path);
}

// Thread-local because an external lookup re-enters locate() through another file, and a
// file that links to itself must not recurse forever.
thread_local int external_depth = 0;

// The name File::open is given for external file `file` linked from `from`.
std::string external_name(const std::string& from, const std::string& file) {
  if (file.starts_with("mem://") || from.starts_with("mem://")) return file;
  std::filesystem::path p(file);
  if (p.is_absolute()) return file;
  std::filesystem::path beside = std::filesystem::path(from).parent_path() / p;
  std::error_code ec;
  if (std::filesystem::exists(beside, ec)) return beside.string();
  return file;
}

}  // namespace

void Group::create_soft_link(std::string_view path, std::string_view target) const {
  check_link_text(*file_, shown_path(file_, node_, path), target, "target path");
  detail::LinkEntry link{LinkKind::soft, std::string(target), {}};
  detail::create_at(file_, node_, path, nullptr, &link);
}

void Group::create_external_link(std::string_view path, std::string_view file,
                                 std::string_view target) const {
  const std::string shown = shown_path(file_, node_, path);
  check_link_text(*file_, shown, file, "file name");
  check_link_text(*file_, shown, target, "target path");
  detail::LinkEntry link{LinkKind::external, std::string(target), std::string(file)};
  detail::create_at(file_, node_, path, nullptr, &link);
}

LinkInfo Group::link_info(std::string_view path) const {
  auto img = detail::acquire(file_);
  auto pp = detail::parse_for(*file_, path);
  std::shared_lock lock(img->tree_mutex);
  detail::check_alive(*file_, *node_);
  detail::Walk w = detail::walk(*img, static_cast<detail::GroupNode&>(*node_), pp, false);
  const std::string shown = detail::join_path(*node_, path);
  if (!w.broken.empty()) detail::fail_at(ErrorCode::not_found, file_->name(), shown, w.broken);
  if (w.external) {
    detail::fail_at(ErrorCode::unsupported, file_->name(), shown,
                    "the path goes through external link \"" + w.external->link_path + "\"");
  }
  if (w.link) return LinkInfo{w.link->kind, w.link->target, w.link->file};
  if (!w.target) detail::fail_at(ErrorCode::not_found, file_->name(), shown, "no such object");
  return LinkInfo{LinkKind::hard, detail::path_of(*w.target), {}};
}

namespace detail {

Located follow_external(const OpenFile& from, const ExternalHop& hop) {
  const std::string shown =
      "external link \"" + hop.link_path + "\" -> \"" + hop.file + ":" + hop.target + "\"";
  if (external_depth >= kMaxLinkHops) {
    fail_at(ErrorCode::not_found, from.name(), hop.link_path,
            shown + ": more than " + std::to_string(kMaxLinkHops) +
                " external links followed (a cycle?)");
  }
  struct Depth {
    Depth() { ++external_depth; }
    ~Depth() { --external_depth; }
  } depth;
  const std::string name = external_name(from.name(), hop.file);
  std::shared_ptr<OpenFile> other;
  try {
    other = registry_open(name, Mode::read_only, {}, {});
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) rethrow_in_context(e, from.name(), hop.link_path);
    fail_at(ErrorCode::not_found, from.name(), hop.link_path,
            shown + ": the file \"" + name + "\" does not exist");
  }
  std::shared_ptr<Node> root = other->acquire()->root;
  try {
    return locate(other, root, hop.path);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
    fail_at(
        ErrorCode::not_found, from.name(), hop.link_path,
        shown + ": \"" + hop.path + "\" cannot be found in \"" + name + "\" (" + e.what() + ")");
  }
}

}  // namespace detail
}  // namespace h5mem
