// h5mem/named_type.hpp -- committed (named) datatypes: a DType stored as an object of its own.
#pragma once

#include "h5mem/dtype.hpp"
#include "h5mem/object.hpp"

namespace h5mem {

// A datatype committed to a group under a name (HDF5's committed datatype, h5py's
// Datatype): an object with a path and attributes whose value is a DType. Datasets created
// with it (Group::create_dataset taking a NamedType) refer to it, and in files their
// datatype message points at it, as libhdf5 writes them.
class NamedType : public Object {
 public:
  // An empty handle; every use throws Error(closed) until assigned.
  NamedType() = default;

  // The type it names. Throws Error(closed) once removed.
  DType dtype() const;

 protected:
  using Object::Object;
  friend class Group;
  friend class Dataset;
  friend class Object;
};

}  // namespace h5mem
