// h5mem/reference.hpp -- object references: values that name a group or dataset.
//
//   Dataset ds = f.create_dataset<ObjectRef>("refs", Shape{2});
//   ds.write(std::vector<ObjectRef>{f.dataset("x").ref(), f.ref()});
//   Object o = f.deref(ds.read<ObjectRef>()[0]);     // follows moves of "x"
//   Dataset x = o.to_dataset();
//
// A reference names one object of one file image, whatever its path becomes. It is stored
// as DType::object_reference() (HDF5's H5T_STD_REF_OBJ): in a written file, as the target's
// object header address. A null reference (ObjectRef{}, id 0) and references to objects
// that are not in the file being written (removed, or in another file) are written as
// address 0, which h5py and libhdf5 read as a null reference.
#pragma once

#include <cstdint>

#include "h5mem/compound.hpp"
#include "h5mem/dtype.hpp"

namespace h5mem {

// One object reference: the process-unique id of the target object (0 = null).
struct ObjectRef {
  std::uint64_t id = 0;
  // False for the null reference.
  explicit operator bool() const noexcept { return id != 0; }
  friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
};

// ObjectRef is an element type: datasets and attributes of DType::object_reference().
template <>
struct TypeMapping<ObjectRef> {
  static DType dtype() { return DType::object_reference(); }
};

}  // namespace h5mem
