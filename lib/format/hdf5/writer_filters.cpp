// The writer's view of a layout's filter pipeline (see writer_internal.hpp for why this is a
// file of its own).
#include <stdexcept>

#include "codec/filter.hpp"
#include "format/hdf5/writer_internal.hpp"

namespace h5mem::detail::hdf5w {

std::vector<FilterInfo> layout_filters(const Layout& layout) {
  std::vector<FilterInfo> out;
  const FilterPipeline* p = layout.filters();
  if (!p) return out;
  for (const FilterSpec& s : p->specs()) {
    // libhdf5 stores the registered name of its own filters (and h5py's "lzf").
    std::string name = s.name.empty() ? std::string(filter_name(s.id)) : s.name;
    out.push_back(FilterInfo{s.id, s.flags, std::move(name), s.client_data});
  }
  return out;
}

void decode_stored_chunk(const Layout& layout, std::span<const std::byte> encoded,
                         std::uint32_t filter_mask, std::span<std::byte> out) {
  const FilterPipeline* p = layout.filters();
  if (!p) throw std::logic_error("decode_stored_chunk on an unchunked layout");
  p->decode(encoded, filter_mask, out);
}

std::uint32_t encode_stored_chunk(const Layout& layout, std::span<const std::byte> chunk,
                                  std::vector<std::byte>& out) {
  const FilterPipeline* p = layout.filters();
  if (!p) throw std::logic_error("encode_stored_chunk on an unchunked layout");
  return p->encode(chunk, out);
}

}  // namespace h5mem::detail::hdf5w
