// format/hdf5/dtype_map.hpp -- h5mem's DType <-> HDF5 datatype messages, as libhdf5 and h5py
// encode them (bool as an int8 enum FALSE/TRUE, complex as a compound {r, i}, vlen strings as
// class 9 strings, ...).
#pragma once

#include "format/hdf5/messages/datatype.hpp"
#include "h5mem/dtype.hpp"
#include "h5mem/options.hpp"

namespace h5mem::detail {

// The datatype message libhdf5 writes for `type` in `format` (earliest: the lowest version
// that can express the type, as h5py's default; latest: version 3 where libhdf5 1.10 with
// libver='latest' uses it). Variable-length types get the 16-byte on-disk size (length +
// global heap id). Throws Error(unsupported) for a type HDF5 cannot store.
// Implemented in dtype_encode.cpp.
DatatypeMessage to_datatype_message(const DType& type, Format format);

// The DType an HDF5 datatype message describes, recognising h5py's conventions (bool,
// complex) so values read back through the typed API as h5py would present them. Throws
// Error(unsupported) naming the class for types h5mem cannot represent (time, VAX floats,
// region references, ...). Implemented in dtype_decode.cpp.
DType from_datatype_message(const DatatypeMessage& message);

}  // namespace h5mem::detail
