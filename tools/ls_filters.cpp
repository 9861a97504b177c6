// The filter pipeline of a dataset, for `h5mem ls` and `h5mem dump`. The public API does not
// expose filters yet, so this peeks at the dataset's layout through the internal headers.
#include <mutex>
#include <shared_mutex>

#include "codec/filter.hpp"
#include "core/node.hpp"
#include "path_arg.hpp"

namespace h5mem::cli {
namespace {

// Reaches Object's protected node pointer through a pointer to member formed in a derived
// class (no cast of the object itself).
struct NodePeek : Dataset {
  static std::shared_ptr<detail::Node> node_of(const Dataset& ds) { return ds.*(&NodePeek::node_); }
};

}  // namespace

std::vector<FilterInfo> dataset_filters(const Dataset& ds) {
  std::vector<FilterInfo> out;
  if (ds.chunks().empty()) return out;  // also checks the handle
  auto node = NodePeek::node_of(ds);
  if (!node || node->kind != ObjectKind::dataset) return out;
  auto& dn = static_cast<detail::DatasetNode&>(*node);
  std::shared_lock lock(dn.data_mutex);
  if (!dn.layout) return out;
  const detail::FilterPipeline* p = dn.layout->filters();
  if (!p) return out;
  for (const auto& spec : p->specs()) {
    FilterInfo f;
    f.id = spec.id;
    std::string_view known = detail::filter_name(spec.id);
    f.name = !known.empty()       ? std::string(known)
             : !spec.name.empty() ? spec.name
                                  : "filter-" + std::to_string(spec.id);
    f.client_data = spec.client_data;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace h5mem::cli
