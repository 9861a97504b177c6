// h5mem/object.hpp -- what groups and datasets have in common.
#pragma once

#include <memory>
#include <string>

#include "h5mem/reference.hpp"

namespace h5mem {

class AttributeSet;
class Dataset;
class File;
class Group;
class NamedType;

namespace detail {
class OpenFile;
struct Node;
}  // namespace detail

// Kind of object a path names.
enum class ObjectKind {
  group,
  dataset,
  datatype,  // a committed (named) datatype, see named_type.hpp
};

// Base of the value handles Group and Dataset. A handle keeps its file's image alive;
// once its object is removed (or its File handle closed), every use throws Error(closed).
// Handles are cheap to copy; copies refer to the same object.
class Object {
 public:
  // Absolute path of the object now (it follows moves), e.g. "/sim/fields/temp".
  // Throws Error(closed) if the object was removed or the file closed.
  std::string path() const;
  // Name of the file the object lives in, e.g. "mem://run42".
  const std::string& file_name() const;
  // The attributes of this object.
  AttributeSet attrs() const;
  // The file this object belongs to, sharing this handle's open.
  File file() const;
  // True while the object exists and its file handle is open.
  bool valid() const noexcept;
  ObjectKind kind() const;

  // A reference to this object (see reference.hpp). Throws Error(closed).
  ObjectRef ref() const;
  // This object as a Dataset / Group / NamedType handle. Throws type_mismatch for another kind,
  // closed for an empty handle.
  Dataset to_dataset() const;
  Group to_group() const;
  NamedType to_named_type() const;

  // Handles compare equal when they refer to the same object.
  friend bool operator==(const Object& a, const Object& b) noexcept { return a.node_ == b.node_; }

 protected:
  Object() = default;
  Object(std::shared_ptr<detail::OpenFile> file, std::shared_ptr<detail::Node> node)
      : file_(std::move(file)), node_(std::move(node)) {}

  std::shared_ptr<detail::OpenFile> file_;
  std::shared_ptr<detail::Node> node_;

  friend class AttributeSet;
};

}  // namespace h5mem
