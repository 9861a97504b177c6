// Committed datatypes for the writer: an object header holding the datatype message (and
// attributes), as libhdf5 writes a committed type; datasets created with one point at it
// through a shared datatype message (writer_datasets.cpp).
#include "core/fail.hpp"
#include "format/hdf5/dtype_map.hpp"
#include "format/hdf5/messages/datatype.hpp"
#include "format/hdf5/writer_internal.hpp"

namespace h5mem::detail::hdf5w {

PlacedObject place_named_type(Context& ctx, const DatatypeNode& type) {
  DatatypeMessage msg;
  try {
    msg = to_datatype_message(type.dtype, ctx.format);
  } catch (const Error& e) {
    fail(e.code(), where(type) + ": " + e.what());
  }
  auto attrs = std::make_shared<AttributePlan>(plan_attributes(ctx, type));
  PlacedObject placed;
  placed.header = place_object_header(ctx, [msg, attrs] {
    std::vector<HeaderMessage> msgs;
    // libhdf5 marks the committed message constant and not to be shared again.
    msgs.push_back(make_message(HeaderMessageType::datatype, encode_datatype(msg),
                                kMessageConstant | kMessageDontShare));
    for (auto& m : attrs->all()) msgs.push_back(std::move(m));
    return msgs;
  });
  return placed;
}

}  // namespace h5mem::detail::hdf5w
