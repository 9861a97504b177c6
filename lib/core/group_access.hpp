// Internal: group operations shared by group.cpp and link.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/node.hpp"
#include "core/open_file.hpp"
#include "core/path.hpp"
#include "core/tree.hpp"
#include "h5mem/options.hpp"

namespace h5mem::detail {

// `path` parsed, or invalid_argument naming `file`.
ParsedPath parse_for(const OpenFile& file, std::string_view path);

// Creates what is missing of `path` under `self` and binds its last part to `leaf` (a new
// node) or, when `leaf` is null, to `*link`. Validates first (writable, no existing member
// of that name, no dataset or broken link on the way), so a failure changes nothing.
void create_at(const std::shared_ptr<OpenFile>& file, const std::shared_ptr<Node>& self,
               std::string_view path, std::shared_ptr<Node> leaf, const LinkEntry* link = nullptr);

// Builds a dataset node (layout, vlen heap, own chunk cache as `options` ask), lets `finish`
// complete it before it is visible, and links it at `path` under `self` (see create_at).
// Errors are rethrown naming the file and the path.
std::shared_ptr<DatasetNode> create_dataset_at(
    const std::shared_ptr<OpenFile>& file, const std::shared_ptr<Node>& self, std::string_view path,
    const DType& dtype, const Shape& shape, const DatasetOptions& options,
    const std::function<void(DatasetNode&)>& finish = {});

// An object found by a lookup: in this file, or in another one reached by an external link
// (which `file` then keeps open).
struct Located {
  std::shared_ptr<OpenFile> file;
  std::shared_ptr<Node> node;
};
// The object at `path` from `self`, following soft and external links. Throws not_found
// naming the path (and, for a link that cannot be followed, the link and its target).
Located locate(const std::shared_ptr<OpenFile>& file, const std::shared_ptr<Node>& self,
               std::string_view path);

// Continues a lookup in the file an external link names (link.cpp): the file is opened
// read-only, relative to the directory of `from` unless absolute (as libhdf5 does), then as
// given. Throws not_found naming the link, file and path when either is missing.
Located follow_external(const OpenFile& from, const ExternalHop& hop);

}  // namespace h5mem::detail
