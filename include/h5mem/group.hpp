// h5mem/group.hpp -- groups: named containers of groups and datasets.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "h5mem/dataset.hpp"
#include "h5mem/dtype.hpp"
#include "h5mem/link.hpp"
#include "h5mem/named_type.hpp"
#include "h5mem/object.hpp"
#include "h5mem/options.hpp"
#include "h5mem/shape.hpp"

namespace h5mem {

// A group handle. Paths given to its methods are relative to the group unless they start
// with '/', in which case they are relative to the file's root. Path segments are separated
// by '/'; empty segments ("a//b"), "." and ".." are rejected with invalid_argument, as are
// names containing NUL.
class Group : public Object {
 public:
  // An empty handle; every use throws Error(closed) until assigned.
  Group() = default;

  // Creates the group at `path`, creating missing intermediate groups.
  // Throws already_exists if `path` exists; type_mismatch if an intermediate is a dataset.
  // On failure nothing is created.
  Group create_group(std::string_view path) const;
  // Opens an existing group. Throws not_found, or type_mismatch if it is a dataset.
  Group group(std::string_view path) const;
  // Creates a dataset of `dtype` and `shape` (rank <= 32), laid out as `options` say.
  // Missing intermediate groups are created. Elements read as the fill value until written.
  // Datatypes with variable-length parts are not supported in datasets yet (unsupported).
  Dataset create_dataset(std::string_view path, const DType& dtype, const Shape& shape,
                         const DatasetOptions& options = {}) const;
  template <Storable T>
  Dataset create_dataset(std::string_view path, const Shape& shape,
                         const DatasetOptions& options = {}) const {
    return create_dataset(path, detail::checked_dtype<T>(), shape, options);
  }
  // Creates a dataset of `dtype` with a null dataspace (h5py's `Empty`): no elements and no
  // extent, see Dataset::is_null. Throws like create_dataset.
  Dataset create_null_dataset(std::string_view path, const DType& dtype) const;
  // Creates a dataset whose datatype is the committed type `type` (of this file): its
  // dtype() is type.dtype(), named_type() is `type`, and files store its datatype as a
  // reference to the type object (h5py's create_dataset(..., dtype=f['t'])). Throws
  // invalid_argument if `type` belongs to another file, closed if it was removed; otherwise
  // as create_dataset.
  Dataset create_dataset(std::string_view path, const NamedType& type, const Shape& shape,
                         const DatasetOptions& options = {}) const;
  // Opens an existing dataset. Throws not_found, or type_mismatch if it is a group.
  Dataset dataset(std::string_view path) const;

  // True if `path` names an existing member: an object, or a soft/external link even if
  // it dangles (its last part is not followed, as h5py's `in`). False when an intermediate
  // is missing, is a dataset, or is a link that cannot be followed. Throws invalid_argument
  // for malformed paths.
  bool contains(std::string_view path) const;
  // Kind of the object at `path` (links followed). Throws not_found.
  ObjectKind kind_of(std::string_view path) const;
  // Names of the direct members (objects and soft/external links), in byte-wise name order
  // (as HDF5 lists them by default).
  std::vector<std::string> list() const;
  // Removes the member at `path`: an object and everything below it, or a soft/external
  // link alone (its target stays, as h5py's `del`). Handles to removed objects become
  // invalid (Error(closed) on use). Throws not_found; invalid_argument for the root.
  void remove(std::string_view path) const;
  // Moves (renames) the member at `from` to `to` (a link moves as a link); the
  // destination's parent must exist. Throws not_found, already_exists, or invalid_argument
  // when moving a group into itself.
  void move(std::string_view from, std::string_view to) const;

  // Commits `dtype` as a named type object at `path` (h5py's `g[path] = numpy.dtype`).
  // Missing intermediate groups are created. Throws already_exists if `path` is taken,
  // invalid_argument for a read-only file, unsupported for a type the HDF5 format cannot
  // name (none today).
  NamedType commit_datatype(std::string_view path, const DType& dtype) const;
  // Opens an existing committed datatype. Throws not_found, or type_mismatch for another
  // kind of object.
  NamedType named_type(std::string_view path) const;

  // Links. Lookups (group, dataset, named_type, kind_of, and the paths create_* and
  // remove/move walk through) follow soft links in any part of a path; group, dataset,
  // named_type and kind_of also follow external links (create_* refuse to go through one:
  // unsupported). contains, link_info, remove and move do not follow the last part. A soft
  // target is resolved at each use, relative to the group holding the link unless it starts
  // with '/'. A dangling link raises not_found naming the link and its target; more than
  // 16 soft links in one lookup (a cycle) raises not_found instead of looping.

  // Binds `path` to `target`, a path in this file that need not exist (yet). Missing
  // intermediate groups are created. Throws already_exists if `path` is taken,
  // invalid_argument for an empty target or a read-only file.
  void create_soft_link(std::string_view path, std::string_view target) const;
  // Binds `path` to object `target` of the HDF5 file `file`, resolved when followed: the
  // file is opened read-only through File::open (a relative name relative to this file's
  // directory, then as given; mem:// names as they are). Throws like create_soft_link.
  void create_external_link(std::string_view path, std::string_view file,
                            std::string_view target) const;
  // How the last part of `path` is bound, without following it (intermediate parts are
  // followed). Throws not_found.
  LinkInfo link_info(std::string_view path) const;

  // The object `ref` names, in this group's file (wherever it has moved to). Throws
  // invalid_argument for a null reference, not_found if the object was removed or belongs
  // to another file.
  Object deref(ObjectRef ref) const;
  // deref(ref) as a Dataset / Group; type_mismatch if it is the other kind.
  Dataset deref_dataset(ObjectRef ref) const;
  Group deref_group(ObjectRef ref) const;

 protected:
  using Object::Object;
  friend class File;
  friend class Object;
};

}  // namespace h5mem
